import { Inject, Injectable } from '@nestjs/common';
import { narrowTo, projectsWhere, type AuditAction, type AuditEntry, type Principal, type ProjectScope } from '@ir/contracts';
import { findPage, isDuplicateKeyError, OwnRepository, type Page, type PageRequest } from '@ir/platform';
import type { FilterQuery } from 'mongoose';
import { bucketOf, minuteOf, SECOND_LENGTH, secondOf, type AuditCursor } from './audit-bucket';
import { AuditCalendarRepository } from './audit-calendar.repository';
import { AUDIT_ENTRY_MODEL, type AuditEntryDocument, type AuditEntryModel } from './audit-entry.model';
import { toAuditEntryDocument } from './audit-entry-view';

/** What a list of entries keeps to, besides the caller's reach. */
export interface AuditFilter {
  readonly projectId?: string;
  readonly actorId?: string;
  readonly action?: AuditAction;
  readonly from?: Date;
  readonly to?: Date;
}

/** Newest first, ties by id: the order of every list and of its keyset cursor. */
const NEWEST_FIRST = { at: -1, _id: -1 } as const;
/** Entries given their bucket by one write of the backfill. */
const BACKFILL_BATCH = 500;

/** An entry the backfill files: what its bucket and minute are made of. */
export type UnfiledEntry = Pick<AuditEntryDocument, '_id' | 'at' | 'project_id'>;

/** Whether `store` kept the entry now, or had it already (a redelivery). */
export type StoreResult = 'stored' | 'already_stored';

/**
 * The `audit_entries` collection, append-only: entries are inserted once and never changed (but for
 * the backfill filing older entries in their buckets, audit-bucket.ts); the one
 * delete is the retention prune of entries older than the retention period. Every read takes the
 * caller and finds only entries of projects where it holds `audit:read`; entries of no project
 * (logins, registrations) only for system administrators.
 */
@Injectable()
export class AuditEntryRepository extends OwnRepository<AuditEntryDocument> {
  constructor(
    @Inject(AUDIT_ENTRY_MODEL) model: AuditEntryModel,
    private readonly calendar: AuditCalendarRepository,
  ) {
    super(model);
  }

  /** Stores the entry under its id; an entry stored before (the same id) is left as it is. */
  async store(entry: AuditEntry): Promise<StoreResult> {
    // Its hour in the calendar first: a list finds the entry's bucket only through it (audit-bucket.ts).
    await this.calendar.record(entry.project_id, new Date(entry.at));
    try {
      await this.model.create(toAuditEntryDocument(entry));
      return 'stored';
    } catch (error) {
      if (isDuplicateKeyError(error)) return 'already_stored';
      throw error;
    }
  }

  /** The entries the caller may read that match `filter`, newest first, by offset, with their total. */
  page(principal: Principal, filter: AuditFilter, request: PageRequest): Promise<Page<AuditEntryDocument>> {
    return findPage(this.model, { ...this.reachOf(principal, filter.projectId), ...conditionsOf(filter) }, NEWEST_FIRST, request);
  }

  /**
   * The projects whose entries the caller may read (narrowed to `projectId` when asked), or every
   * project: what a bucketed list walks, one project at a time.
   */
  reach(principal: Principal, projectId: string | undefined): ProjectScope {
    const scope = projectsWhere(principal, 'audit:read');
    return projectId ? narrowTo(scope, projectId) : scope;
  }

  /**
   * At most `limit` entries of the caller's whole reach after `after`, newest first, by the
   * indexes on `at` (read in full by FerretDB): until the backfill has filed every entry.
   */
  afterUnbucketed(principal: Principal, filter: AuditFilter, after: AuditCursor | undefined, limit: number): Promise<AuditEntryDocument[]> {
    const query = { ...this.reachOf(principal, filter.projectId), ...conditionsOf(filter, after) };
    return this.model.find(query).sort(NEWEST_FIRST).limit(limit).lean<AuditEntryDocument[]>();
  }

  /**
   * At most `limit` entries of one project's UTC minute (`2026-12-02T03:04`), or second of a split
   * minute (`2026-12-02T03:04:05`), after `after`, newest first: by equality on `bucket` (or on
   * `second` and `project_id`), the only part FerretDB filters in SQL; the other conditions it
   * applies to that time's entries alone. The caller takes `projectId` from `reach`.
   */
  inBucket(
    projectId: string,
    time: string,
    filter: AuditFilter,
    after: AuditCursor | undefined,
    limit: number,
  ): Promise<AuditEntryDocument[]> {
    const lane = time.length === SECOND_LENGTH ? { second: time, project_id: projectId } : { bucket: `${projectId}:${time}` };
    return this.model
      .find({ ...lane, ...conditionsOf(filter, after) })
      .sort(NEWEST_FIRST)
      .limit(limit)
      .lean<AuditEntryDocument[]>();
  }

  /**
   * At most `limit` entries the caller may read of one UTC minute (`2026-12-02T03:04`), or second of
   * a split minute (`2026-12-02T03:04:05`), of every project after `after`, newest first: one
   * equality on `minute` (or `second`), the only part FerretDB filters in SQL; the caller's reach and
   * the other conditions it applies to that time's entries alone.
   */
  inMinute(
    principal: Principal,
    time: string,
    filter: AuditFilter,
    after: AuditCursor | undefined,
    limit: number,
  ): Promise<AuditEntryDocument[]> {
    const lane = time.length === SECOND_LENGTH ? { second: time } : { minute: time };
    const query = { ...lane, ...this.reachOf(principal, filter.projectId), ...conditionsOf(filter, after) };
    return this.model.find(query).sort(NEWEST_FIRST).limit(limit).lean<AuditEntryDocument[]>();
  }

  /**
   * The entries without a minute or second (each with what its bucket, minute and second are made
   * of), BACKFILL_BATCH at a time: stored before split minutes existed, or by an older replica during
   * a rolling upgrade. One read of the collection, which FerretDB reads in full (`$exists` is not
   * pushed down), streamed by the driver's batches; stopping early closes it.
   */
  async *unfiled(): AsyncGenerator<UnfiledEntry[]> {
    const cursor = this.model
      .find({ $or: [{ minute: { $exists: false } }, { second: { $exists: false } }] }, { _id: 1, at: 1, project_id: 1 })
      .batchSize(BACKFILL_BATCH)
      .lean<UnfiledEntry[]>()
      .cursor();
    try {
      let batch: UnfiledEntry[] = [];
      for await (const entry of cursor as AsyncIterable<UnfiledEntry>) {
        batch.push(entry);
        if (batch.length < BACKFILL_BATCH) continue;
        yield batch;
        batch = [];
      }
      if (batch.length > 0) yield batch;
    } finally {
      await cursor.close();
    }
  }

  /** Files each of `entries` in its bucket, minute and second (by `_id`, which FerretDB filters in SQL). */
  async fileInBuckets(entries: readonly UnfiledEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.model.bulkWrite(
      entries.map((entry) => ({
        updateOne: {
          filter: { _id: entry._id },
          update: { $set: { bucket: bucketOf(entry.project_id, entry.at), minute: minuteOf(entry.at), second: secondOf(entry.at) } },
        },
      })),
      { ordered: false },
    );
  }

  /**
   * Deletes at most `limit` of the oldest entries recorded before `cutoff`; answers how many. A
   * bounded delete that the retention job repeats: FerretDB 1.x has no TTL indexes, and one
   * unbounded delete of a year's backlog would hold the database for as long as it takes.
   */
  async deleteOlderThan(cutoff: Date, limit: number): Promise<number> {
    const oldest = await this.model
      .find({ at: { $lt: cutoff } }, { _id: 1 })
      .sort({ at: 1 })
      .limit(limit)
      .lean<Pick<AuditEntryDocument, '_id'>[]>();
    if (oldest.length === 0) return 0;
    const { deletedCount } = await this.model.deleteMany({ _id: { $in: oldest.map((doc) => doc._id) } });
    return deletedCount;
  }

  /**
   * The part of a query that keeps to the caller's reach: the projects where it holds `audit:read`
   * (narrowed to one when asked), and entries of no project only for a system administrator.
   */
  private reachOf(principal: Principal, projectId: string | undefined): FilterQuery<AuditEntryDocument> {
    const scope = projectsWhere(principal, 'audit:read');
    if (projectId) return this.inProjects(narrowTo(scope, projectId));
    if (!scope.all) return this.inProjects(scope);
    return principal.kind === 'user' && principal.system_admin ? {} : { project_id: { $ne: null } };
  }
}

/** The conditions of `filter`, and of a keyset page after `after`. */
function conditionsOf(filter: AuditFilter, after?: AuditCursor): FilterQuery<AuditEntryDocument> {
  const query: FilterQuery<AuditEntryDocument> = {};
  if (filter.actorId) query['actor.id'] = filter.actorId;
  if (filter.action) query.action = filter.action;
  if (filter.from || filter.to) query.at = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lte: filter.to } : {}) };
  if (after) query.$or = [{ at: { $lt: after.at } }, { at: after.at, _id: { $lt: after.id } }];
  return query;
}
