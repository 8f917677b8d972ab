import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { RunningSystem } from '../tools/infra/services';
import { natsConnectOptions, type NatsEndpoint } from '../test/support/nats-login';
/** What every benchmark gets: the running system, a logged-in user, and the servers behind it. */
export interface BenchContext {
  readonly apiUrl: string;
  readonly accessToken: string;
  /** Logs the benchmark user in again: a new access token, which lists the projects it is in now. */
  login(): Promise<string>;
  /** The running services, for benchmarks that add replicas or read their processes. */
  readonly system: RunningSystem;
  readonly mongoUri: string;
  /** The system's NATS server (logged in to as its admin), to wait for the bus to be quiet before measuring. */
  readonly nats: NatsEndpoint;
  /** The services' database prefix, for benchmarks that seed or read storage directly. */
  readonly dbPrefix: string;
  readonly seconds: number;
  readonly connections: number;
  /** Where scratch files and logs go. */
  readonly dir: string;
}

export interface BenchResult {
  readonly name: string;
  /** Human-readable lines printed after the run. */
  readonly lines: string[];
  /** Written as JSON under bench/results/. */
  readonly figures: Record<string, unknown>;
}

/** The comparator's default DRIFT_CHANGE_DEBOUNCE: registry changes re-compare their database this long after. */
const DRIFT_CHANGE_DEBOUNCE_MS = 5_000;
/** Time for the re-compare that the debounce schedules to run. */
const RECOMPARE_MS = 2_000;

/**
 * Waits until every durable consumer on the bus has handled what it was sent, then for the
 * re-compare that the last registry change scheduled: seeding a benchmark through the API
 * publishes thousands of registry events, and handling them would otherwise run beside the
 * measured requests and their baseline.
 */
export async function settle(ctx: Pick<BenchContext, 'nats'>): Promise<void> {
  const nc = await connect(natsConnectOptions(ctx.nats));
  try {
    const jsm = await jetstreamManager(nc);
    for (;;) {
      let pending = 0;
      for await (const stream of jsm.streams.list()) {
        for await (const consumer of jsm.consumers.list(stream.config.name)) pending += consumer.num_pending + consumer.num_ack_pending;
      }
      if (pending === 0) break;
      await sleep(250);
    }
  } finally {
    await nc.close();
  }
  await sleep(DRIFT_CHANGE_DEBOUNCE_MS + RECOMPARE_MS);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function api(
  ctx: Pick<BenchContext, 'apiUrl' | 'accessToken'>,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<unknown> {
  const response = await fetch(`${ctx.apiUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.accessToken}`, ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : undefined;
}
