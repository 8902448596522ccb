import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { meshServices, serviceNames, type ServiceName } from "@wms/proto/services";
import { addressVariable, checkPortsFree } from "@wms/service";

// Every service of the mesh as its own OS process (what a deployment runs), on one machine:
// `npm run mesh` and the multi-process tests start it through launchMesh().

/** How to start one process of the mesh: a command whose last argument will be the process's role. */
export interface ProcessCommand {
  command: string;
  args: string[];
  cwd?: string;
}

export interface LaunchOptions {
  run: ProcessCommand;
  /** The environment of every process (DATABASE_URL, REDIS_URLS, DATA_DIR, …). */
  env: NodeJS.ProcessEnv;
  /** Processes per service; default two order and two warehouse, one of each other. */
  replicas?: Partial<Record<ServiceName, number>>;
  /** Ports per service, one per replica; default the service's port, then +10, +20, … */
  ports?: Partial<Record<ServiceName, number[]>>;
  gatewayPort?: number;
  /**
   * Each process's Prometheus port (METRICS_PORT): a first port (the others follow one apart
   * in start order; default 9464), or one per process name (`order-2`, `gateway`; 0 lets the
   * process pick a free one).
   */
  metricsPort?: number | ((processName: string) => number);
  /** The address every process listens on and is called at; default 127.0.0.1. */
  host?: string;
  /** Receives every output line, prefixed with its process's name; default stdout. */
  output?: (line: string) => void;
  /** How long one process may take to listen; default 60 s. */
  startTimeoutMs?: number;
}

export interface MeshProcess {
  /** `order-2`, `gateway`, … */
  readonly name: string;
  readonly role: ServiceName | "gateway" | "migrate";
  readonly port: number;
  /** The current OS process (a new one after restart()). */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Resolves with the exit code (or signal name) of the current OS process. */
  exited(): Promise<number | string>;
  /** Sends `signal` and waits for the exit; SIGKILL after `killAfterMs` (default 20 s). */
  stop(signal?: NodeJS.Signals, killAfterMs?: number): Promise<number | string>;
  /** Starts the process again on the same port with the same environment, once it has exited. */
  restart(): Promise<void>;
}

export interface LaunchedMesh {
  readonly processes: MeshProcess[];
  /** `replica("order", 1)` is the second order process. */
  replica(service: ServiceName | "gateway", index?: number): MeshProcess;
  readonly restUrl: string;
  /** Each service's comma-separated replica addresses, as its peers are given them. */
  readonly addresses: Record<ServiceName, string>;
  /** Stops every process (SIGTERM, SIGKILL after `killAfterMs`). */
  stop(killAfterMs?: number): Promise<void>;
}

export const defaultReplicas: Record<ServiceName, number> = { ...Object.fromEntries(serviceNames.map((name) => [name, 1])), warehouse: 2, order: 2 } as Record<ServiceName, number>;
const REPLICA_PORT_STEP = 10;

/**
 * Runs `migrate` once (so replicas never race to migrate), then every replica with
 * MIGRATE=false, then the gateway, each waited for until it listens. Rejects, with the
 * failing process's output, if any process exits before it listens.
 */
export async function launchMesh(options: LaunchOptions): Promise<LaunchedMesh> {
  const host = options.host ?? "127.0.0.1";
  const output = options.output ?? ((line: string) => process.stdout.write(`${line}\n`));
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const plan = serviceNames.flatMap((service) => {
    const count = options.replicas?.[service] ?? defaultReplicas[service];
    return Array.from({ length: count }, (_, i) => ({
      service,
      name: count > 1 ? `${service}-${i + 1}` : service,
      port: options.ports?.[service]?.[i] ?? meshServices[service].defaultPort + i * REPLICA_PORT_STEP,
    }));
  });
  const addresses = Object.fromEntries(
    serviceNames.map((service) => [service, plan.filter((p) => p.service === service).map((p) => `${host}:${p.port}`).join(",")]),
  ) as Record<ServiceName, string>;
  const shared: NodeJS.ProcessEnv = { ...options.env, HOST: host, MIGRATE: "false" };
  for (const service of serviceNames) shared[addressVariable(service)] = addresses[service];
  const order = [...plan.map((p) => p.name), "gateway"];
  const chosen = options.metricsPort ?? 9464;
  const metricsPort = typeof chosen === "number" ? (name: string) => chosen + order.indexOf(name) : chosen;
  const width = Math.max(...plan.map((p) => p.name.length), "gateway".length, "migrate".length);

  const gatewayPort = options.gatewayPort ?? 8080;
  // Checked first: a process that cannot bind would look ready to a port probe.
  await checkPortsFree([
    ...plan.map((p) => ({ variable: `${p.name} port`, host, port: p.port })),
    { variable: "GATEWAY_PORT", host, port: gatewayPort },
  ]);

  const migrate = new ManagedProcess("migrate", "migrate", 0, options.run, options.env, width, output);
  const migrated = await migrate.exited();
  if (migrated !== 0) throw new Error(`migrate exited with ${migrated}:\n${migrate.recentOutput()}`);

  const processes: ManagedProcess[] = [];
  const stopAll = async (killAfterMs = 20_000) => {
    await Promise.all(processes.map((p) => p.stop("SIGTERM", killAfterMs)));
  };
  try {
    const services = plan.map((p) => new ManagedProcess(p.name, p.service, p.port, options.run, { ...shared, PORT: String(p.port), METRICS_PORT: String(metricsPort(p.name)) }, width, output));
    processes.push(...services);
    await Promise.all(services.map((p) => p.listening(host, startTimeoutMs)));
    const gateway = new ManagedProcess("gateway", "gateway", gatewayPort, options.run, { ...shared, GATEWAY_HOST: host, GATEWAY_PORT: String(gatewayPort), METRICS_PORT: String(metricsPort("gateway")) }, width, output);
    processes.push(gateway);
    await gateway.listening(host, startTimeoutMs);
  } catch (err) {
    await stopAll(5_000);
    throw err;
  }
  return {
    processes,
    replica(role, index = 0) {
      const found = processes.filter((p) => p.role === role)[index];
      if (!found) throw new Error(`no ${role} replica ${index + 1}`);
      return found;
    },
    restUrl: `http://${host.includes(":") ? `[${host}]` : host}:${gatewayPort}`,
    addresses,
    stop: stopAll,
  };
}

/** One role's OS process: spawned now, restartable, its output prefixed line by line. */
class ManagedProcess implements MeshProcess {
  private child!: ChildProcess;
  private exit!: Promise<number | string>;
  private done = false;
  private tail: string[] = [];

  constructor(
    readonly name: string,
    readonly role: ServiceName | "gateway" | "migrate",
    readonly port: number,
    private readonly run: ProcessCommand,
    private readonly env: NodeJS.ProcessEnv,
    private readonly width: number,
    private readonly output: (line: string) => void,
  ) {
    this.spawn();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }
  get running(): boolean {
    return !this.done;
  }

  exited(): Promise<number | string> {
    return this.exit;
  }

  /** The last lines this process printed, for an error message. */
  recentOutput(): string {
    return this.tail.join("\n");
  }

  async stop(signal: NodeJS.Signals = "SIGTERM", killAfterMs = 20_000): Promise<number | string> {
    if (this.done) return this.exit;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill("SIGKILL"), killAfterMs);
    const code = await this.exit;
    clearTimeout(timer);
    return code;
  }

  async restart(): Promise<void> {
    if (!this.done) throw new Error(`${this.name} is still running`);
    this.spawn();
    await this.listening(this.env.HOST ?? "127.0.0.1", 60_000);
  }

  /** Resolves once the port accepts connections; rejects if the process exits first. */
  async listening(host: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await accepts(host, this.port))) {
      if (this.done) throw new Error(`${this.name} exited with ${await this.exit} before listening on ${this.port}:\n${this.recentOutput()}`);
      if (Date.now() > deadline) throw new Error(`${this.name} not listening on ${this.port} after ${timeoutMs} ms:\n${this.recentOutput()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    if (this.done) throw new Error(`${this.name} exited; port ${this.port} is held by another process`);
  }

  private spawn(): void {
    this.done = false;
    // Its own process group: a terminal's Ctrl-C reaches only the launcher, which then sends
    // each process one SIGTERM (a second signal would make a process skip its drain).
    this.child = spawn(this.run.command, [...this.run.args, this.role], { cwd: this.run.cwd, env: this.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    const orphanGuard = () => this.child.kill("SIGKILL");
    process.once("exit", orphanGuard);
    const prefix = `${this.name.padEnd(this.width)} | `;
    for (const stream of [this.child.stdout, this.child.stderr]) {
      let partial = "";
      stream?.on("data", (chunk: Buffer) => {
        const lines = (partial + chunk.toString()).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) this.line(prefix, line);
      });
      stream?.on("end", () => partial && this.line(prefix, partial));
    }
    this.exit = new Promise((resolve) => {
      this.child.on("exit", (code, signal) => {
        process.off("exit", orphanGuard);
        this.done = true;
        resolve(code ?? signal ?? "unknown");
      });
    });
  }

  private line(prefix: string, line: string): void {
    this.tail.push(line);
    if (this.tail.length > 40) this.tail.shift();
    this.output(prefix + line);
  }
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => finish(true));
    socket.once("error", () => finish(false));
    socket.setTimeout(1_000, () => finish(false));
  });
}
