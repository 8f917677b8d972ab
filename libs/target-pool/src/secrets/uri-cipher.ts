import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** A target URI as stored: AES-256-GCM ciphertext, its nonce and tag, and which key sealed it. */
export interface SealedSecret {
  readonly key_id: string;
  readonly iv: string;
  readonly tag: string;
  readonly data: string;
}

/**
 * Seals and opens target connection strings with AES-256-GCM. The key id (a
 * hash prefix of the key) is stored with each secret, so a key rotation can
 * tell which records still need re-encrypting.
 */
export class UriCipher {
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the encryption key must be 32 bytes');
    this.keyId = createHash('sha256').update(key).digest('hex').slice(0, 12);
  }

  seal(plaintext: string): SealedSecret {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { key_id: this.keyId, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
  }

  open(secret: SealedSecret): string {
    if (secret.key_id !== this.keyId) {
      throw new Error(`secret was sealed with key ${secret.key_id}, but the configured key is ${this.keyId}`);
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(secret.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(secret.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(secret.data, 'base64')), decipher.final()]).toString('utf8');
  }
}
