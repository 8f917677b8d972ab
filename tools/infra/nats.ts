import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadOrCreateBusPasswords, natsServerPasswordEnv, type BusPasswords } from './bus-credentials';
import { freePort } from './free-port';
import { ManagedProcess } from './process';
import { repoRoot } from './repo-root';

export interface NatsHandle {
  url: string;
  monitorUrl: string;
  process: ManagedProcess;
  /** The directory of the users' password files (see bus-credentials.ts). */
  credentialsDir: string;
  passwords: BusPasswords;
}

/** Membership of a JetStream cluster: this node's name, its route port, and every node's route URL. */
export interface NatsClusterMembership {
  /** The cluster's name; the same on every node. */
  readonly name: string;
  /** This node's server name: JetStream's RAFT groups know their peers by it, so a restart must keep it. */
  readonly serverName: string;
  readonly port: number;
  /** Every node's route (`nats-route://127.0.0.1:<port>`), this one's included: nats-server skips itself. */
  readonly routes: readonly string[];
}

const NATS_BINARY = process.env.NATS_SERVER_BIN ?? 'nats-server';
/** The same settings, users and permissions as production (docker-compose mounts these files too). */
const SERVER_CONFIG = join(repoRoot, 'deploy', 'nats.conf');

/**
 * A private JetStream-enabled nats-server on loopback, closed as every deployment is: each user logs
 * in with its password from `credentialsDir` (created there when missing). Started again with the
 * same `dataDir`, `port` and `credentialsDir` (a supervised restart), it finds its streams and
 * consumers where it left them, and the services' passwords still valid.
 */
export async function startNats(opts: {
  dataDir: string;
  logFile: string;
  /** The users' password files; `<dataDir>/credentials` when absent. */
  credentialsDir?: string;
  port?: number;
  /** The monitoring port; a free one when absent. */
  monitorPort?: number;
  /** A node of a cluster (see nats-cluster.ts); a server of its own when absent. */
  cluster?: NatsClusterMembership;
  signal?: AbortSignal;
  /** Own process group: a terminal's Ctrl-C reaches only the supervisor, which stops NATS last. */
  detached?: boolean;
}): Promise<NatsHandle> {
  const storeDir = join(opts.dataDir, 'jetstream');
  mkdirSync(storeDir, { recursive: true });
  const credentialsDir = opts.credentialsDir ?? join(opts.dataDir, 'credentials');
  const passwords = loadOrCreateBusPasswords(credentialsDir);
  const port = opts.port ?? (await freePort());
  const monitorPort = opts.monitorPort ?? (await freePort());
  const cluster = opts.cluster;
  const clusterArgs = cluster
    ? [
        '--server_name',
        cluster.serverName,
        '--cluster_name',
        cluster.name,
        '--cluster',
        `nats://127.0.0.1:${cluster.port}`,
        '--routes',
        cluster.routes.join(','),
      ]
    : [];
  const child = ManagedProcess.spawn({
    name: cluster?.serverName ?? 'nats-server',
    command: NATS_BINARY,
    args: ['-c', SERVER_CONFIG, '-js', '-a', '127.0.0.1', '-p', String(port), '-m', String(monitorPort), '-sd', storeDir, ...clusterArgs],
    logFile: opts.logFile,
    // In its environment, never its arguments: a process list shows arguments to anyone.
    env: natsServerPasswordEnv(passwords),
    detached: opts.detached,
  });
  const monitorUrl = `http://127.0.0.1:${monitorPort}`;
  try {
    // healthz with js-enabled-only answers 200 once JetStream is usable, which
    // a bare TCP connect would not tell us.
    await child.waitForHttpOk(`${monitorUrl}/healthz?js-enabled-only=true`, 20_000, opts.signal);
  } catch (error) {
    await child.stop();
    throw missingBinaryHint(error, 'nats-server', 'apt-get install nats-server (or run scripts/setup.sh)');
  }
  return { url: `nats://127.0.0.1:${port}`, monitorUrl, process: child, credentialsDir, passwords };
}

/** Turns ENOENT on spawn into an actionable message. */
export function missingBinaryHint(error: unknown, binary: string, install: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  return message.includes('ENOENT')
    ? new Error(`${binary} is not installed: ${install}\n${message}`)
    : error instanceof Error
      ? error
      : new Error(message);
}
