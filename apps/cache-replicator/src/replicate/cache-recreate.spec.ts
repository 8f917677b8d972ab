import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EntityShape, OplogEntry, OplogPage } from '@ir/contracts';
import { EntityCacheDb } from '../cache/entity-cache-db';
import { buildFreshCache, swapInCache } from './cache-recreate';

const SHAPE: EntityShape = [{ name: 'v', type: 'Integer', path: 'v' }];
const entry = (id: number, documentId: string, v: number | null): OplogEntry => ({
  id: String(id),
  entity: 'people',
  operation: v === null ? 'delete' : 'upsert',
  documentId,
  at: new Date(0).toISOString(),
  data: v === null ? null : { v },
});

describe('recreating a cache from the oplog (real SQLite)', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ir-cache-recreate-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const oplog = [entry(1, '"a"', 1), entry(2, '"b"', 2), entry(3, '"a"', 3), entry(4, '"b"', null), entry(5, '"c"', 5)];
  /** The oplog in pages of `limit`, as entity-oplog answers. */
  const read = async (_entity: string, after: string, limit: number): Promise<OplogPage> => {
    const entries = oplog.filter((e) => BigInt(e.id) > BigInt(after)).slice(0, limit);
    return { entries, next_after: entries.at(-1)?.id ?? after, last_id: '5' };
  };

  it('builds the whole oplog in a fresh directory, in pages, and swaps it for the damaged cache', async () => {
    const damaged = new EntityCacheDb(root, 'people', SHAPE);
    damaged.apply([entry(1, '"a"', 1), entry(2, '"x"', 99)]);
    damaged.close();

    const fresh = await buildFreshCache(root, 'people', SHAPE, read, 2);
    expect(fresh.appliedId).toBe('5');
    swapInCache(root, 'people', fresh);

    const cache = new EntityCacheDb(root, 'people', SHAPE);
    try {
      expect(cache.rows().map((row) => [row._document_id, row.v])).toEqual([
        ['"a"', 3],
        ['"c"', 5],
      ]);
      expect(cache.appliedId()).toBe('5');
    } finally {
      cache.close();
    }
    // Nothing of the rebuild is left beside the caches.
    expect(readdirSync(root)).toEqual(['people']);
  });

  it('leaves the old cache as it was when the oplog cannot be read', async () => {
    const old = new EntityCacheDb(root, 'people', SHAPE);
    old.apply([entry(1, '"a"', 1)]);
    old.close();
    const failing = async (): Promise<OplogPage> => {
      throw new Error('entity-oplog is unavailable');
    };
    await expect(buildFreshCache(root, 'people', SHAPE, failing, 2)).rejects.toThrow('unavailable');
    expect(readdirSync(root)).toEqual(['people']);
    expect(existsSync(join(root, 'people', 'db.sqlite'))).toBe(true);
  });
});
