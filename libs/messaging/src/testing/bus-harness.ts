// Test helpers for the JetStream transport: a private nats-server per spec
// file, small Nest apps served by `JetStreamServer`, and polling helpers.
// Only specs import this; it is not exported from the library's index.
import type { BusUser, StreamSpec } from '@ir/contracts';
import { natsCredentials, type NatsEndpoint } from '@ir/testing';
import { Module, type INestApplication, type LoggerService, type ModuleMetadata, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BusClient } from '../bus-client';
import { startBusServer } from '../messaging.module';
import { NatsBus } from '../nats-bus';
import type { StreamPlacement } from '../provisioning';

export { startPrivateNats, startPrivateNatsCluster, type NatsEndpoint, type PrivateNats, type PrivateNatsCluster } from '@ir/testing';

/** Keeps what the transport logs, so a spec can assert on it and a failure can show it. */
export class RecordingLogger implements LoggerService {
  readonly entries: { level: string; message: string; rest: unknown[] }[] = [];
  log(message: unknown, ...rest: unknown[]): void {
    this.entries.push({ level: 'log', message: String(message), rest });
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.entries.push({ level: 'error', message: String(message), rest });
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.entries.push({ level: 'warn', message: String(message), rest });
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.entries.push({ level: 'debug', message: String(message), rest });
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.entries.push({ level: 'verbose', message: String(message), rest });
  }
  at(level: string): { message: string; rest: unknown[] }[] {
    return this.entries.filter((e) => e.level === level);
  }
}

export interface ServiceHandle {
  readonly app: INestApplication;
  readonly bus: NatsBus;
  readonly logger: RecordingLogger;
  /** Closes the app (and so the bus server), then the connection unless it is already closed. */
  close(): Promise<void>;
}

let connections = 0;

/** A connection to the spec's private NATS, as its admin unless the spec says which user. */
export async function connectBus(nats: NatsEndpoint, name = `spec-${++connections}`, user: BusUser = 'admin'): Promise<NatsBus> {
  return NatsBus.connect({ servers: nats.servers, name, credentials: natsCredentials(nats, user) });
}

/**
 * One replica of a service: its own NATS connection and a Nest app whose
 * controllers are served by the JetStream transport.
 */
export async function startService(
  nats: NatsEndpoint,
  opts: {
    service: string;
    controllers: Type<unknown>[];
    imports?: ModuleMetadata['imports'];
    streams?: readonly StreamSpec[];
    placement?: StreamPlacement;
  },
): Promise<ServiceHandle> {
  const bus = await connectBus(nats, `${opts.service}-${++connections}`);
  const logger = new RecordingLogger();
  @Module({ controllers: opts.controllers, imports: opts.imports ?? [] })
  class SpecServiceModule {}
  // abortOnError: false, so a failing start rejects here instead of exiting the jest worker.
  const app = await NestFactory.create(SpecServiceModule, { logger: false, abortOnError: false });
  try {
    await startBusServer(app, bus, { service: opts.service, streams: opts.streams ?? [], placement: opts.placement, logger });
  } catch (error) {
    await app.close().catch(() => undefined);
    await bus.drain().catch(() => undefined);
    throw error;
  }
  let closed = false;
  return {
    app,
    bus,
    logger,
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
      if (!bus.nc.isClosed()) await bus.drain();
    },
  };
}

export function client(bus: NatsBus, defaultTimeoutMs = 2000): BusClient {
  return new BusClient(bus, defaultTimeoutMs);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns true; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 5000, everyMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** A promise with its resolve exposed, to hold a handler until the test lets it go. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Every message stored on `stream` (optionally only `subject`), decoded as JSON, oldest first. */
export async function readStream(bus: NatsBus, stream: string, subject?: string): Promise<unknown[]> {
  const info = await bus.jsm.streams.info(stream);
  const out: unknown[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const msg = await bus.jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (msg && (!subject || msg.subject === subject)) out.push(msg.json());
  }
  return out;
}

/** A test stream that owns `<prefix>.>`. */
export function testStream(name: string, prefix: string, retention: StreamSpec['retention'] = 'limits'): StreamSpec {
  return { name, subjects: [`${prefix}.>`], retention, maxAgeSeconds: 3600, duplicateWindowSeconds: 60 };
}
