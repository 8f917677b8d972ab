import type { Db } from 'mongodb';

/** The server error codes a collMod probe can meet (https://www.mongodb.com/docs/manual/reference/error-codes/). */
const enum ProbeCode {
  NamespaceNotFound = 26,
  IndexNotFound = 27,
  CommandNotFound = 59,
  CommandNotSupported = 115,
  NotImplemented = 238,
}

/** A collection no one has: the probe's collMod finds nothing to change. */
export const PROBE_COLLECTION = '__index_registry_capability_probe__';

/**
 * Whether the server has collMod for indexes: a collMod that hides an index of a collection that does
 * not exist. A server that has the command answers NamespaceNotFound (or IndexNotFound, should the
 * collection exist after all) and changes nothing; FerretDB 1.x answers NotImplemented. Undefined when
 * the answer does not tell (no privilege, a time limit, anything else).
 */
export async function probeCollMod(db: Db, timeoutMs: number): Promise<boolean | undefined> {
  try {
    await db.command({ collMod: PROBE_COLLECTION, index: { name: 'probe', hidden: true } }, { timeoutMS: timeoutMs });
    return true;
  } catch (error) {
    return collModVerdict((error as { code?: unknown }).code);
  }
}

/** What a collMod probe's error code says about the command. */
export function collModVerdict(code: unknown): boolean | undefined {
  switch (code) {
    case ProbeCode.NamespaceNotFound:
    case ProbeCode.IndexNotFound:
      return true;
    case ProbeCode.CommandNotFound:
    case ProbeCode.CommandNotSupported:
    case ProbeCode.NotImplemented:
      return false;
    default:
      return undefined;
  }
}
