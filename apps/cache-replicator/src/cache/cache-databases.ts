import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { EntityName, type EntityShape } from '@ir/contracts';
import { EntityCacheDb } from './entity-cache-db';

export interface CacheDatabasesOptions {
  /** The `dbs/` directory: each entity's cache is `<root>/<entity>/db.sqlite`. */
  readonly root: string;
  /** A connection unused this long is closed (default 5 minutes); the next use opens it again. */
  readonly idleMs?: number;
  /** At most this many open at once (default 64): opening one more closes the least recently used. */
  readonly maxOpen?: number;
  /** The clock, for specs. */
  readonly now?: () => number;
}

/**
 * The cache database manager: one connection per entity, opened on use, closed when idle (a sweep runs
 * every half idle time, unref'd so it never holds the process open) or when more than `maxOpen` are
 * open. A replica may hold hundreds of entities; each SQLite connection keeps its page cache and file
 * handles, so only the ones in use stay open.
 */
export class CacheDatabases {
  /** In order of last use (a used one is moved to the end): the first is the least recently used. */
  private readonly open = new Map<EntityName, { cache: EntityCacheDb; usedAt: number }>();
  private readonly idleMs: number;
  private readonly maxOpen: number;
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: CacheDatabasesOptions) {
    this.idleMs = options.idleMs ?? 5 * 60_000;
    this.maxOpen = Math.max(1, options.maxOpen ?? 64);
    this.now = options.now ?? Date.now;
    this.sweeper = setInterval(() => this.closeIdle(), Math.max(1_000, Math.floor(this.idleMs / 2)));
    this.sweeper.unref();
  }

  /**
   * The entity's cache with this shape, opened (and created) if it is not open. One open with another
   * shape (the entity's columns changed) is closed and opened again, which empties it (EntityCacheDb).
   */
  get(entity: EntityName, shape: EntityShape): EntityCacheDb {
    const found = this.open.get(entity);
    if (found && JSON.stringify(found.cache.shape) !== JSON.stringify(shape)) this.closeOne(entity);
    else if (found) {
      this.open.delete(entity);
      this.open.set(entity, { cache: found.cache, usedAt: this.now() });
      return found.cache;
    }
    while (this.open.size >= this.maxOpen) this.closeOne(this.open.keys().next().value as EntityName);
    const cache = new EntityCacheDb(this.options.root, entity, shape);
    this.open.set(entity, { cache, usedAt: this.now() });
    return cache;
  }

  isOpen(entity: EntityName): boolean {
    return this.open.has(entity);
  }

  openCount(): number {
    return this.open.size;
  }

  /** Closes the connections unused for the idle time; returns how many it closed. */
  closeIdle(): number {
    const before = this.now() - this.idleMs;
    const idle = [...this.open].filter(([, { usedAt }]) => usedAt <= before).map(([entity]) => entity);
    idle.forEach((entity) => this.closeOne(entity));
    return idle.length;
  }

  /** Closes the entity's connection and removes its directory (`<root>/<entity>/`: the database, its WAL and shm). */
  delete(entity: EntityName): void {
    this.closeOne(entity);
    // The name becomes a path: only a valid entity name (no `/`, no `..`) may be removed.
    rmSync(join(this.options.root, EntityName.parse(entity)), { recursive: true, force: true });
  }

  /** On shutdown: every connection closed (a WAL checkpoint each), the sweep stopped. */
  close(): void {
    clearInterval(this.sweeper);
    [...this.open.keys()].forEach((entity) => this.closeOne(entity));
  }

  private closeOne(entity: EntityName): void {
    const found = this.open.get(entity);
    if (!found) return;
    this.open.delete(entity);
    found.cache.close();
  }
}
