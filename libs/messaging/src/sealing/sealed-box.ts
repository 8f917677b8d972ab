import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';

/**
 * Sealed boxes for secrets that cross the bus (passwords, target URIs): anyone holding a service's
 * public key can seal for it, only the service can open. X25519 with a fresh key pair per box,
 * HKDF-SHA256 over the shared secret and both public keys, AES-256-GCM with the box's context (its
 * subject and field) as associated data, so a box opens only where it was meant to go. All of it
 * from node:crypto.
 *
 * A box is one string: `seal1.<kid>.<ephemeral public key>.<nonce>.<ciphertext and tag>`, the last
 * three base64url.
 */
export const SEALED_BOX_VERSION = 'seal1';

/** Why a box did not open: not a box at all, sealed for another key, or changed on the way. */
export type SealFailure = 'malformed' | 'other_key' | 'tampered';

export class SealError extends Error {
  constructor(readonly reason: SealFailure) {
    super(`sealed box: ${reason.replace('_', ' ')}`);
    this.name = 'SealError';
  }
}

/** What a sender needs: the key's id and its X25519 public key (32 bytes, base64url). */
export interface SealRecipient {
  readonly kid: string;
  readonly publicKey: string;
}

// The fixed DER prefixes of an X25519 key: what precedes its 32 raw bytes in PKCS#8 and SPKI.
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex');
const KEY_DERIVATION_SALT = 'index-registry sealed box key v1';

/** An owning service's key pair, derived from a secret all its replicas share, so any replica opens any box. */
export class SealKeyPair {
  readonly recipient: SealRecipient;

  private constructor(private readonly privateKey: KeyObject) {
    const publicKey = rawPublic(createPublicKey(privateKey));
    this.recipient = { kid: keyIdOf(publicKey), publicKey: publicKey.toString('base64url') };
  }

  /** The pair for `label` (the service) from `secret`; the same secret and label give the same pair. */
  static derive(secret: Uint8Array, label: string): SealKeyPair {
    const raw = Buffer.from(hkdfSync('sha256', secret, KEY_DERIVATION_SALT, `sealed-box ${label}`, 32));
    return new SealKeyPair(createPrivateKey({ key: Buffer.concat([PKCS8_X25519, raw]), format: 'der', type: 'pkcs8' }));
  }

  /** The plaintext of a box sealed for this pair in `context`; a SealError otherwise. */
  open(box: string, context: string): string {
    const parts = box.split('.');
    if (parts.length !== 5 || parts[0] !== SEALED_BOX_VERSION) throw new SealError('malformed');
    const [, kid, ephemeral, nonce, sealed] = parts;
    if (kid !== this.recipient.kid) throw new SealError('other_key');
    const [ephemeralKey, iv, data] = [ephemeral, nonce, sealed].map((part) => Buffer.from(part, 'base64url'));
    if (ephemeralKey.length !== 32 || iv.length !== 12 || data.length < 16) throw new SealError('malformed');
    const key = boxKey(this.agree(ephemeralKey), ephemeralKey, Buffer.from(this.recipient.publicKey, 'base64url'), context);
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - 16));
    try {
      return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      throw new SealError('tampered');
    }
  }

  /** The shared secret with a box's ephemeral key; a key no sender could have made (a low-order point) is no box. */
  private agree(ephemeralKey: Buffer): Buffer {
    try {
      return diffieHellman({ privateKey: this.privateKey, publicKey: publicKeyOf(ephemeralKey) });
    } catch {
      throw new SealError('malformed');
    }
  }
}

/** Seals `plaintext` for `recipient`, to be opened in `context` only. */
export function seal(plaintext: string, recipient: SealRecipient, context: string): string {
  const recipientKey = Buffer.from(recipient.publicKey, 'base64url');
  const ephemeral = generateKeyPairSync('x25519');
  const ephemeralKey = rawPublic(ephemeral.publicKey);
  const key = boxKey(
    diffieHellman({ privateKey: ephemeral.privateKey, publicKey: publicKeyOf(recipientKey) }),
    ephemeralKey,
    recipientKey,
    context,
  );
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return [SEALED_BOX_VERSION, recipient.kid, ephemeralKey.toString('base64url'), iv.toString('base64url'), data.toString('base64url')].join(
    '.',
  );
}

/** Both public keys in the salt bind the key to this exchange; the context in the info, to this use. */
function boxKey(shared: Buffer, ephemeralKey: Buffer, recipientKey: Buffer, context: string): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, Buffer.concat([ephemeralKey, recipientKey]), `sealed-box ${context}`, 32));
}

function rawPublic(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' }).subarray(SPKI_X25519.length);
}

function publicKeyOf(raw: Buffer): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_X25519, raw]), format: 'der', type: 'spki' });
}

/** The first 16 hex digits of the public key's SHA-256: which key sealed a box, without the key. */
function keyIdOf(publicKey: Buffer): string {
  return createHash('sha256').update(publicKey).digest('hex').slice(0, 16);
}
