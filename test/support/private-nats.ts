import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNats } from '../../tools/infra/nats';
import { startNatsCluster, type NatsCluster } from '../../tools/infra/nats-cluster';
import type { NatsEndpoint } from './nats-login';

export interface PrivateNats extends NatsEndpoint {
  readonly url: string;
  readonly servers: string;
  readonly logTail: () => string;
  stop(): Promise<void>;
}

/**
 * A throw-away JetStream nats-server in a temp dir, for a spec whose subjects
 * must not reach the shared test system (where real services answer them).
 */
export async function startPrivateNats(prefix = 'ir-spec-nats-'): Promise<PrivateNats> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const nats = await startNats({ dataDir: join(dir, 'data'), logFile: join(dir, 'nats-server.log') });
  return {
    url: nats.url,
    servers: nats.url,
    credentialsDir: nats.credentialsDir,
    logTail: () => nats.process.logTail(),
    stop: async () => {
      await nats.process.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PrivateNatsCluster extends NatsCluster, NatsEndpoint {
  /** The temp directory of the nodes' stores and logs (logs/nats-n1.log, ...). */
  readonly dir: string;
}

/** A throw-away three-node JetStream cluster in a temp dir; `stop` removes the dir unless KEEP_TEST_INFRA is set. */
export async function startPrivateNatsCluster(prefix = 'ir-spec-nats-cluster-'): Promise<PrivateNatsCluster> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const cluster = await startNatsCluster({ dataDir: join(dir, 'data'), logDir: join(dir, 'logs') });
  return {
    ...cluster,
    servers: cluster.urls.split(','),
    dir,
    stop: async () => {
      await cluster.stop();
      if (!process.env.KEEP_TEST_INFRA) rmSync(dir, { recursive: true, force: true });
    },
  };
}
