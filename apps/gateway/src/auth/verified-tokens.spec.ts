import { VerifiedTokens, type VerifiedToken } from './verified-tokens';

const token = (expiresAtMs: number): VerifiedToken => ({
  caller: { principal: { kind: 'user', id: 'u1', name: 'ada', system_admin: false, projects: {} }, sessionId: 's1' },
  userId: 'u1',
  signedAtMs: 0,
  expiresAtMs,
});

describe('VerifiedTokens', () => {
  it('answers a remembered token until it expires, then forgets it', () => {
    const tokens = new VerifiedTokens();
    const now = Date.now();
    tokens.remember('live', token(now + 60_000));
    tokens.remember('expired', token(now - 1));

    expect(tokens.recall('live')?.caller.sessionId).toBe('s1');
    expect(tokens.recall('expired')).toBeUndefined();
    expect(tokens.recall('never seen')).toBeUndefined();
  });

  it('keeps at most 10,000 tokens, dropping the oldest first', () => {
    const tokens = new VerifiedTokens();
    const until = Date.now() + 60_000;
    for (let i = 0; i <= 10_000; i += 1) tokens.remember(`t${i}`, token(until));

    expect(tokens.recall('t0')).toBeUndefined();
    expect(tokens.recall('t1')).toBeDefined();
    expect(tokens.recall('t10000')).toBeDefined();
  });
});
