import { z } from 'zod';
import type { FieldIssue } from './errors';

// MongoDB's naming rules, as "MongoDB Limits and Thresholds" states them under "Naming Restrictions"
// (https://www.mongodb.com/docs/manual/reference/limits/#naming-restrictions) and the server enforces
// them (NamespaceString::validDBName / validCollectionName): a name the server would refuse is
// refused here, by the field that carries it, before any service hands it to a driver.

const utf8 = new TextEncoder();

export function utf8Length(text: string): number {
  return utf8.encode(text).length;
}

/**
 * "Database names cannot be empty and must be less than 64 bytes." Counted in UTF-8 bytes, not
 * characters: `é` is two.
 */
export const MAX_DATABASE_NAME_BYTES = 63;

/**
 * "For MongoDB deployments running on Windows, database names cannot contain any of the following
 * characters: /\. "$*<>:|?  Also database names cannot contain the null character." Unix servers
 * forbid a subset (/\. "$ and null); the Windows set is taken so a name is valid on every server.
 */
const DATABASE_NAME_FORBIDDEN = /[/\\. "$*<>:|?\0]/;

/**
 * "For featureCompatibilityVersion set to 4.4 or greater, MongoDB raises the limit for unsharded
 * collections and views to 255 bytes": the namespace `<database>.<collection>`, in UTF-8 bytes
 * (SERVER-46641; 235 bytes for sharded collections, 120 before 4.4).
 */
export const MAX_NAMESPACE_BYTES = 255;

/** The longest collection name any database allows: the namespace limit less the shortest database name (1 byte) and the dot. */
export const MAX_COLLECTION_NAME_BYTES = MAX_NAMESPACE_BYTES - 2;

export const DbName = z
  .string()
  .min(1, { error: 'must not be empty' })
  .refine((name) => !DATABASE_NAME_FORBIDDEN.test(name), {
    error: 'must not contain / \\ . " $ * < > : | ? a space or a null character',
  })
  .refine((name) => utf8Length(name) <= MAX_DATABASE_NAME_BYTES, {
    error: `must be at most ${MAX_DATABASE_NAME_BYTES} bytes in UTF-8`,
  });

/**
 * "Collection names ... cannot: contain the $ character, be an empty string, contain the null
 * character, begin with the system. prefix (reserved for internal use)." The server also refuses a
 * leading dot (NamespaceString::validCollectionName in mongodb/mongo). Whether the namespace fits
 * depends on the database too: see `namespaceFits`.
 */
export const CollectionName = z
  .string()
  .min(1, { error: 'must not be empty' })
  .refine((name) => !name.startsWith('.'), { error: 'must not begin with "."' })
  .refine((name) => !name.includes('$'), { error: 'must not contain "$"' })
  .refine((name) => !name.includes('\0'), { error: 'must not contain a null character' })
  .refine((name) => !name.startsWith('system.'), { error: 'must not begin with "system." (reserved by MongoDB)' })
  .refine((name) => utf8Length(name) <= MAX_COLLECTION_NAME_BYTES, {
    error: `must be at most ${MAX_COLLECTION_NAME_BYTES} bytes in UTF-8`,
  });

/** Whether `<dbName>.<collection>` stays within MongoDB's namespace limit. */
export function namespaceFits(dbName: string, collection: string): boolean {
  return utf8Length(dbName) + 1 + utf8Length(collection) <= MAX_NAMESPACE_BYTES;
}

/** An issue on `field` when `<dbName>.<collection>` exceeds MongoDB's namespace limit. */
export function namespaceIssue(dbName: string, collection: string, field: string): FieldIssue | undefined {
  if (namespaceFits(dbName, collection)) return undefined;
  const message = `"${dbName}.<collection>" must be at most ${MAX_NAMESPACE_BYTES} bytes in UTF-8 (MongoDB's namespace limit)`;
  return { field, rule: 'namespace_length', message };
}

/** The issues of collections asked for by name (`collections.<i>` in a request). */
export function namespaceIssues(dbName: string, collections: readonly string[] = []): FieldIssue[] {
  return collections.flatMap((collection, i) => namespaceIssue(dbName, collection, `collections.${i}`) ?? []);
}
