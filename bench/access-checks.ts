import { AccessTokenClaims, holds, principalOfClaims, sees, type Principal } from '@ir/contracts';
import { decodePrincipal, encodePrincipal } from '@ir/messaging';
import { round } from './load';

/** A member of this many projects: the principal every hop carries grows with them. */
const PROJECTS = 20;
const ITERATIONS = 50_000;

/** Which permission checks a request makes, hop by hop, as the code does them. */
export interface ChecksOfRequest {
  /** Services the request reaches over the bus: each reads the caller from its message header. */
  readonly hops: number;
  /** `holds`/`sees` calls along the way (the comparator's and the registry's). */
  readonly decisions: number;
}

export interface AccessCheckCost {
  readonly projects_of_caller: number;
  /** The gateway's part once the token is verified: roles from its claims, the caller onto the bus header. */
  readonly gateway_us: number;
  /** A service reading and validating the caller from the header. */
  readonly per_hop_us: number;
  readonly per_decision_us: number;
  readonly per_request_us: number;
}

/**
 * What the permission checks cost one request, measured on the code the services run: there is no
 * switch that turns them off in a running system (a bypass would be a hole), so the benchmarks set
 * this cost beside the request's own time measured in the same run. The checks do no I/O of their
 * own: the project and role they need come with the token and with answers the request already
 * asked for (the registry's connection details carry the database's project).
 */
export function measureAccessChecks(checks: ChecksOfRequest): AccessCheckCost {
  const projects = Object.fromEntries(
    Array.from({ length: PROJECTS }, (_, i) => [i.toString(16).padStart(24, '0'), i % 2 === 0 ? 'editor' : 'viewer']),
  );
  const payload = { sub: '6650f0c2a1b2c3d4e5f60718', sid: 'bench-session', username: 'bench', sa: false, projects, ims: Date.now() };
  const target = Object.keys(projects)[PROJECTS - 2];

  const gateway = perCallUs(() => {
    const claims = AccessTokenClaims.safeParse(payload);
    if (!claims.success) throw new Error('the claims did not parse');
    return encodePrincipal(principalOfClaims(claims.data));
  });
  const header = encodePrincipal(principalOfClaims(AccessTokenClaims.parse(payload)));
  const hop = perCallUs(() => decodePrincipal(header));
  const principal = decodePrincipal(header) as Principal;
  const decision = perCallUs(() => holds(principal, 'drift:read', target) && sees(principal, target));

  return {
    projects_of_caller: PROJECTS,
    gateway_us: round(gateway),
    per_hop_us: round(hop),
    per_decision_us: round(decision),
    per_request_us: round(gateway + checks.hops * hop + checks.decisions * decision),
  };
}

/** The line a benchmark prints: the checks' time as a share of the request's. */
export function describeShare(cost: AccessCheckCost, checks: ChecksOfRequest, requestMs: number, of: string): string {
  return (
    `permission checks ${cost.per_request_us} µs per request (gateway ${cost.gateway_us} µs, ${checks.hops} hop(s) × ${cost.per_hop_us} µs, ` +
    `${checks.decisions} decision(s) × ${cost.per_decision_us} µs, caller in ${cost.projects_of_caller} projects): ` +
    `${sharePercent(cost, requestMs)}% of ${of} (goal < 10%)`
  );
}

export function sharePercent(cost: AccessCheckCost, requestMs: number): number {
  return round((cost.per_request_us / 1000 / requestMs) * 100);
}

/** Mean time of one call over many, after a warm-up so the JIT has compiled it. */
function perCallUs(fn: () => unknown): number {
  for (let i = 0; i < ITERATIONS / 10; i += 1) fn();
  const started = performance.now();
  for (let i = 0; i < ITERATIONS; i += 1) fn();
  return ((performance.now() - started) * 1000) / ITERATIONS;
}
