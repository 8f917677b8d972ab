import { transformFileSync } from '@swc/core';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
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

  it('agrees on one pair across processes starting together, leaving no temporary files', async () => {
    // The module compiled to plain JS, so separate node processes race on the real file system.
    const compiled = join(dir, 'signing-keys.js');
    writeFileSync(
      compiled,
      transformFileSync(join(__dirname, 'signing-keys.ts'), { module: { type: 'commonjs' }, jsc: { target: 'es2022' } }).code,
    );
    const script = `require(${JSON.stringify(compiled)})
      .loadOrCreateSigningKeys(${JSON.stringify(paths)}, () => console.error('generated'))
      .then((k) => console.log(k.kid), (e) => { console.error(e); process.exit(1); });`;
    const runs = await Promise.all([1, 2, 3, 4, 5, 6].map(() => promisify(execFile)(process.execPath, ['-e', script])));

    expect(new Set(runs.map((r) => r.stdout.trim())).size).toBe(1);
    expect(runs.filter((r) => r.stderr.includes('generated'))).toHaveLength(1);
    expect(readdirSync(join(dir, 'nested')).sort()).toEqual(['private.pem', 'public.pem']);
    expect((await loadOrCreateSigningKeys(paths, () => undefined)).kid).toBe(runs[0].stdout.trim());
  });

  it('waits for a replica that has placed its private key but not yet its public key', async () => {
    const source = mkdtempSync(join(tmpdir(), 'keys-src-'));
    try {
      const sourcePaths = { privateKeyPath: join(source, 'private.pem'), publicKeyPath: join(source, 'public.pem') };
      const theirs = await loadOrCreateSigningKeys(sourcePaths, () => undefined);
      // The other replica: private key now, public key a moment later.
      mkdirSync(join(dir, 'nested'));
      writeFileSync(paths.privateKeyPath, readFileSync(sourcePaths.privateKeyPath), { mode: 0o600 });
      const later = setTimeout(() => writeFileSync(paths.publicKeyPath, readFileSync(sourcePaths.publicKeyPath)), 300);

      const generated = jest.fn();
      try {
        const keys = await loadOrCreateSigningKeys(paths, generated);
        expect(keys.kid).toBe(theirs.kid);
        expect(generated).not.toHaveBeenCalled();
      } finally {
        clearTimeout(later);
      }
    } finally {
      rmSync(source, { recursive: true, force: true });
    }
  });
});
