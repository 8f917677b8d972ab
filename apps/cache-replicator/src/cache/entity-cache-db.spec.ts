import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { EntityShape, OplogEntry } from '@ir/contracts';
import { EntityCacheDb } from './entity-cache-db';

const shape: EntityShape = [
  { name: 'email', type: 'Text', path: 'email' },
  { name: 'age', type: 'Integer', path: 'age' },
  { name: 'score', type: 'Number', path: 'score' },
  { name: 'active', type: 'Bool', path: 'active' },
  { name: 'address', type: 'JSONB', path: 'address' },
  { name: 'anything', type: 'Any', path: 'x' },
];

const entry = (id: number, documentId: string, data: Record<string, unknown> | null): OplogEntry => ({
  id: String(id),
  entity: 'people',
  operation: data ? 'upsert' : 'delete',
  documentId,
  at: new Date(0).toISOString(),
  data,
});

describe('an entity cache (real SQLite)', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ir-cache-spec-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const batch = [
    entry(1, '"a"', { email: 'a@x', age: 30, score: 1.5, active: 1, address: '{"city":"Oslo"}', anything: 7 }),
    entry(2, '"b"', { email: 'b@x', age: null, score: null, active: 0, address: 'null', anything: 'text' }),
    entry(3, '"a"', { email: 'a2@x', age: 31, score: 2, active: 0, address: '{}', anything: null }),
    entry(4, '"b"', null),
  ];

  it('creates dbs/<entity>/db.sqlite with the shape’s declared types and applies upserts and deletes', () => {
    const cache = new EntityCacheDb(root, 'people', shape);
    expect(cache.file).toBe(join(root, 'people', 'db.sqlite'));
    expect(cache.apply(batch)).toBe(4);
    expect(cache.rows()).toEqual([
      { _document_id: '"a"', email: 'a2@x', age: 31, score: 2, active: 0, address: '{}', anything: null, _oplog_id: 3 },
    ]);
    expect(cache.appliedId()).toBe('4');
    cache.close();

    const db = new Database(join(root, 'people', 'db.sqlite'), { readonly: true });
    const types = db.pragma('table_info(rows)') as { name: string; type: string }[];
    db.close();
    expect(Object.fromEntries(types.map((c) => [c.name, c.type]))).toEqual({
      _document_id: 'TEXT',
      email: 'TEXT',
      age: 'INTEGER',
      score: 'REAL',
      active: 'INTEGER',
      address: 'TEXT',
      anything: '',
      _oplog_id: 'INTEGER',
    });
  });

  it('is idempotent: the same entries again, or again after a reopen, change nothing', () => {
    const cache = new EntityCacheDb(root, 'people', shape);
    cache.apply(batch.slice(0, 2));
    const once = cache.rows();
    expect(cache.apply(batch.slice(0, 2))).toBe(0);
    expect(cache.rows()).toEqual(once);
    cache.close();

    const reopened = new EntityCacheDb(root, 'people', shape);
    expect(reopened.appliedId()).toBe('2');
    expect(reopened.apply(batch)).toBe(2);
    expect(reopened.rows()).toHaveLength(1);
    reopened.close();
  });

  it('stores NULL for a cell the entry lacks or holds as neither number nor text', () => {
    const cache = new EntityCacheDb(root, 'people', shape);
    cache.apply([entry(1, '1', { email: { nested: true }, age: [1] })]);
    expect(cache.rows()[0]).toMatchObject({ email: null, age: null, score: null });
    cache.close();
  });
});
