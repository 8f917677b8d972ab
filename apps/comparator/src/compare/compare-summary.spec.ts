import { CompareSummary, type CompareResult } from '@ir/contracts';
import { diffCollection, type ListIndexesEntry } from '@ir/index-core';
import { compareSummary } from './compare-summary';
import { failedComparison, toComparison, totalsOf } from './comparison-view';

const policy = { unusedSince: new Date(0) };
const real: ListIndexesEntry[] = [
  { v: 2, key: { _id: 1 }, name: '_id_' },
  { v: 2, key: { status: 1 }, name: 'status_1' },
  { v: 2, key: { customer: 1, created: -1 }, name: 'by_customer' },
  { v: 2, key: { legacy: 1 }, name: 'legacy_1' },
  { v: 2, key: { email: 1 }, name: 'email_1' },
];
const orders = toComparison(
  diffCollection(
    'orders',
    [
      { name: 'status_1', keys: [{ field: 'status', value: 1 }] },
      {
        name: 'cust_created',
        keys: [
          { field: 'customer', value: 1 },
          { field: 'created', value: -1 },
        ],
      },
      { name: 'email_1', keys: [{ field: 'email', value: 1 }], options: { is_unique: true } },
      { name: 'sku_1', keys: [{ field: 'sku', value: 1 }] },
    ],
    real,
  ),
  { exists: true },
  policy,
);
const collections = [
  orders,
  toComparison(diffCollection('ordres', [], []), { exists: false }, policy),
  failedComparison('locked', 'permission', 'not authorized'),
];
const result: CompareResult = {
  database_id: 'a'.repeat(24),
  database_name: 'shop production',
  project_id: 'b'.repeat(24),
  db_name: 'shop',
  source: 'live',
  compared_at: '2026-12-01T00:00:00.000Z',
  usage: { supported: false, reason: 'no $indexStats' },
  totals: totalsOf(collections),
  collections,
};

describe('compareSummary', () => {
  const summary = compareSummary(result);

  it('keeps the totals and the database, and matches its contract', () => {
    expect(CompareSummary.safeParse(summary).error).toBeUndefined();
    expect(summary).toMatchObject({ view: 'summary', database_name: 'shop production', db_name: 'shop', totals: result.totals });
    expect(summary.totals).toMatchObject({ collections: 3, failed_collections: 1, not_found_collections: 1, name_differs: 1 });
  });

  it('lists per collection its counts and only what is not matched, each index once in MongoDB form', () => {
    expect(summary.collections[0]).toEqual({
      collection: 'orders',
      status: 'ok',
      collection_exists: true,
      counts: { missing: 1, matched: 2, name_differs: 1, redundant: 1, different: 1 },
      missing: [{ name: 'sku_1', spec: { key: { sku: 1 }, name: 'sku_1' } }],
      redundant: [{ name: 'legacy_1', spec: { v: 2, key: { legacy: 1 }, name: 'legacy_1' } }],
      different: [{ name: 'email_1', target_name: 'email_1', matched_by: 'name', values: [{ option: 'unique', dr: true, target: null }] }],
      name_differs: [{ name: 'cust_created', target_name: 'by_customer' }],
    });
    // status_1, matched under its own name, appears nowhere.
    expect(JSON.stringify(summary)).not.toContain('status_1');
  });

  it('says which collections were not found and which could not be read', () => {
    expect(summary.collections.slice(1).map((c) => [c.collection, c.status, c.collection_exists, c.error?.code])).toEqual([
      ['ordres', 'not_found', false, undefined],
      ['locked', 'failed', true, 'permission'],
    ]);
  });

  it('of a database nearly in shape is a fraction of the full view', () => {
    const fields = Array.from({ length: 16 }, (_, i) => `f${i}`);
    const entries = fields.map((f) => ({ v: 2, key: { [f]: 1 }, name: `${f}_1` }));
    const definitions = [...fields, 'extra'].map((f) => ({ name: `${f}_1`, keys: [{ field: f, value: 1 as const }] }));
    const nearly = [toComparison(diffCollection('cases', definitions, entries), { exists: true }, policy)];
    const full: CompareResult = { ...result, totals: totalsOf(nearly), collections: nearly };
    expect(JSON.stringify(compareSummary(full)).length).toBeLessThan(JSON.stringify(full).length / 5);
  });
});
