// The process's connection when its NATS server goes away and comes back, against a real private nats-server.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineRpc, DomainError, ErrorCode } from '@ir/contracts';
import { z } from 'zod';
import { startNats, type NatsHandle } from '../../../tools/infra/nats';
import { isRefusedLogin, NatsBus } from './nats-bus';
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
    bus = await connectBus({ servers: nats.url, credentialsDir: nats.credentialsDir }, 'spec-nats-bus');
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

  it('gives up a connection whose server stopped answering without closing it, and reconnects', async () => {
    // Between the client and NATS: a relay that can go silent with its connections open, as a
    // machine that lost power or a network partition would (a killed process closes its sockets).
    const relay = await silentableRelay(Number(new URL(nats.url).port));
    const relayed = await connectBus(
      { servers: `nats://127.0.0.1:${relay.port}`, credentialsDir: nats.credentialsDir },
      'spec-nats-bus-relayed',
    );
    try {
      const events: { type: string; at: number }[] = [];
      void (async () => {
        for await (const status of relayed.nc.status()) events.push({ type: status.type, at: Date.now() });
      })();
      expect(relayed.isConnected()).toBe(true);
      relay.silence();
      const silencedAt = Date.now();
      await waitFor(
        'the client to give the silent connection up and connect again',
        () => events.some((e) => e.type === 'reconnect'),
        30_000,
        100,
      );
      const gaveUp = events.find((e) => e.type === 'disconnect');
      // nats.js' default is a ping every 2 minutes, two unanswered: minutes with a dead connection.
      expect(gaveUp!.at - silencedAt).toBeLessThan(20_000);
      expect(relayed.isConnected()).toBe(true);
    } finally {
      await relayed.nc.close();
      await relay.close();
    }
  });
});

describe('a login NATS does not take', () => {
  let dir: string;
  let nats: NatsHandle;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ir-spec-nats-login-'));
    nats = await startNats({ dataDir: join(dir, 'data'), logFile: join(dir, 'nats.log') });
  });

  afterAll(async () => {
    await nats?.process.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const refusal = (servers: string, password: string): Promise<unknown> =>
    NatsBus.connect({ servers, name: 'spec-login', credentials: { user: 'registry', password }, connectTimeoutMs: 10_000 }).then(
      async (bus) => {
        await bus.nc.close();
        throw new Error('connected');
      },
      (error: unknown) => error,
    );

  it('is refused for good with a wrong password', async () => {
    expect(isRefusedLogin(await refusal(nats.url, 'not-the-password'))).toBe(true);
  });

  it('is worth another try when the client was too slow to send it (the server timed the login out)', async () => {
    // The relay holds the client's bytes past nats-server's 2 s authentication timeout, as a starved CPU would.
    const relay = await silentableRelay(Number(new URL(nats.url).port), { holdClientBytesMs: 3_500 });
    try {
      const error = await refusal(`nats://127.0.0.1:${relay.port}`, nats.passwords.registry);
      expect(String(error)).toMatch(/authentication timeout/i);
      expect(isRefusedLogin(error)).toBe(false);
    } finally {
      await relay.close();
    }
  });
});

/** A TCP relay to `port` whose open connections can be made to drop every byte, both ways, without closing. */
async function silentableRelay(
  port: number,
  opts: { holdClientBytesMs?: number } = {},
): Promise<{ port: number; silence(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let silenced: Socket[] = [];
  const server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    const forward = (from: Socket, to: Socket) => from.on('data', (chunk: Buffer) => silenced.includes(from) || to.write(chunk));
    // With holdClientBytesMs, what the client sends first reaches the server only after that delay.
    if (opts.holdClientBytesMs) {
      client.pause();
      setTimeout(() => client.resume(), opts.holdClientBytesMs);
    }
    forward(client, upstream);
    forward(upstream, client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    silence: () => (silenced = [...sockets]),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
