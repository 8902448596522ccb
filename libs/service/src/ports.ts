import { createServer } from "node:net";
import { ConfigError } from "@wms/config";

/** A port a process is about to listen on, and the variable that chose it. */
export interface PortClaim {
  variable: string;
  host: string;
  port: number;
}

/**
 * Checks, before anything listens, that every claimed port is free and claimed once, so a
 * clash is reported by its variable (`PRODUCT_PORT=50053 is in use`) while nothing is open
 * yet. Port 0 (any free port) is never checked. Throws ConfigError naming every clash.
 */
export async function checkPortsFree(claims: PortClaim[]): Promise<void> {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const claim of claims) {
    if (claim.port === 0) continue;
    const key = `${claim.host}:${claim.port}`;
    const earlier = seen.get(key);
    if (earlier) {
      problems.push(`${claim.variable}=${claim.port} is the same port as ${earlier}`);
      continue;
    }
    seen.set(key, claim.variable);
    const failure = await tryListen(claim.host, claim.port);
    if (failure === "EADDRINUSE") problems.push(`${claim.variable}=${claim.port} is in use (${key})`);
    else if (failure !== undefined) problems.push(`${claim.variable}=${claim.port} cannot be opened on ${claim.host} (${failure})`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

/** undefined when host:port could be listened on (and was closed again), else the error code. */
function tryListen(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}
