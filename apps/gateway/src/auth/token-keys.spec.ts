import { DomainError, ErrorCode, type Jwks } from '@ir/contracts';
import type { BusClient } from '@ir/messaging';
import { Logger } from '@nestjs/common';
import { generateKeyPairSync } from 'node:crypto';
import { TokenKeys } from './token-keys';

/** One auth replica's public key, as its JWKS entry. */
function replicaKey(kid: string): { jwk: Jwks['keys'][number] } {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { jwk: { ...publicKey.export({ format: 'jwk' }), kid, kty: 'RSA', alg: 'RS256', use: 'sig' } };
}

describe('TokenKeys: the cache of auth’s token keys', () => {
  const a = replicaKey('kid-a');
  const b = replicaKey('kid-b');
  /** Each request to auth is answered by the next entry: a JWKS, or an error as when auth is down. */
  let answers: (Jwks | Error)[];
  let requests: number;
  let now: number;
  let keys: TokenKeys;

  // The cache logs each key fetch; the assertions below say what matters, the console need not.
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
    keys = new TokenKeys(bus as unknown as BusClient);
  });
  afterEach(() => jest.restoreAllMocks());

  /** What a token under `kid` gets: checked against a key ('ok'), a 401 (no such key) or the cache's own error. */
  const codeOf = (kid: string): Promise<ErrorCode | 'ok'> =>
    keys.keyFor(kid).then(
      (key) => (key ? ('ok' as const) : ErrorCode.unauthenticated),
      (error: unknown) => (error instanceof DomainError ? error.code : Promise.reject(error)),
    );

  it('keeps the keys it knew when another auth replica answers with only its own', async () => {
    answers = [{ keys: [a.jwk] }, { keys: [b.jwk] }];
    await expect(codeOf('kid-a')).resolves.toBe('ok');

    now += 30_001;
    await expect(codeOf('kid-b')).resolves.toBe('ok');
    await expect(codeOf('kid-a')).resolves.toBe('ok');
    expect(requests).toBe(2);
  });

  it('answers 401 for an unknown kid within the interval, without asking auth', async () => {
    answers = [{ keys: [a.jwk] }];
    await keys.keyFor('kid-a');

    for (let i = 0; i < 5; i++) await expect(codeOf('kid-junk')).resolves.toBe(ErrorCode.unauthenticated);
    expect(requests).toBe(1);
  });

  it('while auth is down: 503 for the failed fetch, then 401 without a bus call per request, and asks again later', async () => {
    answers = [{ keys: [a.jwk] }];
    await keys.keyFor('kid-a');
    now += 30_001;

    answers = [new Error('no responders')];
    await expect(codeOf('kid-b')).resolves.toBe(ErrorCode.unavailable);
    expect(requests).toBe(2);
    for (let i = 0; i < 5; i++) await expect(codeOf('kid-b')).resolves.toBe(ErrorCode.unauthenticated);
    await expect(codeOf('kid-a')).resolves.toBe('ok');
    expect(requests).toBe(2);

    now += 5_001;
    answers = [{ keys: [b.jwk] }];
    await expect(codeOf('kid-b')).resolves.toBe('ok');
    expect(requests).toBe(3);
  });

  it('answers 503 rather than 401 while no key could ever be loaded, still without a bus call per request', async () => {
    answers = [new Error('no responders')];
    await expect(codeOf('kid-a')).resolves.toBe(ErrorCode.unavailable);
    for (let i = 0; i < 5; i++) await expect(codeOf('kid-a')).resolves.toBe(ErrorCode.unavailable);
    expect(requests).toBe(1);
  });
});
