import { z } from 'zod';
import { Actor } from './access';
import { defineEvent, defineRpc } from './bus';
import { SealedBox, sealedField } from './sealing';
import { DefinitionOptionsSchema, IndexDefinitionBody, IndexDefinitionView, IndexName } from './index-definition';
import { CollectionName, DbName } from './mongo-names';
import { ownRecord } from './own-record';
import { MAX_OFFSET_RULE, pageOf, PagingFields, resolvePaging, withinMaxOffset } from './pagination';
import { Streams } from './streams';

/** Ids of the registry's records: MongoDB ObjectIds in hex. */
export const RecordId = z.string().regex(/^[0-9a-f]{24}$/, { error: 'must be a 24-character hex id' });

const TargetUri = z
  .string()
  .max(4096)
  .regex(/^mongodb(\+srv)?:\/\/\S+$/, { error: 'must be a MongoDB connection string (mongodb:// or mongodb+srv://)' });

// ---------- databases ----------

/** A secret sealed with AES-256-GCM: nonce, tag and ciphertext in base64, and the id of the key that sealed it. */
export const SealedSecretSchema = z.object({ key_id: z.string(), iv: z.string(), tag: z.string(), data: z.string() });

/** Who a database's server is, as the registry records it. */
export const DatabaseServer = z.object({
  /** The server software: MongoDB, or FerretDB speaking MongoDB's protocol. */
  kind: z.enum(['mongodb', 'ferretdb']),
  /** Its own version as it reports it (FerretDB's, not the MongoDB version it imitates); null when it reports none. */
  version: z.string().max(64).nullable(),
  /**
   * The MongoDB version whose rules its index definitions are checked by: MongoDB's own version, the one a
   * FerretDB imitates; null when unreadable (then the newest rules apply).
   */
  mongodb_version: z.string().max(64).nullable(),
});
export type DatabaseServer = z.infer<typeof DatabaseServer>;

/** The server as last seen: detected by the connection test when the database is registered or its connection changes, refreshed by compares. */
export const DatabaseServerView = DatabaseServer.extend({ seen_at: z.string() });
export type DatabaseServerView = z.infer<typeof DatabaseServerView>;

export const DatabaseView = z.object({
  id: z.string(),
  /**
   * The project the database belongs to: its members, by role, may read or change it. Null only for a
   * database registered before projects existed, until it moves into the default project.
   */
  project_id: z.string().nullable(),
  name: z.string(),
  description: z.string(),
  /** Always redacted: `mongodb://user:****@host/...`. */
  uri: z.string(),
  db_name: z.string(),
  /** A sync that would drop, hide or rebuild an index of a protected database waits for a second person's approval. */
  protected: z.boolean(),
  /** Null until the server has been seen (a database registered before the registry recorded servers). */
  server: DatabaseServerView.nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type DatabaseView = z.infer<typeof DatabaseView>;

export const CreateDatabaseBody = z.strictObject({
  /** The project it goes into; may be left out by a caller who administers exactly one project. */
  project_id: RecordId.optional(),
  name: z.string().trim().min(1, { error: 'must not be empty' }).max(100),
  description: z.string().max(1000).default(''),
  uri: TargetUri,
  db_name: DbName,
  /** Asks the sync-executor to import the target's existing indexes into the DR once saved. */
  import_indexes: z.boolean().default(false),
  protected: z.boolean().default(false),
});
export type CreateDatabaseBody = z.infer<typeof CreateDatabaseBody>;

export const UpdateDatabaseBody = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    description: z.string().max(1000).optional(),
    uri: TargetUri.optional(),
    db_name: DbName.optional(),
    protected: z.boolean().optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { error: 'give at least one field to change', path: ['name'] });
export type UpdateDatabaseBody = z.infer<typeof UpdateDatabaseBody>;

export const ListDatabasesBody = z
  .strictObject({ ...PagingFields, project_id: RecordId.optional() })
  .transform(resolvePaging)
  .refine(withinMaxOffset, MAX_OFFSET_RULE);
export const DatabaseIdBody = z.strictObject({ database_id: RecordId });

export const DatabaseCreated = DatabaseView.extend({
  import_requested: z.boolean(),
  /** The queued import's record (`GET /indexes/import-status/:import_id`), when one was requested. */
  import_id: z.string().optional(),
});

// On the bus, a target URI is sealed for the registry (sealing.ts); the HTTP bodies above keep it plain.
const CreateDatabaseOnBus = CreateDatabaseBody.extend({ uri: SealedBox });
const UpdateDatabaseOnBus = z.strictObject({ id: RecordId, changes: UpdateDatabaseBody.safeExtend({ uri: SealedBox.optional() }) });

export const RegistryDatabaseRpc = {
  create: defineRpc('registry.rpc.database.create', CreateDatabaseOnBus, DatabaseCreated, [sealedField(['uri'], TargetUri)]),
  get: defineRpc('registry.rpc.database.get', z.strictObject({ id: RecordId }), DatabaseView),
  list: defineRpc('registry.rpc.database.list', ListDatabasesBody, pageOf(DatabaseView)),
  update: defineRpc('registry.rpc.database.update', UpdateDatabaseOnBus, DatabaseView, [
    sealedField(['changes', 'uri'], TargetUri.optional()),
  ]),
  delete: defineRpc(
    'registry.rpc.database.delete',
    z.strictObject({ id: RecordId }),
    z.object({ deleted: z.boolean(), index_definitions_deleted: z.number() }),
  ),
  /**
   * Internal: a target's connection string, still sealed (AES-256-GCM), for the
   * services that read or change its indexes and hold TARGET_ENCRYPTION_KEY
   * (comparator, sync-executor). The gateway never routes it.
   */
  connection: defineRpc(
    'registry.rpc.database.connection',
    DatabaseIdBody,
    z.object({
      database_id: z.string(),
      project_id: z.string().nullable(),
      name: z.string(),
      db_name: z.string(),
      protected: z.boolean(),
      uri_sealed: SealedSecretSchema,
      /** Changes whenever the database's definitions change: a cache of them is current while it is equal. */
      definitions_version: z.number().int(),
      /** The server as the registry last recorded it: a comparator that sees another one says so (`serverSeen`). */
      server: DatabaseServer.nullable(),
    }),
  ),
  /**
   * Internal: the server a comparator found behind a database, when it differs from what the registry
   * recorded (an upgrade since the connection test). The gateway never routes it.
   */
  serverSeen: defineRpc(
    'registry.rpc.database.server-seen',
    z.strictObject({ database_id: RecordId, server: DatabaseServer.strict() }),
    z.object({ recorded: z.boolean() }),
  ),
  collections: defineRpc(
    'registry.rpc.database.collections',
    DatabaseIdBody,
    z.object({ database_id: z.string(), collections: z.array(z.string()) }),
  ),
};

// ---------- index definitions ----------

export const CreateIndexBody = IndexDefinitionBody.extend({ database_id: RecordId, collection: CollectionName });
export type CreateIndexBody = z.infer<typeof CreateIndexBody>;

export const UpdateIndexBody = z
  .strictObject({
    /** Original clients send the whole definition; the database of a definition cannot change. */
    database_id: RecordId.optional(),
    collection: CollectionName.optional(),
    name: IndexName.optional(),
    keys: IndexDefinitionBody.shape.keys.optional(),
    options: IndexDefinitionBody.shape.options,
  })
  .refine(({ database_id: _database, ...changes }) => Object.values(changes).some((v) => v !== undefined), {
    error: 'give at least one field to change',
    path: ['name'],
  });
export type UpdateIndexBody = z.infer<typeof UpdateIndexBody>;

export const ListByCollectionBody = z
  .strictObject({ database_id: RecordId, collection: CollectionName, ...PagingFields })
  .transform(resolvePaging)
  .refine(withinMaxOffset, MAX_OFFSET_RULE);

export const RegistryIndexRpc = {
  create: defineRpc('registry.rpc.index.create', CreateIndexBody, IndexDefinitionView),
  get: defineRpc('registry.rpc.index.get', z.strictObject({ id: RecordId }), IndexDefinitionView),
  listByCollection: defineRpc('registry.rpc.index.list', ListByCollectionBody, pageOf(IndexDefinitionView)),
  update: defineRpc('registry.rpc.index.update', z.strictObject({ id: RecordId, changes: UpdateIndexBody }), IndexDefinitionView),
  delete: defineRpc('registry.rpc.index.delete', z.strictObject({ id: RecordId }), z.object({ deleted: z.boolean() })),
  /** Every definition of a database (or of some of its collections): for the comparator and the executor. */
  /** Every definition of a database (or of some of its collections), in pages that keep each message small. */
  listByDatabase: defineRpc(
    'registry.rpc.index.list-by-database',
    z.strictObject({
      database_id: RecordId,
      collections: z.array(CollectionName).optional(),
      /** The `next` of the previous page. */
      after: RecordId.optional(),
      limit: z.number().int().min(1).max(2000).default(1000),
    }),
    z.object({ items: z.array(IndexDefinitionView), next: z.string().optional() }),
  ),
};

// ---------- manifest ----------

const obsolete = (why: string) =>
  z
    .unknown()
    .optional()
    .meta({ deprecated: true, description: `${why}: accepted with a warning, ignored, never stored` });
/**
 * Index spec fields MongoDB no longer reads, still common in guides and in old `listIndexes` output:
 * a manifest may carry them (at the top of an index or in its options), and they are dropped with a warning.
 */
const ObsoleteIndexFields = {
  background: obsolete('ignored by MongoDB since 4.2'),
  ns: obsolete('removed from index specs in MongoDB 4.4'),
  v: obsolete('the index version, chosen by the server'),
};
export const OBSOLETE_INDEX_FIELDS = Object.keys(ObsoleteIndexFields) as readonly (keyof typeof ObsoleteIndexFields)[];

/** One index of a manifest; without `name`, MongoDB's default name derived from the key (as `POST /indexes` does). */
export const ManifestIndex = IndexDefinitionBody.extend({
  options: DefinitionOptionsSchema.extend(ObsoleteIndexFields).optional(),
  ...ObsoleteIndexFields,
});

/** The database a manifest is for: applying it to another database answers 409 naming the field that differs. */
export const ManifestDatabase = z.strictObject({
  id: RecordId.optional(),
  name: z.string().optional(),
  db_name: z.string(),
});

/** A database's whole design: what teams keep in git and apply from CI. */
export const Manifest = z.strictObject({
  version: z.literal(1),
  database: ManifestDatabase.optional(),
  collections: ownRecord(CollectionName, z.array(ManifestIndex).max(64, { error: 'at most 64 indexes per collection' })),
});
export type Manifest = z.infer<typeof Manifest>;

const queryFlag = (description: string) =>
  z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .describe(description)
    .transform((flag) => flag === 'true' || flag === '1');

/** `PUT /databases/:id/manifest?dry_run=true&allow_deletions=true`. */
export const ManifestApplyQuery = z.strictObject({
  dry_run: queryFlag('true or 1: answer what would change and change nothing'),
  allow_deletions: queryFlag(
    'true or 1: delete the definitions the manifest leaves out (opt-in, like `kubectl apply --prune`); without it such a manifest answers 409 listing them',
  ),
});

const ManifestChange = z.object({ collection: z.string(), name: z.string() });
/** Only the fields that differ: an option in `before` and not in `after` was removed, and the reverse added. */
const DefinitionFields = z.object({
  keys: z.array(z.object({ field: z.string(), value: z.union([z.number(), z.string()]) })).optional(),
  options: z.record(z.string(), z.unknown()).optional(),
});
export const ManifestUpdate = ManifestChange.extend({ before: DefinitionFields, after: DefinitionFields });
export type ManifestUpdate = z.infer<typeof ManifestUpdate>;
export const ManifestWarning = z.object({ field: z.string(), message: z.string() });
export type ManifestWarning = z.infer<typeof ManifestWarning>;

export const ManifestApplyResult = z.object({
  dry_run: z.boolean(),
  /** The version of the database's definitions after the apply (as it is, on a dry run): the manifest's new ETag. */
  version: z.number().int(),
  created: z.array(ManifestChange),
  updated: z.array(ManifestUpdate),
  deleted: z.array(ManifestChange),
  unchanged: z.array(ManifestChange),
  /** Accepted but ignored fields (`background`, `ns`, `v`), each with its path. */
  warnings: z.array(ManifestWarning),
});
export type ManifestApplyResult = z.infer<typeof ManifestApplyResult>;

/** The version of a database's definitions as the manifest's entity tag, quoted (RFC 9110 §8.8.3): `"7"`. */
export function manifestEntityTag(version: number): string {
  return `"${version}"`;
}

/** The export, and the version of the definitions it shows (the ETag a later PUT sends back in If-Match). */
export const ManifestExport = z.object({ manifest: Manifest, version: z.number().int() });

export const RegistryManifestRpc = {
  export: defineRpc('registry.rpc.manifest.export', z.strictObject({ database_id: RecordId }), ManifestExport),
  apply: defineRpc(
    'registry.rpc.manifest.apply',
    z.strictObject({
      database_id: RecordId,
      /**
       * As the caller sent it: the registry validates all of it in one pass (schema, MongoDB's rules,
       * duplicates across a collection), so that one answer names every error.
       */
      manifest: z.unknown(),
      dry_run: z.boolean(),
      allow_deletions: z.boolean().default(false),
      /** If-Match: `*`, or the strong entity tags it lists (without quotes); absent, no precondition. */
      if_match: z.union([z.literal('*'), z.array(z.string().max(64)).max(32)]).optional(),
    }),
    ManifestApplyResult,
  ),
};

// ---------- events ----------

// `project_id` and `actor` are optional only so that facts stored before projects still parse.
const DatabaseFact = z.object({
  database_id: z.string(),
  project_id: z.string().nullable().optional(),
  name: z.string(),
  db_name: z.string(),
  at: z.string(),
  actor: Actor.optional(),
});
const IndexFact = z.object({
  index_id: z.string(),
  database_id: z.string(),
  project_id: z.string().nullable().optional(),
  actor: Actor.optional(),
  collection: z.string(),
  name: z.string(),
  key_signature: z.string(),
  at: z.string(),
});

export const RegistryEvents = {
  databaseCreated: defineEvent('registry.evt.database.created', Streams.registryEvents.name, DatabaseFact),
  databaseUpdated: defineEvent('registry.evt.database.updated', Streams.registryEvents.name, DatabaseFact),
  databaseDeleted: defineEvent('registry.evt.database.deleted', Streams.registryEvents.name, DatabaseFact),
  indexCreated: defineEvent('registry.evt.index.created', Streams.registryEvents.name, IndexFact),
  indexUpdated: defineEvent('registry.evt.index.updated', Streams.registryEvents.name, IndexFact),
  indexDeleted: defineEvent('registry.evt.index.deleted', Streams.registryEvents.name, IndexFact),
};
export type IndexFact = z.infer<typeof IndexFact>;
