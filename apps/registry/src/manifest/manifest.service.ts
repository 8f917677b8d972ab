import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  namespaceIssue,
  RegistryEvents,
  type FieldIssue,
  type Manifest,
  type ManifestApplyResult,
} from '@ir/contracts';
import { stableStringify } from '@ir/index-core';
import { Types, type AnyBulkWriteOperation } from 'mongoose';
import { bumpDefinitionsVersion, DATABASE_MODEL, type DatabaseModel } from '../databases/database.model';
import { assertCollectionRules, invalidDefinition, resolveDefinition, type ResolvedDefinition } from '../indexes/definition-rules';
import { optionsOf } from '../indexes/definition-view';
import { INDEX_DEFINITION_MODEL, type IndexDefinitionDocument, type IndexDefinitionModel } from '../indexes/index-definition.model';
import { notFound, parseId } from '../indexes/index-definitions.service';
import { RegistryEventsPublisher } from '../registry-events';

interface Planned {
  readonly collection: string;
  readonly resolved: ResolvedDefinition;
}

const EVENT_BATCH = 100;
const DUPLICATE_KEY = 11000;

/**
 * A database's definitions as one document (the manifest) and back. Applying
 * a manifest validates all of it first, so an invalid manifest changes nothing.
 */
@Injectable()
export class ManifestService {
  constructor(
    @Inject(INDEX_DEFINITION_MODEL) private readonly definitions: IndexDefinitionModel,
    @Inject(DATABASE_MODEL) private readonly databases: DatabaseModel,
    private readonly events: RegistryEventsPublisher,
  ) {}

  async export(databaseId: string): Promise<Manifest> {
    const database = await this.databases.findById(parseId(databaseId, 'database')).lean();
    if (!database) throw notFound('database');
    const docs = await this.definitions.find({ database_id: database._id }).sort({ collection: 1, name: 1 }).lean();
    // Collection names are the caller's: `__proto__` or `constructor` must be keys like any other.
    const byCollection = new Map<string, Manifest['collections'][string]>();
    for (const doc of docs) {
      const options = optionsOf(doc);
      const indexes = byCollection.get(doc.collection) ?? [];
      indexes.push({
        name: doc.name,
        keys: doc.keys.map(({ field, value }) => ({ field, value })),
        ...(Object.keys(options).length > 0 ? { options } : {}),
      });
      byCollection.set(doc.collection, indexes);
    }
    const collections = Object.fromEntries(byCollection) as Manifest['collections'];
    return { version: 1, database: { name: database.name, db_name: database.db_name }, collections };
  }

  async apply(databaseId: string, manifest: Manifest, dryRun: boolean): Promise<ManifestApplyResult> {
    const id = parseId(databaseId, 'database');
    const database = await this.databases.findById(id, { db_name: 1 }).lean();
    if (!database) throw notFound('database');
    const planned = this.validate(manifest, database.db_name);
    const existing = await this.definitions.find({ database_id: id }).lean();
    const result = diff(existing, planned, dryRun);
    if (!dryRun) await this.write(id, existing, planned, result);
    return result;
  }

  /** Every issue of the whole manifest, with its path, before anything is written. */
  private validate(manifest: Manifest, dbName: string): Planned[] {
    const issues: FieldIssue[] = [];
    const planned: Planned[] = [];
    for (const [collection, indexes] of Object.entries(manifest.collections)) {
      const namespace = namespaceIssue(dbName, collection, `collections.${collection}`);
      if (namespace) issues.push(namespace);
      const resolvedHere: ResolvedDefinition[] = [];
      indexes.forEach((index, i) => {
        try {
          resolvedHere.push(
            resolveDefinition({ name: index.name, keys: index.keys, options: index.options ?? {} }, `collections.${collection}.${i}.`),
          );
        } catch (error) {
          issues.push(...((error as { issues?: FieldIssue[] }).issues ?? []));
        }
      });
      if (resolvedHere.length === indexes.length) {
        try {
          assertCollectionRules(
            resolvedHere.map((r) => r.definition),
            (i) => `collections.${collection}.${i}`,
          );
        } catch (error) {
          issues.push(...((error as { issues?: FieldIssue[] }).issues ?? []));
        }
      }
      planned.push(...resolvedHere.map((resolved) => ({ collection, resolved })));
    }
    if (issues.length > 0) throw invalidDefinition(issues);
    return planned;
  }

  /**
   * Deletes first (freeing names and identities), then updates, then creates,
   * in bulk. The server has no multi-document transaction here (FerretDB), so a
   * crash midway leaves a partial apply; applying the same manifest again completes it.
   */
  private async write(
    databaseId: Types.ObjectId,
    existing: IndexDefinitionDocument[],
    planned: Planned[],
    result: ManifestApplyResult,
  ): Promise<void> {
    const now = new Date();
    const byKey = new Map(existing.map((d) => [keyOf(d.collection, d.name), d]));
    const deleted = result.deleted.map((c) => byKey.get(keyOf(c.collection, c.name))!);
    const updates = new Set(result.updated.map((c) => keyOf(c.collection, c.name)));
    const creates = new Set(result.created.map((c) => keyOf(c.collection, c.name)));
    const fields = (p: Planned) => ({
      name: p.resolved.definition.name,
      name_generated: false,
      key_signature: p.resolved.keySignature,
      keys: [...p.resolved.definition.keys],
      options_json: JSON.stringify(p.resolved.definition.options ?? {}),
      updated_at: now,
    });

    if (deleted.length > 0) await this.definitions.deleteMany({ _id: { $in: deleted.map((d) => d._id) } });
    const updated = planned
      .filter((p) => updates.has(keyOf(p.collection, p.resolved.definition.name)))
      .map((p) => ({ id: byKey.get(keyOf(p.collection, p.resolved.definition.name))!._id, fields: fields(p) }));
    if (updated.length > 0) {
      // Updated definitions may trade identities (A takes B's key and B takes A's): park each
      // on a placeholder signature first, so no intermediate state breaks the unique index.
      const park: AnyBulkWriteOperation<IndexDefinitionDocument>[] = updated.map(({ id }) => ({
        updateOne: { filter: { _id: id }, update: { $set: { key_signature: `pending:${id.toHexString()}` } } },
      }));
      const write: AnyBulkWriteOperation<IndexDefinitionDocument>[] = updated.map(({ id, fields: set }) => ({
        updateOne: { filter: { _id: id }, update: { $set: set } },
      }));
      await this.definitions.bulkWrite(park, { ordered: false }).catch(rethrowConcurrentApply);
      await this.definitions.bulkWrite(write, { ordered: true }).catch(rethrowConcurrentApply);
    }
    const created = planned
      .filter((p) => creates.has(keyOf(p.collection, p.resolved.definition.name)))
      .map((p) => ({ _id: new Types.ObjectId(), database_id: databaseId, collection: p.collection, created_at: now, ...fields(p) }));
    if (created.length > 0) await this.definitions.insertMany(created, { ordered: true }).catch(rethrowConcurrentApply);
    if (deleted.length + updated.length + created.length > 0) await bumpDefinitionsVersion(this.databases, databaseId);

    const touched = [
      ...deleted.map((d) => [RegistryEvents.indexDeleted, d] as const),
      ...existing.filter((d) => updates.has(keyOf(d.collection, d.name))).map((d) => [RegistryEvents.indexUpdated, d] as const),
      ...created.map((d) => [RegistryEvents.indexCreated, d] as const),
    ];
    for (let i = 0; i < touched.length; i += EVENT_BATCH) {
      await Promise.all(touched.slice(i, i + EVENT_BATCH).map(([event, doc]) => this.events.index(event, doc, now)));
    }
  }
}

/** The unique indexes only trip here when another change to the same definitions ran at the same time. */
function rethrowConcurrentApply(error: unknown): never {
  if ((error as { code?: number }).code === DUPLICATE_KEY) {
    throw new DomainError(
      ErrorCode.conflict,
      "another change to this database's definitions ran at the same time; apply the manifest again",
    );
  }
  throw error;
}

function diff(existing: IndexDefinitionDocument[], planned: Planned[], dryRun: boolean): ManifestApplyResult {
  const current = new Map(existing.map((d) => [keyOf(d.collection, d.name), d]));
  const wanted = new Set(planned.map((p) => keyOf(p.collection, p.resolved.definition.name)));
  const result: ManifestApplyResult = { dry_run: dryRun, created: [], updated: [], deleted: [], unchanged: [] };
  for (const p of planned) {
    const change = { collection: p.collection, name: p.resolved.definition.name };
    const doc = current.get(keyOf(p.collection, p.resolved.definition.name));
    if (!doc) result.created.push(change);
    else if (sameDefinition(doc, p.resolved)) result.unchanged.push(change);
    else result.updated.push(change);
  }
  for (const doc of existing) {
    if (!wanted.has(keyOf(doc.collection, doc.name))) result.deleted.push({ collection: doc.collection, name: doc.name });
  }
  for (const list of [result.created, result.updated, result.deleted, result.unchanged]) {
    list.sort((a, b) => a.collection.localeCompare(b.collection) || a.name.localeCompare(b.name));
  }
  return result;
}

function sameDefinition(doc: IndexDefinitionDocument, resolved: ResolvedDefinition): boolean {
  const stored = { keys: doc.keys.map(({ field, value }) => ({ field, value })), options: optionsOf(doc) };
  const wanted = { keys: resolved.definition.keys, options: resolved.definition.options ?? {} };
  return stableStringify(stored) === stableStringify(wanted);
}

function keyOf(collection: string, name: string): string {
  return `${collection}\u0000${name}`;
}
