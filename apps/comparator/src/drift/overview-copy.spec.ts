import type { DriftTotals } from '@ir/contracts';
import type { OverviewRow } from './drift-snapshot.repository';
import { OverviewCopy } from './overview-copy';

const TOTALS: DriftTotals = {
  collections: 1,
  failed_collections: 0,
  not_found_collections: 0,
  missing: 0,
  matched: 1,
  name_differs: 0,
  redundant: 0,
  different: 0,
};
const row = (id: string, project: string | null, drift = false): OverviewRow => ({
  _id: id,
  project_id: project,
  database_name: id,
  db_name: id,
  drift,
  compared_at: new Date(0),
  totals: TOTALS,
});

describe('the fleet overview copy', () => {
  let stored: OverviewRow[];
  let reads: number;
  let clock: number;
  let copy: OverviewCopy;
  const ids = (rows: OverviewRow[]) => rows.map((r) => r._id);
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  beforeEach(() => {
    stored = [row('b', 'P1'), row('a', 'P1', true), row('c', 'P2'), row('d', null, true)];
    reads = 0;
    clock = 0;
    copy = new OverviewCopy(
      () => {
        reads += 1;
        return Promise.resolve(stored.map((r) => ({ ...r })));
      },
      () => clock,
    );
  });

  it('pages by id within the reach, by state, after a cursor, as the query did', async () => {
    expect(ids(await copy.page({ all: true }, {}, 10))).toEqual(['a', 'b', 'c', 'd']);
    expect(ids(await copy.page({ all: false, ids: ['P1', 'P2'] }, {}, 10))).toEqual(['a', 'b', 'c']);
    expect(ids(await copy.page({ all: true }, { state: 'drifted' }, 10))).toEqual(['a', 'd']);
    expect(ids(await copy.page({ all: true }, { after: 'b' }, 1))).toEqual(['c']);
    expect(reads).toBe(1);
  });

  it("shows this replica's writes at once, and another's once it reads the store again (after a second, in the background)", async () => {
    await copy.page({ all: true }, {}, 10);
    copy.put(row('e', 'P1'));
    copy.remove('a');
    expect(ids(await copy.page({ all: true }, {}, 10))).toEqual(['b', 'c', 'd', 'e']);

    stored = [...stored.filter((r) => r._id !== 'a'), row('e', 'P1'), row('f', 'P2')];
    clock = 500;
    expect(ids(await copy.page({ all: true }, {}, 10))).not.toContain('f');
    clock = 1_500;
    await copy.page({ all: true }, {}, 10);
    await settle();
    expect(ids(await copy.page({ all: true }, {}, 10))).toEqual(['b', 'c', 'd', 'e', 'f']);
    expect(reads).toBe(2);
  });

  it('keeps a write made while the store is being read over what that read found', async () => {
    let release!: () => void;
    copy = new OverviewCopy(
      () => new Promise((resolve) => (release = () => resolve(stored))),
      () => clock,
    );
    const first = copy.page({ all: true }, {}, 10);
    copy.put(row('z', 'P1'));
    release();
    expect(ids(await first)).toContain('z');
  });

  it('gives the drift metrics every row from the same copy: read again only when older than they allow, or when asked after a write', async () => {
    expect(copy.all()).toBeUndefined();
    await copy.freshen(15_000);
    expect(ids([...copy.all()!])).toEqual(['a', 'b', 'c', 'd']);
    copy.remove('a');
    expect(ids([...copy.all()!])).toEqual(['b', 'c', 'd']);

    // A page's read counts for the metrics too: no second read of the store within their 15 s.
    clock = 2_000;
    await copy.page({ all: true }, {}, 10);
    await settle();
    expect(reads).toBe(2);
    clock = 16_000;
    await copy.freshen(15_000);
    expect(reads).toBe(2);
    clock = 17_001;
    await copy.freshen(15_000);
    expect(reads).toBe(3);

    stored = [row('n', 'P1')];
    await copy.reread();
    expect(ids([...copy.all()!])).toEqual(['n']);
    expect(reads).toBe(4);
  });
});
