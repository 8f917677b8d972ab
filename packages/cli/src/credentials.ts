// The stored login: one file in the user's config directory, readable only by them (0600 in a 0700
// directory), as ssh and the cloud CLIs keep theirs.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError } from './cli-error';

export type Credentials =
  | {
      kind: 'user';
      server: string;
      username: string;
      access_token: string;
      refresh_token: string;
      /** Epoch milliseconds: the access token is renewed with the refresh token before this. */
      access_expires_at: number;
    }
  | { kind: 'api_key'; server: string; api_key: string };

/** `$XDG_CONFIG_HOME/index-registry`, else `~/.config/index-registry`. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'index-registry');
}

export const credentialsFile = (env: NodeJS.ProcessEnv = process.env): string => join(configDir(env), 'credentials.json');

export function readCredentials(): Credentials | undefined {
  const file = credentialsFile();
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Credentials;
  } catch {
    throw new CliError(`the credentials file ${file} is not valid JSON`, 'log in again: index-registry login');
  }
}

export function writeCredentials(credentials: Credentials): string {
  const dir = configDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const file = credentialsFile();
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  // writeFileSync keeps the mode of a file that already exists: set it again.
  chmodSync(file, 0o600);
  return file;
}

/** Removes the stored login; true when there was one. */
export function removeCredentials(): boolean {
  const file = credentialsFile();
  if (!existsSync(file)) return false;
  rmSync(file);
  return true;
}
