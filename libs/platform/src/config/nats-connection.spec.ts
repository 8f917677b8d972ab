import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommonConfig, ConfigError, loadConfig } from './config';
import { redactSecrets } from '../logging/redact';
import { natsLoginFrom } from './nats-connection';

describe('natsLoginFrom', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'ir-nats-login-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const login = (env: Record<string, string>, nodeEnv?: string) => natsLoginFrom(loadConfig(CommonConfig, env), 'registry', nodeEnv);
  const problems = (run: () => unknown): string => {
    try {
      run();
    } catch (error) {
      if (error instanceof ConfigError) return error.problems.join('\n');
      throw error;
    }
    throw new Error('no ConfigError');
  };

  it("logs in as the service's own user with the password of NATS_PASSWORD_FILE, and hides it in every log line", () => {
    const file = join(dir, 'registry.password');
    writeFileSync(file, 'ir5f1e0c0ffee5f1e0c0ffee5f1e0c0ffee\n', { mode: 0o600 });
    expect(login({ NATS_PASSWORD_FILE: file })).toEqual({
      credentials: { user: 'registry', password: 'ir5f1e0c0ffee5f1e0c0ffee5f1e0c0ffee' },
    });
    expect(redactSecrets('refused ir5f1e0c0ffee5f1e0c0ffee5f1e0c0ffee')).toBe('refused ****');
  });

  it('takes NATS_USER and NATS_PASSWORD, and a CA file for TLS', () => {
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n');
    expect(login({ NATS_USER: 'reader', NATS_PASSWORD: 'ir0000111122223333', NATS_TLS_CA_FILE: ca })).toEqual({
      credentials: { user: 'reader', password: 'ir0000111122223333' },
      tlsCaFile: ca,
    });
  });

  it('connects without a user only outside production', () => {
    expect(login({})).toEqual({});
    expect(problems(() => login({}, 'production'))).toContain(
      'NATS_PASSWORD: is required in production (the password of the NATS user "registry")',
    );
  });

  it('names what is wrong, never the password', () => {
    const both = problems(() => login({ NATS_PASSWORD: 'ir0000111122223333', NATS_PASSWORD_FILE: join(dir, 'registry.password') }));
    expect(both).toContain('give NATS_PASSWORD or NATS_PASSWORD_FILE, not both');
    expect(both).not.toContain('ir0000111122223333');
    const missing = problems(() => login({ NATS_PASSWORD_FILE: join(dir, 'missing'), NATS_TLS_CA_FILE: join(dir, 'no-ca.pem') }));
    expect(missing).toContain(`NATS_PASSWORD_FILE="${join(dir, 'missing')}": cannot be read (ENOENT)`);
    expect(missing).toContain('no-ca.pem": no such file');
  });

  it('shows no value of a password that the schema refuses', () => {
    const text = problems(() => loadConfig(CommonConfig, { NATS_PASSWORD: 'tooshort' }));
    expect(text).toContain('NATS_PASSWORD (value not shown)');
    expect(text).not.toContain('tooshort');
  });
});
