// The passwords of the closed bus's NATS users (libs/contracts/src/bus-permissions.ts), one file each.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// Relative, not @ir/contracts: tools/infra runs on its own (see start-system.ts).
import { BUS_USERS, passwordVariableOf, type BusUser } from '../../libs/contracts/src/bus-permissions';

export type BusPasswords = Readonly<Record<BusUser, string>>;

/** `<dir>/<user>.password`: what a process started with NATS_PASSWORD_FILE reads. */
export function passwordFileOf(dir: string, user: BusUser): string {
  return join(dir, `${user}.password`);
}

/**
 * A new password: `ir` and 48 hex digits (192 random bits). nats-server reads a variable's value as
 * configuration, so a password must parse as a bare string there: letters and digits, a letter first.
 */
export function newBusPassword(): string {
  return `ir${randomBytes(24).toString('hex')}`;
}

/**
 * Every user's password from `dir`, each created (see newBusPassword) when its file is
 * missing and kept otherwise: `make start` reuses them across restarts, so a supervised NATS and the
 * services agree after any of them restarts. The directory is 0700 and each file 0600.
 */
export function loadOrCreateBusPasswords(dir: string): BusPasswords {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const entries = BUS_USERS.map((user) => [user, readOrCreate(passwordFileOf(dir, user))] as const);
  return Object.fromEntries(entries) as Record<BusUser, string>;
}

function readOrCreate(file: string): string {
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 16) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const password = newBusPassword();
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/** The environment that gives nats-server every password its configuration refers to (never its arguments). */
export function natsServerPasswordEnv(passwords: BusPasswords): Record<string, string> {
  return Object.fromEntries(BUS_USERS.map((user) => [passwordVariableOf(user), passwords[user]]));
}

/** The environment of a process that logs in as `user`: its name, and the file that holds its password. */
export function natsLoginEnv(dir: string, user: BusUser): Record<string, string> {
  return { NATS_USER: user, NATS_PASSWORD_FILE: passwordFileOf(dir, user) };
}
