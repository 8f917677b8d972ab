import { join } from 'node:path';
import { loadOrCreateBusPasswords, type BusPasswords } from './bus-credentials';
import { freePort } from './free-port';
import { startNats, type NatsClusterMembership } from './nats';
import { httpStatus, type ManagedProcess } from './process';

/** How long a node (or the whole cluster) may take to be healthy again; JetStream elections take seconds. */
const HEALTHY_TIMEOUT_MS = 60_000;
const POLL_MS = 200;

/** One node of a private cluster: killed and started again on the same ports, with the same name and store. */
export interface NatsClusterNode {
  /** `n1`, `n2`, ...: its server name, which its JetStream peers know it by. */
  readonly name: string;
  /** nats://127.0.0.1:<client port> */
  readonly url: string;
  readonly monitorUrl: string;
  readonly running: boolean;
  /** The node's process while it runs (its log file stays the same across restarts). */
  readonly process: ManagedProcess | undefined;
  /** SIGKILL: no goodbye to its peers or clients, as a crashed machine. */
  kill(): Promise<void>;
  /** Starts it again; resolves once it serves clients with JetStream enabled (not yet caught up: see `healthy`). */
  start(): Promise<void>;
}

export interface NatsCluster {
  readonly nodes: readonly NatsClusterNode[];
  /** Every node's client URL, comma-separated, as NATS_URL takes them. */
  readonly urls: string;
  /** The users' password files, the same for every node (see bus-credentials.ts). */
  readonly credentialsDir: string;
  readonly passwords: BusPasswords;
  /**
   * Resolves once every running node reports itself healthy: in contact with a JetStream meta leader
   * and current on every stream and consumer it holds. Rejects after `timeoutMs`.
   */
  healthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A JetStream cluster of `size` private nats-server processes on loopback, on free ports, each with a
 * store of its own under `dataDir` and a log under `logDir`. Resolves once every node is healthy, so
 * streams with `size` replicas can be created at once. `make start` runs a single server (nats.ts).
 */
export async function startNatsCluster(opts: { dataDir: string; logDir: string; size?: number; name?: string }): Promise<NatsCluster> {
  const size = opts.size ?? 3;
  const clusterName = opts.name ?? 'ir-test';
  const ports = await Promise.all(
    Array.from({ length: size }, async () => ({ client: await freePort(), route: await freePort(), monitor: await freePort() })),
  );
  const routes = ports.map((p) => `nats-route://127.0.0.1:${p.route}`);
  const credentialsDir = join(opts.dataDir, 'credentials');
  const passwords = loadOrCreateBusPasswords(credentialsDir);
  const nodes = ports.map((p, i) => {
    const name = `n${i + 1}`;
    const membership: NatsClusterMembership = { name: clusterName, serverName: name, port: p.route, routes };
    return new ClusterNode(name, p.client, p.monitor, {
      dataDir: join(opts.dataDir, name),
      logFile: join(opts.logDir, `nats-${name}.log`),
      credentialsDir,
      cluster: membership,
    });
  });
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.stop()));
  };
  const cluster: NatsCluster = {
    nodes,
    urls: nodes.map((n) => n.url).join(','),
    credentialsDir,
    passwords,
    healthy: (timeoutMs = HEALTHY_TIMEOUT_MS) =>
      Promise.all(nodes.filter((n) => n.running).map((n) => n.healthy(timeoutMs))).then(() => undefined),
    stop,
  };
  try {
    // Together: a node's JetStream waits for a quorum of its peers before it elects a meta leader.
    await Promise.all(nodes.map((n) => n.start()));
    await cluster.healthy();
  } catch (error) {
    await stop();
    throw error;
  }
  return cluster;
}

class ClusterNode implements NatsClusterNode {
  readonly url: string;
  readonly monitorUrl: string;
  private child: ManagedProcess | undefined;

  constructor(
    readonly name: string,
    private readonly port: number,
    private readonly monitorPort: number,
    private readonly spawnOptions: { dataDir: string; logFile: string; credentialsDir: string; cluster: NatsClusterMembership },
  ) {
    this.url = `nats://127.0.0.1:${port}`;
    this.monitorUrl = `http://127.0.0.1:${monitorPort}`;
  }

  get running(): boolean {
    return this.child !== undefined && !this.child.exited;
  }

  get process(): ManagedProcess | undefined {
    return this.child;
  }

  async start(): Promise<void> {
    if (this.running) throw new Error(`NATS node ${this.name} is already running`);
    const handle = await startNats({ ...this.spawnOptions, port: this.port, monitorPort: this.monitorPort });
    this.child = handle.process;
  }

  async kill(): Promise<void> {
    await this.child?.kill9();
  }

  async stop(): Promise<void> {
    await this.child?.stop();
  }

  async healthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await httpStatus(`${this.monitorUrl}/healthz`)) !== 200) {
      if (!this.running) throw new Error(`NATS node ${this.name} exited:\n${this.child?.logTail() ?? '(never started)'}`);
      if (Date.now() > deadline) throw new Error(`NATS node ${this.name} not healthy after ${timeoutMs} ms:\n${this.child?.logTail()}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
