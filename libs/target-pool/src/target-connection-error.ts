import { DomainError, ErrorCode, type FieldIssue } from '@ir/contracts';
import { errorClassNames, errorLabels, isObject, isTlsErrorCode, relatedErrors, serverCodes, symbolicCodes } from './driver-error-shape';
import { redactUri } from './redact-uri';
import { FOREIGN_PROTOCOL_PHRASE, type ForeignProtocol } from './wire/foreign-protocol';

/**
 * Why a target database could not be used, in a few fixed categories. Messages are ours alone: no
 * driver, socket, TLS library or target text reaches them, so an answer never tells more than the
 * category (and never a file's content, a local path or a stack). The driver's class name and code
 * are kept apart, for logs.
 */
export type TargetConnectionErrorKind =
  | 'malformed_uri'
  | 'not_allowed'
  | 'unreachable'
  | 'timeout'
  | 'auth_failed'
  | 'tls_failed'
  | 'not_mongodb'
  | 'unsupported_server'
  | 'unauthorized'
  | 'server_error';

/**
 * The original driver error is deliberately not kept as `cause`: some carry the raw URI in fields
 * (Node's ERR_INVALID_URL has `input`), and loggers serialise causes with all their fields.
 */
export class TargetConnectionError extends Error {
  constructor(
    readonly kind: TargetConnectionErrorKind,
    /** The target's URI with the password replaced by `****`. */
    readonly redactedUri: string,
    message: string,
    /** Class name and code of the underlying driver error, for logs. */
    readonly driverError?: { name: string; code?: number | string },
    /** Whether the underlying error is one worth retrying (see isTransientTargetError). */
    readonly transient = false,
  ) {
    super(message);
    this.name = 'TargetConnectionError';
  }

  /** How the error crosses the bus: the gateway turns the code into 422 / 502 / 504. */
  toDomainError(): DomainError {
    const details = { reason: this.kind };
    switch (this.kind) {
      case 'malformed_uri':
      case 'not_allowed':
        return new DomainError(ErrorCode.unprocessable, this.message, [uriIssue(this.kind, this.message)], details);
      case 'timeout':
        return new DomainError(ErrorCode.timeout, this.message, undefined, details);
      case 'unreachable':
      case 'auth_failed':
      case 'tls_failed':
      case 'not_mongodb':
      case 'unsupported_server':
      case 'unauthorized':
      case 'server_error':
        return new DomainError(ErrorCode.badGateway, this.message, undefined, details);
    }
  }
}

function uriIssue(kind: 'malformed_uri' | 'not_allowed', message: string): FieldIssue {
  return { field: 'uri', rule: kind === 'malformed_uri' ? 'mongodb_uri' : 'target_policy', message };
}

/**
 * Failures of the target as a whole rather than of one command: once one shows, other reads of the
 * same target would only wait for the same answer.
 */
const TARGET_WIDE: ReadonlySet<TargetConnectionErrorKind> = new Set([
  'not_allowed',
  'unreachable',
  'auth_failed',
  'tls_failed',
  'not_mongodb',
  'unsupported_server',
]);

export function isTargetWide(kind: TargetConnectionErrorKind): boolean {
  return TARGET_WIDE.has(kind);
}

/** The fixed message of each category; `problem` is text of our own (policy checks, pre-flight). */
export function targetErrorMessage(kind: TargetConnectionErrorKind, target: string, problem?: string): string {
  switch (kind) {
    case 'malformed_uri':
      return `invalid MongoDB connection string ${target}: ${problem ?? 'check the host list, the ports and the option values'}`;
    case 'not_allowed':
      return `the target ${target} is not allowed: ${problem ?? 'its host is not in TARGET_ALLOWED_HOSTS'}`;
    case 'unreachable':
      return `cannot reach the target database at ${target}${problem ? `: ${problem}` : ''}`;
    case 'timeout':
      return `the target database at ${target} did not answer in time`;
    case 'auth_failed':
      return `authentication to ${target} failed: check the user name, password and authSource`;
    case 'tls_failed':
      return `the TLS handshake with ${target} failed: check tls, the server's certificate and its host name`;
    case 'not_mongodb':
      return `${target} is not a MongoDB server${problem ? ` (${problem})` : ''}`;
    case 'unsupported_server':
      return `${target} runs a MongoDB version this service does not support${problem ? ` (${problem})` : ''}`;
    case 'unauthorized':
      return `the user of ${target} lacks the privileges needed (listCollections, listIndexes, $indexStats; createIndexes, dropIndexes, collMod to sync)`;
    case 'server_error':
      return `the target database at ${target} refused the command${problem ? ` (${problem})` : ''}`;
  }
}

/** A TargetConnectionError of our own making, named by the redacted URI. */
export function targetError(kind: TargetConnectionErrorKind, uri: string, problem?: string): TargetConnectionError {
  const target = redactUri(uri);
  return new TargetConnectionError(kind, target, targetErrorMessage(kind, target, problem));
}

const AUTH_FAILED = 18;
const UNAUTHORIZED = 13;
const MAX_TIME_MS_EXPIRED = 50;
const NETWORK_SYSCALL_CODES = [
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ECONNRESET',
  'EPIPE',
  'EADDRNOTAVAIL',
];
const MALFORMED_NAMES = ['MongoParseError', 'MongoInvalidArgumentError', 'MongoMissingCredentialsError'];

/** Turns whatever the driver threw while talking to `uri` into a TargetConnectionError. */
export function classifyTargetError(error: unknown, uri: string): TargetConnectionError {
  if (error instanceof TargetConnectionError) return error;
  const related = relatedErrors(error);
  const kind = classify(related);
  const target = redactUri(uri);
  return new TargetConnectionError(
    kind,
    target,
    targetErrorMessage(kind, target, problemOf(kind, related)),
    driverErrorOf(error),
    isTransientTargetError(error),
  );
}

/**
 * For errors thrown by `new MongoClient(uri, options)`: the constructor only parses and validates, so
 * whatever it throws means the connection string is unusable, even when the driver's class says otherwise
 * (a bad port surfaces as a MongoRuntimeError).
 */
export function uriParseError(error: unknown, uri: string): TargetConnectionError {
  const target = redactUri(uri);
  return new TargetConnectionError('malformed_uri', target, targetErrorMessage('malformed_uri', target), driverErrorOf(error));
}

function classify(related: Record<string, unknown>[]): TargetConnectionErrorKind {
  const names = new Set(related.flatMap((e) => [...errorClassNames(e)]));
  const codes = serverCodes(related);
  const symbols = symbolicCodes(related);
  if (names.has('TargetNotAllowedError')) return 'not_allowed';
  if (names.has('TargetProtocolError')) return 'not_mongodb';
  // The driver parses the URI up front: MongoParseError for bad syntax, MongoAPIError and two of its
  // subclasses for bad options, and MongoRuntimeError wrapping Node's ERR_INVALID_URL for a bad host:port.
  if (MALFORMED_NAMES.some((n) => names.has(n)) || related[0]?.['name'] === 'MongoAPIError' || symbols.has('ERR_INVALID_URL')) {
    return 'malformed_uri';
  }
  if (names.has('MongoCompatibilityError')) return 'unsupported_server';
  if (names.has('TargetAnswerTooLargeError')) return 'server_error';
  if (codes.has(AUTH_FAILED) || symbols.has('AuthenticationFailed')) return 'auth_failed';
  if (codes.has(UNAUTHORIZED) || symbols.has('Unauthorized')) return 'unauthorized';
  if ([...symbols].some(isTlsErrorCode)) return 'tls_failed';
  if (NETWORK_SYSCALL_CODES.some((c) => symbols.has(c))) return 'unreachable';
  if (codes.has(MAX_TIME_MS_EXPIRED) || symbols.has('MaxTimeMSExpired')) return 'timeout';
  if (names.has('MongoOperationTimeoutError') || names.has('MongoNetworkTimeoutError')) return 'timeout';
  if (names.has('MongoServerSelectionError')) {
    // No server gave a reason of its own: the wait for one ran out.
    return related.slice(1).some((e) => errorClassNames(e).has('MongoNetworkError')) ? 'unreachable' : 'timeout';
  }
  if (names.has('MongoNetworkError')) return 'unreachable';
  return 'server_error';
}

/** What may be said beyond the category: only values of our own making or of a fixed form. */
function problemOf(kind: TargetConnectionErrorKind, related: Record<string, unknown>[]): string | undefined {
  switch (kind) {
    case 'not_mongodb': {
      const peer = related.find((e) => errorClassNames(e).has('TargetProtocolError'))?.['peer'];
      return typeof peer === 'string' && Object.hasOwn(FOREIGN_PROTOCOL_PHRASE, peer)
        ? FOREIGN_PROTOCOL_PHRASE[peer as ForeignProtocol]
        : undefined;
    }
    case 'not_allowed': {
      const own = related.find((e) => errorClassNames(e).has('TargetNotAllowedError'));
      return typeof own?.['problem'] === 'string' ? own['problem'] : undefined;
    }
    case 'server_error': {
      const tooLarge = related.find((e) => errorClassNames(e).has('TargetAnswerTooLargeError'));
      if (typeof tooLarge?.['what'] === 'string' && typeof tooLarge['limit'] === 'number') {
        return `it sent more than ${tooLarge['limit']} ${tooLarge['what']}`;
      }
      const code = [...serverCodes(related)][0];
      return code === undefined ? undefined : `code ${code}`;
    }
    default:
      return undefined;
  }
}

function driverErrorOf(error: unknown): { name: string; code?: number | string } | undefined {
  if (!isObject(error)) return undefined;
  const name = typeof error['name'] === 'string' ? error['name'] : 'unknown';
  const code = error['code'];
  return typeof code === 'number' || typeof code === 'string' ? { name, code } : { name };
}

// Server codes after which the same operation may well succeed on retry: the node is stepping down,
// shutting down, or not (yet) primary — the MongoDB retryable-reads/-writes specs' list.
const TRANSIENT_CODES = new Set([6, 7, 89, 91, 189, 9001, 10107, 11600, 11602, 13435, 13436]);
const CLOSED_CLIENT_NAMES = ['MongoTopologyClosedError', 'MongoClientClosedError', 'MongoNotConnectedError'];
const TRANSIENT_LABELS = ['RetryableWriteError', 'ResetPool', 'TransientTransactionError'];
/** Refusals of ours: the same target answers the same way on every attempt. */
const NEVER_TRANSIENT_NAMES = ['TargetProtocolError', 'TargetNotAllowedError'];

/**
 * True when retrying the same operation later is reasonable (network blip, failover, shutdown).
 * Not for timeouts of our own (the operation would hit the same limit), auth, policy or protocol refusals.
 */
export function isTransientTargetError(error: unknown): boolean {
  if (error instanceof TargetConnectionError) return error.transient;
  if (!isObject(error)) return false;
  if (relatedErrors(error).some((e) => NEVER_TRANSIENT_NAMES.some((n) => errorClassNames(e).has(n)))) return false;
  const names = errorClassNames(error);
  // MongoNetworkTimeoutError is a MongoNetworkError too: a socket that stopped answering mid-operation.
  if (names.has('MongoNetworkError')) return true;
  // The pool closed the client under the operation (LRU / idle eviction): a retry gets a fresh client.
  if (CLOSED_CLIENT_NAMES.some((n) => names.has(n))) return true;
  const code = error['code'];
  if (typeof code === 'number' && TRANSIENT_CODES.has(code)) return true;
  const labels = errorLabels(error);
  return TRANSIENT_LABELS.some((l) => labels.has(l));
}
