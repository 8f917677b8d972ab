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
