import type { TargetCapabilities } from '@ir/index-core';

export interface CapabilitiesCacheOptions {
  /** How long what a probe found is taken as known (a server may be upgraded). */
  ttlMs?: number;
  /** How long a probe that could not tell is remembered, so that a silent server is not asked at every compare. */
  unknownTtlMs?: number;
  /** Most targets remembered; the least recently probed is forgotten beyond it. */
  maxEntries?: number;
  /** The time, for tests. */
  clock?: () => number;
}

export const DEFAULT_CAPABILITIES_TTL_MS = 10 * 60_000;
const DEFAULT_UNKNOWN_TTL_MS = 60_000;
const DEFAULT_MAX_ENTRIES = 1_000;

interface Entry {
  readonly found: Promise<TargetCapabilities | undefined>;
  until: number;
}

/**
 * What each target supports, probed once per target and kept until it expires. Callers that ask
 * while a probe runs share it; a probe that throws (the target cannot be reached) is not kept.
 */
export class CapabilitiesCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly unknownTtlMs: number;
  private readonly maxEntries: number;
  private readonly clock: () => number;

  constructor(options: CapabilitiesCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_CAPABILITIES_TTL_MS;
    this.unknownTtlMs = options.unknownTtlMs ?? DEFAULT_UNKNOWN_TTL_MS;
    this.maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_MAX_ENTRIES);
    this.clock = options.clock ?? Date.now;
  }

  get(key: string, probe: () => Promise<TargetCapabilities | undefined>): Promise<TargetCapabilities | undefined> {
    const known = this.entries.get(key);
    if (known && known.until > this.clock()) return known.found;
    // Until the probe settles, the entry stands for it (callers share it); then it lives for its TTL.
    const entry: Entry = { found: probe(), until: Number.POSITIVE_INFINITY };
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    entry.found.then(
      (found) => {
        entry.until = this.clock() + (found ? this.ttlMs : this.unknownTtlMs);
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.found;
  }

  /** Forgets a target, so that the next request probes it again. */
  forget(key: string): void {
    this.entries.delete(key);
  }
}
