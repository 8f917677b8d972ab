import { Injectable } from '@nestjs/common';
import { endOf, splitMinutesOf, splitParentOf } from './audit-bucket';
import { AuditCalendarRepository, LATE_AFTER_MS } from './audit-calendar.repository';

/** The clock difference between replicas (and their writers) the copy allows for. */
export const MAX_CLOCK_SKEW_MS = 4 * 60_000;
/**
 * A day or hour that ended this long ago by this replica's clock is closed: a writer whose clock is
 * up to MAX_CLOCK_SKEW_MS behind sees it ended over LATE_AFTER_MS ago, so anything it records into
 * it from now on changes LATE_ID's token.
 */
export const CLOSED_AFTER_MS = LATE_AFTER_MS + MAX_CLOCK_SKEW_MS;
/** Days and hours whose children a replica keeps; past this many it forgets them all. */
const COPY_MAX = 20_000;

interface Copied {
  /** LATE_ID's token as read before these children were. */
  readonly token: string;
  readonly times: string[];
}

/**
 * This replica's copy of the children (hours of a day, minutes of an hour) of the closed days and
 * hours of the audit calendar, so a walk reads only the open end of the calendar, whatever the
 * depth of the page. A closed time's children change only by a late record, and every late record
 * changes LATE_ID's token after its insert: a walk reads the token first (beside the days, which are
 * never copied) and uses a copied time only if it was read after that same token was, so a copy
 * read before a late insert is read again once the insert's token is seen.
 */
@Injectable()
export class AuditCalendarCopy {
  private readonly copied = new Map<string, Copied>();

  constructor(private readonly calendar: AuditCalendarRepository) {}

  /** The days of `scope` (a project's, or `*`), newest first, and a walk below them; the token and the days read at once. */
  async walk(scope: string): Promise<{ days: string[]; walk: CalendarWalk }> {
    const [walk, days] = await Promise.all([this.begin(), this.calendar.timesUnder(scope, undefined)]);
    return { days, walk };
  }

  /** A walk of the calendar as of LATE_ID's token now: further walks of other scopes may share it. */
  async begin(): Promise<CalendarWalk> {
    const token = await this.calendar.lateToken();
    return {
      days: (scope) => this.calendar.timesUnder(scope, undefined),
      under: (scope, time) => this.under(token, scope, time, time),
      split: async (scope, hour) => splitMinutesOf(await this.under(token, scope, hour, splitParentOf(hour))),
    };
  }

  /** The children of `parent` (`time`, or its split marks' parent), copied once `time` is closed. */
  private async under(token: string, scope: string, time: string, parent: string): Promise<string[]> {
    const key = `${scope}:${parent}`;
    const copy = this.copied.get(key);
    if (copy?.token === token) return copy.times;
    const times = await this.calendar.timesUnder(scope, parent);
    if (endOf(time).getTime() <= Date.now() - CLOSED_AFTER_MS) {
      if (this.copied.size >= COPY_MAX) this.copied.clear();
      this.copied.set(key, { token, times });
    }
    return times;
  }
}

/** The calendar as one walk reads it: the days of a scope, the children of a day, hour or minute, an hour's split minutes. */
export interface CalendarWalk {
  days(scope: string): Promise<string[]>;
  under(scope: string, time: string): Promise<string[]>;
  /** The minutes of an hour of a scope that are split (read one second at a time, audit-bucket.ts). */
  split(scope: string, hour: string): Promise<Set<string>>;
}
