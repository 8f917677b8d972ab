import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port';
import { ManagedProcess } from './process';
import { repoRoot } from './repo-root';

export interface NatsHandle {
  url: string;
  monitorUrl: string;
  process: ManagedProcess;
}

const NATS_BINARY = process.env.NATS_SERVER_BIN ?? 'nats-server';
/** The same settings as production (docker-compose mounts this file too). */
const SERVER_CONFIG = join(repoRoot, 'deploy', 'nats.conf');

/**
 * A private JetStream-enabled nats-server on loopback. Started again with the same `dataDir` and
 * `port` (a supervised restart), it finds its streams and consumers where it left them.
 */
export async function startNats(opts: {
  dataDir: string;
  logFile: string;
  port?: number;
  signal?: AbortSignal;
  /** Own process group: a terminal's Ctrl-C reaches only the supervisor, which stops NATS last. */
  detached?: boolean;
}): Promise<NatsHandle> {
  const storeDir = join(opts.dataDir, 'jetstream');
  mkdirSync(storeDir, { recursive: true });
  const port = opts.port ?? (await freePort());
  const monitorPort = await freePort();
  const child = ManagedProcess.spawn({
    name: 'nats-server',
    command: NATS_BINARY,
    args: ['-c', SERVER_CONFIG, '-js', '-a', '127.0.0.1', '-p', String(port), '-m', String(monitorPort), '-sd', storeDir],
    logFile: opts.logFile,
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
  return { url: `nats://127.0.0.1:${port}`, monitorUrl, process: child };
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
