import { Client } from 'pg';

/**
 * FerretDB 1.24's PostgreSQL backend pushes every top-level scalar equality down as
 * `_jsonb->$1 @> $2`, but the indexes it makes for createIndexes are btree on `(_jsonb->'field')`,
 * which serve `=` and not `@>`: every find is a sequential scan. Two settings of the database make
 * those filters index scans without touching FerretDB:
 * - a GIN twin (`jsonb_path_ops`, which serves `@>`) beside each of FerretDB's btree indexes on
 *   top-level fields, made by an event trigger as FerretDB creates the index and dropped with it;
 * - `plan_cache_mode = force_custom_plan`: FerretDB's statements are prepared with the field name as
 *   a parameter, and only a plan made for the bound values can match an index on `_jsonb->'field'`;
 * - `enable_seqscan = off`: the planner does not count the detoasting of each row's `_jsonb` that a
 *   scan's filter costs, so on a table of few, large documents (the definition sets: 1,000 rows
 *   of about 30 KB, mostly out of line) not yet analysed it chose a scan for an `_id` over the
 *   index (the spec shows it). Where no index matches, a scan is still what runs.
 * Nested fields (dot notation) are not pushed down by FerretDB 1.24, so they get no twin.
 */
const GIN_TWINS_SQL = String.raw`
CREATE OR REPLACE FUNCTION public.index_registry_gin_twin(index_oid oid) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  idx record;
  col text;
  cols text[] := '{}';
BEGIN
  SELECT c.relname AS name, n.nspname AS schema, t.relname AS tab, am.amname AS am, i.indnatts AS natts
    INTO idx
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_am am ON am.oid = c.relam
   WHERE i.indexrelid = index_oid;
  -- FerretDB names its indexes <table>_<index>_<hash>_idx; its own metadata tables are read from its cache.
  IF NOT FOUND OR idx.am <> 'btree' OR idx.name !~ '_idx$' OR idx.tab LIKE '\_ferretdb\_%' THEN
    RETURN;
  END IF;
  FOR k IN 1..idx.natts LOOP
    col := pg_get_indexdef(index_oid, k, false);
    IF col !~ '^\(\(_jsonb -> ''([^'']|'''')*''::text\)\)$' THEN
      RETURN;
    END IF;
    cols := cols || (col || ' jsonb_path_ops');
  END LOOP;
  EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin (%s)',
    regexp_replace(idx.name, '_idx$', '_gin'), idx.schema, idx.tab, array_to_string(cols, ', '));
END
$fn$;

CREATE OR REPLACE FUNCTION public.index_registry_gin_twin_created() RETURNS event_trigger LANGUAGE plpgsql AS $fn$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT objid FROM pg_event_trigger_ddl_commands() WHERE object_type = 'index' LOOP
    PERFORM public.index_registry_gin_twin(r.objid);
  END LOOP;
END
$fn$;

CREATE OR REPLACE FUNCTION public.index_registry_gin_twin_dropped() RETURNS event_trigger LANGUAGE plpgsql AS $fn$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT schema_name, object_name FROM pg_event_trigger_dropped_objects()
            WHERE object_type = 'index' AND object_name ~ '_idx$' AND NOT is_temporary LOOP
    EXECUTE format('DROP INDEX IF EXISTS %I.%I', r.schema_name, regexp_replace(r.object_name, '_idx$', '_gin'));
  END LOOP;
END
$fn$;

DROP EVENT TRIGGER IF EXISTS index_registry_gin_twin_created;
CREATE EVENT TRIGGER index_registry_gin_twin_created ON ddl_command_end WHEN TAG IN ('CREATE INDEX')
  EXECUTE FUNCTION public.index_registry_gin_twin_created();
DROP EVENT TRIGGER IF EXISTS index_registry_gin_twin_dropped;
CREATE EVENT TRIGGER index_registry_gin_twin_dropped ON sql_drop WHEN TAG IN ('DROP INDEX')
  EXECUTE FUNCTION public.index_registry_gin_twin_dropped();

-- indexes made before these triggers existed (a store created by an older start)
SELECT public.index_registry_gin_twin(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast');
`;

const DATABASE_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * Makes `database` on the PostgreSQL that `adminUrl` (a superuser: event triggers need one) reaches
 * ready for FerretDB, idempotently, and returns the URL FerretDB is to use.
 */
export async function prepareFerretDbDatabase(adminUrl: string, database: string): Promise<string> {
  if (!DATABASE_NAME.test(database))
    throw new Error(`FerretDB's PostgreSQL database name ${JSON.stringify(database)} is not [a-z][a-z0-9_]*`);
  const admin = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${database}`);
    await admin.query(`ALTER DATABASE ${database} SET plan_cache_mode = force_custom_plan`);
    await admin.query(`ALTER DATABASE ${database} SET enable_seqscan = off`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const store = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 10_000 });
  await store.connect();
  try {
    await store.query(GIN_TWINS_SQL);
  } finally {
    await store.end();
  }
  return url.toString();
}

/** Where the embedded FerretDB stores: PostgreSQL (indexed filters, see above) or SQLite files. */
export type FerretDbBackend = 'postgresql' | 'sqlite';

/** FERRETDB_BACKEND when set (an unknown value is an error, not a silent default), else `fallback`. */
export function ferretDbBackend(value: string | undefined, fallback: FerretDbBackend): FerretDbBackend {
  if (value === undefined || value === '') return fallback;
  if (value === 'postgresql' || value === 'sqlite') return value;
  throw new Error(`FERRETDB_BACKEND=${JSON.stringify(value)}: expected postgresql or sqlite`);
}

/** The PostgreSQL database of the services' own store (beside the entity caches' databases on the same server). */
export const FERRETDB_DATABASE = 'ferretdb';
