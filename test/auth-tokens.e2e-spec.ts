// Access and refresh tokens: verification, rotation, reuse detection, logout.
import { sign } from 'jsonwebtoken';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  api,
  dataDir,
  eventually,
  expectNoStackTrace,
  freshIp,
  getProfile,
  jwtPart,
  loggedInUser,
  refresh,
  type TokenPairBody,
} from './support/e2e-client';

const ISSUER = 'index-registry/auth';
const AUDIENCE = 'index-registry';

/** True once the gateway refuses the access token with 401. */
async function refusedSoon(accessToken: string): Promise<boolean> {
  return eventually(async () => (await getProfile(accessToken)).status === 401, 3000);
}

function expectUnauthenticated(res: { status: number; body: Record<string, unknown>; text: string }, message?: string): void {
  expect(res.status).toBe(401);
  expect(res.body).toMatchObject({
    statusCode: 401,
    error: 'UNAUTHENTICATED',
    message: message ?? expect.any(String),
    request_id: expect.any(String),
  });
  expectNoStackTrace(res.text);
}

describe('access tokens', () => {
  it('are RS256 JWTs naming their key and carrying sub, sid, username, iss and aud', async () => {
    const user = await loggedInUser();
    const header = jwtPart(user.tokens.access_token, 0);
    const payload = jwtPart(user.tokens.access_token, 1);

    expect(header).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
    expect(payload).toMatchObject({ sub: user.profile.id, sid: expect.any(String), username: user.username, iss: ISSUER, aud: AUDIENCE });
    expect((payload.exp as number) - (payload.iat as number)).toBe(600);
  });

  it.each([
    ['no Authorization header', undefined],
    ['an empty header', ''],
    ['a Basic scheme', 'Basic dXNlcjpwYXNz'],
    ['Bearer without a token', 'Bearer '],
    ['a lower-case scheme with junk', 'bearer x y'],
    ['a token that is not a JWT', 'Bearer not-a-jwt'],
    ['a JWT-shaped string without a kid', 'Bearer abc.def.ghi'],
  ])('are required: %s answers 401', async (_what, header) => {
    const req = api().get('/auth/profile');
    if (header !== undefined) req.set('Authorization', header);
    expectUnauthenticated(await req);
  });

  it('are refused when the signature is tampered with', async () => {
    const { tokens } = await loggedInUser();
    const [h, p, s] = tokens.access_token.split('.');
    // Flip a character in the middle of the signature (the last one may only carry padding bits).
    const i = Math.floor(s.length / 2);
    const tampered = `${h}.${p}.${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`;

    expectUnauthenticated(await getProfile(tampered), 'access token is invalid');
    expect((await getProfile(tokens.access_token)).status).toBe(200);
  });

  it('are refused when the payload is tampered with (another user id)', async () => {
    const victim = await loggedInUser();
    const attacker = await loggedInUser();
    const [h, p, s] = attacker.tokens.access_token.split('.');
    const claims = { ...JSON.parse(Buffer.from(p, 'base64url').toString('utf8')), sub: victim.profile.id, username: victim.username };
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;

    expectUnauthenticated(await getProfile(forged), 'access token is invalid');
  });

  it('are refused when signed by another RSA key under the real kid', async () => {
    const user = await loggedInUser();
    const kid = jwtPart(user.tokens.access_token, 0).kid as string;
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = sign({ sid: 'forged-session', username: user.username }, privateKey, {
      algorithm: 'RS256',
      keyid: kid,
      subject: user.profile.id,
      issuer: ISSUER,
      audience: AUDIENCE,
      expiresIn: 600,
    });

    expectUnauthenticated(await getProfile(forged), 'access token is invalid');
  });

  it('are refused with alg none or HS256 keyed with the public key', async () => {
    const user = await loggedInUser();
    const header = jwtPart(user.tokens.access_token, 0);
    const [, p] = user.tokens.access_token.split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid: header.kid })).toString('base64url')}.${p}.`;
    expectUnauthenticated(await getProfile(none));

    const publicPem = readFileSync(join(dataDir(), 'keys', 'token-public.pem'), 'utf8');
    const hs = sign(jwtPart(user.tokens.access_token, 1), publicPem, {
      algorithm: 'HS256',
      keyid: header.kid as string,
      allowInsecureKeySizes: true,
    } as never);
    expectUnauthenticated(await getProfile(hs), 'access token is invalid');
  });

  describe('signed with the real key', () => {
    let privatePem: string;
    beforeAll(() => {
      privatePem = readFileSync(join(dataDir(), 'keys', 'token-private.pem'), 'utf8');
    });

    function signWithRealKey(claims: Record<string, unknown>, kid: string, options: { issuer?: string; audience?: string } = {}): string {
      return sign(claims, privatePem, {
        algorithm: 'RS256',
        keyid: kid,
        issuer: options.issuer ?? ISSUER,
        audience: options.audience ?? AUDIENCE,
      });
    }

    it('are accepted when well formed (the key file is the one the system signs with)', async () => {
      const user = await loggedInUser();
      const real = jwtPart(user.tokens.access_token, 1);
      const kid = jwtPart(user.tokens.access_token, 0).kid as string;
      const now = Math.floor(Date.now() / 1000);
      const token = signWithRealKey({ sub: user.profile.id, sid: real.sid, username: user.username, iat: now, exp: now + 60 }, kid);

      expect((await getProfile(token)).status).toBe(200);
    });

    it('are refused once expired, saying so', async () => {
      const user = await loggedInUser();
      const real = jwtPart(user.tokens.access_token, 1);
      const kid = jwtPart(user.tokens.access_token, 0).kid as string;
      const now = Math.floor(Date.now() / 1000);
      const expired = signWithRealKey(
        { sub: user.profile.id, sid: real.sid, username: user.username, iat: now - 1200, exp: now - 600 },
        kid,
      );

      expectUnauthenticated(await getProfile(expired), 'access token has expired');
    });

    it('are refused with a wrong issuer or audience, or without the session claim', async () => {
      const user = await loggedInUser();
      const real = jwtPart(user.tokens.access_token, 1);
      const kid = jwtPart(user.tokens.access_token, 0).kid as string;
      const now = Math.floor(Date.now() / 1000);
      const claims = { sub: user.profile.id, sid: real.sid, username: user.username, iat: now, exp: now + 60 };

      expectUnauthenticated(await getProfile(signWithRealKey(claims, kid, { issuer: 'someone-else' })), 'access token is invalid');
      expectUnauthenticated(await getProfile(signWithRealKey(claims, kid, { audience: 'another-app' })), 'access token is invalid');
      const { sid: _sid, ...withoutSid } = claims;
      expectUnauthenticated(await getProfile(signWithRealKey(withoutSid, kid)), 'access token is invalid');
    });

    it('are refused under an unknown kid', async () => {
      const user = await loggedInUser();
      const real = jwtPart(user.tokens.access_token, 1);
      const now = Math.floor(Date.now() / 1000);
      const token = signWithRealKey(
        { sub: user.profile.id, sid: real.sid, username: user.username, iat: now, exp: now + 60 },
        'unknown-kid',
      );

      expectUnauthenticated(await getProfile(token), 'access token is invalid');
    });
  });
});

describe('POST /auth/refresh-token', () => {
  it('rotates: a new pair for the same session and user, and the new access token works', async () => {
    const user = await loggedInUser();
    const res = await refresh(user.tokens.refresh_token);

    expect(res.status).toBe(200);
    const next = res.body as TokenPairBody;
    expect(next).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 600,
      refresh_expires_in: 24 * 60 * 60,
    });
    expect(next.refresh_token).not.toBe(user.tokens.refresh_token);
    expect(next.access_token).not.toBe(user.tokens.access_token);
    expect(jwtPart(next.access_token, 1)).toMatchObject({ sub: user.profile.id, sid: jwtPart(user.tokens.access_token, 1).sid });
    expect((await getProfile(next.access_token)).body).toEqual(user.profile);

    // The rotated token keeps rotating.
    const again = await refresh(next.refresh_token);
    expect(again.status).toBe(200);
  });

  it('refuses a token it never issued, and a malformed body', async () => {
    expectUnauthenticated(await refresh('bm90LWEtcmVhbC1yZWZyZXNoLXRva2Vu'), 'refresh token is invalid, expired or revoked');

    const missing = await api().post('/auth/refresh-token').set('X-Forwarded-For', freshIp()).send({});
    expect(missing.status).toBe(400);
    expect(missing.body.issues).toEqual([expect.objectContaining({ field: 'refresh_token' })]);

    const extra = await api().post('/auth/refresh-token').set('X-Forwarded-For', freshIp()).send({ refresh_token: 'x', access_token: 'y' });
    expect(extra.status).toBe(400);
    expect(extra.body.issues).toEqual([expect.objectContaining({ field: 'access_token', rule: 'unknown_field' })]);
  });

  it('treats a reused refresh token as theft: 401, and the whole session is revoked', async () => {
    const user = await loggedInUser();
    const rotated = await refresh(user.tokens.refresh_token);
    expect(rotated.status).toBe(200);
    const newest = rotated.body as TokenPairBody;

    const reuse = await refresh(user.tokens.refresh_token);
    expectUnauthenticated(reuse, 'refresh token is invalid, expired or revoked');

    // The newest refresh token of the family is revoked too...
    expectUnauthenticated(await refresh(newest.refresh_token));
    // ...and so are the family's access tokens, once the revocation event reaches the gateway.
    expect(await refusedSoon(newest.access_token)).toBe(true);
    expect(await refusedSoon(user.tokens.access_token)).toBe(true);
    expectUnauthenticated(await getProfile(newest.access_token), 'access token has been revoked');
  });

  it("revokes only the reused session, not the user's other sessions", async () => {
    const user = await loggedInUser();
    const other = await api()
      .post('/auth/login')
      .set('X-Forwarded-For', freshIp())
      .send({ username: user.username, password: user.password });
    expect(other.status).toBe(200);

    expect((await refresh(user.tokens.refresh_token)).status).toBe(200);
    expect((await refresh(user.tokens.refresh_token)).status).toBe(401);
    expect(await refusedSoon(user.tokens.access_token)).toBe(true);

    expect((await getProfile(other.body.access_token)).status).toBe(200);
    expect((await refresh(other.body.refresh_token)).status).toBe(200);
  });
});

describe('POST /auth/logout', () => {
  async function logoutAndCheck(
    tokens: TokenPairBody,
    send: (req: ReturnType<ReturnType<typeof api>['post']>) => ReturnType<ReturnType<typeof api>['post']>,
  ): Promise<void> {
    const res = await send(api().post('/auth/logout').set('Authorization', `Bearer ${tokens.access_token}`));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ revoked: true });

    expect(await refusedSoon(tokens.access_token)).toBe(true);
    expectUnauthenticated(await getProfile(tokens.access_token), 'access token has been revoked');
    expectUnauthenticated(await refresh(tokens.refresh_token), 'refresh token is invalid, expired or revoked');
  }

  it('with body {} revokes the session: its access and refresh tokens answer 401', async () => {
    const { tokens } = await loggedInUser();
    await logoutAndCheck(tokens, (req) => req.send({}));
  });

  it('with no body works the same', async () => {
    const { tokens } = await loggedInUser();
    await logoutAndCheck(tokens, (req) => req);
  });

  it('also revokes access tokens issued by refresh in the same session', async () => {
    const user = await loggedInUser();
    const rotated = (await refresh(user.tokens.refresh_token)).body as TokenPairBody;
    const res = await api().post('/auth/logout').set('Authorization', `Bearer ${user.tokens.access_token}`).send({});
    expect(res.status).toBe(200);

    expect(await refusedSoon(rotated.access_token)).toBe(true);
    expectUnauthenticated(await refresh(rotated.refresh_token));
  });

  it("leaves the user's other sessions working", async () => {
    const user = await loggedInUser();
    const other = await api().post('/auth/login').set('X-Forwarded-For', freshIp()).send({ login: user.email, password: user.password });
    expect(other.status).toBe(200);

    expect((await api().post('/auth/logout').set('Authorization', `Bearer ${user.tokens.access_token}`).send({})).status).toBe(200);
    expect(await refusedSoon(user.tokens.access_token)).toBe(true);

    expect((await getProfile(other.body.access_token)).status).toBe(200);
    expect((await refresh(other.body.refresh_token)).status).toBe(200);
  });

  it('needs a token and refuses unknown body fields', async () => {
    expectUnauthenticated(await api().post('/auth/logout').send({}));

    const { tokens } = await loggedInUser();
    const res = await api()
      .post('/auth/logout')
      .set('Authorization', `Bearer ${tokens.access_token}`)
      .send({ session_id: 'someone-elses' });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([expect.objectContaining({ field: 'session_id', rule: 'unknown_field' })]);
    expect((await getProfile(tokens.access_token)).status).toBe(200);
  });
});
