// Structural reading of MongoDB driver errors. We look at class names, codes, labels and causes instead
// of `instanceof`, so errors are recognised even when they come from another copy of the driver
// (mongoose bundles its own, and a second major could be hoisted one day) or cross a serialisation
// boundary with their shape intact.

/** Names of the error and of every class in its prototype chain (`MongoServerSelectionError`, `MongoError`, …). */
export function errorClassNames(error: unknown): Set<string> {
  const names = new Set<string>();
  if (!isObject(error)) return names;
  const name = error['name'];
  if (typeof name === 'string') names.add(name);
  for (
    let proto: unknown = Object.getPrototypeOf(error);
    isObject(proto) && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    const ctor = proto['constructor'];
    if (typeof ctor === 'function' && ctor.name) names.add(ctor.name);
  }
  return names;
}

/**
 * The error, its `cause` chain and, for server-selection errors, the last error each server reported
 * (the driver keeps the real reason — ECONNREFUSED, a handshake failure — in `reason.servers`).
 */
export function relatedErrors(error: unknown): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number): void => {
    if (!isObject(e) || seen.has(e) || depth > 5) return;
    seen.add(e);
    out.push(e);
    visit(e['cause'], depth + 1);
    const reason = e['reason'];
    if (isObject(reason) && reason['servers'] instanceof Map) {
      for (const server of (reason['servers'] as Map<unknown, unknown>).values()) {
        if (isObject(server)) visit(server['error'], depth + 1);
      }
    }
  };
  visit(error, 0);
  return out;
}

/** Numeric server error codes found on the error or anything related to it. */
export function serverCodes(errors: Record<string, unknown>[]): Set<number> {
  const codes = new Set<number>();
  for (const e of errors) if (typeof e['code'] === 'number') codes.add(e['code']);
  return codes;
}

/** String codes (`ECONNREFUSED`, `ERR_INVALID_URL`) and `codeName`s (`AuthenticationFailed`). */
export function symbolicCodes(errors: Record<string, unknown>[]): Set<string> {
  const codes = new Set<string>();
  for (const e of errors) {
    if (typeof e['code'] === 'string') codes.add(e['code']);
    if (typeof e['codeName'] === 'string') codes.add(e['codeName']);
  }
  return codes;
}

/** Error labels, whether exposed as the driver's `errorLabels` getter or as a plain array. */
export function errorLabels(error: unknown): Set<string> {
  const labels = new Set<string>();
  if (!isObject(error)) return labels;
  const value = error['errorLabels'];
  if (Array.isArray(value)) for (const l of value) if (typeof l === 'string') labels.add(l);
  return labels;
}

/** Distinct messages, outermost first: a selection error often repeats its server's message verbatim. */
export function messagesOf(errors: Record<string, unknown>[]): string {
  const messages = errors.map((e) => e['message']).filter((m): m is string => typeof m === 'string' && m.length > 0);
  return [...new Set(messages)].join(' | ');
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Codes of TLS failures on Node's errors: Node's own (`ERR_TLS_CERT_ALTNAME_INVALID`), OpenSSL's
 * (`ERR_SSL_WRONG_VERSION_NUMBER`, alerts) and certificate verification results (`CERT_HAS_EXPIRED`).
 */
export function isTlsErrorCode(code: string): boolean {
  return TLS_CODE_PREFIXES.some((prefix) => code.startsWith(prefix));
}

const TLS_CODE_PREFIXES = [
  'ERR_SSL_',
  'ERR_TLS_',
  'CERT_',
  'DEPTH_ZERO_SELF_SIGNED',
  'SELF_SIGNED_CERT',
  'UNABLE_TO_',
  'HOSTNAME_MISMATCH',
];
