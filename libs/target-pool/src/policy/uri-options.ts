/**
 * Capabilities of a connection string that reach beyond the target's host: each is refused unless
 * TARGET_ALLOWED_URI_FEATURES names it.
 * - `unix_sockets`: a host that is a socket path on the service's own machine;
 * - `local_files`: options that make the service read a file of its own disk (CA, client key, CRL),
 *   whose existence and readability a caller could otherwise probe through the answers;
 * - `external_auth`: mechanisms that call an identity provider from the service (Kerberos, AWS, OIDC).
 */
export const URI_FEATURES = ['unix_sockets', 'local_files', 'external_auth'] as const;
export type UriFeature = (typeof URI_FEATURES)[number];

/**
 * What a connection string option may do:
 * - `passed`: the driver uses it as written;
 * - `ours`: the service sets it itself (limits, its name) and a value in the URI has no effect;
 * - a feature: passed only while that feature is allowed;
 * - `refused`, with the reason given to the caller.
 */
type OptionRule = 'passed' | 'ours' | { feature: UriFeature } | { refused: string };

const NO_PROXY = { refused: 'connections through a SOCKS5 proxy would go where the host allowlist cannot see' };
const FILES = { feature: 'local_files' } as const;

/**
 * Every option a target's connection string may carry, by the name MongoDB's URI specification
 * gives it. Anything else is refused: the Node driver also accepts, from the URI, options such as
 * `localAddress`, `connectionType` or `ca` that were never meant to come from a user.
 */
export const URI_OPTIONS: Readonly<Record<string, OptionRule>> = {
  appName: 'ours',
  authMechanism: 'passed',
  authMechanismProperties: { feature: 'external_auth' },
  authSource: 'passed',
  compressors: { refused: 'target clients never compress, and refuse compressed replies (a decompression bomb is one message away)' },
  connectTimeoutMS: 'ours',
  directConnection: 'passed',
  heartbeatFrequencyMS: 'passed',
  journal: 'passed',
  loadBalanced: 'passed',
  localThresholdMS: 'passed',
  maxConnecting: 'ours',
  maxIdleTimeMS: 'passed',
  maxPoolSize: 'ours',
  maxStalenessSeconds: 'passed',
  minPoolSize: 'ours',
  proxyHost: NO_PROXY,
  proxyPassword: NO_PROXY,
  proxyPort: NO_PROXY,
  proxyUsername: NO_PROXY,
  readConcernLevel: 'passed',
  readPreference: 'passed',
  readPreferenceTags: 'passed',
  replicaSet: 'passed',
  retryReads: 'passed',
  retryWrites: 'passed',
  serverMonitoringMode: 'passed',
  serverSelectionTimeoutMS: 'ours',
  socketTimeoutMS: 'ours',
  srvMaxHosts: 'passed',
  srvServiceName: 'passed',
  ssl: 'passed',
  timeoutMS: 'ours',
  tls: 'passed',
  tlsAllowInvalidCertificates: 'passed',
  tlsAllowInvalidHostnames: 'passed',
  tlsCAFile: FILES,
  tlsCertificateKeyFile: FILES,
  tlsCertificateKeyFilePassword: FILES,
  tlsCRLFile: FILES,
  tlsInsecure: 'passed',
  w: 'passed',
  waitQueueTimeoutMS: 'ours',
  wtimeoutMS: 'passed',
  zlibCompressionLevel: 'passed',
};

/** Mechanisms that talk to something other than the target; MONGODB-X509 needs a key file (local_files). */
const EXTERNAL_AUTH_MECHANISMS = new Set(['GSSAPI', 'MONGODB-AWS', 'MONGODB-OIDC']);

/** URI option names are case-insensitive. */
const RULE_BY_LOWER_NAME = new Map(Object.entries(URI_OPTIONS).map(([name, rule]) => [name.toLowerCase(), { name, rule }]));

/**
 * Why a connection string's options are refused, or undefined when they are fine. Option names come
 * back as the table spells them, never as the caller wrote them.
 */
export function refusedOption(options: Iterable<[string, string]>, allowed: ReadonlySet<UriFeature>): OptionRefusal | undefined {
  for (const [key, value] of options) {
    const known = RULE_BY_LOWER_NAME.get(key.toLowerCase());
    if (!known) return { kind: 'malformed_uri', problem: `${describeKey(key)} is not a supported connection string option` };
    const { name, rule } = known;
    if (typeof rule === 'object' && 'refused' in rule)
      return { kind: 'not_allowed', problem: `the option ${name} is not accepted: ${rule.refused}` };
    if (typeof rule === 'object' && !allowed.has(rule.feature)) return { kind: 'not_allowed', problem: featureRefusal(name, rule.feature) };
    const mechanism = value.toUpperCase();
    if (name === 'authMechanism' && EXTERNAL_AUTH_MECHANISMS.has(mechanism) && !allowed.has('external_auth')) {
      return { kind: 'not_allowed', problem: featureRefusal(`authMechanism=${mechanism}`, 'external_auth') };
    }
  }
  return undefined;
}

export interface OptionRefusal {
  /** An option that does not exist is a malformed string; one that exists but is refused, a policy matter. */
  readonly kind: 'malformed_uri' | 'not_allowed';
  readonly problem: string;
}

export function featureRefusal(what: string, feature: UriFeature): string {
  return `${what} needs TARGET_ALLOWED_URI_FEATURES to include ${feature}`;
}

/** An option name as the caller wrote it, if it is a plain identifier; otherwise it is not repeated. */
function describeKey(key: string): string {
  return /^[A-Za-z0-9_]{1,64}$/.test(key) ? `"${key}"` : 'an option';
}
