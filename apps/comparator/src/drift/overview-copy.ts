import type { FleetDriftState, ProjectScope } from '@ir/contracts';
import type { DriftSnapshotDocument } from './drift-snapshot.model';

/** What the fleet overview lists of a snapshot: never its body. */
export type OverviewRow = Pick<DriftSnapshotDocument, '_id' | 'project_id' | 'database_name' | 'db_name' | 'drift' | 'compared_at'> &
  Required<Pick<DriftSnapshotDocument, 'totals'>>;
/** What a page of the overview keeps to, besides the caller's reach. */
export interface OverviewFilter {
  readonly projectId?: string;
  readonly state?: FleetDriftState;
  /** The page starts after this database id (keyset: no skipping over the pages before). */
  readonly after?: string;
}

/** A copy older than this is read again, in the background, while it still answers. */
const REFRESH_AFTER_MS = 1_000;
/** A copy older than this (nobody asked for a while) is read again before it answers. */
const WAIT_AFTER_MS = 30_000;

/** What a state filter keeps. */
const STATE_TESTS: Record<NonNullable<OverviewFilter['state']>, (row: OverviewRow) => boolean> = {
  drifted: (row) => row.drift,
  failed: (row) => row.totals.failed_collections > 0,
  in_sync: (row) => !row.drift && row.totals.failed_collections === 0,
};

/**
 * The fleet overview's rows in memory (about 300 bytes a database), so that a page is a walk over
 * them instead of a query: FerretDB 1.x's SQLite backend reads every snapshot, body and all, for
 * any filter but a lone `_id`, which made a page of 1,000 databases cost 130+ ms of the store.
 *
 * Staleness is bounded: this replica's own writes are in the copy at once (`put`, `remove`); other
 * replicas' are seen when the copy is read again, at most once a second while pages are asked
 * for (in the background: a page never waits for it unless the copy is over 30 s old), and at
 * least every 15 s for the drift metrics, which export the same rows (`all`, `freshen`).
 */
export class OverviewCopy {
  private rows = new Map<string, OverviewRow>();
  private sorted: OverviewRow[] | undefined;
  private readAt = Number.NEGATIVE_INFINITY;
  private reading: Promise<void> | undefined;
  /** Own writes made while a read of the store is under way: applied again over what it read. */
  private writtenDuringRead: Map<string, OverviewRow | null> | undefined;

  constructor(
    private readonly readAll: () => Promise<OverviewRow[]>,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** One page by database id, in `reach`, as the repository's query answered it. */
  async page(reach: ProjectScope, filter: OverviewFilter, limit: number): Promise<OverviewRow[]> {
    const age = this.now() - this.readAt;
    if (age > WAIT_AFTER_MS) await this.refresh();
    else if (age > REFRESH_AFTER_MS) void this.refresh().catch(() => undefined);
    const projects = reach.all ? undefined : new Set(reach.ids);
    const state = filter.state ? STATE_TESTS[filter.state] : undefined;
    const page: OverviewRow[] = [];
    for (const row of this.inOrder()) {
      if (page.length === limit) break;
      if (filter.after !== undefined && row._id <= filter.after) continue;
      if (projects && !(row.project_id && projects.has(row.project_id))) continue;
      if (state && !state(row)) continue;
      page.push(row);
    }
    return page;
  }

  /** Every row in database id order, for the drift metrics; undefined until the store has been read once. */
  all(): readonly OverviewRow[] | undefined {
    return this.readAt === Number.NEGATIVE_INFINITY ? undefined : this.inOrder();
  }

  /** Reads the store again when the copy is older than `maxAgeMs` (joining a read under way). */
  async freshen(maxAgeMs: number): Promise<void> {
    if (this.now() - this.readAt > maxAgeMs) await this.refresh();
  }

  /** Reads the store again after any read under way: what was stored before this call is in the copy after it. */
  async reread(): Promise<void> {
    await this.reading?.catch(() => undefined);
    await this.refresh();
  }

  /** This replica stored the row (or changed it). */
  put(row: OverviewRow): void {
    this.rows.set(row._id, row);
    this.sorted = undefined;
    this.writtenDuringRead?.set(row._id, row);
  }

  /** This replica deleted the database's snapshot. */
  remove(id: string): void {
    this.rows.delete(id);
    this.sorted = undefined;
    this.writtenDuringRead?.set(id, null);
  }

  /** The row as this copy holds it, to merge a partial write into. */
  get(id: string): OverviewRow | undefined {
    return this.rows.get(id);
  }

  private refresh(): Promise<void> {
    this.reading ??= this.read().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async read(): Promise<void> {
    const startedAt = this.now();
    this.writtenDuringRead = new Map();
    try {
      const rows = new Map((await this.readAll()).map((row) => [row._id, row]));
      for (const [id, row] of this.writtenDuringRead) {
        if (row) rows.set(id, row);
        else rows.delete(id);
      }
      this.rows = rows;
      this.sorted = undefined;
      this.readAt = startedAt;
    } finally {
      this.writtenDuringRead = undefined;
    }
  }

  private inOrder(): OverviewRow[] {
    this.sorted ??= [...this.rows.values()].sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
    return this.sorted;
  }
}
