import { LruMap } from './lru-map';

describe('LruMap', () => {
  it('forgets the least recently used entry beyond its bound, a read counting as a use', () => {
    const map = new LruMap<string, number>({ maxWeight: 2 });
    map.set('a', 1);
    map.set('b', 2);
    expect(map.get('a')).toBe(1);
    map.set('c', 3);
    expect(map.get('b')).toBeUndefined();
    expect(map.get('a')).toBe(1);
    expect(map.get('c')).toBe(3);
    expect(map.size).toBe(2);
  });

  it('leaves the order as it is on a peek', () => {
    const map = new LruMap<string, number>({ maxWeight: 2 });
    map.set('a', 1);
    map.set('b', 2);
    expect(map.peek('a')).toBe(1);
    map.set('c', 3);
    expect(map.peek('a')).toBeUndefined();
    expect(map.peek('b')).toBe(2);
  });

  it('bounds the sum of the weights, forgetting as many old entries as a heavy one needs', () => {
    const map = new LruMap<string, string>({ maxWeight: 10, weigh: (value) => value.length });
    map.set('a', 'xxx');
    map.set('b', 'yyy');
    map.set('c', 'zzz');
    expect(map.weight).toBe(9);
    map.set('d', 'wwwwwww');
    expect([map.peek('a'), map.peek('b'), map.peek('c'), map.peek('d')]).toEqual([undefined, undefined, 'zzz', 'wwwwwww']);
    expect(map.weight).toBe(10);
  });

  it('counts a replaced value once, and keeps no value heavier than the whole bound', () => {
    const map = new LruMap<string, string>({ maxWeight: 5, weigh: (value) => value.length });
    map.set('a', 'xx');
    map.set('a', 'xxx');
    expect(map.weight).toBe(3);
    map.set('b', 'yyyyyy');
    expect(map.peek('b')).toBeUndefined();
    expect(map.peek('a')).toBe('xxx');
    map.set('a', 'xxxxxxx');
    expect(map.peek('a')).toBeUndefined();
    expect(map.weight).toBe(0);
  });

  it('deletes, giving its weight back', () => {
    const map = new LruMap<string, string>({ maxWeight: 5, weigh: (value) => value.length });
    map.set('a', 'xxx');
    expect(map.delete('a')).toBe(true);
    expect(map.delete('a')).toBe(false);
    expect(map.weight).toBe(0);
    map.set('b', 'yyyyy');
    expect(map.peek('b')).toBe('yyyyy');
  });
});

describe('LruMap.offer', () => {
  /** Hits of `rounds` cyclic passes over `keys` keys, every miss offered (or set) back, as a scheduled scan does. */
  function cyclicHits(map: LruMap<number, number>, keys: number, rounds: number, keep: 'offer' | 'set'): number {
    let hits = 0;
    for (let round = 0; round < rounds; round += 1) {
      for (let key = 0; key < keys; key += 1) {
        if (map.get(key) !== undefined) hits += 1;
        else if (keep === 'offer') map.offer(key, key);
        else map.set(key, key);
      }
    }
    return hits;
  }

  it('hits the share of a cyclic pass larger than the bound that fits, where LRU hits nothing', () => {
    // 1,000 keys, room for 400: after the first pass, each pass hits the 400 kept.
    expect(cyclicHits(new LruMap({ maxWeight: 400 }), 1_000, 5, 'set')).toBe(0);
    expect(cyclicHits(new LruMap({ maxWeight: 400 }), 1_000, 5, 'offer')).toBe(4 * 400);
  });

  it('takes free room, replaces its own key, and forgets no recently used entry', () => {
    const map = new LruMap<string, string>({ maxWeight: 5, weigh: (value) => value.length });
    expect(map.offer('a', 'xx')).toBe(true);
    expect(map.offer('b', 'yy')).toBe(true);
    expect(map.offer('c', 'zz')).toBe(false);
    expect([map.peek('a'), map.peek('b'), map.peek('c')]).toEqual(['xx', 'yy', undefined]);
    expect(map.offer('a', 'xxx')).toBe(true);
    expect(map.weight).toBe(5);
    // Too heavy for the room left: the key's previous value (replaced) is gone too.
    expect(map.offer('b', 'yyy')).toBe(false);
    expect([map.peek('a'), map.peek('b')]).toEqual(['xxx', undefined]);
    expect(map.weight).toBe(3);
    expect(map.offer('d', 'wwwwww')).toBe(false);
  });

  it('takes the room of entries unused for staleAfterMs, least recently used first, and no more than it needs', () => {
    let now = 0;
    const map = new LruMap<string, number>({ maxWeight: 3, staleAfterMs: 100, now: () => now });
    map.set('a', 1);
    map.set('b', 2);
    now = 50;
    map.set('c', 3);
    now = 120;
    expect(map.offer('d', 4)).toBe(true);
    expect([map.peek('a'), map.peek('b'), map.peek('c'), map.peek('d')]).toEqual([undefined, 2, 3, 4]);
    // A read is a use: 'b', read now, is no longer stale.
    expect(map.get('b')).toBe(2);
    expect(map.offer('e', 5)).toBe(false);
    now = 200;
    expect(map.offer('e', 5)).toBe(true);
    expect([map.peek('b'), map.peek('c'), map.peek('e')]).toEqual([2, undefined, 5]);
  });

  it('leaves set as plain LRU on a map filled by offers', () => {
    const map = new LruMap<string, number>({ maxWeight: 2 });
    map.offer('a', 1);
    map.offer('b', 2);
    map.set('c', 3);
    expect([map.peek('a'), map.peek('b'), map.peek('c')]).toEqual([undefined, 2, 3]);
  });
});
