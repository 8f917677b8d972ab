// The metrics that the alert rules and the dashboard read, scraped from the running services: every
// metric they name is exported by a service, and the per-database drift gauges follow the compares
// (a drifted database shows its counts; after a sync and the next compare, none; deleted, no series).
import type { MongoClient } from 'mongodb';
import { runMonitoringCheck, exportedNameOf, SCRAPE_SERIES } from '../tools/infra/monitoring-check';
import {
  authedApi,
  createTargetDatabase,
  defineIndex,
  loggedInUser,
  mongoClient,
  serviceUrl,
  suffix,
  type AuthedApi,
} from './support/e2e-client';
import { scrape, samplesOf, totalOf, valueOf, type Scrape } from './support/metrics-scrape';

const SERVICES = ['gateway', 'auth', 'registry', 'comparator', 'sync-executor', 'audit'] as const;
/** The comparator reads the snapshots for its gauges every 15 s: a compare shows within that and a slow read. */
const FLEET_VIEW_WAIT_MS = 45_000;

let mongo: MongoClient;
let client: AuthedApi;
let projectId: string;
let databaseId: string;
let databaseName: string;
let targetDb: string;

async function compare(): Promise<Record<string, number>> {
  const res = await client.post('/indexes/compare-by-database?view=summary').send({ database_id: databaseId });
  if (res.status !== 200) throw new Error(`compare failed: ${res.status} ${res.text}`);
  return res.body.totals as Record<string, number>;
}

/** The comparator's drift gauges of the test's database, once they satisfy `until` (bounded wait). */
async function driftGauges(until: (gauges: Record<string, number | undefined>) => boolean): Promise<Record<string, number | undefined>> {
  const deadline = Date.now() + FLEET_VIEW_WAIT_MS;
  for (;;) {
    const scraped = await scrape(serviceUrl('comparator'));
    const labels = { database_id: databaseId };
    const gauges = {
      missing: valueOf(scraped, 'index_registry_drift_missing_indexes', labels),
      redundant: valueOf(scraped, 'index_registry_drift_redundant_indexes', labels),
      different: valueOf(scraped, 'index_registry_drift_different_indexes', labels),
      failed: valueOf(scraped, 'index_registry_drift_failed_collections', labels),
      comparedAt: valueOf(scraped, 'index_registry_drift_last_compare_timestamp_seconds', labels),
    };
    if (until(gauges) || Date.now() > deadline) return gauges;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function waitForSync(syncId: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await client.get(`/indexes/sync-status/${syncId}`);
    const status = res.body.status as string;
    if (['completed', 'partially_failed', 'failed', 'cancelled'].includes(status) || Date.now() > deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  mongo = await mongoClient();
  const user = await loggedInUser('admin');
  projectId = user.projectId;
  client = authedApi(user.tokens.access_token);
  targetDb = `metrics_${suffix()}`;
  const orders = mongo.db(targetDb).collection('orders');
  await orders.insertOne({ status: 1, sku: 'a', legacy: true });
  await orders.createIndex({ status: 1 });
  await orders.createIndex({ legacy: 1 });
  databaseName = `metrics_${suffix()}`;
  ({ id: databaseId } = await createTargetDatabase(client, { project_id: projectId, name: databaseName, db_name: targetDb }));
  // sku_1 missing, legacy_1 redundant, status_1 wanted unique: one of each.
  await defineIndex(client, databaseId, 'orders', [{ field: 'status', value: 1 }], { options: { is_unique: true } });
  await defineIndex(client, databaseId, 'orders', [{ field: 'sku', value: 1 }]);
});

afterAll(async () => {
  await mongo?.db(targetDb).dropDatabase();
  await mongo?.close();
});

describe('per-database drift gauges', () => {
  it("time the new database's scheduled scan, which defining its indexes pulled forward", async () => {
    // Asked before this file's compares and sync: a scheduled compare yields to them (DRIFT_SCAN_YIELD),
    // and the database is deleted below. The scan is asynchronous (a 1 s debounce, then a claim): scraped until timed.
    const scanned = async () => totalOf(await scrape(serviceUrl('comparator')), 'index_registry_scan_duration_seconds_count');
    let count = await scanned();
    for (const until = Date.now() + 30_000; count === 0 && Date.now() < until; count = await scanned()) {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(count).toBeGreaterThan(0);
  });

  it('show a drifted database its counts and the time of its last compare, labelled by id, project and name', async () => {
    const before = Date.now() / 1000;
    expect(await compare()).toMatchObject({ missing: 1, redundant: 1, different: 1 });
    const gauges = await driftGauges((g) => g.missing === 1 && (g.comparedAt ?? 0) >= before - 1);
    expect(gauges).toMatchObject({ missing: 1, redundant: 1, different: 1, failed: 0 });
    // A scheduled scan may have compared again since: the time is that of a compare after this one began.
    expect(gauges.comparedAt).toBeGreaterThanOrEqual(Math.floor(before) - 1);
    expect(gauges.comparedAt).toBeLessThanOrEqual(Date.now() / 1000 + 1);
    const [series] = samplesOf(await scrape(serviceUrl('comparator')), 'index_registry_drift_missing_indexes', { database_id: databaseId });
    expect(series.labels).toEqual({ database_id: databaseId, project_id: projectId, database: databaseName, service: 'comparator' });
  });

  it('after a sync, the next compare brings every count to 0; the sync-executor counts the outcome and its steps', async () => {
    const executorBefore = await scrape(serviceUrl('sync-executor'));
    const started = await client.post('/indexes/sync-by-database').send({ database_id: databaseId });
    expect(started.status).toBe(202);
    expect(await waitForSync(started.body.sync_id as string)).toBe('completed');

    expect(await compare()).toMatchObject({ missing: 0, redundant: 0, different: 0 });
    expect(await driftGauges((g) => g.missing === 0 && g.redundant === 0 && g.different === 0)).toMatchObject({
      missing: 0,
      redundant: 0,
      different: 0,
    });

    const executor = await scrape(serviceUrl('sync-executor'));
    const completed = { outcome: 'completed' };
    expect(totalOf(executor, 'index_registry_sync_outcomes_total', completed)).toBe(
      totalOf(executorBefore, 'index_registry_sync_outcomes_total', completed) + 1,
    );
    // Other suites sync meanwhile: at least this sync's create (sku_1) and drop (legacy_1) were timed.
    for (const kind of ['create', 'drop']) {
      const count = 'index_registry_sync_step_duration_seconds_count';
      expect(totalOf(executor, count, { kind })).toBeGreaterThan(totalOf(executorBefore, count, { kind }));
    }
  });

  it('disappear when the database is deleted', async () => {
    expect((await client.delete(`/databases/${databaseId}`)).status).toBe(200);
    const gauges = await driftGauges((g) => g.missing === undefined && g.comparedAt === undefined);
    expect(gauges).toEqual({ missing: undefined, redundant: undefined, different: undefined, failed: undefined, comparedAt: undefined });
  });
});

describe('the services export', () => {
  let scrapes: Record<(typeof SERVICES)[number], Scrape>;

  beforeAll(async () => {
    const all = await Promise.all(SERVICES.map(async (service) => [service, await scrape(serviceUrl(service))] as const));
    scrapes = Object.fromEntries(all) as typeof scrapes;
  });

  it('every metric that the alert rules and the dashboard name', async () => {
    const report = await runMonitoringCheck();
    const exported = new Set(Object.values(scrapes).flatMap((s) => [...s.declared]));
    const missing = Object.keys(report.metrics).filter((name) => !SCRAPE_SERIES.has(name) && !exportedNameOf(name, exported));
    expect(missing).toEqual([]);
  });

  it("only metrics named index_registry_*, beside Node's defaults (process_*, nodejs_*)", () => {
    const names = Object.values(scrapes).flatMap((s) => [...s.declared]);
    expect(names).toContain('index_registry_http_request_duration_seconds');
    expect(names.filter((name) => !/^(index_registry_|process_|nodejs_)/.test(name))).toEqual([]);
  });

  it('compare and scan durations from the comparator, and its scan lag', () => {
    const comparator = scrapes.comparator;
    expect(totalOf(comparator, 'index_registry_compare_duration_seconds_count', { outcome: 'ok' })).toBeGreaterThanOrEqual(2);
    // The scan timed in the first test (a counter: it only grows).
    expect(totalOf(comparator, 'index_registry_scan_duration_seconds_count')).toBeGreaterThan(0);
    expect(valueOf(comparator, 'index_registry_scan_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(valueOf(comparator, 'index_registry_scans_waiting')).toBeGreaterThanOrEqual(0);
  });

  it('bus request latency by subject, a pattern without ids', () => {
    const gatewayRequests = samplesOf(scrapes.gateway, 'index_registry_bus_request_duration_seconds_count');
    const subjects = new Set(gatewayRequests.map((s) => s.labels.subject));
    expect(subjects).toContain('comparator.rpc.drift.compare-database');
    // Letters, dashes and dots only: no id (hex, digits) ever makes a subject of its own.
    for (const subject of subjects) expect(subject).toMatch(/^[a-z][a-z-]*(\.[a-z][a-z-]*)+$/);
    expect(gatewayRequests.every((s) => ['answered', 'timeout', 'unavailable', 'failed'].includes(s.labels.outcome))).toBe(true);
  });
});
