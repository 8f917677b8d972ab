import { Injectable } from '@nestjs/common';
import type { Principal, ProjectScope } from '@ir/contracts';
import { CALENDAR_LEVELS, EVERY_PROJECT, overlaps, readNewestFirst, startOf, type AuditCursor } from './audit-bucket';
import { AuditBucketBackfill } from './audit-bucket-backfill.service';
import { AuditCalendarCopy, type CalendarWalk } from './audit-calendar-copy.service';
import type { AuditEntryDocument } from './audit-entry.model';
import { AuditEntryRepository, type AuditFilter } from './audit-entry.repository';

/** Projects walked at once when a caller's projects are walked one by one: each walk is a few small reads in a row. */
const PROJECTS_AT_ONCE = 4;
/**
 * Minutes the merged lane reads for a caller in some projects before walking them one by one: a
 * minute holds every project's entries, so a caller whose projects are a small share of a busy
 * trail would read many minutes for a page.
 */
const MERGED_MINUTES = 8;

/** One keyset page: the entries, and whether more follow. */
export interface KeysetPage {
  readonly items: AuditEntryDocument[];
  readonly more: boolean;
}

/**
 * Keyset pages of the trail read bucket by bucket (see audit-bucket.ts). A caller in one project
 * walks its calendar to its minute buckets. A caller in several, or in all (a system
 * administrator, a service), walks the merged lane: every project's calendar (`*`) to its minutes,
 * each read once for all the caller's projects; a caller in some projects goes on project by
 * project below the MERGED_MINUTES it read. Walks read the days and this replica's copy of the
 * closed days and hours (AuditCalendarCopy) at once, newest first from the cursor, until a page's
 * worth is found. A filter narrows what each minute gives (the walk may then read more minutes);
 * a time range and the cursor also bound which days, hours and minutes are read.
 */
@Injectable()
export class AuditBucketReader {
  constructor(
    private readonly entries: AuditEntryRepository,
    private readonly copy: AuditCalendarCopy,
    private readonly backfill: AuditBucketBackfill,
  ) {}

  /** At most `limit` entries the caller may read after `after`, newest first. */
  async newest(principal: Principal, filter: AuditFilter, after: AuditCursor | undefined, limit: number): Promise<KeysetPage> {
    const scope = this.entries.reach(principal, filter.projectId);
    // One more than the page: whether it is there says whether a next page is.
    const want = limit + 1;
    let found: AuditEntryDocument[];
    // Until the backfill is done (after an upgrade), one project reads its buckets once they are all filed, the merged lane by `at`.
    if (!scope.all && scope.ids.length === 1 && (await this.backfill.bucketsDone())) {
      const { days, walk } = await this.copy.walk(scope.ids[0]);
      found = await this.newestOfProject(walk, days, scope.ids[0], filter, after, want);
    } else if ((scope.all || scope.ids.length > 1) && (await this.backfill.done())) {
      found = await this.newestMerged(principal, scope, filter, after, want);
    } else found = await this.entries.afterUnbucketed(principal, filter, after, want);
    return { items: found.slice(0, limit), more: found.length > limit };
  }

  /** The merged lane, then for a caller in some projects its projects one by one below the minutes read. */
  private async newestMerged(
    principal: Principal,
    scope: ProjectScope,
    filter: AuditFilter,
    after: AuditCursor | undefined,
    want: number,
  ): Promise<AuditEntryDocument[]> {
    const [{ days, walk }, splitReads] = await Promise.all([this.copy.walk(EVERY_PROJECT), this.backfill.secondsDone()]);
    const found: AuditEntryDocument[] = [];
    let minutesRead = 0;
    let oldestRead: string | undefined;
    const visit = async (times: string[], level: number, split: ReadonlySet<string>): Promise<boolean> => {
      for (const time of times.filter((name) => overlaps(name, newestOf(filter, after), filter.from))) {
        if (level < CALENDAR_LEVELS.length - 1) {
          const [children, below] = await childrenOf(walk, EVERY_PROJECT, time, level);
          if (await visit(children, level + 1, below)) return true;
        } else {
          if (!scope.all && minutesRead >= MERGED_MINUTES) return true;
          const reads = await readsOf(walk, time, splitReads && split.has(time), filter, after);
          await readNewestFirst(reads, found, want, (read, limit) => this.entries.inMinute(principal, read, filter, after, limit));
          if (found.length >= want) return true;
          [minutesRead, oldestRead] = [minutesRead + 1, time];
        }
        if (found.length >= want) return true;
      }
      return false;
    };
    const stopped = (await visit(days, 0, NONE_SPLIT)) && found.length < want;
    if (!stopped || oldestRead === undefined || scope.all) return found;
    // Every minute from `oldestRead` on is read: the rest is before it, each project's newest first.
    const before = { ...filter, to: new Date(startOf(oldestRead).getTime() - 1) };
    const perProject: AuditEntryDocument[][] = [];
    for (let i = 0; i < scope.ids.length; i += PROJECTS_AT_ONCE) {
      const batch = scope.ids.slice(i, i + PROJECTS_AT_ONCE);
      const walks = batch.map(async (projectId) => this.newestOfProject(walk, await walk.days(projectId), projectId, before, after, want));
      perProject.push(...(await Promise.all(walks)));
    }
    return [...found, ...perProject.flat().sort(newestFirst)].slice(0, want);
  }

  /** At most `want` entries of one project, newest first: its calendar walked depth first, newest first, to the buckets. */
  private async newestOfProject(
    walk: CalendarWalk,
    days: string[],
    projectId: string,
    filter: AuditFilter,
    after: AuditCursor | undefined,
    want: number,
  ): Promise<AuditEntryDocument[]> {
    const found: AuditEntryDocument[] = [];
    const splitReads = await this.backfill.secondsDone();
    const visit = async (times: string[], level: number, split: ReadonlySet<string>): Promise<void> => {
      for (const time of times.filter((name) => overlaps(name, newestOf(filter, after), filter.from))) {
        if (level < CALENDAR_LEVELS.length - 1) {
          const [children, below] = await childrenOf(walk, projectId, time, level);
          await visit(children, level + 1, below);
        } else {
          const reads = await readsOf(walk, time, splitReads && split.has(time), filter, after);
          await readNewestFirst(reads, found, want, (read, limit) => this.entries.inBucket(projectId, read, filter, after, limit));
        }
        if (found.length >= want) return;
      }
    };
    await visit(days, 0, NONE_SPLIT);
    return found;
  }
}

const NONE_SPLIT: ReadonlySet<string> = new Set();

/** The children of a day or hour of `scope`, and for an hour which of its minutes are split (both read at once). */
function childrenOf(walk: CalendarWalk, scope: string, time: string, level: number): Promise<[string[], ReadonlySet<string>]> {
  const split = level === CALENDAR_LEVELS.length - 2 ? walk.split(scope, time) : NONE_SPLIT;
  return Promise.all([walk.under(scope, time), split]);
}

/**
 * What a walk reads of `minute`, newest first: the minute whole, or when it is split its seconds
 * that hold entries (every project's calendar holds them, audit-bucket.ts) within the page's bounds.
 * A filter on the actor or the action is read by whole minutes even when split: it may match a few
 * entries of a long trail, so the walk goes back through every minute of it, and by seconds that is
 * up to sixty reads a minute instead of one (a sparse actor's first page took longer than the bus's
 * time limit in the e2e suite's trail). A page of everything, or of a project, stops within a few seconds.
 */
async function readsOf(
  walk: CalendarWalk,
  minute: string,
  split: boolean,
  filter: AuditFilter,
  after: AuditCursor | undefined,
): Promise<string[]> {
  if (!split || filter.actorId !== undefined || filter.action !== undefined) return [minute];
  return (await walk.under(EVERY_PROJECT, minute)).filter((second) => overlaps(second, newestOf(filter, after), filter.from));
}

/** The newest time a page may show: the earlier of the range's end and the cursor. */
function newestOf(filter: AuditFilter, after: AuditCursor | undefined): Date | undefined {
  return [filter.to, after?.at].filter((at): at is Date => at !== undefined).sort((a, b) => a.getTime() - b.getTime())[0];
}

function newestFirst(a: AuditEntryDocument, b: AuditEntryDocument): number {
  return b.at.getTime() - a.at.getTime() || (a._id < b._id ? 1 : a._id > b._id ? -1 : 0);
}
