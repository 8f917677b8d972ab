import { DomainError, ErrorCode, type FieldIssue } from '@ir/contracts';
import { redactUri } from './redact-uri';

/**
 * Why a target database could not be used, in a few fixed categories. Messages are ours alone: no
 * driver, socket, TLS library or target text reaches them, so an answer never tells more than the
 * category (and never a file's content, a local path or a stack). The driver's class name and code
 * are kept apart, for logs.
 */
export const TARGET_ERROR_KINDS = [
  'malformed_uri',
  'not_allowed',
  'unreachable',
  'timeout',
  'auth_failed',
  'tls_failed',
  'not_mongodb',
  'unsupported_server',
  'unauthorized',
  'server_error',
] as const;
export type TargetConnectionErrorKind = (typeof TARGET_ERROR_KINDS)[number];

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

/** Kinds that may well pass by themselves (a target restarting, a slow moment); the others need a person. */
const PASSING: ReadonlySet<string> = new Set<TargetConnectionErrorKind>(['unreachable', 'timeout', 'server_error']);

/**
 * Whether a failure reported as `details.reason` on the bus may pass if the work is tried again
 * later; a reason that is not a target failure at all says nothing, so counts as passing.
 */
export function mayPass(reason: unknown): boolean {
  return typeof reason !== 'string' || !ALL_KINDS.has(reason) || PASSING.has(reason);
}

const ALL_KINDS: ReadonlySet<string> = new Set(TARGET_ERROR_KINDS);

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
