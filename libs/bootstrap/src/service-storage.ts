import {
  connectMongo,
  isPostgresUnreachable,
  isStorageUnreachable,
  openPostgres,
  postgresSchemaName,
  retryWithBackoff,
  type JsonLogger,
} from '@ir/platform';
import type { Connection } from 'mongoose';
import type { Pool } from 'pg';

/** Which database a backend service owns: MongoDB (most), a PostgreSQL schema (the entity oplog), or none. */
export type StorageKind = 'mongodb' | 'postgresql' | 'none';

/** The service's open storage, as the app module provides it. */
export type ServiceStorage =
  | { readonly kind: 'mongodb'; readonly connection: Connection; readonly name: string }
  | { readonly kind: 'postgresql'; readonly pool: Pool; readonly name: string }
  | { readonly kind: 'none'; readonly name: string };

interface StorageVariables {
  readonly MONGODB_URI?: string;
  readonly MONGODB_DB_PREFIX?: string;
  readonly POSTGRES_URL?: string;
}

const RETRY = { attempts: 6, initialDelayMs: 500, maxDelayMs: 8000 } as const;

/** Opens the service's storage with bounded retries, so a service started before its database waits a little. */
export async function openServiceStorage(
  kind: StorageKind,
  service: string,
  config: StorageVariables,
  logger: JsonLogger,
): Promise<ServiceStorage> {
  const prefix = config.MONGODB_DB_PREFIX ?? 'index_registry';
  switch (kind) {
    case 'mongodb': {
      const name = `${prefix}_${service.replace('-', '_')}`;
      const connection = await retryWithBackoff(() => connectMongo({ uri: required(config.MONGODB_URI, 'MONGODB_URI'), dbName: name }), {
        ...RETRY,
        onRetry: (error, attempt, delay) =>
          logger.warn(`MongoDB not reachable (attempt ${attempt}): ${String(error)}; retrying in ${delay} ms`, 'Bootstrap'),
      });
      return { kind, connection, name };
    }
    case 'postgresql': {
      const name = postgresSchemaName(prefix, service);
      const pool = openPostgres(required(config.POSTGRES_URL, 'POSTGRES_URL'), name);
      await retryWithBackoff(() => pool.query('SELECT 1'), {
        ...RETRY,
        onRetry: (error, attempt, delay) =>
          logger.warn(`PostgreSQL not reachable (attempt ${attempt}): ${describe(error)}; retrying in ${delay} ms`, 'Bootstrap'),
      });
      return { kind, pool, name };
    }
    case 'none':
      return { kind, name: 'none' };
  }
}

/** Whether a failed request's error says the service's own storage is away (a 503 naming it). */
export async function storageUnreachable(storage: ServiceStorage, error: unknown): Promise<boolean> {
  switch (storage.kind) {
    case 'mongodb':
      return isStorageUnreachable(error, storage.connection);
    case 'postgresql':
      return isPostgresUnreachable(error);
    case 'none':
      return false;
  }
}

export async function closeServiceStorage(storage: ServiceStorage): Promise<void> {
  switch (storage.kind) {
    case 'mongodb':
      return storage.connection.close();
    case 'postgresql':
      return storage.pool.end();
    case 'none':
      return;
  }
}

function required(value: string | undefined, variable: string): string {
  if (!value) throw new Error(`${variable} is not set`);
  return value;
}

/** The error's code or class, not its text: pg's messages may name the user. */
function describe(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.name : 'error';
}
