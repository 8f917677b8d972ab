import { createHash } from 'node:crypto';

/**
 * The identity of a target in maps and logs: sha256 of the URI. The URI carries a password, so it is
 * never used as a key that could end up in a heap dump's pretty-print, a debug log or a metric label.
 */
export function targetKey(uri: string): string {
  return createHash('sha256').update(uri).digest('hex');
}

/** A short form for logs: enough to correlate lines, useless to recover anything. */
export function shortTargetKey(key: string): string {
  return key.slice(0, 12);
}
