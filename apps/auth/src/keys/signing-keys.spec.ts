import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicKey, createVerify, createSign } from 'node:crypto';
import { loadOrCreateSigningKeys, type KeyPaths } from './signing-keys';

describe('signing keys', () => {
  let dir: string;
  let paths: KeyPaths;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'keys-'));
    paths = { privateKeyPath: join(dir, 'nested', 'private.pem'), publicKeyPath: join(dir, 'nested', 'public.pem') };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a pair on first start, private key readable by the owner only', async () => {
    const generated = jest.fn();
    const keys = await loadOrCreateSigningKeys(paths, generated);
    expect(generated).toHaveBeenCalledTimes(1);
    expect(statSync(paths.privateKeyPath).mode & 0o777).toBe(0o600);
    expect(keys.publicJwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: keys.kid });
    expect(keys.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('reuses the pair on the next start with the same key id', async () => {
    const first = await loadOrCreateSigningKeys(paths, () => undefined);
    const generated = jest.fn();
    const second = await loadOrCreateSigningKeys(paths, generated);
    expect(generated).not.toHaveBeenCalled();
    expect(second.kid).toBe(first.kid);
  });

  it('agrees on one pair when replicas start together', async () => {
    const all = await Promise.all([1, 2, 3, 4].map(() => loadOrCreateSigningKeys(paths, () => undefined)));
    expect(new Set(all.map((k) => k.kid)).size).toBe(1);
  });

  it('signs with the private key what the published JWK verifies', async () => {
    const keys = await loadOrCreateSigningKeys(paths, () => undefined);
    const signature = createSign('RSA-SHA256').update('payload').sign(keys.privateKey);
    const publicKey = createPublicKey({ key: keys.publicJwk, format: 'jwk' });
    expect(createVerify('RSA-SHA256').update('payload').verify(publicKey, signature)).toBe(true);
    expect(createVerify('RSA-SHA256').update('other').verify(publicKey, signature)).toBe(false);
  });

  it('refuses to start with half a pair rather than silently replacing keys', async () => {
    await loadOrCreateSigningKeys(paths, () => undefined);
    const publicPem = readFileSync(paths.publicKeyPath, 'utf8');
    unlinkSync(paths.publicKeyPath);
    await expect(loadOrCreateSigningKeys(paths, () => undefined)).rejects.toThrow(/TOKEN_PUBLIC_KEY_PATH/);
    expect(publicPem).toContain('BEGIN PUBLIC KEY');
  });
});
