import autocannon from 'autocannon';

export interface LoadResult {
  readonly requests_per_second: number;
  readonly latency_p50_ms: number;
  readonly latency_p99_ms: number;
  readonly requests: number;
  readonly non_2xx: number;
  readonly errors: number;
}

export interface LoadRequest {
  readonly url: string;
  readonly method?: 'GET' | 'POST' | 'PUT';
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** Drives one HTTP request for `seconds` with `connections` concurrent keep-alive connections. */
export async function load(request: LoadRequest, seconds: number, connections: number): Promise<LoadResult> {
  const result = await autocannon({ ...request, duration: seconds, connections });
  return {
    requests_per_second: Math.round(result.requests.average),
    latency_p50_ms: result.latency.p50,
    latency_p99_ms: result.latency.p99,
    requests: result.requests.total,
    non_2xx: result.non2xx,
    errors: result.errors,
  };
}

/**
 * Runs `operation` from `concurrency` loops for `seconds`, like autocannon does for HTTP, and reports the
 * same figures. Unlike autocannon, each loop waits for its last operation to end (and, with
 * `atLeastOnce`, runs one even when it takes longer than `seconds`): an operation slower than the
 * run is measured instead of dropped, and its work does not spill into the next run.
 */
export async function loadInProcess(
  operation: () => Promise<unknown>,
  seconds: number,
  concurrency: number,
  options: { atLeastOnce?: boolean } = {},
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const start = Date.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let first = options.atLeastOnce === true; first || Date.now() < end; first = false) {
        const started = performance.now();
        try {
          await operation();
          latencies.push(performance.now() - started);
        } catch {
          errors += 1;
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return {
    // Over the time the loops took: a slow operation (or `atLeastOnce`) may run past `seconds`.
    requests_per_second: Math.round(latencies.length / Math.max((Date.now() - start) / 1000, 0.001)),
    latency_p50_ms: at(0.5),
    latency_p99_ms: at(0.99),
    requests: latencies.length,
    non_2xx: 0,
    errors,
  };
}

export const round = (n: number): number => Math.round(n * 100) / 100;

export function row(name: string, r: LoadResult): string {
  return `${name.padEnd(12)} ${String(r.requests_per_second).padStart(8)} req/s   p50 ${String(r.latency_p50_ms).padStart(4)} ms   p99 ${String(r.latency_p99_ms).padStart(4)} ms   (${r.requests} requests, ${r.non_2xx} non-2xx, ${r.errors} errors)`;
}

/** A benchmark whose requests failed measured the failure, not the system. */
export function assertClean(result: LoadResult): void {
  if (result.non_2xx > 0 || result.errors > 0) {
    throw new Error(`${result.non_2xx} non-2xx answers and ${result.errors} errors during the run; the figures would be meaningless`);
  }
}

/** The middle value (the upper one of an even count), rounded to a whole number. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)]);
}
