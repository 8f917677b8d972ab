import { redactUri, scrubTargetText, uriPasswords } from './redact-uri';

describe('redactUri', () => {
  it.each([
    ['mongodb://admin:s3cret@127.0.0.1:27017/db', 'mongodb://admin:****@127.0.0.1:27017/db'],
    ['mongodb+srv://u:p%40ss@cluster0.example.net/app?retryWrites=true', 'mongodb+srv://u:****@cluster0.example.net/app?retryWrites=true'],
    ['mongodb://a:b@h1:1,h2:2/db?replicaSet=rs', 'mongodb://a:****@h1:1,h2:2/db?replicaSet=rs'],
    // Unescaped '/' and '@' in the password: invalid, but exactly what a user pastes.
    ['mongodb://u:pa/ss@word@host/db', 'mongodb://u:****@host/db'],
    ['mongodb://user@host/db', 'mongodb://user@host/db'],
    ['mongodb://host/db', 'mongodb://host/db'],
    ['http://x', 'http://x'],
    ['mongodb://host/db?authMechanismProperties=AWS_SESSION_TOKEN:tok', 'mongodb://host/db?authMechanismProperties=****'],
  ])('%s → %s', (uri, expected) => {
    expect(redactUri(uri)).toBe(expected);
  });

  it('finds the password raw and decoded', () => {
    expect(uriPasswords('mongodb://u:p%40ss@h/db')).toEqual(['p%40ss', 'p@ss']);
    expect(uriPasswords('mongodb://u@h/db')).toEqual([]);
  });

  it('scrubs the URI and its password from driver text', () => {
    const uri = 'mongodb://admin:s3cret@h/db';
    const text = scrubTargetText(`failed on ${uri}; password s3cret rejected`, uri);
    expect(text).not.toContain('s3cret');
    expect(text).toContain('mongodb://admin:****@h/db');
  });
});
