import { join } from 'node:path';
import { freePort } from '../tools/infra/free-port';
import { ManagedProcess } from '../tools/infra/process';
import { repoRoot } from '../tools/infra/repo-root';
import type { BenchContext, BenchResult } from './context';
import { describeShare, measureAccessChecks, sharePercent, type ChecksOfRequest } from './access-checks';
import { assertClean, load, round, row } from './load';

/** The gateway passes the caller to auth, which reads the profile of the caller itself: no role decides. */
const CHECKS: ChecksOfRequest = { hops: 1, decisions: 0 };

/**
 * Authenticated GET /auth/profile through the gateway (JWT check, bus request
 * to auth, MongoDB read) beside a bare Nest handler in its own process, in the
 * same run, so the ratio is what the architecture costs.
 */
export async function authProfileBench(ctx: BenchContext): Promise<BenchResult> {
  const port = await freePort();
  const baseline = ManagedProcess.spawn({
    name: 'baseline',
    command: process.execPath,
    args: [join(repoRoot, 'dist/bench/baseline-app.js')],
    env: { PORT: String(port) },
    logFile: join(ctx.dir, 'logs', 'baseline.log'),
  });
  try {
    await baseline.waitForTcp('127.0.0.1', port, 20_000);
    const gatewayRequest = { url: `${ctx.apiUrl}/auth/profile`, headers: { authorization: `Bearer ${ctx.accessToken}` } };
    const bareRequest = { url: `http://127.0.0.1:${port}/auth/profile` };
    // A short warm-up of each, so JIT and connection pools are not what is measured.
    await load(gatewayRequest, 2, ctx.connections);
    await load(bareRequest, 2, ctx.connections);
    const gateway = await load(gatewayRequest, ctx.seconds, ctx.connections);
    const bare = await load(bareRequest, ctx.seconds, ctx.connections);
    assertClean(gateway);
    const checks = measureAccessChecks(CHECKS);
    // At full load, 1 / throughput is the time the system spends on each request: the share is of that.
    const requestMs = 1000 / gateway.requests_per_second;
    const ratios = {
      throughput_gateway_over_baseline: round(gateway.requests_per_second / bare.requests_per_second),
      p50_gateway_over_baseline: round(gateway.latency_p50_ms / Math.max(bare.latency_p50_ms, 1)),
      p99_gateway_over_baseline: round(gateway.latency_p99_ms / Math.max(bare.latency_p99_ms, 1)),
    };
    return {
      name: 'auth-profile',
      lines: [
        `GET /auth/profile (authenticated) through the gateway vs a bare Nest handler, ${ctx.seconds} s, ${ctx.connections} connections`,
        row('gateway', gateway),
        row('baseline', bare),
        `ratio        throughput ${ratios.throughput_gateway_over_baseline}x of baseline, p50 ${ratios.p50_gateway_over_baseline}x, p99 ${ratios.p99_gateway_over_baseline}x`,
        describeShare(checks, CHECKS, requestMs, `the ${round(requestMs)} ms each request takes at full load`),
      ],
      figures: { gateway, baseline: bare, ratios, permission_checks: { ...checks, share_percent: sharePercent(checks, requestMs) } },
    };
  } finally {
    await baseline.stop();
  }
}
