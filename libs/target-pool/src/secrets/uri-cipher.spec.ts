import { randomBytes } from 'node:crypto';
import { UriCipher } from './uri-cipher';

describe('UriCipher', () => {
  const uri = 'mongodb://admin:s3cret@db.example.com:27017/app?authSource=admin';
  const cipher = new UriCipher(randomBytes(32));

  it('opens what it sealed, and the sealed form does not contain the secret', () => {
    const sealed = cipher.seal(uri);
    expect(cipher.open(sealed)).toBe(uri);
    expect(JSON.stringify(sealed)).not.toContain('s3cret');
    expect(sealed.key_id).toBe(cipher.keyId);
  });

  it('uses a fresh nonce every time', () => {
    expect(cipher.seal(uri).data).not.toBe(cipher.seal(uri).data);
  });

  it('refuses a tampered ciphertext', () => {
    const sealed = cipher.seal(uri);
    const bytes = Buffer.from(sealed.data, 'base64');
    bytes[0] ^= 1;
    expect(() => cipher.open({ ...sealed, data: bytes.toString('base64') })).toThrow();
  });

  it('names the key a secret needs when another key is configured', () => {
    const other = new UriCipher(randomBytes(32));
    expect(() => other.open(cipher.seal(uri))).toThrow(`sealed with key ${cipher.keyId}`);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new UriCipher(randomBytes(16))).toThrow('32 bytes');
  });
});
