/** What every benchmark gets: the running system, a logged-in user, and the servers behind it. */
export interface BenchContext {
  readonly apiUrl: string;
  readonly accessToken: string;
  readonly mongoUri: string;
  /** The services' database prefix, for benchmarks that seed or read storage directly. */
  readonly dbPrefix: string;
  readonly seconds: number;
  readonly connections: number;
  /** Where scratch files and logs go. */
  readonly dir: string;
}

export interface BenchResult {
  readonly name: string;
  /** Human-readable lines printed after the run. */
  readonly lines: string[];
  /** Written as JSON under bench/results/. */
  readonly figures: Record<string, unknown>;
}

export async function api(
  ctx: Pick<BenchContext, 'apiUrl' | 'accessToken'>,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${ctx.apiUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.accessToken}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : undefined;
}
