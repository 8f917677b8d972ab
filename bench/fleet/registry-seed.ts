import { ObjectId, type MongoClient } from 'mongodb';
import { api, type BenchContext } from '../context';
import { definitionDoc } from '../definition-doc';
import type { FleetTargets } from './targets';
import { collectionName, designedKey, targetDbName, type FleetSizes } from './sizes';

export interface SeededRegistry {
  /** The benchmark user's access token that lists the fleet's projects. */
  readonly accessToken: string;
  readonly projectIds: string[];
  /** The registered databases' ids, database n at n. */
  readonly databaseIds: string[];
  readonly registerSeconds: number;
  readonly definitionsSeconds: number;
}

/** Parallel registrations: each tests its target's connection, so a few at once keep the servers busy. */
const REGISTER_CONCURRENCY = 4;
const REGISTER_ATTEMPTS = 5;
const INSERT_BATCH = 1_000;

/**
 * Projects and databases through the API (each database's registration tests its connection, seals
 * its URI, and leaves its event and audit entry, as a user's would). The definitions are written
 * straight into the registry's `index_definitions`, as the manifest apply writes them: names,
 * key signatures and signature version from the same core functions the registry calls
 * (resolveDefinition: indexNameOf, canonicalFromDefinition, keySignature), then each database's
 * definitions_version is moved on as the apply does. Through the API, 1,000 manifests would each
 * read the growing collection in full on the embedded store, and the seed would take hours.
 */
export async function seedRegistry(
  ctx: BenchContext,
  store: MongoClient,
  sizes: FleetSizes,
  targets: FleetTargets,
): Promise<SeededRegistry> {
  const projectIds: string[] = [];
  for (let p = 0; p < sizes.projects; p += 1) {
    const project = (await api(ctx, 'POST', '/projects', { name: `fleet-${p}-${Date.now()}` })) as { id: string };
    projectIds.push(project.id);
  }
  // The access token lists the caller's projects: log in again to carry the new ones.
  const asMember = { ...ctx, accessToken: await ctx.login() };

  let started = performance.now();
  const databaseIds: string[] = new Array<string>(sizes.databases);
  let next = 0;
  await Promise.all(
    Array.from({ length: REGISTER_CONCURRENCY }, async () => {
      for (let n = next++; n < sizes.databases; n = next++) {
        databaseIds[n] = await register(asMember, {
          name: `fleet ${targetDbName(n)}`,
          uri: targets.uriOf(n),
          db_name: targetDbName(n),
          project_id: projectIds[n % projectIds.length],
        });
      }
    }),
  );
  const registerSeconds = Math.round((performance.now() - started) / 1000);

  started = performance.now();
  const registry = store.db(`${ctx.dbPrefix}_registry`);
  const definitions = registry.collection('index_definitions');
  let batch: Record<string, unknown>[] = [];
  const now = new Date();
  for (const id of databaseIds) {
    for (let c = 0; c < sizes.collections; c += 1) {
      for (let i = 0; i < sizes.indexesPerCollection; i += 1) batch.push(definitionDoc(id, collectionName(c), designedKey(c, i), now));
      if (batch.length >= INSERT_BATCH) {
        await definitions.insertMany(batch, { ordered: false });
        batch = [];
      }
    }
  }
  if (batch.length > 0) await definitions.insertMany(batch, { ordered: false });
  await registry
    .collection('databases')
    .updateMany({ _id: { $in: databaseIds.map((id) => new ObjectId(id)) } }, { $inc: { definitions_version: 1 } });
  const definitionsSeconds = Math.round((performance.now() - started) / 1000);
  return { accessToken: asMember.accessToken, projectIds, databaseIds, registerSeconds, definitionsSeconds };
}

/**
 * Registers one database, again (after a pause that grows) when the system answers 5xx: on the loaded
 * machine a target's connection test may time out. A registration that landed although its answer
 * timed out is found by its name.
 */
export async function register(
  ctx: BenchContext,
  body: { name: string; uri: string; db_name: string; project_id: string },
): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return ((await api(ctx, 'POST', '/databases', body)) as { id: string }).id;
    } catch (error) {
      const message = String(error);
      if (attempt > 1 && / answered 409/.test(message)) {
        const found = (await api(ctx, 'POST', '/databases/list', { search: body.name, project_id: body.project_id })) as {
          items: { id: string; name: string }[];
        };
        const mine = found.items.find((d) => d.name === body.name);
        if (mine) return mine.id;
      }
      if (attempt >= REGISTER_ATTEMPTS || !/ answered (5\d\d|409)/.test(message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000 * attempt));
    }
  }
}
