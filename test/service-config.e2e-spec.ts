import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@ir/testing';

/** A service started with a wrong or missing variable stops at once with a message naming it. */
describe('configuration is validated at start', () => {
  const run = (service: string, env: Record<string, string>) =>
    spawnSync(process.execPath, [join(repoRoot, 'dist/apps', service, 'src/main.js')], {
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });

  it('auth without MONGODB_URI exits 1 naming the variable', () => {
    const result = run('auth', {});
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('MONGODB_URI: is required');
  });

  it('auth with a malformed lifetime exits 1 naming the variable and its value', () => {
    const result = run('auth', { MONGODB_URI: 'mongodb://127.0.0.1:1/', ACCESS_TOKEN_TIMEOUT: 'ten minutes' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('ACCESS_TOKEN_TIMEOUT="ten minutes": expected a positive duration');
  });

  it('the gateway refuses a bad port and a bad rate limit in one message', () => {
    const result = run('gateway', { PORT: '99999', AUTH_RATE_LIMIT: 'lots' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('PORT="99999"');
    expect(result.stderr).toContain('AUTH_RATE_LIMIT="lots": expected <requests>/<window>');
  });

  it('the comparator refuses to read more collections at once than it may open connections', () => {
    const result = run('comparator', { MONGODB_URI: 'mongodb://127.0.0.1:1/', COMPARE_CONCURRENCY: '12', TARGET_POOL_CONNECTIONS: '4' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('COMPARE_CONCURRENCY="12": must not exceed TARGET_POOL_CONNECTIONS');
  });

  it('the audit service refuses a retention that is not a positive number of days, and a bad prune interval', () => {
    const result = run('audit', { MONGODB_URI: 'mongodb://127.0.0.1:1/', AUDIT_RETENTION_DAYS: '0', AUDIT_PRUNE_INTERVAL: 'hourly' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('AUDIT_RETENTION_DAYS="0"');
    expect(result.stderr).toContain('AUDIT_PRUNE_INTERVAL="hourly": expected a positive duration');
  });

  it('never prints a password of a MongoDB URI it refuses', () => {
    const result = run('registry', { MONGODB_URI: 'mongodb://admin:s3cret@host/db with space', NATS_URL: 'not-a-url' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('NATS_URL="not-a-url"');
    expect(result.stderr).toContain('MONGODB_URI="mongodb://admin:****@host/db with space"');
    expect(result.stderr).not.toContain('s3cret');
  });
});
