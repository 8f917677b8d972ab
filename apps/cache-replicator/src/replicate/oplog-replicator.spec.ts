import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EntityName, EntityShape, OplogEntry } from '@ir/contracts';
import { LocalMetadata } from './local-metadata';
import { OplogReplicator, type OplogSource } from './oplog-replicator';

/** The oplog as the oplog manager answers it (entries after an id, in order, of some entities): an array here, the caches real SQLite. */
class ArrayOplog implements OplogSource {
  readonly entries: OplogEntry[] = [];
  append(entity: string, documentId: string, data: Record<string, unknown> | null): void {
    this.entries.push({
      id: String(this.entries.length + 1),
      entity,
      operation: data ? 'upsert' : 'delete',
      documentId,
      at: new Date(0).toISOString(),
      data,
    });
  }
  async since(afterId: string, limit: number, entities?: readonly EntityName[]): Promise<OplogEntry[]> {
    return this.entries.filter((e) => BigInt(e.id) > BigInt(afterId) && (!entities || entities.includes(e.entity))).slice(0, limit);
  }
}

describe('the oplog replicator with its cache database manager (real SQLite)', () => {
  let dir: string;
  let oplog: ArrayOplog;
  let shapes: Map<string, EntityShape>;
  let replicator: OplogReplicator;
  const replicatorIn = (path: string) =>
    new OplogReplicator({
      root: join(path, 'dbs'),
      source: oplog,
      metadata: new LocalMetadata(path),
      shapeOf: (e) => shapes.get(e),
      batchSize: 2,
    });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ir-replicator-'));
    oplog = new ArrayOplog();
    shapes = new Map([
      ['a', [{ name: 'v', type: 'Integer', path: 'v' }]],
      ['b', [{ name: 'v', type: 'Integer', path: 'v' }]],
    ]);
    for (let n = 0; n < 5; n += 1) {
      oplog.append('a', `${n}`, { v: n });
      oplog.append('b', `${n}`, { v: n * 10 });
    }
    oplog.append('a', '0', null);
    replicator = replicatorIn(join(dir, 'one'));
  });
  afterEach(() => {
    replicator.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('recreate rebuilds one cache from the oplog up to the offset, equal to what it was', async () => {
    expect(await replicator.catchUp()).toBe(11);
    const rows = replicator.cacheOf('a')!.rows();
    expect(rows.map((r) => r.v)).toEqual([1, 2, 3, 4]);
    expect(await replicator.recreate('a')).toBe(6);
    expect(replicator.cacheOf('a')!.rows()).toEqual(rows);
    expect(replicator.offset()).toBe('11');
  });

  it('dropEntity removes the directory; entries of an entity without a shape are passed over', async () => {
    await replicator.catchUp();
    shapes.delete('b');
    await replicator.dropEntity('b');
    expect(existsSync(join(dir, 'one', 'dbs', 'b'))).toBe(false);
    oplog.append('b', '9', { v: 9 });
    expect(await replicator.catchUp()).toBe(1);
    expect(existsSync(join(dir, 'one', 'dbs', 'b'))).toBe(false);
  });

  it('a cache lost while the offset is past it is filled from the oplog before the next batch', async () => {
    await replicator.catchUp();
    replicator.close();
    rmSync(join(dir, 'one', 'dbs', 'a'), { recursive: true });
    replicator = replicatorIn(join(dir, 'one'));
    oplog.append('a', '7', { v: 7 });
    await replicator.catchUp();
    expect(
      replicator
        .cacheOf('a')!
        .rows()
        .map((r) => r.v),
    ).toEqual([1, 2, 3, 4, 7]);
  });

  it('a new shape refills the cache from the whole oplog with the new columns', async () => {
    await replicator.catchUp();
    shapes.set('a', [
      { name: 'v', type: 'Integer', path: 'v' },
      { name: 'w', type: 'Text', path: 'w' },
    ]);
    oplog.append('a', '1', { v: 1, w: 'one' });
    await replicator.catchUp();
    expect(
      replicator
        .cacheOf('a')!
        .rows()
        .map((r) => [r._document_id, r.v, r.w]),
    ).toEqual([
      ['1', 1, 'one'],
      ['2', 2, null],
      ['3', 3, null],
      ['4', 4, null],
    ]);
  });
});
