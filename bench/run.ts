import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../tools/infra/free-port';
import { ManagedProcess } from '../tools/infra/process';
import { repoRoot } from '../tools/infra/repo-root';
import { startSystem } from '../tools/infra/services';
import { startTestInfra } from '../test/support/infra-env';
import { load, type LoadResult } from './load';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);

/**
 * Authenticated GET /auth/profile through the gateway (JWT check, bus request
 * to auth, MongoDB read) beside a bare Nest handler on the same machine, in the
 * same run, so the ratio is what the architecture costs.
 */
async function main(): Promise<void> {
  const infra = await startTestInfra();
  const dir = join(infra.dir, 'bench');
  const system = await startSystem({
    natsUrl: infra.natsUrl,
    mongoUri: infra.mongoUri,
    dbPrefix: `ir_bench_${process.pid}`,
    dataDir: dir,
    logDir: join(dir, 'logs'),
    logLevel: 'warn',
  });
  const baselinePort = await freePort();
  const baseline = ManagedProcess.spawn({
    name: 'baseline',
    command: process.execPath,
    args: [join(repoRoot, 'dist/bench/baseline-app.js')],
    env: { PORT: String(baselinePort) },
    logFile: join(dir, 'logs', 'baseline.log'),
  });
  try {
    await baseline.waitForTcp('127.0.0.1', baselinePort, 20_000);
    const token = await accessToken(system.apiUrl);
    const auth = { authorization: `Bearer ${token}` };

    // A short warm-up of each, so JIT and connection pools are not what is measured.
    await load(`${system.apiUrl}/auth/profile`, 2, CONNECTIONS, auth);
    await load(`http://127.0.0.1:${baselinePort}/auth/profile`, 2, CONNECTIONS);
    const gateway = await load(`${system.apiUrl}/auth/profile`, SECONDS, CONNECTIONS, auth);
    const bare = await load(`http://127.0.0.1:${baselinePort}/auth/profile`, SECONDS, CONNECTIONS);
    report(gateway, bare);
  } finally {
    await baseline.stop();
    await system.stop();
    await infra.stop();
  }
}

async function accessToken(apiUrl: string): Promise<string> {
  const user = { email: `bench-${process.pid}@example.com`, username: `bench${process.pid}`, password: 'benchmark-password' };
  const post = (path: string, body: unknown) =>
    fetch(`${apiUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const registered = await post('/auth/register', user);
  if (registered.status !== 201) throw new Error(`register answered ${registered.status}: ${await registered.text()}`);
  const login = await post('/auth/login', { username: user.username, password: user.password });
  if (login.status !== 200) throw new Error(`login answered ${login.status}: ${await login.text()}`);
  return ((await login.json()) as { access_token: string }).access_token;
}

function report(gateway: LoadResult, baseline: LoadResult): void {
  const figures = {
    benchmark: 'GET /auth/profile (authenticated) through the gateway vs a bare Nest handler',
    measured_at: new Date().toISOString(),
    seconds: SECONDS,
    connections: CONNECTIONS,
    gateway,
    baseline,
    ratios: {
      throughput_gateway_over_baseline: round(gateway.requests_per_second / baseline.requests_per_second),
      p50_gateway_over_baseline: round(gateway.latency_p50_ms / Math.max(baseline.latency_p50_ms, 1)),
      p99_gateway_over_baseline: round(gateway.latency_p99_ms / Math.max(baseline.latency_p99_ms, 1)),
    },
  };
  const row = (name: string, r: LoadResult) =>
    `${name.padEnd(10)} ${String(r.requests_per_second).padStart(8)} req/s   p50 ${String(r.latency_p50_ms).padStart(4)} ms   p99 ${String(r.latency_p99_ms).padStart(4)} ms   (${r.requests} requests, ${r.non_2xx} non-2xx, ${r.errors} errors)`;
  console.log(`\n${figures.benchmark}, ${SECONDS} s, ${CONNECTIONS} connections`);
  console.log(row('gateway', gateway));
  console.log(row('baseline', baseline));
  console.log(
    `ratio      throughput ${figures.ratios.throughput_gateway_over_baseline}x of baseline, p50 ${figures.ratios.p50_gateway_over_baseline}x, p99 ${figures.ratios.p99_gateway_over_baseline}x`,
  );
  const dir = join(repoRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `auth-profile-${figures.measured_at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
  console.log(`figures written to ${file}`);
  if (gateway.non_2xx > 0 || gateway.errors > 0) process.exitCode = 1;
}

const round = (n: number): number => Math.round(n * 100) / 100;

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
