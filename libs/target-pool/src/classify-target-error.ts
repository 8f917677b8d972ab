import { errorClassNames, errorLabels, isObject, isTlsErrorCode, relatedErrors, serverCodes, symbolicCodes } from './driver-error-shape';
import { redactUri } from './redact-uri';
import { TargetConnectionError, targetErrorMessage, type TargetConnectionErrorKind } from './target-connection-error';
import { FOREIGN_PROTOCOL_PHRASE, type ForeignProtocol } from './wire/foreign-protocol';

// Reading what the driver threw, by structure (class names, codes, causes; never a message's text):
// which category it is, whether it may pass, and how a sync record says it.

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

/** Errors of our own about targets; with the driver's (`Mongo*`), what a target failure looks like. */
const OWN_TARGET_ERRORS = ['TargetConnectionError', 'TargetProtocolError', 'TargetNotAllowedError', 'TargetAnswerTooLargeError'];

/** The error came from talking to a target (the driver, a server, our guards), not from our own code. */
export function isTargetFailure(error: unknown): boolean {
  return [...errorClassNames(error)].some((name) => name.startsWith('Mongo') || OWN_TARGET_ERRORS.includes(name));
}

/** Longest part of a server's own message that is repeated; the rest is cut. */
const SERVER_MESSAGE_MAX = 500;

/**
 * One line for a failed operation on a target (a sync step, a log): when the server refused the
 * command, its code name, code and message (a duplicate key, an invalid option: what an operator
 * needs), cleaned of control characters and cut to a bounded length; anything else in our words.
 */
export function describeTargetFailure(error: unknown): string {
  if (error instanceof TargetConnectionError) return error.message;
  if (isObject(error) && errorClassNames(error).has('MongoServerError') && typeof error['code'] === 'number') {
    const codeName =
      typeof error['codeName'] === 'string' && /^[A-Za-z0-9]{1,64}$/.test(error['codeName']) ? error['codeName'] : 'ServerError';
    const message = typeof error['message'] === 'string' ? cleanServerText(error['message']) : '';
    return `${codeName} (${error['code']})${message ? `: ${message}` : ''}`;
  }
  return targetErrorMessage(classifyTargetError(error, '').kind, 'the target');
}

function cleanServerText(text: string): string {
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return clean.length > SERVER_MESSAGE_MAX ? `${clean.slice(0, SERVER_MESSAGE_MAX)}…` : clean;
}
