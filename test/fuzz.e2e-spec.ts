// Property-based requests for every route of the gateway's OpenAPI document: schema-shaped bodies
// and their mutations, query strings, path parameters and headers, authenticated and not. No
// answer may be a 5xx (but a target's 502/503/504 that says why), carry internal text, or be an
// error without its request id; every service must be ready afterwards.
//
// Reproduce a run with the seed it prints: FUZZ_SEED=<seed> FUZZ_RUNS=<runs> npx jest test/fuzz.e2e-spec.ts --selectProjects e2e
// (FUZZ_REPORT=<file> writes every failure to that file).
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { problemsOf, type Answer } from './support/fuzz/answer-checks';
import { requestArbitrary, routesOf, type FuzzRequest } from './support/fuzz/fuzz-requests';
import type { FuzzFixtures } from './support/fuzz/schema-arbitrary';
import {
  authedApi,
  createTargetDatabase,
  defineIndex,
  eventually,
  gateway,
  gatewayUrl,
  loggedInUser,
  login,
  targetMongoUri,
  type AuthedApi,
} from './support/e2e-client';

const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : randomBytes(4).readInt32LE();
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 6);
/** Long enough for a compare or an import on the test's target; a request past it is a problem too. */
const REQUEST_TIMEOUT_MS = 20_000;
/** Each route gets at least this many requests, so no route is left out by chance. */
const MIN_PER_ROUTE = Math.max(1, Math.floor(RUNS / 100));

jest.setTimeout(240_000);

let client: AuthedApi;
let credentials: { accessToken: string; sacrificialToken: string };
let fixtures: FuzzFixtures;

async function indexIdsOf(databaseId: string, collection: string): Promise<string[]> {
  const res = await client.post('/indexes/list-by-collection').send({ database_id: databaseId, collection });
  return (res.body.items as { id: string }[]).map((item) => item.id);
}

beforeAll(async () => {
  const user = await loggedInUser();
  credentials = { accessToken: user.tokens.access_token, sacrificialToken: (await login(user)).access_token };
  client = authedApi(credentials.accessToken);
  const primary = await createTargetDatabase(client);
  const disposable = await createTargetDatabase(client);
  for (const collection of ['orders', '__proto__', 'constructor'])
    await defineIndex(client, primary.id, collection, [{ field: 'a', value: 1 }]);
  await defineIndex(client, disposable.id, 'orders', [{ field: 'b', value: 1 }]);
  const sync = await client.post('/indexes/sync-by-database').send({ database_id: primary.id, dry_run: true });
  const syncId = sync.body.sync_id as string;
  // Ended, so its event stream closes at once.
  await eventually(
    async () => ['completed', 'failed'].includes((await client.get(`/indexes/sync-status/${syncId}`)).body.status as string),
    20_000,
    200,
  );
  fixtures = {
    ids: [primary.id, syncId, ...(await indexIdsOf(primary.id, 'orders')), ...(await indexIdsOf(primary.id, '__proto__'))],
    disposableIds: [disposable.id, ...(await indexIdsOf(disposable.id, 'orders')), 'f'.repeat(24)],
    targetUri: targetMongoUri(),
    collections: ['orders', '__proto__', 'constructor', 'toString', 'missing'],
  };
});

async function send(request: FuzzRequest): Promise<Answer> {
  const res = await fetch(request.url, {
    method: request.route.method,
    headers: request.headers,
    body: request.body,
    redirect: 'manual',
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const contentType = res.headers.get('content-type') ?? '';
  // A sync's event stream stays open while the sync runs: its headers are the answer.
  if (contentType.startsWith('text/event-stream')) {
    await res.body?.cancel();
    return { status: res.status, contentType, requestIdHeader: res.headers.get('x-request-id'), text: '' };
  }
  return { status: res.status, contentType, requestIdHeader: res.headers.get('x-request-id'), text: await res.text() };
}

function describeRequest(request: FuzzRequest): string {
  const body = request.body ? request.body.subarray(0, 300).toString('latin1') : '';
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [name, value.length > 40 ? `${value.slice(0, 40)}…` : value]),
  );
  return `${request.route.method} ${request.url.slice(0, 300)} ${JSON.stringify(headers).slice(0, 400)} body(${request.body?.length ?? 0}): ${JSON.stringify(body)}`;
}

it('answers every fuzzed request without a 5xx, internal text or an error without request id', async () => {
  const started = Date.now();
  const document = (await gateway().get('/docs/openapi.json')).body as Parameters<typeof routesOf>[0];
  const routes = routesOf(document);
  expect(routes.length).toBeGreaterThan(20);
  // Every route its share first, then routes at random: each is covered, whatever the seed.
  const perRoute = routes.map((route, i) =>
    fc.sample(requestArbitrary(route, gatewayUrl(), fixtures, credentials), { seed: SEED + i, numRuns: MIN_PER_ROUTE }),
  );
  const anyRoute = fc.constantFrom(...routes).chain((route) => requestArbitrary(route, gatewayUrl(), fixtures, credentials));
  const requests = [...perRoute.flat(), ...fc.sample(anyRoute, { seed: SEED, numRuns: Math.max(0, RUNS - perRoute.flat().length) })];
  console.log(`fuzz: seed ${SEED}, ${requests.length} requests over ${routes.length} routes (rerun: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS})`);

  const failures: string[] = [];
  /** A target's 502/503/504 is allowed; a few are shown, to see what a caller was told. */
  const targetErrors: string[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < requests.length) {
      const request = requests[next++];
      let problems: string[];
      let status = 0;
      try {
        const answer = await send(request);
        status = answer.status;
        problems = problemsOf(request, answer).map((p) => `${p}; answer: ${answer.text.slice(0, 300)}`);
        if (status >= 500 && targetErrors.length < 3)
          targetErrors.push(`${request.route.method} ${request.route.path} ${status}: ${answer.text.slice(0, 400)}`);
      } catch (error) {
        problems = [`no answer: ${String(error)}`];
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (problems.length > 0) failures.push(`${problems.join('; ')}\n    request: ${describeRequest(request)}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const histogram = [...statuses]
    .sort(([a], [b]) => a - b)
    .map(([s, n]) => `${s}×${n}`)
    .join(' ');
  console.log(
    `fuzz: ${requests.length} requests, ${routes.length} routes, ${seconds} s, statuses ${histogram}, ${failures.length} failing`,
  );

  // Every failure, for a run that finds many (the assertion shows ten).
  if (process.env.FUZZ_REPORT) writeFileSync(process.env.FUZZ_REPORT, failures.join('\n'));
  if (targetErrors.length > 0) console.log(`fuzz: target errors, for example:\n${targetErrors.join('\n')}`);
  expect(failures.slice(0, 10)).toEqual([]);
  expect(statuses.get(200) ?? 0).toBeGreaterThan(0);

  const ready = await gateway().get('/health/ready');
  expect({ status: ready.status, info: Object.keys(ready.body.info ?? {}).sort() }).toEqual({
    status: 200,
    info: ['audit', 'auth', 'cache-replicator', 'comparator', 'entity-capture', 'entity-oplog', 'nats', 'registry', 'sync-executor'],
  });
});
