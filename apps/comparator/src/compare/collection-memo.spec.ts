import { diffDesired, desiredIndexOf, type DesiredIndex } from '@ir/index-core';
import { CollectionMemo } from './collection-memo';
import { toComparison } from './comparison-view';

const desired: readonly DesiredIndex[] = [desiredIndexOf({ name: 'a_1', keys: [{ field: 'a', value: 1 }] })];
const diff = diffDesired('orders', desired, [{ v: 2, key: { a: 1 }, name: 'a_1' }]);
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('CollectionMemo', () => {
  it('recalls a collection while its listIndexes bytes and its desired indexes are the same', () => {
    const memo = new CollectionMemo(10);
    memo.remember('db1', 'orders', { bytes: bytes('listing'), desired, diff });
    expect(memo.recall('db1', 'orders', bytes('listing'), desired)?.diff).toBe(diff);
    expect(memo.recall('db1', 'orders', bytes('listinG'), desired)).toBeUndefined();
    expect(memo.recall('db1', 'orders', bytes('listing-longer'), desired)).toBeUndefined();
    // A new definitions version resolves a new list, even with equal content.
    expect(memo.recall('db1', 'orders', bytes('listing'), [...desired])).toBeUndefined();
    expect(memo.recall('db2', 'orders', bytes('listing'), desired)).toBeUndefined();
    expect(memo.recall('db1', 'orders', undefined, desired)).toBeUndefined();
  });

  it('keeps no reference to the bytes', () => {
    const memo = new CollectionMemo(10);
    const listing = bytes('listing');
    memo.remember('db1', 'orders', { bytes: listing, desired, diff });
    listing[0] = 'L'.charCodeAt(0);
    expect(memo.recall('db1', 'orders', bytes('listing'), desired)?.diff).toBe(diff);
  });

  it('forgets the least recently compared collection beyond its capacity', () => {
    const memo = new CollectionMemo(2);
    for (const name of ['a', 'b']) memo.remember('db1', name, { bytes: bytes(name), desired, diff });
    memo.recall('db1', 'a', bytes('a'), desired);
    memo.remember('db1', 'c', { bytes: bytes('c'), desired, diff });
    expect(memo.recall('db1', 'b', bytes('b'), desired)).toBeUndefined();
    expect(memo.recall('db1', 'a', bytes('a'), desired)).toBeDefined();
    expect(memo.recall('db1', 'c', bytes('c'), desired)).toBeDefined();
  });

  it('gives back the view it was given, as an equal comparison with the same JSON', () => {
    const memo = new CollectionMemo(10);
    const comparison = toComparison(diff, { exists: true }, { unusedSince: new Date(0) });
    const view = { comparison, json: JSON.stringify(comparison) };
    memo.remember('db1', 'orders', { bytes: bytes('listing'), desired, diff, view });
    const recalled = memo.recall('db1', 'orders', bytes('listing'), desired);
    expect(recalled?.view?.json).toBe(view.json);
    expect(recalled?.view?.comparison).toEqual(comparison);
    memo.remember('db1', 'users', { bytes: bytes('listing'), desired, diff });
    expect(memo.recall('db1', 'users', bytes('listing'), desired)).toEqual({ diff });
  });

  it('after forgetting a collection, remembers what it is compared with next, not what it had', () => {
    const memo = new CollectionMemo(1);
    memo.remember('db1', 'a', { bytes: bytes('a'), desired, diff });
    memo.remember('db1', 'b', { bytes: bytes('b'), desired, diff });
    expect(memo.recall('db1', 'a', bytes('a'), desired)).toBeUndefined();
    const other = diffDesired('a', desired, []);
    memo.remember('db1', 'a', { bytes: bytes('a2'), desired, diff: other });
    expect(memo.recall('db1', 'a', bytes('a'), desired)).toBeUndefined();
    expect(memo.recall('db1', 'a', bytes('a2'), desired)?.diff).toBe(other);
    expect(memo.recall('db1', 'b', bytes('b'), desired)).toBeUndefined();
  });

  it("keeps what a scan's compares remember only while it fits, so that a scan of more collections than the capacity reuses those kept", () => {
    const memo = new CollectionMemo(2, 60_000);
    const scan = () =>
      ['a', 'b', 'c'].filter((name) => {
        const recalled = memo.recall('db1', name, bytes(name), desired);
        if (!recalled) memo.remember('db1', name, { bytes: bytes(name), desired, diff }, true);
        return recalled !== undefined;
      });
    expect(scan()).toEqual([]);
    expect(scan()).toEqual(['a', 'b']);
    expect(scan()).toEqual(['a', 'b']);
    // A compare asked for is remembered as before, the least recently compared forgotten.
    memo.remember('db1', 'c', { bytes: bytes('c'), desired, diff });
    expect(memo.recall('db1', 'a', bytes('a'), desired)).toBeUndefined();
    expect(memo.recall('db1', 'c', bytes('c'), desired)).toBeDefined();
  });
});
