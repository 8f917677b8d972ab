// The comparator hears which syncs run from their events, on a private nats-server with the
// generated permissions: the comparator's user listens, the sync-executor's publishes.
import { SyncEvents, type SyncFact } from '@ir/contracts';
import { NatsBus } from '@ir/messaging';
import { natsCredentials, startPrivateNats, type PrivateNats } from '@ir/testing';
import { ForegroundWork } from './foreground-work';
import { RunningSyncsListener } from './running-syncs.listener';

const YIELD_MAX_MS = 60_000;
const encoder = new TextEncoder();

let nats: PrivateNats;
let comparatorBus: NatsBus;
let executorBus: NatsBus;
let foreground: ForegroundWork;
let listener: RunningSyncsListener;

function fact(syncId: string, status: SyncFact['status']): SyncFact {
  return {
    sync_id: syncId,
    database_id: 'b'.repeat(24),
    status,
    progress: 0,
    steps_done: 0,
    steps_total: 20,
    error: null,
    at: new Date().toISOString(),
  };
}

/** Published as the executor publishes its facts, and flushed through the server to the listener. */
async function publish(kind: keyof typeof SyncEvents, payload: SyncFact | string): Promise<void> {
  executorBus.nc.publish(SyncEvents[kind].subject, encoder.encode(typeof payload === 'string' ? payload : JSON.stringify(payload)));
  await executorBus.nc.flush();
  await comparatorBus.nc.flush();
  await new Promise((resolve) => setTimeout(resolve, 50));
}

beforeAll(async () => {
  nats = await startPrivateNats();
  comparatorBus = await NatsBus.connect({ servers: nats.url, name: 'comparator-spec', credentials: natsCredentials(nats, 'comparator') });
  executorBus = await NatsBus.connect({ servers: nats.url, name: 'executor-spec', credentials: natsCredentials(nats, 'sync-executor') });
});

afterAll(async () => {
  await comparatorBus?.nc.close();
  await executorBus?.nc.close();
  await nats?.stop();
});

beforeEach(async () => {
  foreground = new ForegroundWork({ DRIFT_SCAN_YIELD: true, DRIFT_SCAN_YIELD_MAX: YIELD_MAX_MS });
  listener = new RunningSyncsListener(comparatorBus, foreground);
  listener.onApplicationBootstrap();
  await comparatorBus.nc.flush();
});

afterEach(() => listener.onApplicationShutdown());

describe('RunningSyncsListener', () => {
  it('takes a sync as running from its start until its end, and lets a waiting scan go then', async () => {
    await publish('started', fact('sync-1', 'running'));
    await publish('progress', fact('sync-1', 'running'));
    expect(foreground.busy()).toBe(true);

    let resumed = false;
    const waiting = foreground.turn().then(() => (resumed = true));
    await publish('completed', fact('sync-1', 'completed'));
    await waiting;
    expect(resumed).toBe(true);
    expect(foreground.busy()).toBe(false);
  });

  it('waits for every running sync, whichever way each ends', async () => {
    await publish('started', fact('sync-a', 'running'));
    await publish('started', fact('sync-b', 'running'));
    await publish('failed', fact('sync-a', 'failed'));
    expect(foreground.busy()).toBe(true);
    await publish('cancelled', fact('sync-b', 'cancelled'));
    expect(foreground.busy()).toBe(false);
  });

  it('yields to no sync that waits for an approval, nor to a message it cannot read', async () => {
    await publish('approvalRequested', fact('sync-2', 'awaiting_approval'));
    await publish('started', 'not json');
    await publish('started', JSON.stringify({ sync_id: 'sync-3' }));
    expect(foreground.busy()).toBe(false);
  });
});
