import { randomBytes } from 'node:crypto';
import { seal, SealError, SealKeyPair, type SealFailure } from './sealed-box';

const secret = randomBytes(32);
const auth = SealKeyPair.derive(secret, 'auth');
const context = 'auth.rpc.session.login#password';

function failure(open: () => unknown): SealFailure | undefined {
  try {
    open();
  } catch (error) {
    if (error instanceof SealError) return error.reason;
    throw error;
  }
  return undefined;
}

/** The box with one base64url part (2: ephemeral key, 3: nonce, 4: ciphertext) changed by `change`. */
function altered(box: string, part: 2 | 3 | 4, change: (bytes: Buffer) => Buffer): string {
  const parts = box.split('.');
  parts[part] = change(Buffer.from(parts[part], 'base64url')).toString('base64url');
  return parts.join('.');
}

describe('sealed boxes', () => {
  it.each(['correct horse battery staple', '', 'mongodb://app:p%40ss@db1:27017,db2/shop?authSource=admin', 'пароль 🔑'.repeat(30)])(
    'open to what was sealed, for the pair and context they were sealed for: %p',
    (plaintext) => {
      const box = seal(plaintext, auth.recipient, context);
      expect(box).toMatch(/^seal1\.[0-9a-f]{16}\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22,}$/);
      expect(auth.open(box, context)).toBe(plaintext);
    },
  );

  it('show nothing of the plaintext, and differ each time', () => {
    const password = 'correct horse battery staple';
    const boxes = [seal(password, auth.recipient, context), seal(password, auth.recipient, context)];
    expect(boxes[0]).not.toBe(boxes[1]);
    for (const box of boxes) {
      expect(box).not.toContain(password);
      expect(Buffer.from(box.split('.')[4], 'base64url').toString('latin1')).not.toContain(password);
    }
  });

  it('derive the same pair from the same secret and label, another from another label or secret', () => {
    expect(SealKeyPair.derive(secret, 'auth').recipient).toEqual(auth.recipient);
    expect(SealKeyPair.derive(secret, 'registry').recipient.publicKey).not.toBe(auth.recipient.publicKey);
    expect(SealKeyPair.derive(randomBytes(32), 'auth').recipient.kid).not.toBe(auth.recipient.kid);
    // A replica with the same secret opens what the gateway sealed for another one.
    expect(SealKeyPair.derive(secret, 'auth').open(seal('pw', auth.recipient, context), context)).toBe('pw');
  });

  it('do not open for another pair, in another context, or changed on the way', () => {
    const box = seal('correct horse battery staple', auth.recipient, context);
    const registry = SealKeyPair.derive(secret, 'registry');
    expect(failure(() => registry.open(box, context))).toBe('other_key');
    // The key id is only a label: a box relabelled for another pair still does not open there.
    expect(failure(() => registry.open(box.replace(auth.recipient.kid, registry.recipient.kid), context))).toBe('tampered');
    expect(failure(() => auth.open(box, 'auth.rpc.user.register#password'))).toBe('tampered');
    const flip = (bytes: Buffer) => Buffer.from(bytes.map((b, i) => (i === 0 ? b ^ 1 : b)));
    expect(failure(() => auth.open(altered(box, 4, flip), context))).toBe('tampered');
    expect(failure(() => auth.open(altered(box, 3, flip), context))).toBe('tampered');
    expect(failure(() => auth.open(altered(box, 2, flip), context))).toBe('tampered');
  });

  it.each([
    ['not a box', 'correct horse battery staple'],
    ['another version', seal('x', auth.recipient, context).replace(/^seal1/, 'seal2')],
    ['a part missing', seal('x', auth.recipient, context).split('.').slice(0, 4).join('.')],
    ['a short nonce', altered(seal('x', auth.recipient, context), 3, (b) => b.subarray(0, 8))],
    ['no tag', altered(seal('x', auth.recipient, context), 4, (b) => b.subarray(0, 10))],
    ['a low-order ephemeral key', altered(seal('x', auth.recipient, context), 2, () => Buffer.alloc(32))],
  ])('refuse %s as malformed', (_what, box) => {
    expect(failure(() => auth.open(box, context))).toBe('malformed');
  });
});
