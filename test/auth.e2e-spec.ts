// Accounts through the gateway: registration, login, profile, and how they are stored.
import mongoose from 'mongoose';
import { createHash, randomBytes } from 'node:crypto';
import {
  api,
  expectNoStackTrace,
  freshIp,
  getProfile,
  loggedInUser,
  login,
  newCredentials,
  registerUser,
  suffix,
  type ProfileBody,
} from './support/e2e-client';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

let connection: mongoose.Connection | undefined;

afterAll(async () => {
  await connection?.close();
});

/** Auth's own database, read directly (what it stores, or a user removed behind its back). */
async function authDb() {
  const uri = process.env.TEST_MONGODB_URI;
  if (!uri) throw new Error('TEST_MONGODB_URI is not set (the e2e global setup sets it)');
  connection ??= await mongoose.createConnection(uri).asPromise();
  const { databases } = await connection.getClient().db('admin').admin().listDatabases();
  const names = databases.map((d) => d.name).filter((name) => name.startsWith('ir_e2e_') && name.endsWith('_auth'));
  // The prefix is ir_e2e_<pid of the jest process that ran the global setup>: this one when in band, else a worker's parent.
  const ours = names.filter((name) => name === `ir_e2e_${process.pid}_auth` || name === `ir_e2e_${process.ppid}_auth`);
  const chosen = ours.length > 0 ? ours : names;
  expect(chosen).toHaveLength(1);
  return connection.getClient().db(chosen[0]);
}

function register(body: Record<string, unknown>) {
  return api().post('/auth/register').set('X-Forwarded-For', freshIp()).send(body);
}

describe('POST /auth/register', () => {
  it('creates an account and answers its profile, with the email lower-cased', async () => {
    const creds = newCredentials('Reg');
    const res = await register({ ...creds, email: creds.email.toUpperCase(), name: 'Ada Lovelace' });

    expect(res.status).toBe(201);
    const profile = res.body as ProfileBody;
    expect(Object.keys(profile).sort()).toEqual(['created_at', 'email', 'id', 'name', 'updated_at', 'username']);
    expect(profile).toEqual({
      id: expect.any(String),
      email: creds.email.toLowerCase(),
      username: creds.username,
      name: 'Ada Lovelace',
      created_at: expect.stringMatching(ISO_DATE),
      updated_at: expect.stringMatching(ISO_DATE),
    });
    expect(profile.id.length).toBeGreaterThan(0);
    expect(JSON.stringify(profile)).not.toContain(creds.password);
  });

  it('stores a missing name as null', async () => {
    const res = await register(newCredentials());
    expect(res.status).toBe(201);
    expect(res.body.name).toBeNull();
  });

  it.each([
    ['email', { email: 'not-an-email' }, 'invalid_format'],
    ['username', { username: 'ab' }, 'too_small'],
    ['username', { username: 'x'.repeat(33) }, 'too_big'],
    ['username', { username: 'has space' }, 'invalid_format'],
    ['username', { username: 'semi;colon' }, 'invalid_format'],
    ['password', { password: 'short7!' }, 'too_small'],
    ['password', { password: 'Vq7#mZ2!rT9' }, 'too_small'],
    ['password', { password: 'p'.repeat(129) }, 'too_big'],
  ])('refuses an invalid %s (%j) with 400 naming the field and rule', async (field, override, rule) => {
    const res = await register({ ...newCredentials(), ...override });

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      statusCode: 400,
      error: 'VALIDATION_FAILED',
      message: expect.any(String),
      request_id: expect.any(String),
    });
    expect(res.body.issues).toEqual([{ field, rule, message: expect.any(String) }]);
    expectNoStackTrace(res.text);
  });

  it('accepts the boundary lengths of username (3, 32) and password (12, 128)', async () => {
    const s = suffix();
    const short = await register({ username: `a${s.slice(0, 2)}`, email: `short.${s}@example.test`, password: 'Vq7#mZ2!rT9p' });
    expect(short.status).toBe(201);
    const long = await register({
      username: `L_${s}`.padEnd(32, 'x'),
      email: `long.${s}@example.test`,
      password: randomBytes(96).toString('base64url'),
    });
    expect(long.status).toBe(201);
    expect(long.body.username).toHaveLength(32);
  });

  it('refuses unknown fields with rule unknown_field', async () => {
    const res = await register({ ...newCredentials(), role: 'admin', is_admin: true });

    expect(res.status).toBe(400);
    expect(res.body.error).toBe('VALIDATION_FAILED');
    expect(res.body.issues).toEqual(
      expect.arrayContaining([
        { field: 'role', rule: 'unknown_field', message: expect.any(String) },
        { field: 'is_admin', rule: 'unknown_field', message: expect.any(String) },
      ]),
    );
  });

  it('refuses missing required fields', async () => {
    const res = await register({});
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('VALIDATION_FAILED');
    const fields = (res.body.issues as Array<{ field: string }>).map((i) => i.field).sort();
    expect(fields).toEqual(['email', 'password', 'username']);
  });

  it('refuses a username taken in any letter case with 409 on username', async () => {
    const first = await registerUser(newCredentials('Case'));
    const res = await register({ ...newCredentials(), username: first.username.toUpperCase() });

    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ statusCode: 409, error: 'CONFLICT' });
    expect(res.body.issues).toEqual([{ field: 'username', rule: 'unique', message: expect.any(String) }]);
    expectNoStackTrace(res.text);
  });

  it('refuses an email taken in any letter case with 409 on email', async () => {
    const first = await registerUser();
    const res = await register({ ...newCredentials(), email: first.email.toUpperCase() });

    expect(res.status).toBe(409);
    expect(res.body.error).toBe('CONFLICT');
    expect(res.body.issues).toEqual([{ field: 'email', rule: 'unique', message: expect.any(String) }]);
  });
});

describe('POST /auth/login', () => {
  function loginWith(body: Record<string, unknown>) {
    return api().post('/auth/login').set('X-Forwarded-For', freshIp()).send(body);
  }

  it('answers a token pair for username and password', async () => {
    const user = await registerUser();
    const res = await loginWith({ username: user.username, password: user.password });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      refresh_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 600,
      refresh_expires_in: 24 * 60 * 60,
    });
    const profile = await getProfile(res.body.access_token);
    expect(profile.status).toBe(200);
    expect(profile.body).toEqual(user.profile);
  });

  it('accepts the email, the `login` alias and any letter case', async () => {
    const user = await registerUser({ ...newCredentials('Mixed') });
    for (const body of [
      { email: user.email, password: user.password },
      { email: user.email.toUpperCase(), password: user.password },
      { login: user.username, password: user.password },
      { login: user.email, password: user.password },
      { username: user.username.toLowerCase(), password: user.password },
    ]) {
      const res = await loginWith(body);
      expect({ body, status: res.status }).toEqual({ body, status: 200 });
      expect(res.body.token_type).toBe('Bearer');
    }
  });

  it('gives the same 401 for an unknown user and for a wrong password', async () => {
    const user = await registerUser();
    const unknown = await loginWith({ username: `nobody_${suffix()}`, password: user.password });
    const wrong = await loginWith({ username: user.username, password: `${user.password}x` });
    const unknownEmail = await loginWith({ email: `nobody.${suffix()}@example.test`, password: user.password });

    for (const res of [unknown, wrong, unknownEmail]) {
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'UNAUTHENTICATED' });
      expect(res.body.access_token).toBeUndefined();
      expectNoStackTrace(res.text);
    }
    expect(wrong.body.message).toBe(unknown.body.message);
    expect(unknownEmail.body.message).toBe(unknown.body.message);
    expect(Object.keys(wrong.body).sort()).toEqual(Object.keys(unknown.body).sort());
  });

  it.each([
    [
      'both username and email',
      (u: { username: string; email: string; password: string }) => ({ username: u.username, email: u.email, password: u.password }),
    ],
    ['neither username, email nor login', (u: { password: string }) => ({ password: u.password })],
    ['no password', (u: { username: string }) => ({ username: u.username })],
    ['an unknown field', (u: { username: string; password: string }) => ({ username: u.username, password: u.password, remember: true })],
  ])('refuses a body with %s with 400', async (_what, build) => {
    const user = await registerUser();
    const res = await loginWith(build(user));

    expect(res.status).toBe(400);
    expect(res.body.error).toBe('VALIDATION_FAILED');
    expect(res.body.issues.length).toBeGreaterThan(0);
    expect(res.body.access_token).toBeUndefined();
  });
});

describe('/auth/profile', () => {
  it("GET answers the caller's profile", async () => {
    const user = await loggedInUser();
    const res = await getProfile(user.tokens.access_token);

    expect(res.status).toBe(200);
    expect(res.body).toEqual(user.profile);
  });

  it('PUT updates the name and the email (lower-cased), and GET then shows them', async () => {
    const user = await loggedInUser();
    const newEmail = `Changed.${suffix()}@Example.TEST`;
    const res = await api()
      .put('/auth/profile')
      .set('Authorization', `Bearer ${user.tokens.access_token}`)
      .send({ name: '  Grace Hopper  ', email: newEmail });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: user.profile.id,
      username: user.username,
      name: 'Grace Hopper',
      email: newEmail.toLowerCase(),
      created_at: user.profile.created_at,
    });
    expect(Date.parse(res.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(user.profile.updated_at));
    expect((await getProfile(user.tokens.access_token)).body).toEqual(res.body);

    // The new email logs in; the old one no longer does.
    const byNew = await api().post('/auth/login').set('X-Forwarded-For', freshIp()).send({ email: newEmail, password: user.password });
    expect(byNew.status).toBe(200);
    const byOld = await api().post('/auth/login').set('X-Forwarded-For', freshIp()).send({ email: user.email, password: user.password });
    expect(byOld.status).toBe(401);
  });

  it('PUT with name null clears the name', async () => {
    const user = await registerUser({ name: 'Someone' });
    const tokens = await login(user);
    const res = await api().put('/auth/profile').set('Authorization', `Bearer ${tokens.access_token}`).send({ name: null });

    expect(res.status).toBe(200);
    expect(res.body.name).toBeNull();
  });

  it('PUT with an email taken by another account answers 409 on email and changes nothing', async () => {
    const other = await registerUser();
    const user = await loggedInUser();
    const res = await api()
      .put('/auth/profile')
      .set('Authorization', `Bearer ${user.tokens.access_token}`)
      .send({ email: other.email.toUpperCase(), name: 'Changed' });

    expect(res.status).toBe(409);
    expect(res.body.error).toBe('CONFLICT');
    expect(res.body.issues).toEqual([{ field: 'email', rule: 'unique', message: expect.any(String) }]);
    expect((await getProfile(user.tokens.access_token)).body).toEqual(user.profile);
  });

  it("PUT with the caller's own email is not a conflict", async () => {
    const user = await loggedInUser();
    const res = await api().put('/auth/profile').set('Authorization', `Bearer ${user.tokens.access_token}`).send({ email: user.email });
    expect(res.status).toBe(200);
    expect(res.body.email).toBe(user.email);
  });

  it.each([
    ['an empty body', {}],
    ['an invalid email', { email: 'nope' }],
    ['an unknown field', { username: 'renamed' }],
    ['an empty name', { name: '   ' }],
  ])('PUT with %s answers 400', async (_what, body) => {
    const user = await loggedInUser();
    const res = await api().put('/auth/profile').set('Authorization', `Bearer ${user.tokens.access_token}`).send(body);

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'VALIDATION_FAILED' });
    expect(res.body.issues.length).toBeGreaterThan(0);
    expect((await getProfile(user.tokens.access_token)).body).toEqual(user.profile);
  });

  it('GET is served from the gateway for at most PROFILE_CACHE_TTL (2 s): a user removed from the store answers 404 within it', async () => {
    const user = await loggedInUser();
    expect((await getProfile(user.tokens.access_token)).status).toBe(200);
    const removedAt = Date.now();
    await (await authDb()).collection('users').deleteOne({ _id: user.profile.id as never });

    let res = await getProfile(user.tokens.access_token);
    while (res.status === 200 && Date.now() - removedAt < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      res = await getProfile(user.tokens.access_token);
    }
    expect(res.status).toBe(404);
    // The bound, plus the time one request takes on a loaded machine.
    expect(Date.now() - removedAt).toBeLessThan(2_000 + 1_500);
  });

  it('GET after a logout answers 401 at once, though the profile was just served', async () => {
    const user = await loggedInUser();
    expect((await getProfile(user.tokens.access_token)).status).toBe(200);
    const logout = await api().post('/auth/logout').set('Authorization', `Bearer ${user.tokens.access_token}`).send({});
    expect(logout.status).toBe(200);

    const res = await getProfile(user.tokens.access_token);
    expect(res.status).toBe(401);
    expect(res.body.message).toBe('access token has been revoked');
  });

  it('GET and PUT without a token answer 401', async () => {
    const get = await api().get('/auth/profile');
    const put = await api().put('/auth/profile').send({ name: 'x' });
    for (const res of [get, put]) {
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('UNAUTHENTICATED');
    }
  });
});

describe('stored credentials', () => {
  it('keeps an argon2id hash of the password, never the password', async () => {
    const user = await registerUser();
    const db = await authDb();
    const doc = await db.collection('users').findOne({ _id: user.profile.id as never });

    expect(doc).not.toBeNull();
    expect(doc!.password_hash).toMatch(/^\$argon2id\$/);
    expect(doc!.password).toBeUndefined();
    expect(JSON.stringify(doc)).not.toContain(user.password);
  });

  it('keeps only the SHA-256 of refresh tokens', async () => {
    const user = await loggedInUser();
    const db = await authDb();
    const docs = await db.collection('refresh_tokens').find({ user_id: user.profile.id }).toArray();

    expect(docs).toHaveLength(1);
    const doc = docs[0];
    expect(String(doc._id)).toMatch(/^[0-9a-f]{64}$/);
    expect(doc._id).toBe(createHash('sha256').update(user.tokens.refresh_token).digest('hex'));
    expect(JSON.stringify(doc)).not.toContain(user.tokens.refresh_token);
    expect(JSON.stringify(doc)).not.toContain(user.tokens.access_token);
  });
});
