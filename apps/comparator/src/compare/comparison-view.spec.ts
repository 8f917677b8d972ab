import { diffCollection, type ListIndexesEntry } from '@ir/index-core';
import { toComparison, totalsOf } from './comparison-view';

const DAY = 24 * 60 * 60 * 1000;
const now = Date.now();
const entries: ListIndexesEntry[] = [
  { v: 2, key: { _id: 1 }, name: '_id_' },
  { v: 2, key: { status: 1 }, name: 'status_1' },
  { v: 2, key: { old: 1 }, name: 'old_1' },
  { v: 2, key: { recent: 1 }, name: 'recent_1' },
  { v: 2, key: { busy: 1 }, name: 'busy_1' },
];
const diff = diffCollection('orders', [{ name: 'status_1', keys: [{ field: 'status', value: 1 }] }], entries);
const policy = { unusedSince: new Date(now - 30 * DAY) };

describe('comparison view', () => {
  it('flags a redundant index unused since before the policy as a safe drop candidate, and only that one', () => {
    const usage = new Map([
      ['status_1', { ops: 0, since: new Date(now - 90 * DAY) }],
      ['old_1', { ops: 0, since: new Date(now - 90 * DAY) }],
      ['recent_1', { ops: 0, since: new Date(now - 2 * DAY) }],
      ['busy_1', { ops: 1234, since: new Date(now - 90 * DAY) }],
    ]);
    const view = toComparison(diff, { exists: true, usage }, policy);
    const flags = Object.fromEntries(view.redundant.map((r) => [r.name, r.safe_drop_candidate]));
    expect(flags).toEqual({ busy_1: false, old_1: true, recent_1: false });
    expect(view.redundant.find((r) => r.name === 'busy_1')?.usage).toEqual({ ops: 1234, since: new Date(now - 90 * DAY).toISOString() });
    // A matched index is never a drop candidate, whatever its usage.
    expect(view.matched[0].real).not.toHaveProperty('safe_drop_candidate');
  });

  it('says nothing about drop candidates where the server gave no usage', () => {
    const view = toComparison(diff, { exists: true }, policy);
    expect(view.redundant.every((r) => r.safe_drop_candidate === undefined && r.usage === undefined)).toBe(true);
  });

  it('shows each index in canonical and MongoDB form, and counts the categories', () => {
    const view = toComparison(diff, { exists: true }, policy);
    expect(view.matched[0].desired.mongodb).toEqual({ key: { status: 1 }, name: 'status_1' });
    expect(view.matched[0].real.mongodb).toEqual({ v: 2, key: { status: 1 }, name: 'status_1' });
    expect(view.matched[0].real.canonical).toMatchObject({ name: 'status_1', key: [{ field: 'status', value: 1 }] });
    expect(totalsOf([view])).toEqual({
      collections: 1,
      failed_collections: 0,
      not_found_collections: 0,
      missing: 0,
      matched: 1,
      name_differs: 0,
      redundant: 3,
      different: 0,
    });
  });

  it('gives both values of every differing option, null where a side has none', () => {
    const real: ListIndexesEntry[] = [
      { v: 2, key: { _id: 1 }, name: '_id_' },
      { v: 2, key: { email: 1 }, name: 'email_1', sparse: true },
      { v: 2, key: { code: 1 }, name: 'code_idx' },
      { v: 2, key: { ttl: 1 }, name: 'ttl_1', expireAfterSeconds: 60 },
    ];
    const differing = diffCollection(
      'users',
      [
        { name: 'email_1', keys: [{ field: 'email', value: 1 }], options: { is_unique: true } },
        { name: 'code_idx', keys: [{ field: 'ref', value: -1 }] },
        { name: 'ttl_1', keys: [{ field: 'ttl', value: 1 }], options: { expire_after_seconds: 3600 } },
      ],
      real,
    );
    const view = toComparison(differing, { exists: true }, policy);
    const values = Object.fromEntries(view.different.map((d) => [d.desired.name, d.values]));
    expect(values).toEqual({
      email_1: [
        { option: 'sparse', dr: null, target: true },
        { option: 'unique', dr: true, target: null },
      ],
      code_idx: [{ option: 'key', dr: { ref: -1 }, target: { code: 1 } }],
      ttl_1: [{ option: 'expireAfterSeconds', dr: 3600, target: 60 }],
    });
    // The names of the differing options stay as they were, for the original contract's clients.
    expect(view.different.find((d) => d.desired.name === 'email_1')?.differences).toEqual(['sparse', 'unique']);
  });

  it('counts matched indexes under another name, and still counts them as matched', () => {
    const renamed = diffCollection('orders', [{ name: 'by_status', keys: [{ field: 'status', value: 1 }] }], entries);
    const view = toComparison(renamed, { exists: true }, policy);
    expect(view.matched).toMatchObject([{ desired: { name: 'by_status' }, real: { name: 'status_1' }, name_differs: true }]);
    expect(totalsOf([view])).toMatchObject({ matched: 1, name_differs: 1 });
  });

  it('a collection neither on the target nor in the DR is not_found; one only in the DR is compared, every index missing', () => {
    const nowhere = toComparison(diffCollection('ordres', [], []), { exists: false }, policy);
    expect(nowhere).toMatchObject({ status: 'not_found', collection_exists: false, missing: [], redundant: [] });
    const wanted = diffCollection('audit', [{ name: 'at_1', keys: [{ field: 'at', value: 1 }] }], []);
    const toCreate = toComparison(wanted, { exists: false }, policy);
    expect(toCreate).toMatchObject({ status: 'ok', collection_exists: false, missing: [{ name: 'at_1' }] });
    expect(totalsOf([nowhere, toCreate])).toMatchObject({ collections: 2, not_found_collections: 1, missing: 1 });
  });
});
