import { promises as dns } from 'node:dns';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type { MongoOptions } from 'mongodb';
import { targetError } from './target-connection-error';
import { TargetNotAllowedError, type TargetPolicy } from './policy/target-policy';
import { FOREIGN_PROTOCOL_PHRASE } from './wire/foreign-protocol';
import { MIN_WIRE_VERSION, probeHello, type ProbeVerdict } from './wire/hello-probe';

/** Seed hosts probed at most; an SRV record set larger than this is cut (the driver finds the rest). */
const MAX_SEEDS = 32;

type Seed = { readonly host: string; readonly port: number } | { readonly socketPath: string };

/**
 * Checks a target before the driver is given it: every seed host (after SRV) is allowed by the
 * policy on every address it resolves to, and answers a raw hello as a MongoDB server does, in
 * bounded time and memory. A seed that is not MongoDB refuses the whole target; otherwise one seed
 * that answers is enough (replica set members may be down).
 * @throws TargetConnectionError not_allowed, not_mongodb, tls_failed, unsupported_server, unreachable or timeout
 */
export async function preflightTarget(uri: string, options: MongoOptions, policy: TargetPolicy, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const remaining = (): number => Math.max(1, deadline - Date.now());
  const seeds = await withDeadline(seedsOf(options), remaining(), () => targetError('timeout', uri)).catch((error: unknown) => {
    throw error instanceof Error && error.name === 'TargetConnectionError'
      ? error
      : targetError('unreachable', uri, 'its SRV record cannot be resolved');
  });
  const tls = options.tls ? await tlsOptionsOf(options, uri) : undefined;
  const verdicts = await Promise.all(seeds.map((seed) => probeSeed(seed, policy, tls, remaining, uri)));
  throwUnlessUsable(verdicts, uri);
}

async function probeSeed(
  seed: Seed,
  policy: TargetPolicy,
  tls: ConnectionOptions | undefined,
  remaining: () => number,
  uri: string,
): Promise<ProbeVerdict> {
  if ('socketPath' in seed) return probeHello({ socketPath: seed.socketPath }, remaining());
  let addresses;
  try {
    addresses = await withDeadline(policy.addressesOf(seed.host), remaining(), () => new ResolveTimeout());
  } catch (error) {
    if (error instanceof TargetNotAllowedError) throw targetError('not_allowed', uri, error.problem);
    return error instanceof ResolveTimeout ? { kind: 'timeout' } : { kind: 'refused', code: 'ENOTFOUND' };
  }
  const servername = isIP(seed.host) ? undefined : seed.host;
  let verdict: ProbeVerdict = { kind: 'refused', code: 'ENOTFOUND' };
  // Like Node's own connect, try each address in turn: a name may resolve to an IPv6 address the
  // server does not listen on before the IPv4 one it does.
  for (const { address } of addresses) {
    verdict = await probeHello({ address, port: seed.port, tls: tls && { ...tls, servername } }, remaining());
    if (verdict.kind !== 'refused') return verdict;
  }
  return verdict;
}

function throwUnlessUsable(verdicts: readonly ProbeVerdict[], uri: string): void {
  const foreign = verdicts.find((v) => v.kind === 'foreign');
  if (foreign?.kind === 'foreign') {
    throw targetError(foreign.peer === 'tls' ? 'tls_failed' : 'not_mongodb', uri, FOREIGN_PROTOCOL_PHRASE[foreign.peer]);
  }
  if (verdicts.some((v) => v.kind === 'mongodb')) return;
  const tooOld = verdicts.find((v) => v.kind === 'too_old');
  if (tooOld?.kind === 'too_old') {
    throw targetError(
      'unsupported_server',
      uri,
      `wire version ${tooOld.maxWireVersion}; wire version ${MIN_WIRE_VERSION} (MongoDB 4.2) or later is needed`,
    );
  }
  if (verdicts.some((v) => v.kind === 'tls_failed')) throw targetError('tls_failed', uri);
  if (verdicts.some((v) => v.kind === 'closed_silently')) {
    throw targetError(
      'unreachable',
      uri,
      'it closed the connection without answering (a server that requires TLS does this: add tls=true)',
    );
  }
  if (verdicts.some((v) => v.kind === 'timeout')) throw targetError('timeout', uri);
  throw targetError('unreachable', uri);
}

/** The hosts to probe: the URI's, or its SRV record's. */
async function seedsOf(options: MongoOptions): Promise<Seed[]> {
  if (options.srvHost) {
    const records = await dns.resolveSrv(`_${options.srvServiceName}._tcp.${options.srvHost}`);
    const limit = options.srvMaxHosts > 0 ? Math.min(options.srvMaxHosts, MAX_SEEDS) : MAX_SEEDS;
    return records.slice(0, limit).map((r) => ({ host: r.name.toLowerCase(), port: r.port }));
  }
  return options.hosts
    .slice(0, MAX_SEEDS)
    .map((h) => (h.socketPath ? { socketPath: h.socketPath } : { host: h.host ?? '', port: h.port ?? 27017 }));
}

/** The driver's TLS settings for the probe; files are read only when the policy let the URI name them. */
async function tlsOptionsOf(options: MongoOptions, uri: string): Promise<ConnectionOptions> {
  const tls: ConnectionOptions = { rejectUnauthorized: options.rejectUnauthorized, checkServerIdentity: options.checkServerIdentity };
  try {
    if (options.tlsCAFile) tls.ca = await readFile(options.tlsCAFile);
    if (options.tlsCRLFile) tls.crl = await readFile(options.tlsCRLFile);
    if (options.tlsCertificateKeyFile) {
      const pem = await readFile(options.tlsCertificateKeyFile);
      tls.cert = pem;
      tls.key = pem;
      tls.passphrase = options.passphrase;
    }
  } catch {
    throw targetError('malformed_uri', uri, 'a file its TLS options name cannot be read');
  }
  return tls;
}

class ResolveTimeout extends Error {}

function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
