// docker compose's `bus-init` step: `node dist/tools/infra/bus-init.js /bus`. Writes what each container
// of the closed bus needs into a directory of its own (a volume of its own in docker-compose.yml):
//   /bus/state/          passwords of every user, the CA's key: only this step reads it
//   /bus/nats-server/    passwords.env (the environment nats-server's configuration refers to), its certificate and key
//   /bus/<service>/      password, ca.pem: what NATS_PASSWORD_FILE and NATS_TLS_CA_FILE name
//   /bus/operators/      reader.password, admin.password, ca.pem: for other systems and for people
// Run again, it keeps every password and certificate it made.
import { chownSync, copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUS_USERS, passwordVariableOf, ServiceName } from '../../libs/contracts/src';
import { loadOrCreateBusPasswords, type BusPasswords } from './bus-credentials';
import { ensureBusTls } from './bus-tls';

export interface BusInitOptions {
  /** Names the NATS server's certificate is valid for. */
  readonly hosts: readonly string[];
  /** The uid that the services run as (the image's `node`): their files are theirs, mode 0400. */
  readonly serviceUid?: number;
}

export function initBus(root: string, options: BusInitOptions): BusPasswords {
  const state = join(root, 'state');
  const passwords = loadOrCreateBusPasswords(join(state, 'passwords'));
  const tls = ensureBusTls(state, options.hosts);

  const server = directory(root, 'nats-server');
  const env = BUS_USERS.map((user) => `${passwordVariableOf(user)}=${passwords[user]}\n`).join('');
  writeFileSync(join(server, 'passwords.env'), env, { mode: 0o600 });
  copyFileSync(tls.serverCert, join(server, 'server-cert.pem'));
  copyFileSync(tls.serverKey, join(server, 'server-key.pem'));

  for (const service of Object.values(ServiceName)) {
    const dir = directory(root, service);
    secretFile(join(dir, 'password'), passwords[service], options.serviceUid);
    copyFileSync(tls.caCert, join(dir, 'ca.pem'));
  }
  const operators = directory(root, 'operators');
  for (const user of ['reader', 'admin'] as const) secretFile(join(operators, `${user}.password`), passwords[user]);
  copyFileSync(tls.caCert, join(operators, 'ca.pem'));
  return passwords;
}

function directory(root: string, name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function secretFile(path: string, content: string, uid?: number): void {
  // Read-only once written: replaced, not rewritten, on the next run.
  rmSync(path, { force: true });
  writeFileSync(path, `${content}\n`, { mode: 0o400 });
  if (uid !== undefined) chownSync(path, uid, uid);
}

if (require.main === module) {
  const root = process.argv[2] ?? '/bus';
  initBus(root, {
    hosts: (process.env.NATS_TLS_HOSTS ?? 'nats,localhost').split(','),
    serviceUid: Number(process.env.SERVICE_UID ?? 1000),
  });
  process.stdout.write(`bus-init: credentials and certificates in ${root} (kept across runs; passwords are never printed)\n`);
}
