import { redactSecrets, registerSecret } from './redact';

describe('redactSecrets', () => {
  it.each([
    ['mongodb://admin:s3cr3t@db1:27017/app', 'mongodb://admin:****@db1:27017/app'],
    ['mongodb+srv://u:p%40ss@cluster0.example.net/x?retryWrites=true', 'mongodb+srv://u:****@cluster0.example.net/x?retryWrites=true'],
    [
      'connect to mongodb://a:b@h1,h2/db failed; retry mongodb://c:d@h3/db',
      'connect to mongodb://a:****@h1,h2/db failed; retry mongodb://c:****@h3/db',
    ],
    ['nats://svc:pw@nats:4222', 'nats://svc:****@nats:4222'],
  ])('hides the password in %s', (input, expected) => expect(redactSecrets(input)).toBe(expected));

  it.each(['mongodb://localhost:27017/app', 'mongodb://user@host/db', 'no uri here'])('leaves %s as it is', (input) => {
    expect(redactSecrets(input)).toBe(input);
  });
});

describe('registerSecret', () => {
  it('hides a registered secret wherever it appears, and leaves short values alone', () => {
    registerSecret('ir0123456789abcdef0123');
    registerSecret('short');
    expect(redactSecrets('auth failed for ir0123456789abcdef0123 (twice: ir0123456789abcdef0123)')).toBe(
      'auth failed for **** (twice: ****)',
    );
    expect(redactSecrets('a short answer')).toBe('a short answer');
  });
});
