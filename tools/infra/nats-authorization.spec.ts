import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { BUS_USERS, passwordVariableOf } from '@ir/contracts';
import { newBusPassword } from './bus-credentials';
import { GENERATED_BUS_FILES, renderNatsAuthorization } from './nats-authorization';
import { repoRoot } from './repo-root';

const run = promisify(execFile);

describe('the NATS users and permissions of the deployments', () => {
  it.each(GENERATED_BUS_FILES.map(({ path, render }) => [relative(repoRoot, path), path, render] as const))(
    '%s is what libs/contracts/src/bus-access.ts renders (else: npm run bus:config)',
    (_name, path, render) => {
      expect(readFileSync(path, 'utf8')).toBe(render());
    },
  );

  it('is a configuration nats-server accepts, with a password for every user from its environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ir-nats-authorization-'));
    try {
      writeFileSync(join(dir, 'nats.conf'), `include ./nats-authorization.conf\n`);
      writeFileSync(join(dir, 'nats-authorization.conf'), renderNatsAuthorization());
      const env = { ...process.env, ...Object.fromEntries(BUS_USERS.map((user) => [passwordVariableOf(user), newBusPassword()])) };
      await expect(run('nats-server', ['-t', '-c', join(dir, 'nats.conf')], { env })).resolves.toBeDefined();
      // One password missing: nats-server refuses to start rather than admit that user without one.
      delete env[passwordVariableOf('reader')];
      await expect(run('nats-server', ['-t', '-c', join(dir, 'nats.conf')], { env })).rejects.toThrow(/NATS_PASSWORD_READER/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('makes passwords that nats-server reads as they are', () => {
    for (let i = 0; i < 100; i++) expect(newBusPassword()).toMatch(/^ir[0-9a-f]{48}$/);
  });
});
