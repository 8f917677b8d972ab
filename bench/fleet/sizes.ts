/**
 * The fleet's shape, from the environment so that a loaded machine can run it smaller; the issue's
 * size (1,000 databases × 20 collections × 5 definitions = 100,000) is the default.
 */
export interface FleetSizes {
  readonly databases: number;
  readonly collections: number;
  readonly indexesPerCollection: number;
  readonly projects: number;
  /** Private FerretDB processes the target databases are spread over. */
  readonly targetServers: number;
  /** Parallel writers while seeding the targets. */
  readonly seedConcurrency: number;
  /** A scan is measured until it ends or this long, then its rate is projected to the whole fleet. */
  readonly scanCapMs: number;
  /** Seconds each list is loaded for (on top of a 2 s warm-up). */
  readonly listSeconds: number;
}

/** Bumped whenever the seeded targets change shape: a cached seed of another version is rebuilt. */
export const SEED_VERSION = 1;

export function fleetSizes(): FleetSizes {
  const num = (name: string, fallback: number) => {
    const value = Number(process.env[name] ?? fallback);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
    return value;
  };
  return {
    databases: num('FLEET_DATABASES', 1_000),
    collections: num('FLEET_COLLECTIONS', 20),
    indexesPerCollection: num('FLEET_INDEXES_PER_COLLECTION', 5),
    projects: num('FLEET_PROJECTS', 10),
    targetServers: num('FLEET_TARGET_SERVERS', 2),
    seedConcurrency: num('FLEET_SEED_CONCURRENCY', 8),
    scanCapMs: num('FLEET_SCAN_CAP_SECONDS', 600) * 1000,
    listSeconds: num('FLEET_LIST_SECONDS', 5),
  };
}

export const collectionName = (c: number): string => `c${String(c).padStart(2, '0')}`;
export const targetDbName = (n: number): string => `fleet_${String(n).padStart(4, '0')}`;

/** Which drift a database has: one index missing, one redundant or one different on 10% each, the rest in sync. */
export type DriftKind = 'missing' | 'redundant' | 'different' | 'none';
export function driftOf(n: number): DriftKind {
  return (['missing', 'redundant', 'different'] as const)[n % 10] ?? 'none';
}

/** The design of index i of a collection: a two-field compound key, named by MongoDB's default rule. */
export function designedKey(c: number, i: number): Record<string, 1 | -1> {
  return { [`f${i}`]: 1, [`g${c}_${i}`]: -1 };
}
