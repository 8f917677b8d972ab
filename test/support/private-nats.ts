import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNats } from '../../tools/infra/nats';

export interface PrivateNats {
  readonly url: string;
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
    logTail: () => nats.process.logTail(),
    stop: async () => {
      await nats.process.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
