import { INDEX_OPTIONS, optionOfMongoName, type CollModFeature, type OptionFeature } from './index-options';
import { keyKind } from './key-kinds';
import type { PlanOperation } from './plan-types';
import type { KeyValue, MongoIndexSpec } from './types';

/** The server software behind a target: MongoDB, or FerretDB speaking MongoDB's protocol. */
export type ServerKind = 'mongodb' | 'ferretdb';

/** Who a target says it is (from buildInfo). */
export interface TargetServer {
  readonly kind: ServerKind;
  /**
   * The version the server gives for itself, as it gives it: MongoDB's `version`, FerretDB's own
   * version (not the MongoDB version it imitates). Null when it gives none (an embedded FerretDB build).
   */
  readonly version: string | null;
  /**
   * The MongoDB version whose behaviour it offers, whose rules definitions are checked by: MongoDB's own
   * `version`, FerretDB's buildInfo `version` (the MongoDB version it imitates). Null when unreadable;
   * absent where it was not read.
   */
  readonly mongodbVersion?: string | null;
  /** FerretDB only: its major version, which the shape of its buildInfo tells even when the build has no version. */
  readonly line?: number;
}

/** What is known about a target: who it is, and what the probes found where the version does not tell. */
export interface TargetCapabilities {
  readonly server: TargetServer;
  /** Whether the server has collMod for indexes (hide, unhide, TTL); absent when the probe could not tell. */
  readonly collMod?: boolean;
}

/**
 * Index kinds, index options and operations whose support differs between servers and versions. The
 * options' features are named by the options table (its `capability` and `collMod` columns), so an
 * option that needs one cannot lack its row here.
 */
export type Feature =
  | 'text'
  | '2dsphere'
  | '2d'
  | 'hashed'
  | 'compound_hashed'
  | 'wildcard'
  | 'compound_wildcard'
  | OptionFeature
  | CollModFeature
  | 'drop_several';

export interface CapabilityRow {
  /** For people, completing "cannot …". */
  readonly what: string;
  /** The first MongoDB version (major, minor) that has it. */
  readonly mongodb: readonly [number, number];
  /** FerretDB 1.x: absent when it has it; otherwise what it does instead, completing "FerretDB … ". */
  readonly ferretdb1?: string;
}

// FerretDB 1.x rows: FerretDB v1.24.0, internal/handler/msg_createindexes.go (index keys other than
// 1/-1 are refused with IndexNotFound; partialFilterExpression, expireAfterSeconds, hidden, collation,
// wildcardProjection, weights, 2dsphereIndexVersion, bits/min/max with NotImplemented 238; `sparse` is
// accepted and ignored, issue FerretDB#2448; `$**` is taken as a field name, which its SQLite backend
// then fails on as a JSON path once the collection has documents) and
// msg_collmod.go (NotImplemented); https://docs.ferretdb.io/v1.24/indexes/ lists single-field,
// compound and unique indexes only. Checked against the embedded FerretDB 1.24 (capabilities probe spec).
const FERRETDB_REFUSES_KEY = 'refuses index keys other than 1 and -1 (error 27)';
const FERRETDB_NOT_IMPLEMENTED = 'has not implemented this index option (error 238)';
const FERRETDB_NO_COLLMOD = 'has not implemented collMod (error 238)';
const WILDCARD_AS_FIELD =
  'has no wildcard indexes (it takes "$**" for a field name: on SQLite the build fails on a collection with documents, on PostgreSQL it indexes a field of that name)';

/**
 * The one table of what each server and version supports. MongoDB rows cite the manual page that
 * introduces the feature ("New in version …" / "Starting in MongoDB …"); versions before 4.2 only
 * matter as documentation, since targets older than 4.2 are refused when connecting.
 */
export const CAPABILITIES: Readonly<Record<Feature, CapabilityRow>> = {
  // https://www.mongodb.com/docs/v2.6/core/index-text/ (text indexes GA in 2.6)
  text: { what: 'build text indexes', mongodb: [2, 6], ferretdb1: FERRETDB_REFUSES_KEY },
  // https://www.mongodb.com/docs/v2.4/core/2dsphere/ ("New in version 2.4")
  '2dsphere': { what: 'build 2dsphere indexes', mongodb: [2, 4], ferretdb1: FERRETDB_REFUSES_KEY },
  // https://www.mongodb.com/docs/v2.4/core/2d/ (2d indexes predate the 2.4 manual)
  '2d': { what: 'build 2d indexes', mongodb: [2, 4], ferretdb1: FERRETDB_REFUSES_KEY },
  // https://www.mongodb.com/docs/v2.4/core/index-hashed/ ("New in version 2.4")
  hashed: { what: 'build hashed indexes', mongodb: [2, 4], ferretdb1: FERRETDB_REFUSES_KEY },
  // https://www.mongodb.com/docs/v4.4/core/index-hashed/ ("Starting in MongoDB 4.4 … compound indexes that include a single hashed field")
  compound_hashed: { what: 'build compound hashed indexes', mongodb: [4, 4], ferretdb1: FERRETDB_REFUSES_KEY },
  // https://www.mongodb.com/docs/v4.2/core/index-wildcard/ ("New in version 4.2")
  wildcard: { what: 'build wildcard indexes', mongodb: [4, 2], ferretdb1: WILDCARD_AS_FIELD },
  // https://www.mongodb.com/docs/v7.0/core/indexes/index-types/index-wildcard/index-wildcard-compound/ ("New in version 7.0")
  compound_wildcard: {
    what: 'build compound wildcard indexes',
    mongodb: [7, 0],
    ferretdb1: WILDCARD_AS_FIELD,
  },
  // https://www.mongodb.com/docs/v4.2/reference/method/db.collection.createIndex/ (wildcardProjection, new in 4.2)
  wildcardProjection: { what: 'build wildcard indexes with wildcardProjection', mongodb: [4, 2], ferretdb1: FERRETDB_NOT_IMPLEMENTED },
  // https://www.mongodb.com/docs/v2.4/core/index-unique/ (unique indexes predate the 2.4 manual)
  unique: { what: 'build unique indexes', mongodb: [2, 4] },
  // https://www.mongodb.com/docs/v2.4/core/index-sparse/ (sparse indexes predate the 2.4 manual)
  sparse: { what: 'build sparse indexes', mongodb: [2, 4], ferretdb1: 'accepts sparse and ignores it (FerretDB issue #2448)' },
  // https://www.mongodb.com/docs/v3.2/core/index-partial/ ("New in version 3.2")
  partialFilterExpression: { what: 'build partial indexes', mongodb: [3, 2], ferretdb1: FERRETDB_NOT_IMPLEMENTED },
  // https://www.mongodb.com/docs/v2.2/tutorial/expire-data/ (TTL collections, new in 2.2)
  expireAfterSeconds: { what: 'build TTL indexes', mongodb: [2, 2], ferretdb1: FERRETDB_NOT_IMPLEMENTED },
  // https://www.mongodb.com/docs/v3.4/reference/collation/ ("New in version 3.4")
  collation: { what: 'build indexes with a collation', mongodb: [3, 4], ferretdb1: FERRETDB_NOT_IMPLEMENTED },
  // https://www.mongodb.com/docs/v4.4/core/index-hidden/ ("New in version 4.4")
  hidden: { what: 'build hidden indexes', mongodb: [4, 4], ferretdb1: FERRETDB_NOT_IMPLEMENTED },
  // https://www.mongodb.com/docs/v6.0/reference/method/db.collection.createIndex/ (prepareUnique, new in 6.0);
  // FerretDB 1.24 answers BadValue "Index option \"prepareUnique\" is unknown", even for false (checked against the embedded server).
  prepareUnique: {
    what: 'build indexes with prepareUnique',
    mongodb: [6, 0],
    ferretdb1: 'refuses prepareUnique as an unknown index option (error 2)',
  },
  // https://www.mongodb.com/docs/v4.4/reference/command/collMod/ (index.hidden, new in 4.4)
  collmod_hidden: { what: 'hide or unhide an index (collMod)', mongodb: [4, 4], ferretdb1: FERRETDB_NO_COLLMOD },
  // https://www.mongodb.com/docs/v2.2/reference/command/collMod/ (index.expireAfterSeconds, new in 2.2)
  collmod_ttl: { what: "change a TTL index's expireAfterSeconds (collMod)", mongodb: [2, 2], ferretdb1: FERRETDB_NO_COLLMOD },
  // https://www.mongodb.com/docs/v6.0/reference/command/collMod/ (index.prepareUnique, new in 6.0)
  collmod_prepare_unique: {
    what: 'set or clear prepareUnique on an index (collMod)',
    mongodb: [6, 0],
    ferretdb1: FERRETDB_NO_COLLMOD,
  },
  // https://www.mongodb.com/docs/v4.2/reference/command/dropIndexes/ ("Starting in MongoDB 4.2 … an array of index names");
  // FerretDB 1.24 drops several names at once (checked against the embedded server).
  drop_several: { what: 'drop several indexes in one dropIndexes', mongodb: [4, 2] },
};

/** What collMod does for indexes, by the options table's `collMod` column. */
const COLLMOD_FEATURES: ReadonlySet<Feature> = new Set(
  INDEX_OPTIONS.flatMap((row): Feature[] => ('collMod' in row ? [row.collMod.capability] : [])),
);

/** `4.4.29`, `7.0.0-rc1`, `v1.24.0` → [major, minor]; undefined when the string is not a version. */
export function versionOf(text: string | null): readonly [number, number] | undefined {
  const match = text === null ? null : /^v?(\d{1,4})\.(\d{1,4})(?:\D|$)/.exec(text);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** "MongoDB 7.0.12", "FerretDB v1.24.0", "FerretDB 1.x (its build does not report its version)". */
export function describeServer(server: TargetServer): string {
  const name = server.kind === 'mongodb' ? 'MongoDB' : 'FerretDB';
  if (server.version !== null) return `${name} ${server.version}`;
  return server.line === undefined ? `${name} (version not reported)` : `${name} ${server.line}.x (its build does not report its version)`;
}

/** Why the target lacks a feature, or undefined when it has it (or nothing is known that says it does not). */
export function lacks(capabilities: TargetCapabilities, feature: Feature): string | undefined {
  const row = CAPABILITIES[feature];
  const { server } = capabilities;
  const name = describeServer(server);
  const byTable = server.kind === 'mongodb' ? mongodbLacks(server, row) : ferretdbLacks(server, row);
  if (byTable) return `${name} cannot ${row.what}: ${byTable}`;
  if (COLLMOD_FEATURES.has(feature) && capabilities.collMod === false) {
    return `${name} cannot ${row.what}: it answered a harmless collMod as a command it does not have`;
  }
  return undefined;
}

function mongodbLacks(server: TargetServer, row: CapabilityRow): string | undefined {
  const version = versionOf(server.version);
  if (!version) return undefined;
  const [major, minor] = row.mongodb;
  const older = version[0] < major || (version[0] === major && version[1] < minor);
  return older ? `MongoDB ${major}.${minor} or later is needed` : undefined;
}

/** Only FerretDB 1.x is tabled: for a later line nothing is assumed, and its own answers decide. */
function ferretdbLacks(server: TargetServer, row: CapabilityRow): string | undefined {
  const line = versionOf(server.version)?.[0] ?? server.line;
  if (line !== 1 || row.ferretdb1 === undefined) return undefined;
  return `FerretDB 1.x ${row.ferretdb1}`;
}

/** The features a createIndexes spec needs. */
export function featuresOfSpec(spec: MongoIndexSpec): Feature[] {
  const entries = Object.entries(spec.key).map(([field, value]) => ({ field, value: value as KeyValue }));
  const kinds = new Set(entries.map(keyKind));
  const compound = entries.length > 1;
  const features: Feature[] = [];
  for (const kind of ['text', '2dsphere', '2d'] as const) if (kinds.has(kind)) features.push(kind);
  if (kinds.has('hashed')) features.push(compound ? 'compound_hashed' : 'hashed');
  if (kinds.has('wildcard')) features.push(compound ? 'compound_wildcard' : 'wildcard');
  for (const row of INDEX_OPTIONS) {
    if (!('capability' in row)) continue;
    const value = (spec as Readonly<Record<string, unknown>>)[row.mongo];
    if (row.kind === 'flag' ? value === true : value !== undefined) features.push(row.capability);
  }
  return features.sort(byTableOrder);
}

const TABLE_ORDER: ReadonlyMap<string, number> = new Map(Object.keys(CAPABILITIES).map((feature, i) => [feature, i]));

/** Features in the capabilities table's order, whatever order the options table lists them in. */
function byTableOrder(a: Feature, b: Feature): number {
  return (TABLE_ORDER.get(a) ?? 0) - (TABLE_ORDER.get(b) ?? 0);
}

/** The features a plan step needs: its index's kind and options for a create, collMod for a change. */
export function featuresOf(operation: PlanOperation): Feature[] {
  switch (operation.kind) {
    case 'create':
      return operation.spec ? featuresOfSpec(operation.spec) : [];
    case 'hide':
      return ['collmod_hidden'];
    case 'modify': {
      const changed = Object.entries(operation.changes ?? {}).filter(([, value]) => value !== undefined);
      const features = changed.map(([name]) => optionOfMongoName(name)?.collMod?.capability as CollModFeature | undefined);
      return features.filter((feature): feature is CollModFeature => feature !== undefined).sort(byTableOrder);
    }
    case 'drop':
      return [];
  }
}

/** Why the target will refuse this step, or undefined when nothing known says it will. */
export function refusalOf(capabilities: TargetCapabilities, operation: PlanOperation): string | undefined {
  const reasons = featuresOf(operation)
    .map((feature) => lacks(capabilities, feature))
    .filter((reason): reason is string => reason !== undefined);
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}
