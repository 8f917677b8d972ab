import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EntityShape } from '@ir/contracts';
import { CacheDatabases } from './cache-databases';

const shape: EntityShape = [{ name: 'v', type: 'Integer', path: 'v' }];
const upsert = (id: number, documentId: string, v: number) => ({
  id: String(id),
  entity: 'a',
  operation: 'upsert' as const,
  documentId,
  at: new Date(0).toISOString(),
  data: { v },
});

describe('the cache database manager (real SQLite files)', () => {
  let root: string;
  let clock: number;
  let databases: CacheDatabases;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ir-cache-dbs-'));
    clock = 0;
    databases = new CacheDatabases({ root, idleMs: 1_000, maxOpen: 2, now: () => clock });
  });
  afterEach(() => {
    databases.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('opens one connection per entity on use and gives the same one back', () => {
    const a = databases.get('a', shape);
    expect(databases.get('a', shape)).toBe(a);
    expect(existsSync(join(root, 'a', 'db.sqlite'))).toBe(true);
    expect(databases.openCount()).toBe(1);
  });

  it('closes connections idle for the idle time; the next use opens the file again with its rows', () => {
    databases.get('a', shape).apply([upsert(1, '"x"', 1)]);
    clock = 500;
    databases.get('b', shape);
    clock = 1_000;
    expect(databases.closeIdle()).toBe(1);
    expect(databases.isOpen('a')).toBe(false);
    expect(databases.isOpen('b')).toBe(true);
    const reopened = databases.get('a', shape);
    expect(reopened.rows()).toEqual([{ _document_id: '"x"', v: 1, _oplog_id: 1 }]);
  });

  it('keeps at most maxOpen open, closing the least recently used', () => {
    databases.get('a', shape);
    databases.get('b', shape);
    databases.get('a', shape); // a is now the most recently used
    databases.get('c', shape);
    expect(['a', 'b', 'c'].filter((e) => databases.isOpen(e))).toEqual(['a', 'c']);
  });

  it('delete closes the connection and removes dbs/<entity>/ (database, WAL and shm)', () => {
    databases.get('a', shape).apply([upsert(1, '"x"', 1)]);
    databases.delete('a');
    expect(databases.isOpen('a')).toBe(false);
    expect(existsSync(join(root, 'a'))).toBe(false);
    expect(databases.get('a', shape).rows()).toEqual([]);
    expect(() => databases.delete('../x')).toThrow();
  });

  it('a new shape empties the cache (applied id 0) and makes its columns', () => {
    const before = databases.get('a', shape);
    before.apply([upsert(1, '"x"', 1)]);
    const wider: EntityShape = [...shape, { name: 'w', type: 'Text', path: 'w' }];
    const after = databases.get('a', wider);
    expect(after).not.toBe(before);
    expect(after.appliedId()).toBe('0');
    expect(after.rows()).toEqual([]);
    after.apply([{ ...upsert(2, '"x"', 2), data: { v: 2, w: 'two' } }]);
    expect(after.rows()).toEqual([{ _document_id: '"x"', v: 2, w: 'two', _oplog_id: 2 }]);
  });

  it('close closes every connection', () => {
    databases.get('a', shape);
    databases.get('b', shape);
    databases.close();
    expect(databases.openCount()).toBe(0);
  });
});
