import { canonicalFromListIndexes, keySignature, type ListIndexesEntry } from '@ir/index-core';

/**
 * The server error codes a createIndexes command answers with that decide what the executor does
 * next, as MongoDB names them (src/mongo/base/error_codes.yml). FerretDB 1.x answers some refusals
 * with other codes: a unique build over duplicate data is InternalError (1), a text key is
 * IndexNotFound (27), a TTL, partial or collation index NotImplemented (238).
 */
export const IndexBuildErrorCode = {
  InternalError: 1,
  BadValue: 2,
  FailedToParse: 9,
  Unauthorized: 13,
  TypeMismatch: 14,
  IndexNotFound: 27,
  MaxTimeMSExpired: 50,
  CannotCreateIndex: 67,
  InvalidOptions: 72,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  CannotIndexParallelArrays: 171,
  InvalidIndexSpecificationOption: 197,
  NotImplemented: 238,
  IndexBuildAborted: 276,
  DuplicateKey: 11000,
  InterruptedAtShutdown: 11600,
  Interrupted: 11601,
  KeyTooLong: 17280,
} as const;
type IndexBuildErrorName = keyof typeof IndexBuildErrorCode;
const NAME_OF: ReadonlyMap<number, IndexBuildErrorName> = new Map(
  Object.entries(IndexBuildErrorCode).map(([name, code]) => [code, name as IndexBuildErrorName]),
);

/**
 * What a failed createIndexes says about its indexes:
 * - `spec`: one (or more) of its specs was refused; MongoDB builds the indexes of one command together
 *   and aborts them all, and its error does not say which spec (except a duplicate key: `duplicateKeyPattern`),
 *   so each index is tried alone to find out;
 * - `stopped`: the build was aborted (dropIndexes on the building indexes, killOp, a shutdown);
 * - `command`: the command as a whole (a time limit, the user's rights, a target gone past its retries):
 *   each of its indexes fails with that error, and trying them one by one would only repeat it.
 */
export type CreateFailureKind = 'spec' | 'stopped' | 'command';

function kindOfKnown(name: IndexBuildErrorName): CreateFailureKind {
  switch (name) {
    case 'InternalError': // FerretDB's answer to a unique build over duplicates; on MongoDB, unknown: try alone
    case 'BadValue':
    case 'FailedToParse':
    case 'TypeMismatch':
    case 'IndexNotFound':
    case 'CannotCreateIndex':
    case 'InvalidOptions':
    case 'IndexOptionsConflict':
    case 'IndexKeySpecsConflict':
    case 'CannotIndexParallelArrays':
    case 'InvalidIndexSpecificationOption':
    case 'NotImplemented':
    case 'DuplicateKey':
    case 'KeyTooLong':
      return 'spec';
    case 'IndexBuildAborted':
    case 'Interrupted':
    case 'InterruptedAtShutdown':
      return 'stopped';
    case 'MaxTimeMSExpired':
    case 'Unauthorized':
      return 'command';
  }
}

/** The server's numeric error code, when the error is a server's answer. */
export function serverCodeOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * How a failed createIndexes failed. A code this table does not know is taken for a refused spec
 * (trying each index alone costs a command per index and finds the one refused); an error without a
 * server code (the target away past its retries, a plan of ours that is wrong) for the whole command.
 */
export function createFailureKind(error: unknown): CreateFailureKind {
  const code = serverCodeOf(error);
  if (code === undefined) return 'command';
  const name = NAME_OF.get(code);
  return name ? kindOfKnown(name) : 'spec';
}

/** The index build was aborted (by our cancel's dropIndexes, an operator's killOp or a shutdown). */
export const isBuildStopped = (error: unknown): boolean => createFailureKind(error) === 'stopped';

/**
 * The key of the unique index whose build met a duplicate key: MongoDB (4.2+) puts `keyPattern` and
 * `keyValue` on a DuplicateKey error (the driver copies them onto the error; `errorResponse` holds the reply).
 */
export function duplicateKeyPattern(error: unknown): Record<string, unknown> | undefined {
  if (serverCodeOf(error) !== IndexBuildErrorCode.DuplicateKey) return undefined;
  const fields = error as { keyPattern?: unknown; errorResponse?: { keyPattern?: unknown } };
  const pattern = fields.keyPattern ?? fields.errorResponse?.keyPattern;
  return pattern !== null && typeof pattern === 'object' && !Array.isArray(pattern) ? (pattern as Record<string, unknown>) : undefined;
}

/** Whether an index spec has this key (in order; 1, 1.0 and NumberLong(1) alike). */
export function hasKey(spec: { key: unknown; name: string }, key: Record<string, unknown>): boolean {
  try {
    const a = canonicalFromListIndexes({ key: spec.key, name: spec.name } as ListIndexesEntry);
    const b = canonicalFromListIndexes({ key, name: spec.name } as ListIndexesEntry);
    return keySignature({ ...a, options: {} }) === keySignature({ ...b, options: {} });
  } catch {
    return false;
  }
}
