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
    expect(totalsOf([view])).toEqual({ collections: 1, failed_collections: 0, missing: 0, matched: 1, redundant: 3, different: 0 });
  });
});
