import { Injectable } from '@nestjs/common';
import type { Principal } from '@ir/contracts';
import { CALENDAR_LEVELS, overlaps, type AuditCursor } from './audit-bucket';
import { AuditBucketBackfill } from './audit-bucket-backfill.service';
import { AuditCalendarRepository } from './audit-calendar.repository';
import type { AuditEntryDocument } from './audit-entry.model';
import { AuditEntryRepository, type AuditFilter } from './audit-entry.repository';

/** Projects walked at once for a caller in several: each walk is a few small reads in a row. */
const PROJECTS_AT_ONCE = 4;

/** One keyset page: the entries, and whether more follow. */
export interface KeysetPage {
  readonly items: AuditEntryDocument[];
  readonly more: boolean;
}

/**
 * Keyset pages of the trail read bucket by bucket (see audit-bucket.ts): each project in reach is
 * walked newest minute first until it has given a page's worth, and the projects' entries are merged
 * newest first. A filter narrows what each bucket gives (the walk may then read more buckets); a
 * time range and the cursor also bound which days, hours and minutes are read.
 */
@Injectable()
export class AuditBucketReader {
  constructor(
    private readonly entries: AuditEntryRepository,
    private readonly calendar: AuditCalendarRepository,
    private readonly backfill: AuditBucketBackfill,
  ) {}

  /** At most `limit` entries the caller may read after `after`, newest first. */
  async newest(principal: Principal, filter: AuditFilter, after: AuditCursor | undefined, limit: number): Promise<KeysetPage> {
    const scope = this.entries.reach(principal, filter.projectId);
    // One more than the page: whether it is there says whether a next page is.
    const want = limit + 1;
    let found: AuditEntryDocument[];
    if (scope.all || !(await this.backfill.done())) {
      found = await this.entries.afterUnbucketed(principal, filter, after, want);
    } else {
      const perProject: AuditEntryDocument[][] = [];
      for (let i = 0; i < scope.ids.length; i += PROJECTS_AT_ONCE) {
        const batch = scope.ids.slice(i, i + PROJECTS_AT_ONCE);
        perProject.push(...(await Promise.all(batch.map((projectId) => this.newestOfProject(projectId, filter, after, want)))));
      }
      found = perProject.flat().sort(newestFirst).slice(0, want);
    }
    return { items: found.slice(0, limit), more: found.length > limit };
  }

  /** At most `want` entries of one project, newest first: its calendar walked depth first, newest first, to the buckets. */
  private async newestOfProject(
    projectId: string,
    filter: AuditFilter,
    after: AuditCursor | undefined,
    want: number,
  ): Promise<AuditEntryDocument[]> {
    const newest = [filter.to, after?.at].filter((at): at is Date => at !== undefined).sort((a, b) => a.getTime() - b.getTime())[0];
    const found: AuditEntryDocument[] = [];
    const walk = async (parent: string | undefined, level: number): Promise<void> => {
      const times = (await this.calendar.timesUnder(projectId, parent)).filter((time) => overlaps(time, newest, filter.from));
      for (const time of times) {
        if (level < CALENDAR_LEVELS.length - 1) await walk(time, level + 1);
        else found.push(...(await this.entries.inBucket(projectId, time, filter, after, want - found.length)));
        if (found.length >= want) return;
      }
    };
    await walk(undefined, 0);
    return found;
  }
}

function newestFirst(a: AuditEntryDocument, b: AuditEntryDocument): number {
  return b.at.getTime() - a.at.getTime() || (a._id < b._id ? 1 : a._id > b._id ? -1 : 0);
}
