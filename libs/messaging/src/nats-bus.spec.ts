// The process's connection when its NATS server goes away and comes back, against a real private nats-server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineRpc, DomainError, ErrorCode } from '@ir/contracts';
import { z } from 'zod';
import { startNats, type NatsHandle } from '../../../tools/infra/nats';
import type { NatsBus } from './nats-bus';
import { client, connectBus, waitFor } from './testing/bus-harness';

jest.setTimeout(30_000);

const Nobody = defineRpc('registry.rpc.thing.nobody', z.object({}), z.object({}));

describe('NatsBus when its server goes away', () => {
  let dir: string;
  let nats: NatsHandle;
  let bus: NatsBus;
  const start = (port?: number) => startNats({ dataDir: join(dir, 'data'), logFile: join(dir, 'nats.log'), port });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ir-spec-nats-bus-'));
    nats = await start();
    bus = await connectBus(nats.url, 'spec-nats-bus');
  });

  afterAll(async () => {
    await bus?.nc.close();
    await nats?.process.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function failure(send: () => Promise<unknown>): Promise<{ error: DomainError; ms: number }> {
    const started = Date.now();
    const error = await send().then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
    return { error, ms: Date.now() - started };
  }

  it('answers SERVICE_UNAVAILABLE naming NATS at once while no server is there, and reconnects by itself', async () => {
    const bus5s = client(bus, 5_000);
    // Connected: nobody answers this subject, and the error names the service that should.
    const before = await failure(() => bus5s.request(Nobody, {}));
    expect(before.error.details).toEqual({ service: 'registry' });
    expect(bus.isConnected()).toBe(true);

    await nats.process.kill9();
    await waitFor('the client to see the connection gone', () => !bus.isConnected(), 5_000);
    // Not after the 5 s time limit, as a 504 naming the registry: at once, naming NATS.
    const during = await failure(() => bus5s.request(Nobody, {}));
    expect(during.error.code).toBe(ErrorCode.unavailable);
    expect(during.error.message).toBe('the message bus (NATS) is unavailable');
    expect(during.error.details).toEqual({ dependency: 'nats' });
    expect(during.ms).toBeLessThan(500);

    nats = await start(Number(new URL(nats.url).port));
    await waitFor('the client to reconnect', () => bus.isConnected(), 10_000);
    const after = await failure(() => bus5s.request(Nobody, {}));
    expect(after.error.details).toEqual({ service: 'registry' });
  });
});
