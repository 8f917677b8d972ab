import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../tools/infra/repo-root';
import { ferretDbBackend } from '../tools/infra/ferretdb-postgres';
import { startSystem } from '../tools/infra/services';
import { startTestInfra } from '../test/support/infra-env';
import { authProfileBench } from './auth-profile.bench';
import type { BenchContext, BenchResult } from './context';
import { comparatorBench } from './comparator.bench';
import { entityCacheBench } from './entity-cache.bench';
import { fleetDriftBench } from './fleet-drift.bench';
import { fleetBench } from './fleet.bench';
import { registryBench } from './registry.bench';
import { registryFleetBench } from './registry-fleet.bench';
import { storeBackendsBench } from './store-backends.bench';
import { syncBench } from './sync.bench';

const BENCHES: Record<string, (ctx: BenchContext) => Promise<BenchResult>> = {
  'auth-profile': authProfileBench,
  registry: registryBench,
  comparator: comparatorBench,
  sync: syncBench,
  'fleet-drift': fleetDriftBench,
  'registry-fleet': registryFleetBench,
  fleet: fleetBench,
};

/** Benchmarks that start their own servers: run alone (BENCH_ONLY), they need no system. */
const STANDALONE: Record<string, (ctx: Pick<BenchContext, 'dir'>) => Promise<BenchResult>> = {
  'entity-cache': entityCacheBench,
  'store-backends': storeBackendsBench,
};

/**
 * `npm run bench`: starts a private system and runs every benchmark (or those
 * named in BENCH_ONLY, comma-separated), each beside its baseline measured in
 * the same run. Never part of the tests.
 */
async function main(): Promise<void> {
  const known = [...Object.keys(BENCHES), ...Object.keys(STANDALONE)];
  const selected = (process.env.BENCH_ONLY ?? known.join(',')).split(',').filter(Boolean);
  const unknown = selected.filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new Error(`unknown benchmark(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);
  const standalone = selected.filter((name) => name in STANDALONE);
  for (const name of standalone) {
    const dir = mkdtempSync(join(tmpdir(), 'ir-bench-'));
    // Traversable: a PostgreSQL started by root runs as the postgres user, with its data in here.
    chmodSync(dir, 0o711);
    try {
      report(await STANDALONE[name]({ dir }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (standalone.length === selected.length) return;

  // The store `make start` runs (FerretDB on the private PostgreSQL); FERRETDB_BACKEND=sqlite for the other.
  const infra = await startTestInfra({ ferretDb: ferretDbBackend(process.env.FERRETDB_BACKEND, 'postgresql') });
  const dir = join(infra.dir, 'bench');
  const dbPrefix = `ir_bench_${process.pid}`;
  // A system that does not come up (a loaded machine) must not leave NATS and FerretDB behind.
  const system = await startSystem({
    natsUrl: infra.natsUrl,
    natsCredentialsDir: infra.natsCredentialsDir,
    mongoUri: infra.mongoUri,
    postgresUrl: infra.postgresUrl,
    dbPrefix,
    dataDir: dir,
    logDir: join(dir, 'logs'),
    logLevel: 'warn',
    // Six services starting at once on a busy 2-core machine can take minutes.
    readyTimeoutMs: 300_000,
    // The benchmark user's token must outlive a run: the fleet's seeding alone takes longer than the default 10 minutes.
    // FLEET_SCAN_CONCURRENCY and FLEET_SCAN_YIELD: the comparators' DRIFT_SCAN_CONCURRENCY and DRIFT_SCAN_YIELD, to compare settings in the fleet benchmark.
    serviceEnv: {
      auth: { ACCESS_TOKEN_TIMEOUT: '4h' },
      comparator: {
        ...(process.env.FLEET_SCAN_CONCURRENCY ? { DRIFT_SCAN_CONCURRENCY: process.env.FLEET_SCAN_CONCURRENCY } : {}),
        ...(process.env.FLEET_SCAN_YIELD ? { DRIFT_SCAN_YIELD: process.env.FLEET_SCAN_YIELD } : {}),
      },
    },
  }).catch(async (error: unknown) => {
    await infra.stop();
    throw error;
  });
  try {
    const ctx: BenchContext = {
      apiUrl: system.apiUrl,
      accessToken: await register(system.apiUrl),
      login: () => login(system.apiUrl),
      system,
      mongoUri: infra.mongoUri,
      nats: { servers: infra.natsUrl, credentialsDir: infra.natsCredentialsDir },
      dbPrefix,
      seconds: Number(process.env.BENCH_SECONDS ?? 10),
      connections: Number(process.env.BENCH_CONNECTIONS ?? 10),
      dir,
    };
    for (const name of selected.filter((name) => name in BENCHES)) report(await BENCHES[name](ctx));
  } finally {
    await system.stop();
    await infra.stop();
  }
}

const user = { email: `bench-${process.pid}@example.com`, username: `bench${process.pid}`, password: 'benchmark-password' };

function post(apiUrl: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${apiUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** Registers the benchmark user (the first, so a system administrator) and logs it in. */
async function register(apiUrl: string): Promise<string> {
  const registered = await post(apiUrl, '/auth/register', user);
  if (registered.status !== 201) throw new Error(`register answered ${registered.status}: ${await registered.text()}`);
  return login(apiUrl);
}

async function login(apiUrl: string): Promise<string> {
  const answer = await post(apiUrl, '/auth/login', { username: user.username, password: user.password });
  if (answer.status !== 200) throw new Error(`login answered ${answer.status}: ${await answer.text()}`);
  return ((await answer.json()) as { access_token: string }).access_token;
}

function report(result: BenchResult): void {
  console.log(`\n${result.lines.join('\n')}`);
  console.log(`figures written to ${writeFigures(result)}`);
}

function writeFigures(result: BenchResult): string {
  const measuredAt = new Date().toISOString();
  const dir = join(repoRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${result.name}-${measuredAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ benchmark: result.name, measured_at: measuredAt, summary: result.lines, ...result.figures }, null, 2)}\n`,
  );
  return file;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
