import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { ConnectionString } from 'mongodb-connection-string-url';
import { targetError } from '../target-connection-error';
import { HostAllowlist, isDnsName, isNeverATarget } from './host-allowlist';
import { featureRefusal, refusedOption, URI_FEATURES, type UriFeature } from './uri-options';

/** A host or address the policy refuses; the driver surfaces it as the cause of a network error. */
export class TargetNotAllowedError extends Error {
  constructor(readonly problem: string) {
    super(problem);
    this.name = 'TargetNotAllowedError';
  }
}

export type HostResolver = (host: string) => Promise<LookupAddress[]>;

/** This machine only: what `make start` and the tests allow. */
export const LOOPBACK_HOSTS = 'localhost,127.0.0.0/8,::1';

const systemResolver: HostResolver = (host) =>
  new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );

/**
 * Where target databases may be, and which connection string capabilities they may use. Checked
 * before the service connects (`checkUri`, then the pre-flight on every seed host), and again by the
 * driver's own name lookups (`lookup`), so hosts a replica set announces later are held to it too.
 */
export class TargetPolicy {
  private readonly features: ReadonlySet<UriFeature>;

  constructor(
    readonly hosts: HostAllowlist,
    features: Iterable<UriFeature> = [],
    private readonly resolver: HostResolver = systemResolver,
  ) {
    this.features = new Set(features);
  }

  /** From TARGET_ALLOWED_HOSTS and TARGET_ALLOWED_URI_FEATURES. @throws Error naming the bad entries */
  static parse(allowedHosts: string, features: string, resolver?: HostResolver): TargetPolicy {
    return new TargetPolicy(HostAllowlist.parse(allowedHosts), parseFeatures(features), resolver);
  }

  /** Targets on this machine only, with no extra URI features. */
  static loopback(): TargetPolicy {
    return TargetPolicy.parse(LOOPBACK_HOSTS, '');
  }

  allows(feature: UriFeature): boolean {
    return this.features.has(feature);
  }

  /**
   * The connection string's options and the form of its hosts; IP address hosts against the
   * allowlist too (host names are checked where they are resolved). Nothing is connected to.
   * @throws TargetConnectionError malformed_uri or not_allowed
   */
  checkUri(uri: string): void {
    let parsed: ConnectionString;
    try {
      parsed = new ConnectionString(uri);
    } catch {
      throw targetError('malformed_uri', uri);
    }
    const refusal = refusedOption(parsed.searchParams.entries(), this.features);
    if (refusal) throw targetError(refusal.kind, uri, refusal.problem);
    for (const raw of parsed.hosts) {
      const problem = this.hostProblem(raw);
      if (problem) throw targetError(problem.kind, uri, problem.problem);
    }
  }

  /** Whether an IP address (a host written as one, or one a name resolved to) may be connected to. */
  allowsAddress(address: string): boolean {
    return this.hosts.allowsAddress(address);
  }

  /**
   * The addresses of a host, once the policy allows it: by its name, or because every address it
   * resolves to is allowed. Addresses that are never a target are refused either way.
   * @throws TargetNotAllowedError, or the resolver's error (unknown name, no DNS)
   */
  async addressesOf(host: string): Promise<LookupAddress[]> {
    if (isIP(host)) {
      this.assertAddress(host, host);
      return [{ address: host, family: isIP(host) }];
    }
    const addresses = await this.resolver(host);
    this.assertResolved(host, addresses);
    return addresses;
  }

  /**
   * For the driver's `lookup` option: every connection it opens to a host name resolves through the
   * policy, at the moment it connects, so a name that later points elsewhere is caught too. (Node
   * does not call `lookup` for an IP address; the pool checks those hosts when the driver announces
   * them.)
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.addressesOf(hostname).then(
      (addresses) => {
        const wanted = options.family ? addresses.filter((a) => a.family === options.family) : addresses;
        if ((options as LookupAllOptions).all) (callback as (e: null, a: LookupAddress[]) => void)(null, wanted);
        else callback(null, wanted[0]?.address ?? '', wanted[0]?.family ?? 4);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 4),
    );
  };

  private assertResolved(host: string, addresses: readonly LookupAddress[]): void {
    const never = addresses.find((a) => isNeverATarget(a.address));
    if (never) throw new TargetNotAllowedError(`${host} resolves to ${never.address}, which is never a target`);
    if (this.hosts.allowsName(host)) return;
    const refused = addresses.find((a) => !this.hosts.allowsAddress(a.address));
    if (refused || addresses.length === 0) {
      throw new TargetNotAllowedError(`${host}${refused ? ` (${refused.address})` : ''} is not in TARGET_ALLOWED_HOSTS`);
    }
  }

  private assertAddress(host: string, address: string): void {
    if (!this.hosts.allowsAddress(address)) throw new TargetNotAllowedError(`${host} is not in TARGET_ALLOWED_HOSTS`);
  }

  private hostProblem(raw: string): { kind: 'malformed_uri' | 'not_allowed'; problem: string } | undefined {
    const host = hostOf(raw);
    if (host.includes('%') || host.includes('/')) {
      const decoded = safeDecode(host);
      if (decoded.includes('/') || decoded.endsWith('.sock')) {
        return this.allows('unix_sockets')
          ? undefined
          : { kind: 'not_allowed', problem: featureRefusal('a Unix socket path', 'unix_sockets') };
      }
      return { kind: 'malformed_uri', problem: 'percent-encoded host names are not accepted' };
    }
    const address = host.replace(/^\[(.*)\]$/, '$1');
    if (isIP(address)) {
      if (isNeverATarget(address)) return { kind: 'not_allowed', problem: `${address} is never a target` };
      return this.allowsAddress(address) ? undefined : { kind: 'not_allowed', problem: `${address} is not in TARGET_ALLOWED_HOSTS` };
    }
    if (!isDnsName(host.toLowerCase())) {
      return { kind: 'malformed_uri', problem: 'each host must be a DNS name or an IP address in its usual form' };
    }
    return undefined;
  }
}

/** TARGET_ALLOWED_URI_FEATURES: a comma-separated subset of URI_FEATURES. @throws Error naming unknown ones */
export function parseFeatures(text: string): UriFeature[] {
  const entries = text.split(/[\s,]+/).filter((e) => e.length > 0);
  const unknown = entries.filter((e) => !(URI_FEATURES as readonly string[]).includes(e));
  if (unknown.length > 0)
    throw new Error(`unknown features ${unknown.map((e) => JSON.stringify(e)).join(', ')}; known: ${URI_FEATURES.join(', ')}`);
  return entries as UriFeature[];
}

/** The host part of a `host:port`, `[v6]:port` or bare host entry. */
function hostOf(raw: string): string {
  if (raw.startsWith('[')) return raw.slice(0, raw.indexOf(']') + 1);
  const colon = raw.lastIndexOf(':');
  return colon >= 0 ? raw.slice(0, colon) : raw;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
