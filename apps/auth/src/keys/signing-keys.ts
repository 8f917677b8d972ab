import {
  createHash,
  createPrivateKey,
  randomBytes,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** How long a replica waits for another one to finish placing its pair before calling it half a pair. */
const PAIR_WAIT_MS = 2_000;
const PAIR_POLL_MS = 50;

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
 * absent. Each file is written under a temporary name and hard-linked into
 * place, which fails when the name exists: readers never see a half-written
 * file, and replicas starting together agree on one pair (the one whose
 * private key was linked first). The key id is the key's RFC 7638 thumbprint.
 */
export async function loadOrCreateSigningKeys(paths: KeyPaths, onGenerated: (paths: KeyPaths) => void): Promise<SigningKeys> {
  const existing = await readPair(paths);
  if (existing) return importKeys(existing.privatePem, existing.publicPem);
  const pair = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  await mkdir(dirname(paths.privateKeyPath), { recursive: true });
  await mkdir(dirname(paths.publicKeyPath), { recursive: true });
  if (!(await placeExclusively(paths.privateKeyPath, pair.privateKey, 0o600))) {
    // Another replica won the race; its public key follows its private key (readPair waits for it).
    return loadOrCreateSigningKeys(paths, onGenerated);
  }
  // Only the owner of the private key places the public one, so it cannot exist yet (unless
  // someone put it there by hand: then refuse rather than pair our key with a stranger's).
  if (!(await placeExclusively(paths.publicKeyPath, pair.publicKey, 0o644))) {
    throw new Error('TOKEN_PUBLIC_KEY_PATH appeared while this replica was generating the pair; remove both files and restart');
  }
  onGenerated(paths);
  return importKeys(pair.privateKey, pair.publicKey);
}

/**
 * Both files, or undefined when neither exists. One without the other is waited on for a
 * while (a replica may be between placing its two files) and then refused.
 */
async function readPair(paths: KeyPaths): Promise<{ privatePem: string; publicPem: string } | undefined> {
  const deadline = Date.now() + PAIR_WAIT_MS;
  for (;;) {
    const [privatePem, publicPem] = await Promise.all([readIfPresent(paths.privateKeyPath), readIfPresent(paths.publicKeyPath)]);
    if (privatePem && publicPem) return { privatePem, publicPem };
    if (!privatePem && !publicPem) return undefined;
    if (Date.now() >= deadline) {
      const missing = privatePem ? 'TOKEN_PUBLIC_KEY_PATH' : 'TOKEN_PRIVATE_KEY_PATH';
      throw new Error(`${missing} points to a missing file while its pair exists; restore it or remove both to generate a new pair`);
    }
    await new Promise((resolve) => setTimeout(resolve, PAIR_POLL_MS));
  }
}

/** Writes `content` to `path` complete or not at all; false when `path` already exists. */
async function placeExclusively(path: string, content: string, mode: number): Promise<boolean> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  await writeFile(temp, content, { flag: 'wx', mode });
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
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
