import { diffDesired, desiredIndexOf, type DesiredIndex } from '@ir/index-core';
import { CollectionMemo } from './collection-memo';

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

  it('keeps its own copy of the bytes', () => {
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
});
