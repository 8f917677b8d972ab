import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { EntityName, EntityShape, OplogEntry } from '@ir/contracts';
import { SQLITE_TYPE } from './sqlite-column-type';

/** Quotes an identifier; the contracts already allow only [A-Za-z0-9_] names, this keeps SQL text safe regardless. */
const quoted = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * One entity's cache: `<root>/<entity>/db.sqlite`, a table `rows` with the document key, the shape's
 * columns and the oplog id that last wrote each row, and a table `meta` holding the last applied
 * oplog id. Applying entries is idempotent: an entry at or below the applied id is skipped, and an
 * upsert or delete gives the same row however often it runs. The shape it was made with is kept in
 * `meta`: opened with another shape (the entity's columns changed), it starts empty, applied id 0, and
 * its replicator fills it again from the oplog.
 */
export class EntityCacheDb {
  private readonly db: Database.Database;
  private readonly upsert: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly readApplied: Database.Statement<[], { value: string }>;
  private readonly writeApplied: Database.Statement;
  readonly file: string;

  constructor(
    root: string,
    readonly entity: EntityName,
    readonly shape: EntityShape,
  ) {
    const dir = join(root, entity);
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, 'db.sqlite');
    this.db = new Database(this.file, { timeout: 5_000 });
    // WAL: readers of the cache never block the replicator's writes, nor it theirs.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    const shapeText = JSON.stringify(shape);
    const stored = this.db.prepare<[], { value: string }>(`SELECT value FROM meta WHERE key = 'shape'`).get()?.value;
    if (stored !== shapeText)
      this.db.transaction(() => {
        this.db.exec('DROP TABLE IF EXISTS rows; DELETE FROM meta;');
        this.db.prepare(`INSERT INTO meta (key, value) VALUES ('shape', ?)`).run(shapeText);
      })();
    const columns = shape.map((column) => `${quoted(column.name)} ${SQLITE_TYPE[column.type]}`.trimEnd());
    this.db.exec(`CREATE TABLE IF NOT EXISTS rows (_document_id TEXT PRIMARY KEY, ${columns.join(', ')}, _oplog_id INTEGER NOT NULL)`);
    const names = shape.map((column) => quoted(column.name));
    // Positional parameters: better-sqlite3 binds them without a lookup by name per cell (the replicator's hot path).
    const values = shape.map(() => '?');
    this.upsert = this.db.prepare(
      `INSERT INTO rows (_document_id, ${names.join(', ')}, _oplog_id) VALUES (?, ${values.join(', ')}, ?)
       ON CONFLICT (_document_id) DO UPDATE SET ${names.map((name) => `${name} = excluded.${name}`).join(', ')}, _oplog_id = excluded._oplog_id`,
    );
    this.remove = this.db.prepare('DELETE FROM rows WHERE _document_id = ?');
    this.readApplied = this.db.prepare(`SELECT value FROM meta WHERE key = 'applied_oplog_id'`);
    this.writeApplied = this.db.prepare(
      `INSERT INTO meta (key, value) VALUES ('applied_oplog_id', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    );
  }

  /** The last oplog id this cache holds, as the decimal text of a bigint ('0': none). */
  appliedId(): string {
    return this.readApplied.get()?.value ?? '0';
  }

  /** Applies this entity's entries (in id order) in one transaction; returns how many were new to it. */
  apply(entries: readonly OplogEntry[]): number {
    return this.db.transaction((batch: readonly OplogEntry[]) => {
      const applied = BigInt(this.appliedId());
      let count = 0;
      let last = applied;
      for (const entry of batch) {
        const id = BigInt(entry.id);
        if (id <= applied) continue;
        if (entry.operation === 'delete') this.remove.run(entry.documentId);
        else this.upsert.run(this.rowParameters(entry, id));
        last = id;
        count += 1;
      }
      if (last > applied) this.writeApplied.run(last.toString());
      return count;
    })(entries);
  }

  /** Every row, by key: what a test or a recreate compares. */
  rows(): Record<string, unknown>[] {
    return this.db.prepare('SELECT * FROM rows ORDER BY _document_id').all() as Record<string, unknown>[];
  }

  close(): void {
    this.db.close();
  }

  /** The upsert's parameters in column order: the key, the shape's cells, the oplog id. */
  private rowParameters(entry: OplogEntry, id: bigint): unknown[] {
    const data = entry.data ?? {};
    const row: unknown[] = [entry.documentId];
    // A cell the entry lacks is NULL; one of a wrong type for SQLite (not a number or text) too: the oplog is input.
    for (const column of this.shape) {
      const cell = data[column.name];
      row.push(typeof cell === 'number' || typeof cell === 'string' ? cell : null);
    }
    row.push(id);
    return row;
  }
}
