import { Injectable } from '@nestjs/common';
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
import { isDuplicateKeyError } from '@ir/platform';
import { manifestChanges, type DefinitionChange } from '../audit/audit-states';
import { databaseTarget, RegistryAudit } from '../audit/registry-audit';
import { DatabaseAccess, type AuthorizedDatabase } from '../databases/database-access';
import { DatabaseRepository } from '../databases/database.repository';
import { assertCollectionRules, invalidDefinition, resolveDefinition, type ResolvedDefinition } from '../indexes/definition-rules';
import { optionsOf, toDefinitionView } from '../indexes/definition-view';
import type { IndexDefinitionDocument } from '../indexes/index-definition.model';
import { IndexDefinitionRepository } from '../indexes/index-definition.repository';
import { RegistryEventsPublisher } from '../registry-events';

interface Planned {
  readonly collection: string;
  readonly resolved: ResolvedDefinition;
}

const EVENT_BATCH = 100;

/**
 * A database's definitions as one document (the manifest) and back. Applying
 * a manifest validates all of it first, so an invalid manifest changes nothing.
 */
@Injectable()
export class ManifestService {
  constructor(
    private readonly definitions: IndexDefinitionRepository,
    private readonly databases: DatabaseRepository,
    private readonly access: DatabaseAccess,
    private readonly events: RegistryEventsPublisher,
    private readonly audit: RegistryAudit,
  ) {}

  async export(databaseId: string): Promise<Manifest> {
    const database = await this.access.authorize(databaseId, 'definitions:read');
    const docs = await this.definitions.allOfByCollectionAndName(database);
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

  /**
   * A dry run needs the same permission as the change it previews: it answers what the caller could do.
   * An apply is one audit entry (a dry run, which changes nothing, none).
   */
  async apply(databaseId: string, manifest: Manifest, dryRun: boolean): Promise<ManifestApplyResult> {
    const database = await this.access.authorize(databaseId, 'definitions:write', dryRun ? undefined : { action: 'manifest.applied' });
    const planned = this.validate(manifest, database.db_name);
    const existing = await this.definitions.allOf(database);
    const result = diff(existing, planned, dryRun);
    if (dryRun) return result;
    const changed = await this.write(database, existing, planned, result);
    const { changes, details } = manifestChanges(result, changed);
    await this.audit.record({
      action: 'manifest.applied',
      outcome: 'succeeded',
      projectId: database.project_id ?? null,
      target: { ...databaseTarget(database), kind: 'manifest' },
      changes,
      details,
    });
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
   * crash midway leaves a partial apply; applying the same manifest again completes it. Answers each
   * changed definition before and after: the deleted, the updated, then the created.
   */
  private async write(
    database: AuthorizedDatabase,
    existing: IndexDefinitionDocument[],
    planned: Planned[],
    result: ManifestApplyResult,
  ): Promise<DefinitionChange[]> {
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

    if (deleted.length > 0)
      await this.definitions.deleteByIds(
        database,
        deleted.map((d) => d._id),
      );
    const updated = planned
      .filter((p) => updates.has(keyOf(p.collection, p.resolved.definition.name)))
      .map((p) => ({ id: byKey.get(keyOf(p.collection, p.resolved.definition.name))!._id, fields: fields(p) }));
    if (updated.length > 0) await this.definitions.rewriteAll(database, updated).catch(rethrowConcurrentApply);
    const toCreate = planned
      .filter((p) => creates.has(keyOf(p.collection, p.resolved.definition.name)))
      .map((p) => ({ collection: p.collection, created_at: now, ...fields(p) }));
    const created = toCreate.length > 0 ? await this.definitions.insertAll(database, toCreate).catch(rethrowConcurrentApply) : [];
    if (deleted.length + updated.length + created.length > 0) await this.databases.bumpDefinitionsVersion(database);

    const touched = [
      ...deleted.map((d) => [RegistryEvents.indexDeleted, d] as const),
      ...existing.filter((d) => updates.has(keyOf(d.collection, d.name))).map((d) => [RegistryEvents.indexUpdated, d] as const),
      ...created.map((d) => [RegistryEvents.indexCreated, d] as const),
    ];
    for (let i = 0; i < touched.length; i += EVENT_BATCH) {
      await Promise.all(touched.slice(i, i + EVENT_BATCH).map(([event, doc]) => this.events.index(event, database, doc, now)));
    }
    const rewritten = new Map(updated.map((u) => [u.id.toHexString(), u.fields]));
    return [
      ...deleted.map((d) => ({ before: toDefinitionView(d), after: null })),
      ...result.updated
        .map((c) => byKey.get(keyOf(c.collection, c.name))!)
        .map((d) => ({ before: toDefinitionView(d), after: toDefinitionView({ ...d, ...rewritten.get(d._id.toHexString())! }) })),
      ...created.map((d) => ({ before: null, after: toDefinitionView(d) })),
    ];
  }
}

/** The unique indexes only trip here when another change to the same definitions ran at the same time. */
function rethrowConcurrentApply(error: unknown): never {
  if (isDuplicateKeyError(error)) {
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
