import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, DomainError, ErrorCode, type Jwks } from '@ir/contracts';
import type { BusClient } from '@ir/messaging';
import { Logger } from '@nestjs/common';
import { sign } from 'jsonwebtoken';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { AccessTokenVerifier } from './access-token-verifier';
import type { RevokedSessions } from './revoked-sessions';

/** One auth replica's key pair, as its JWKS entry and a signer. */
function replicaKey(kid: string): { jwk: Jwks['keys'][number]; privateKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { jwk: { ...publicKey.export({ format: 'jwk' }), kid, kty: 'RSA', alg: 'RS256', use: 'sig' }, privateKey };
}

function tokenFor(key: { privateKey: KeyObject }, kid: string): string {
  return sign({ sid: 'session-1', username: 'ann' }, key.privateKey, {
    algorithm: 'RS256',
    keyid: kid,
    subject: 'user-1',
    issuer: ACCESS_TOKEN_ISSUER,
    audience: ACCESS_TOKEN_AUDIENCE,
    expiresIn: 600,
  });
}

describe('AccessTokenVerifier key cache', () => {
  const a = replicaKey('kid-a');
  const b = replicaKey('kid-b');
  /** Each request to auth is answered by the next entry: a JWKS, or an error as when auth is down. */
  let answers: (Jwks | Error)[];
  let requests: number;
  let now: number;
  let verifier: AccessTokenVerifier;

  // The verifier logs each key fetch; the assertions below say what matters, the console need not.
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new Logger()));

  beforeEach(() => {
    answers = [];
    requests = 0;
    now = Date.now();
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    const bus = {
      request: async () => {
        requests++;
        const answer = answers.shift() ?? new Error('no responders');
        if (answer instanceof Error) throw answer;
        return answer;
      },
    };
    const revoked = { isRevoked: () => false };
    verifier = new AccessTokenVerifier(bus as unknown as BusClient, revoked as unknown as RevokedSessions);
  });
  afterEach(() => jest.restoreAllMocks());

  const codeOf = (promise: Promise<unknown>): Promise<ErrorCode | 'ok'> =>
    promise.then(
      () => 'ok' as const,
      (error: unknown) => (error instanceof DomainError ? error.code : Promise.reject(error)),
    );

  it('keeps the keys it knew when another auth replica answers with only its own', async () => {
    answers = [{ keys: [a.jwk] }, { keys: [b.jwk] }];
    await expect(codeOf(verifier.verify(tokenFor(a, 'kid-a')))).resolves.toBe('ok');

    now += 30_001;
    await expect(codeOf(verifier.verify(tokenFor(b, 'kid-b')))).resolves.toBe('ok');
    await expect(codeOf(verifier.verify(tokenFor(a, 'kid-a')))).resolves.toBe('ok');
    expect(requests).toBe(2);
  });

  it('answers 401 for an unknown kid within the interval, without asking auth', async () => {
    answers = [{ keys: [a.jwk] }];
    await verifier.verify(tokenFor(a, 'kid-a'));

    for (let i = 0; i < 5; i++) await expect(codeOf(verifier.verify(tokenFor(b, 'kid-junk')))).resolves.toBe(ErrorCode.unauthenticated);
    expect(requests).toBe(1);
  });

  it('while auth is down: 503 for the failed fetch, then 401 without a bus call per request, and asks again later', async () => {
    answers = [{ keys: [a.jwk] }];
    await verifier.verify(tokenFor(a, 'kid-a'));
    now += 30_001;

    answers = [new Error('no responders')];
    await expect(codeOf(verifier.verify(tokenFor(b, 'kid-b')))).resolves.toBe(ErrorCode.unavailable);
    expect(requests).toBe(2);
    for (let i = 0; i < 5; i++) await expect(codeOf(verifier.verify(tokenFor(b, 'kid-b')))).resolves.toBe(ErrorCode.unauthenticated);
    await expect(codeOf(verifier.verify(tokenFor(a, 'kid-a')))).resolves.toBe('ok');
    expect(requests).toBe(2);

    now += 5_001;
    answers = [{ keys: [b.jwk] }];
    await expect(codeOf(verifier.verify(tokenFor(b, 'kid-b')))).resolves.toBe('ok');
    expect(requests).toBe(3);
  });

  it('answers 503 rather than 401 while no key could ever be loaded, still without a bus call per request', async () => {
    answers = [new Error('no responders')];
    await expect(codeOf(verifier.verify(tokenFor(a, 'kid-a')))).resolves.toBe(ErrorCode.unavailable);
    for (let i = 0; i < 5; i++) await expect(codeOf(verifier.verify(tokenFor(a, 'kid-a')))).resolves.toBe(ErrorCode.unavailable);
    expect(requests).toBe(1);
  });
});
