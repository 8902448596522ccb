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

/** A client of every service as an outside caller has them (no credential): one channel each, closed together. */
export type MeshClients = { [N in ServiceName]: PromiseClient<ServiceDefinitionOf<N>> } & { close(): void };

export function meshClients(addresses: Record<ServiceName, string>): MeshClients {
  const clients = serviceNames.map((name) => [name, createClient(meshServices[name].definition, addresses[name])] as const);
  return { ...Object.fromEntries(clients), close: () => clients.forEach(([, client]) => client.close()) } as MeshClients;
}
