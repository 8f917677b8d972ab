export interface LruMapOptions<V> {
  /** The most the kept values may weigh together; the least recently used go first beyond it. */
  readonly maxWeight: number;
  /** What a value weighs (1 when absent: the bound is then a number of entries). */
  readonly weigh?: (value: V) => number;
}

interface Kept<V> {
  readonly value: V;
  readonly weight: number;
}

/**
 * A map bounded by weight that forgets its least recently used entries first: for caches, whose
 * memory must not grow with the fleet. A value heavier than the whole bound is not kept at all.
 * Map iteration is insertion order, and every use inserts its entry again, so the first entry is
 * always the least recently used.
 */
export class LruMap<K, V> {
  private readonly entries = new Map<K, Kept<V>>();
  private total = 0;
  private readonly maxWeight: number;
  private readonly weigh: (value: V) => number;

  constructor(options: LruMapOptions<V>) {
    this.maxWeight = options.maxWeight;
    this.weigh = options.weigh ?? (() => 1);
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
    this.entries.set(key, { value, weight });
    this.total += weight;
    for (const [oldest, kept] of this.entries) {
      if (this.total <= this.maxWeight) break;
      this.entries.delete(oldest);
      this.total -= kept.weight;
    }
  }

  delete(key: K): boolean {
    const kept = this.entries.get(key);
    if (!kept) return false;
    this.entries.delete(key);
    this.total -= kept.weight;
    return true;
  }
}
