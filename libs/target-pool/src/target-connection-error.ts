import { DomainError, ErrorCode } from '@ir/contracts';
import { errorClassNames, errorLabels, isObject, messagesOf, relatedErrors, serverCodes, symbolicCodes } from './driver-error-shape';
import { redactUri, scrubTargetText } from './redact-uri';

export type TargetConnectionErrorKind = 'malformed_uri' | 'unreachable' | 'auth_failed' | 'timeout' | 'unauthorized' | 'server_error';

/**
 * Why a target database could not be used, in words an operator can act on. The message names the
 * target by its redacted URI only.
 *
 * The original driver error is deliberately not kept as `cause`: some carry the raw URI in fields
 * (Node's ERR_INVALID_URL has `input`), and loggers serialise causes with all their fields. Only its
 * class name and code are kept, which is enough to debug.
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
    switch (this.kind) {
      case 'malformed_uri':
        return new DomainError(ErrorCode.unprocessable, this.message, [{ field: 'uri', rule: 'mongodb_uri', message: this.message }]);
      case 'timeout':
        return new DomainError(ErrorCode.timeout, this.message, undefined, { reason: this.kind });
      case 'unreachable':
      case 'auth_failed':
      case 'unauthorized':
      case 'server_error':
        return new DomainError(ErrorCode.badGateway, this.message, undefined, { reason: this.kind });
    }
  }
}

const AUTH_FAILED = 18;
const UNAUTHORIZED = 13;
const MAX_TIME_MS_EXPIRED = 50;
const NETWORK_SYSCALL_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNRESET'];
const UNREACHABLE_TEXT = /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN/;
const TIMEOUT_TEXT = /timed out|timeout/i;
const MALFORMED_NAMES = ['MongoParseError', 'MongoInvalidArgumentError', 'MongoMissingCredentialsError'];

/**
 * Turns whatever the driver threw while talking to `uri` into a TargetConnectionError.
 * `uri` is only used to name the target (redacted) and to scrub its password from driver messages.
 */
export function classifyTargetError(error: unknown, uri: string): TargetConnectionError {
  if (error instanceof TargetConnectionError) return error;
  const related = relatedErrors(error);
  const names = new Set(related.flatMap((e) => [...errorClassNames(e)]));
  const codes = serverCodes(related);
  const symbols = symbolicCodes(related);
  const text = messagesOf(related) || String(error);
  const ownName = isObject(error) && typeof error['name'] === 'string' ? error['name'] : '';
  const kind = classify(ownName, names, codes, symbols, text);
  const target = redactUri(uri);
  const detail = scrubTargetText(text, uri);
  return new TargetConnectionError(kind, target, messageFor(kind, target, detail), driverErrorOf(error), isTransientTargetError(error));
}

/**
 * For errors thrown by `new MongoClient(uri, options)`: the constructor only parses and validates, so
 * whatever it throws means the connection string is unusable, even when the driver's class says otherwise
 * (a bad port surfaces as a MongoRuntimeError).
 */
export function uriParseError(error: unknown, uri: string): TargetConnectionError {
  const classified = classifyTargetError(error, uri);
  if (classified.kind === 'malformed_uri') return classified;
  const target = redactUri(uri);
  const detail = scrubTargetText(messagesOf(relatedErrors(error)) || String(error), uri);
  return new TargetConnectionError('malformed_uri', target, messageFor('malformed_uri', target, detail), driverErrorOf(error));
}

function classify(ownName: string, names: Set<string>, codes: Set<number>, symbols: Set<string>, text: string): TargetConnectionErrorKind {
  // The driver parses the URI up front: MongoParseError for bad syntax, MongoAPIError and two of its
  // subclasses for bad options, and MongoRuntimeError wrapping Node's ERR_INVALID_URL for a bad host:port.
  // Not every MongoAPIError subclass: MongoTopologyClosedError & co. are about a closed client, not the URI.
  if (
    MALFORMED_NAMES.some((n) => names.has(n)) ||
    ownName === 'MongoAPIError' ||
    symbols.has('ERR_INVALID_URL') ||
    /invalid scheme/i.test(text)
  ) {
    return 'malformed_uri';
  }
  if (codes.has(AUTH_FAILED) || symbols.has('AuthenticationFailed')) return 'auth_failed';
  if (codes.has(UNAUTHORIZED) || symbols.has('Unauthorized')) return 'unauthorized';
  if (codes.has(MAX_TIME_MS_EXPIRED) || symbols.has('MaxTimeMSExpired') || names.has('MongoOperationTimeoutError')) return 'timeout';
  if (names.has('MongoServerSelectionError')) {
    // The message (or a server's recorded error) says why no server could be selected.
    if (UNREACHABLE_TEXT.test(text) || NETWORK_SYSCALL_CODES.some((c) => symbols.has(c))) return 'unreachable';
    if (TIMEOUT_TEXT.test(text)) return 'timeout';
    // TLS failures, replica set without a primary…: the target is there but not usable.
    return 'unreachable';
  }
  if (names.has('MongoNetworkTimeoutError')) return 'timeout';
  // Raw socket / DNS errors (SRV lookups fail before the driver wraps anything).
  if (NETWORK_SYSCALL_CODES.some((c) => symbols.has(c)) || UNREACHABLE_TEXT.test(text)) return 'unreachable';
  return 'server_error';
}

function messageFor(kind: TargetConnectionErrorKind, target: string, detail: string): string {
  switch (kind) {
    case 'malformed_uri':
      return `invalid MongoDB connection string ${target}: ${detail}`;
    case 'unreachable':
      return `cannot reach the target database at ${target}: ${detail}`;
    case 'auth_failed':
      return `authentication to ${target} failed: check the user name, password and authSource`;
    case 'unauthorized':
      return `the user of ${target} lacks the privileges needed: ${detail}`;
    case 'timeout':
      return `the target database at ${target} did not answer in time: ${detail}`;
    case 'server_error':
      return `the target database at ${target} returned an error: ${detail}`;
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

/**
 * True when retrying the same operation later is reasonable (network blip, failover, shutdown).
 * Not for timeouts of our own (the operation would hit the same limit), auth, or bad requests.
 */
export function isTransientTargetError(error: unknown): boolean {
  if (error instanceof TargetConnectionError) return error.transient;
  if (!isObject(error)) return false;
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
