// The gateway's HTTP edge: limits, error shapes, request ids, health, metrics, docs.
import {
  api,
  eventually,
  expectNoStackTrace,
  freshIp,
  gateway,
  login,
  newCredentials,
  readServiceLog,
  refresh,
  registerUser,
  suffix,
} from './support/e2e-client';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

describe('request bodies', () => {
  it('over 1 MiB are refused with 413 PAYLOAD_TOO_LARGE as JSON', async () => {
    const body = JSON.stringify({ ...newCredentials(), name: 'x'.repeat(1024 * 1024 + 16) });
    const res = await api().post('/auth/register').set('X-Forwarded-For', freshIp()).set('Content-Type', 'application/json').send(body);

    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({
      statusCode: 413,
      error: 'PAYLOAD_TOO_LARGE',
      message: expect.any(String),
      request_id: res.headers['x-request-id'],
    });
    expectNoStackTrace(res.text);
  });

  it('just under the limit are read (and then validated)', async () => {
    const body = JSON.stringify({ ...newCredentials(), name: 'x'.repeat(1000 * 1000) });
    const res = await api().post('/auth/register').set('X-Forwarded-For', freshIp()).set('Content-Type', 'application/json').send(body);

    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([expect.objectContaining({ field: 'name', rule: 'too_big' })]);
  });

  it.each([
    ['truncated JSON', '{"username": "abc", '],
    ['single quotes', "{'username': 'abc'}"],
    ['a bare string (strict mode)', '"just a string"'],
  ])('that are malformed (%s) answer 400 as JSON', async (_what, raw) => {
    const res = await api().post('/auth/login').set('X-Forwarded-For', freshIp()).set('Content-Type', 'application/json').send(raw);

    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'VALIDATION_FAILED', request_id: res.headers['x-request-id'] });
    expectNoStackTrace(res.text);
  });
});

describe('rate limiting of login', () => {
  it('answers 429 RATE_LIMITED after 5 attempts from one client within 10 s, other clients unaffected', async () => {
    const ip = freshIp();
    const attempt = (from: string) =>
      api()
        .post('/auth/login')
        .set('X-Forwarded-For', from)
        .send({ username: `nobody_${suffix()}`, password: 'wrong-password' });

    for (let i = 0; i < 5; i++) {
      const res = await attempt(ip);
      expect({ attempt: i + 1, status: res.status }).toEqual({ attempt: i + 1, status: 401 });
    }
    const limited = await attempt(ip);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({
      statusCode: 429,
      error: 'RATE_LIMITED',
      message: expect.any(String),
      request_id: expect.any(String),
    });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(10);
    expectNoStackTrace(limited.text);

    // Even correct credentials are refused while limited.
    const user = await registerUser();
    expect(
      (await api().post('/auth/login').set('X-Forwarded-For', ip).send({ username: user.username, password: user.password })).status,
    ).toBe(429);

    // Another client address has its own budget.
    expect((await attempt(freshIp())).status).toBe(401);
  });
});

describe('unknown routes', () => {
  it.each([
    ['GET', '/api/doctor-manager-api/v1/nope'],
    ['POST', '/api/doctor-manager-api/v1/auth/nope'],
    ['GET', '/nope'],
    ['DELETE', '/api/doctor-manager-api/v1/auth/profile'],
  ])('%s %s answers 404 as JSON', async (method, path) => {
    const res = await gateway()[method.toLowerCase() as 'get' | 'post' | 'delete'](path);

    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({
      statusCode: 404,
      error: 'NOT_FOUND',
      message: expect.any(String),
      request_id: res.headers['x-request-id'],
    });
    expectNoStackTrace(res.text);
  });

  it('does not serve the auth routes outside the API base path', async () => {
    const res = await gateway().post('/auth/login').set('X-Forwarded-For', freshIp()).send({ username: 'x', password: 'y' });
    expect(res.status).toBe(404);
  });
});

describe('x-request-id', () => {
  it("echoes a plain caller id and carries it to the auth service's log", async () => {
    const id = `e2e-${suffix()}`;
    const res = await api()
      .post('/auth/login')
      .set('X-Request-Id', id)
      .set('X-Forwarded-For', freshIp())
      .send({ username: `nobody_${suffix()}`, password: 'whatever-pw' });

    expect(res.status).toBe(401);
    expect(res.headers['x-request-id']).toBe(id);
    expect(res.body.request_id).toBe(id);

    const seenInAuth = await eventually(async () => readServiceLog('auth').some((line) => line.correlation_id === id), 3000);
    expect(seenInAuth).toBe(true);
    const authLines = readServiceLog('auth').filter((line) => line.correlation_id === id);
    expect(authLines[0]).toMatchObject({ service: 'auth', level: expect.any(String), message: expect.any(String) });

    const seenInGateway = await eventually(async () => readServiceLog('gateway').some((line) => line.correlation_id === id), 3000);
    expect(seenInGateway).toBe(true);
  });

  it('is the same in the auth log and the gateway log for a successful request', async () => {
    const user = await registerUser();
    const id = `e2e-ok-${suffix()}`;
    const res = await api()
      .post('/auth/login')
      .set('X-Request-Id', id)
      .set('X-Forwarded-For', freshIp())
      .send({ username: user.username, password: user.password });
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe(id);

    const inBoth = async () =>
      readServiceLog('auth').some((l) => l.correlation_id === id) && readServiceLog('gateway').some((l) => l.correlation_id === id);
    expect(await eventually(inBoth)).toBe(true);
  });

  it('and the trace id follow the request into what the auth service logs while handling it', async () => {
    // Reusing a refresh token makes auth log a warning from inside its handler.
    const user = await registerUser();
    const tokens = await login(user);
    expect((await refresh(tokens.refresh_token)).status).toBe(200);
    const id = `e2e-reuse-${suffix()}`;
    const res = await api()
      .post('/auth/refresh-token')
      .set('X-Request-Id', id)
      .set('X-Forwarded-For', freshIp())
      .send({ refresh_token: tokens.refresh_token });
    expect(res.status).toBe(401);

    const warning = () => readServiceLog('auth').find((l) => l.correlation_id === id && l.level === 'warn');
    const access = () => readServiceLog('gateway').find((l) => l.correlation_id === id && l.message === 'request');
    expect(await eventually(async () => warning() !== undefined && access() !== undefined)).toBe(true);
    expect(warning()!.message).toContain('used twice');
    expect(access()!.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(warning()!.trace_id).toBe(access()!.trace_id);
  });

  it.each([
    ['missing', undefined],
    ['with spaces', 'has some spaces'],
    ['with a tab', 'tab\there'],
    ['too long', 'a'.repeat(129)],
    ['with odd characters', 'id<script>'],
    ['empty', ''],
  ])("is generated (a UUID) when the caller's id is %s", async (_what, supplied) => {
    const req = gateway().get('/api/doctor-manager-api/v1/auth/profile');
    if (supplied !== undefined) req.set('X-Request-Id', supplied);
    const res = await req;

    expect(res.status).toBe(401);
    const echoed = res.headers['x-request-id'] as string;
    expect(echoed).toMatch(UUID);
    expect(echoed).not.toBe(supplied);
    expect(res.body.request_id).toBe(echoed);
  });

  it('is different for each request without one', async () => {
    const a = await gateway().get('/health');
    const b = await gateway().get('/health');
    expect(a.headers['x-request-id']).toMatch(UUID);
    expect(b.headers['x-request-id']).toMatch(UUID);
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
  });
});

describe('health, metrics and docs', () => {
  it('GET /health answers ok', async () => {
    const res = await gateway().get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('GET /health/ready reports NATS and every backend service up', async () => {
    const res = await gateway().get('/health/ready');

    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    for (const key of ['nats', 'auth', 'registry', 'comparator', 'sync-executor', 'audit']) {
      expect({ key, status: res.body.info?.[key]?.status }).toEqual({ key, status: 'up' });
    }
    // Each backend with the instance that answered and its own dependencies, each named and up.
    for (const key of ['auth', 'registry', 'comparator', 'sync-executor', 'audit']) {
      expect(res.body.info[key]).toEqual({
        status: 'up',
        instance: expect.any(String),
        dependencies: expect.objectContaining({
          nats: expect.objectContaining({ status: 'up' }),
          mongodb: expect.objectContaining({ status: 'up' }),
        }),
      });
    }
    expect(res.body.info['sync-executor'].dependencies.sync_consumer).toMatchObject({ status: 'up' });
  });

  it("GET /health/instance reports this gateway's own readiness: its NATS connection only", async () => {
    const res = await gateway().get('/health/instance');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', info: { nats: { status: 'up' } } });
    expect(Object.keys(res.body.details)).toEqual(['nats']);
  });

  it('GET /metrics exposes the HTTP latency histogram', async () => {
    await gateway().get('/health');
    const res = await gateway().get('/metrics');

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain('index_registry_http_request_duration_seconds');
    expect(res.text).toMatch(/index_registry_http_request_duration_seconds_count\{[^}]*route="\/health"[^}]*\} \d+/);
  });

  it('GET /docs serves the Swagger UI', async () => {
    const res = await gateway().get('/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text.toLowerCase()).toContain('swagger');
  });

  it('GET /docs/openapi.json describes the API under its base path', async () => {
    const res = await gateway().get('/docs/openapi.json');

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const paths = Object.keys(res.body.paths as Record<string, unknown>);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/doctor-manager-api/v1/auth/register',
        '/api/doctor-manager-api/v1/auth/login',
        '/api/doctor-manager-api/v1/auth/refresh-token',
        '/api/doctor-manager-api/v1/auth/profile',
        '/api/doctor-manager-api/v1/auth/logout',
      ]),
    );
    expect(paths).not.toContain('/health');
    const register = res.body.paths['/api/doctor-manager-api/v1/auth/register'].post;
    expect(JSON.stringify(register.requestBody)).toContain('username');
  });
});
