import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export type PublicJwk = {
  readonly kty: string;
  readonly n: string;
  readonly e: string;
  readonly kid: string;
  readonly alg: 'RS256';
  readonly use: 'sig';
};

export interface SigningKeys {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicJwk: PublicJwk;
}

export interface KeyPaths {
  readonly privateKeyPath: string;
  readonly publicKeyPath: string;
}

/**
 * Loads the RS256 key pair, generating it on first start when both files are
 * absent. Files are created exclusively, so replicas starting together agree
 * on one pair. The key id is the key's RFC 7638 thumbprint.
 */
export async function loadOrCreateSigningKeys(paths: KeyPaths, onGenerated: (paths: KeyPaths) => void): Promise<SigningKeys> {
  const [privatePem, publicPem] = await Promise.all([readIfPresent(paths.privateKeyPath), readIfPresent(paths.publicKeyPath)]);
  if (privatePem && publicPem) return importKeys(privatePem, publicPem);
  if (privatePem || publicPem) {
    const missing = privatePem ? 'TOKEN_PUBLIC_KEY_PATH' : 'TOKEN_PRIVATE_KEY_PATH';
    throw new Error(`${missing} points to a missing file while its pair exists; restore it or remove both to generate a new pair`);
  }
  const pair = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  await mkdir(dirname(paths.privateKeyPath), { recursive: true });
  await mkdir(dirname(paths.publicKeyPath), { recursive: true });
  try {
    await writeFile(paths.privateKeyPath, pair.privateKey, { flag: 'wx', mode: 0o600 });
    await writeFile(paths.publicKeyPath, pair.publicKey, { flag: 'wx', mode: 0o644 });
    onGenerated(paths);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Another replica won the race; give it a moment to finish writing its pair.
    await new Promise((resolve) => setTimeout(resolve, 200));
    return loadOrCreateSigningKeys(paths, onGenerated);
  }
  return importKeys(pair.privateKey, pair.publicKey);
}

function importKeys(privatePem: string, publicPem: string): SigningKeys {
  const privateKey = createPrivateKey(privatePem);
  const jwk = createPublicKey(publicPem).export({ format: 'jwk' });
  if (jwk.kty !== 'RSA' || !jwk.n || !jwk.e) throw new Error('the token key pair must be RSA (RS256)');
  const kid = thumbprint(jwk);
  return { kid, privateKey, publicJwk: { kty: jwk.kty, n: jwk.n, e: jwk.e, kid, alg: 'RS256', use: 'sig' } };
}

/** RFC 7638: SHA-256 over the required members in lexicographic order. */
function thumbprint(jwk: JsonWebKey): string {
  return createHash('sha256')
    .update(JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n }))
    .digest('base64url');
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
