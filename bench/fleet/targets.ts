import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { startFerretDb, type FerretDbHandle } from '../../tools/infra/ferretdb';
import { repoRoot } from '../../tools/infra/repo-root';
import { collectionName, designedKey, driftOf, SEED_VERSION, targetDbName, type FleetSizes } from './sizes';

/** A server with hundreds of database files opens each before it listens. */
const READY_MS = 300_000;

export interface FleetTargets {
  /** The URI of the server database n lives on. */
  uriOf(n: number): string;
  readonly servers: FerretDbHandle[];
  /** Seconds the targets took to seed; 0 when a cached seed was reused. */
  readonly seedSeconds: number;
  readonly cached: boolean;
  stop(): Promise<void>;
}

/**
 * The fleet's target databases on private FerretDB servers, database n on server n mod servers, with
 * the designed indexes and some drift (sizes.ts driftOf). Seeding takes minutes, so the servers' data
 * directories are kept under .cache/bench-fleet/, keyed by the seed version and the sizes, and
 * reused by the next run; a seed that did not finish leaves no marker and is done again.
 */
export async function startTargets(sizes: FleetSizes, logDir: string): Promise<FleetTargets> {
  const key = `v${SEED_VERSION}-${sizes.databases}x${sizes.collections}x${sizes.indexesPerCollection}-s${sizes.targetServers}`;
  const dir = join(repoRoot, '.cache', 'bench-fleet', key);
  const marker = join(dir, 'seeded.json');
  const cached = existsSync(marker);
  if (!cached) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const started = await Promise.allSettled(
    Array.from({ length: sizes.targetServers }, (_, k) =>
      startFerretDb({ dataDir: join(dir, `server-${k}`), logFile: join(logDir, `fleet-target-${k}.log`), readyTimeoutMs: READY_MS }),
    ),
  );
  const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(servers.map((s) => s.process.stop()));
    throw failed.reason;
  }
  const uriOf = (n: number) => servers[n % servers.length].uri;
  const stop = async () => {
    await Promise.all(servers.map((s) => s.process.stop()));
  };
  let seedSeconds = 0;
  try {
    if (!cached) {
      const started = performance.now();
      await seedTargets(sizes, uriOf, servers.length);
      seedSeconds = Math.round((performance.now() - started) / 1000);
      writeFileSync(marker, `${JSON.stringify({ sizes, seed_seconds: seedSeconds }, null, 2)}\n`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { uriOf, servers, seedSeconds, cached, stop };
}

/** Every database's collections and indexes, `seedConcurrency` databases at a time, one client per server. */
async function seedTargets(sizes: FleetSizes, uriOf: (n: number) => string, serverCount: number): Promise<void> {
  const clients = await Promise.all(Array.from({ length: serverCount }, (_, k) => MongoClient.connect(uriOf(k), { maxPoolSize: 16 })));
  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: sizes.seedConcurrency }, async () => {
        for (let n = next++; n < sizes.databases; n = next++) await seedDatabase(clients[n % serverCount], sizes, n);
      }),
    );
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

async function seedDatabase(client: MongoClient, sizes: FleetSizes, n: number): Promise<void> {
  const db = client.db(targetDbName(n));
  const drift = driftOf(n);
  for (let c = 0; c < sizes.collections; c += 1) {
    const specs = Array.from({ length: sizes.indexesPerCollection }, (_, i) => ({
      key: designedKey(c, i),
      ...(drift === 'different' && c === 2 && i === 0 ? { unique: true } : {}),
    })).filter((_, i) => !(drift === 'missing' && c === 0 && i === 0));
    if (drift === 'redundant' && c === 1) specs.push({ key: { extra: 1 } });
    await db.collection(collectionName(c)).createIndexes(specs);
  }
}
