import { DomainError, ErrorCode } from '@ir/contracts';
import { assertStrongPassword } from './password-policy';

const ann = { username: 'ann_smith', email: 'ann.smith@example.com' };

function refusal(password: string, field?: string): DomainError {
  try {
    assertStrongPassword(password, ann, field);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error(`"${password}" was accepted`);
}

describe('password policy', () => {
  it.each(['passwordpassword', '123456789012', 'qwertyuiopasdf', 'aaaaaaaaaaaaaaaa', 'iloveyou2024!'])(
    'refuses the guessable %s with 400 naming password and saying why',
    (password) => {
      const error = refusal(password);
      expect(error.code).toBe(ErrorCode.validation);
      expect(error.issues).toEqual([
        { field: 'password', rule: 'weak_password', message: expect.stringMatching(/^is too easy to guess: \S/) },
      ]);
    },
  );

  it.each(['ann_smith_2024!', 'xAnn_Smith!2024', 'my-ann.smith@example.com-pw', 'ann.smith#Tr0ub4dor'])(
    'refuses %s, which contains the username or the email address',
    (password) => {
      expect(refusal(password).issues).toEqual([
        { field: 'password', rule: 'weak_password', message: 'must not contain your username or email address' },
      ]);
    },
  );

  it('names the field it was given', () => {
    expect(refusal('passwordpassword', 'new_password').issues?.[0].field).toBe('new_password');
  });

  it.each(['correct horse battery staple', 'pw-8f3a9c1d2e7b4a60', 'Vq7#mZ2!rT9p'])('accepts %s', (password) => {
    expect(() => assertStrongPassword(password, ann)).not.toThrow();
  });

  it('judges the first 64 characters: a guessable beginning is refused, whatever follows', () => {
    expect(refusal(`${'password'.repeat(8)}Vq7#mZ2!rT9p`).issues?.[0].rule).toBe('weak_password');
    expect(() => assertStrongPassword(`correct horse battery staple ${'a'.repeat(90)}`, ann)).not.toThrow();
  });

  it('stays fast on long inputs made to be slow (l33t substitutions), so a registration cannot hold the event loop', () => {
    const started = process.hrtime.bigint();
    for (const password of ['p4$$w0rd'.repeat(16), '4@4@'.repeat(32), '1qaz2wsx'.repeat(16)]) {
      refusal(password);
    }
    // About 80 ms each here; the bound leaves room for a busy machine.
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(3000);
  });
});
