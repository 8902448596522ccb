import { createClient, type PromiseClient, type ServiceCredentials } from "@wms/grpc";
import { meshServices, serviceNames, type ServiceDefinitionOf, type ServiceName } from "@wms/proto/services";

/**
 * Clients for the other services, one method per service (`peers.warehouse()`), each made on
 * first use and calling with this service's credential.
 */
export type Peers = { [N in ServiceName]: () => PromiseClient<ServiceDefinitionOf<N>> } & {
  /** Closes every client made so far. */
  close(): void;
};

export function createPeers(addresses: Record<ServiceName, string>, credentials: ServiceCredentials): Peers {
  const clients = new Map<ServiceName, { close(): void }>();
  const peers: Record<string, unknown> = {
    close() {
      for (const client of clients.values()) client.close();
      clients.clear();
    },
  };
  for (const name of serviceNames) {
    peers[name] = () => {
      let client = clients.get(name);
      if (!client) {
        client = createClient(meshServices[name].definition, addresses[name], credentials);
        clients.set(name, client);
      }
      return client;
    };
  }
  return peers as Peers;
}
