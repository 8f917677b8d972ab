import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, RegistryEvents, type Manifest, type ManifestApplyResult, type RegistryManifestRpc } from '@ir/contracts';
import { isDuplicateKeyError } from '@ir/platform';
import type { z } from 'zod';
import { DatabaseAccess, type AuthorizedDatabase } from '../databases/database-access';
import { DatabaseRepository } from '../databases/database.repository';
import { manifestChanges, type DefinitionChange } from '../audit/audit-states';
import { databaseTarget, RegistryAudit } from '../audit/registry-audit';
import { optionsOf, toDefinitionView } from '../indexes/definition-view';
import type { IndexDefinitionDocument } from '../indexes/index-definition.model';
import { IndexDefinitionRepository } from '../indexes/index-definition.repository';
import { DefinitionSets } from '../indexes/definition-sets';
import { RegistryEventsPublisher } from '../registry-events';
import { ManifestClaimRepository } from './manifest-claim.repository';
import { changesAnything, definitionKey, diffManifest, type ManifestDiff } from './manifest-diff';
import { assertDeletionsAllowed, assertIfMatch, assertManifestIsFor, definitionsVersionOf, staleManifest } from './manifest-preconditions';
import { ruleContextOfDatabase } from '../databases/database-server';
import { checkManifest, invalidManifest, type PlannedDefinition } from './manifest-validation';

export type ApplyManifestRequest = z.output<(typeof RegistryManifestRpc)['apply']['request']>;

const EVENT_BATCH = 100;

/**
 * A database's definitions as one document (the manifest) and back. Applying a manifest checks, in
 * this order and before anything is written: If-Match (412), that the manifest is for this database
 * (409), all of the manifest at once (400), that deletions were allowed (409). A dry run answers the same.
 */
@Injectable()
export class ManifestService {
  constructor(
    private readonly definitions: IndexDefinitionRepository,
    private readonly sets: DefinitionSets,
    private readonly databases: DatabaseRepository,
    private readonly claims: ManifestClaimRepository,
    private readonly access: DatabaseAccess,
    private readonly events: RegistryEventsPublisher,
    private readonly audit: RegistryAudit,
  ) {}

  /** The version is read (with the database) before the definitions: an ETag is never newer than what it comes with. */
  async export(databaseId: string): Promise<{ manifest: Manifest; version: number }> {
    const database = await this.access.authorize(databaseId, 'definitions:read');
    const docs = (await this.sets.current(database)).all;
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
    const manifest = { version: 1 as const, database: { name: database.name, db_name: database.db_name }, collections };
    return { manifest, version: definitionsVersionOf(database) };
  }

  /**
   * A dry run needs the same permission as the change it previews: it answers what the caller could do.
   * An apply that changes something is one audit entry (a dry run, which changes nothing, none).
   */
  async apply(request: ApplyManifestRequest): Promise<ManifestApplyResult> {
    const database = await this.access.authorize(
      request.database_id,
      'definitions:write',
      request.dry_run ? undefined : { action: 'manifest.applied' },
    );
    const current = definitionsVersionOf(database);
    assertIfMatch(request.if_match, current);
    const manifest = checkManifest(request.manifest, database.db_name, ruleContextOfDatabase(database));
    assertManifestIsFor(manifest.database, database);
    if (manifest.issues.length > 0) throw invalidManifest(manifest.issues);
    const existing = [...(await this.sets.current(database)).all];
    const guarded = Array.isArray(request.if_match);
    if (guarded) await this.assertVersionStill(database, current);
    const diff = diffManifest(existing, manifest.planned);
    assertDeletionsAllowed(diff.deleted, request.allow_deletions);

    let version = current;
    if (!request.dry_run && changesAnything(diff)) {
      if (guarded) await this.takeVersion(database, current);
      const written = await this.write(database, existing, manifest.planned, diff);
      version = written.version;
      const { changes, details } = manifestChanges(diff, written.changed);
      await this.audit.record({
        action: 'manifest.applied',
        outcome: 'succeeded',
        projectId: database.project_id ?? null,
        target: { ...databaseTarget(database), kind: 'manifest' },
        changes,
        details: { ...details, version },
      });
    }
    return { dry_run: request.dry_run, version, ...diff, warnings: manifest.warnings };
  }

  /**
   * With If-Match, the version moves on before the first write (so that definitions read during this
   * apply are seen as changed), and of two applies holding the same ETag only the one that claims it
   * goes on; the other is a 412. A crash after this leaves a moved version, never a held claim.
   */
  private async takeVersion(database: AuthorizedDatabase, current: number): Promise<void> {
    const moved = await this.databases.moveDefinitionsVersionFrom(database, current);
    if (!moved || !(await this.claims.claim(database, current))) throw staleManifest(await this.databases.definitionsVersionNow(database));
  }

  /**
   * 412 when the definitions' version moved on since `current` was read: a guarded apply (If-Match)
   * claims the version before it writes, so definitions read after such a claim are caught here.
   */
  private async assertVersionStill(database: AuthorizedDatabase, current: number): Promise<void> {
    const now = await this.databases.definitionsVersionNow(database);
    if (now !== current) throw staleManifest(now);
  }

  /**
   * Deletes first (freeing names and identities), then updates, then creates,
   * in bulk. The server has no multi-document transaction here (FerretDB), so a
   * crash midway leaves a partial apply; applying the same manifest again completes it.
   * Answers the definitions' new version, and each changed definition before and after (the deleted,
   * the updated, then the created) for the audit trail.
   */
  private async write(
    database: AuthorizedDatabase,
    existing: IndexDefinitionDocument[],
    planned: PlannedDefinition[],
    diff: ManifestDiff,
  ): Promise<{ version: number; changed: DefinitionChange[] }> {
    const now = new Date();
    const byKey = new Map(existing.map((d) => [definitionKey(d.collection, d.name), d]));
    const deleted = diff.deleted.map((c) => byKey.get(definitionKey(c.collection, c.name))!);
    const updates = new Set(diff.updated.map((c) => definitionKey(c.collection, c.name)));
    const creates = new Set(diff.created.map((c) => definitionKey(c.collection, c.name)));
    const keyOfPlanned = (p: PlannedDefinition) => definitionKey(p.collection, p.resolved.definition.name);
    const fields = (p: PlannedDefinition) => ({
      name: p.resolved.definition.name,
      name_generated: p.resolved.nameGenerated,
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
      .filter((p) => updates.has(keyOfPlanned(p)))
      .map((p) => ({ id: byKey.get(keyOfPlanned(p))!._id, fields: fields(p) }));
    if (updated.length > 0) await this.definitions.rewriteAll(database, updated).catch(rethrowConcurrentApply);
    const toCreate = planned
      .filter((p) => creates.has(keyOfPlanned(p)))
      .map((p) => ({ collection: p.collection, created_at: now, ...fields(p) }));
    const created = toCreate.length > 0 ? await this.definitions.insertAll(database, toCreate).catch(rethrowConcurrentApply) : [];
    const version = await this.databases.bumpDefinitionsVersion(database);
    await this.sets.rebuild(database, version);

    const touched = [
      ...deleted.map((d) => [RegistryEvents.indexDeleted, d] as const),
      ...existing.filter((d) => updates.has(definitionKey(d.collection, d.name))).map((d) => [RegistryEvents.indexUpdated, d] as const),
      ...created.map((d) => [RegistryEvents.indexCreated, d] as const),
    ];
    for (let i = 0; i < touched.length; i += EVENT_BATCH) {
      await Promise.all(touched.slice(i, i + EVENT_BATCH).map(([event, doc]) => this.events.index(event, database, doc, now)));
    }
    const rewritten = new Map(updated.map((u) => [u.id.toHexString(), u.fields]));
    const changed: DefinitionChange[] = [
      ...deleted.map((d) => ({ before: toDefinitionView(d), after: null })),
      ...diff.updated
        .map((c) => byKey.get(definitionKey(c.collection, c.name))!)
        .map((d) => ({ before: toDefinitionView(d), after: toDefinitionView({ ...d, ...rewritten.get(d._id.toHexString())! }) })),
      ...created.map((d) => ({ before: null, after: toDefinitionView(d) })),
    ];
    return { version, changed };
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
