import autocannon from 'autocannon';

export interface LoadResult {
  readonly requests_per_second: number;
  readonly latency_p50_ms: number;
  readonly latency_p99_ms: number;
  readonly requests: number;
  readonly non_2xx: number;
  readonly errors: number;
}

/** Drives `url` for `seconds` with `connections` concurrent keep-alive connections. */
export async function load(url: string, seconds: number, connections: number, headers: Record<string, string> = {}): Promise<LoadResult> {
  const result = await autocannon({ url, duration: seconds, connections, headers });
  return {
    requests_per_second: Math.round(result.requests.average),
    latency_p50_ms: result.latency.p50,
    latency_p99_ms: result.latency.p99,
    requests: result.requests.total,
    non_2xx: result.non2xx,
    errors: result.errors,
  };
}
