import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { freePort } from './free-port';
import { ensureGoBinary, type GoProgram } from './go-binary';
import { ManagedProcess } from './process';
import { repoRoot } from './repo-root';

export interface FerretDbHandle {
  uri: string;
  process: ManagedProcess;
}

const FERRETDB: GoProgram = {
  name: 'ferretdb',
  sourceDir: join(repoRoot, 'tools', 'ferretdb'),
  firstBuildTakes: 'about a minute',
  goVersion: '1.22',
  neededFor: 'the embedded FerretDB used as local MongoDB',
  alternative: 'set MONGODB_URI to an existing MongoDB',
};

/** Path of a built FerretDB binary, building it on first use. */
export function ensureFerretDbBinary(): Promise<string> {
  return ensureGoBinary(FERRETDB);
}

/**
 * A FerretDB on a loopback port, speaking the MongoDB wire protocol, storing in SQLite files under
 * `dataDir` or in the PostgreSQL database `postgresUrl` (see prepareFerretDbDatabase). Started again
 * with the same store and `port` (a supervised restart), it serves the same databases.
 */
export async function startFerretDb(opts: {
  /** The SQLite backend's directory; exactly one of this and `postgresUrl`. */
  dataDir?: string;
  /** The PostgreSQL backend's database, prepared by prepareFerretDbDatabase. */
  postgresUrl?: string;
  logFile: string;
  port?: number;
  signal?: AbortSignal;
  /** Own process group: a terminal's Ctrl-C reaches only the supervisor, which stops FerretDB last. */
  detached?: boolean;
  /** Create the capped `local.oplog.rs` (see ensureOplog): the entity caches' capture reads it. */
  oplog?: boolean;
  /** How long it may take to listen; 30 s when absent (it opens every database file first: a thousand take longer). */
  readyTimeoutMs?: number;
}): Promise<FerretDbHandle> {
  if ((opts.dataDir === undefined) === (opts.postgresUrl === undefined))
    throw new Error('FerretDB needs exactly one of dataDir and postgresUrl');
  const binary = await ensureFerretDbBinary();
  if (opts.dataDir !== undefined) mkdirSync(opts.dataDir, { recursive: true });
  // The PostgreSQL URL holds a password: the environment, unlike arguments, is not shown by ps.
  const store = opts.postgresUrl !== undefined ? [] : ['-data', opts.dataDir as string];
  const port = opts.port ?? (await freePort());
  const child = ManagedProcess.spawn({
    name: 'ferretdb',
    command: binary,
    args: ['-listen', `127.0.0.1:${port}`, ...store, '-log-level', 'warn'],
    logFile: opts.logFile,
    env: opts.postgresUrl !== undefined ? { FERRETDB_POSTGRESQL_URL: opts.postgresUrl } : undefined,
    detached: opts.detached,
  });
  try {
    await child.waitForTcp('127.0.0.1', port, opts.readyTimeoutMs ?? 30_000, opts.signal);
    if (opts.oplog) await ensureOplog(`mongodb://127.0.0.1:${port}/`, { nsIndex: opts.postgresUrl !== undefined });
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { uri: `mongodb://127.0.0.1:${port}/`, process: child };
}

/** The oplog's bound: old entries make room for new ones, as on a replica set member. */
export const OPLOG_SIZE_BYTES = 256 * 1024 * 1024;

/**
 * FerretDB (1.18 and later) appends every insert, update (the whole new document, as `$set`) and delete to
 * `local.oplog.rs` once that capped collection exists; it never creates it. Idempotent: a restart keeps it.
 * `nsIndex` (the PostgreSQL backend, prepared by prepareFerretDbDatabase) indexes `ns` too: the capture
 * asks for one namespace's entries at a time, which FerretDB hands PostgreSQL as `_jsonb->'ns' @> ...`;
 * the index's GIN twin serves that, where otherwise PostgreSQL scans the whole oplog for each poll, one
 * entry per write ever made (117 ms a poll at 50,000 entries, loaded; 45 ms indexed).
 */
export async function ensureOplog(uri: string, options: { nsIndex?: boolean } = {}): Promise<void> {
  const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    const local = client.db('local');
    const existing = await local.listCollections({ name: 'oplog.rs' }, { nameOnly: true }).toArray();
    if (existing.length === 0) await local.createCollection('oplog.rs', { capped: true, size: OPLOG_SIZE_BYTES });
    if (options.nsIndex) await local.collection('oplog.rs').createIndex({ ns: 1 }, { name: 'ns_1' });
  } finally {
    await client.close();
  }
}
