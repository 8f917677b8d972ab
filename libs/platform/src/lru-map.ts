export interface LruMapOptions<V> {
  /** The most the kept values may weigh together; the least recently used go first beyond it. */
  readonly maxWeight: number;
  /** What a value weighs (1 when absent: the bound is then a number of entries). */
  readonly weigh?: (value: V) => number;
  /**
   * For `offer`: an entry unused for this long may make room for an offered one (a database
   * removed from the fleet must not hold its place for ever). Absent: offered values only take free room.
   */
  readonly staleAfterMs?: number;
  /** The clock for `staleAfterMs` (tests). */
  readonly now?: () => number;
}

interface Kept<V> {
  readonly value: V;
  readonly weight: number;
  usedAt: number;
}

/**
 * A map bounded by weight that forgets its least recently used entries first: for caches, whose
 * memory must not grow with the fleet. A value heavier than the whole bound is not kept at all.
 * Map iteration is insertion order, and every use inserts its entry again, so the first entry is
 * always the least recently used.
 *
 * `set` is plain LRU. `offer` is for a cyclic scan of more keys than the bound: under LRU such a
 * scan forgets every entry just before it comes round to it again, so it never hits, and each of
 * its values is garbage soon after it was kept. An offered value takes only free room (or the room
 * of entries unused for `staleAfterMs`), so the scan keeps hitting the share of its keys that fit.
 */
export class LruMap<K, V> {
  private readonly entries = new Map<K, Kept<V>>();
  private total = 0;
  private readonly maxWeight: number;
  private readonly weigh: (value: V) => number;
  private readonly staleAfterMs: number;
  private readonly now: () => number;

  constructor(options: LruMapOptions<V>) {
    this.maxWeight = options.maxWeight;
    this.weigh = options.weigh ?? (() => 1);
    this.staleAfterMs = options.staleAfterMs ?? Infinity;
    this.now = options.now ?? Date.now;
  }

  /** Entries kept. */
  get size(): number {
    return this.entries.size;
  }

  /** What the kept values weigh together. */
  get weight(): number {
    return this.total;
  }

  /** The value, now the most recently used. */
  get(key: K): V | undefined {
    const kept = this.entries.get(key);
    if (!kept) return undefined;
    this.entries.delete(key);
    kept.usedAt = this.now();
    this.entries.set(key, kept);
    return kept.value;
  }

  /** The value, leaving its place in the order as it is. */
  peek(key: K): V | undefined {
    return this.entries.get(key)?.value;
  }

  /** Keeps the value as the most recently used, forgetting the least recently used beyond the bound. */
  set(key: K, value: V): void {
    this.delete(key);
    const weight = this.weigh(value);
    if (weight > this.maxWeight) return;
    this.keep(key, value, weight);
    for (const [oldest, kept] of this.entries) {
      if (this.total <= this.maxWeight) break;
      this.entries.delete(oldest);
      this.total -= kept.weight;
    }
  }

  /**
   * Keeps the value as the most recently used only if it fits without forgetting an entry used in
   * the last `staleAfterMs`: it replaces the key's own value, takes free room, or the room of stale
   * entries. False when not kept (then the key's previous value is gone too: it was replaced).
   */
  offer(key: K, value: V): boolean {
    this.delete(key);
    const weight = this.weigh(value);
    if (weight > this.maxWeight) return false;
    const staleBefore = this.now() - this.staleAfterMs;
    for (const [oldest, kept] of this.entries) {
      if (this.total + weight <= this.maxWeight || kept.usedAt >= staleBefore) break;
      this.entries.delete(oldest);
      this.total -= kept.weight;
    }
    if (this.total + weight > this.maxWeight) return false;
    this.keep(key, value, weight);
    return true;
  }

  delete(key: K): boolean {
    const kept = this.entries.get(key);
    if (!kept) return false;
    this.entries.delete(key);
    this.total -= kept.weight;
    return true;
  }

  private keep(key: K, value: V, weight: number): void {
    this.entries.set(key, { value, weight, usedAt: this.now() });
    this.total += weight;
  }
}
