import { existsSync, readFileSync } from 'node:fs';
import type { z } from 'zod';
import { registerSecret } from '../logging/redact';
import { ConfigError, type CommonConfig } from './config';

/** How a service logs in to NATS, from its configuration. */
export interface NatsLogin {
  /** Its NATS user and password; absent only on a development bus without users. */
  readonly credentials?: { readonly user: string; readonly password: string };
  readonly tlsCaFile?: string;
}

/**
 * The service's NATS login: NATS_USER (its own name by default) with NATS_PASSWORD, or the password
 * read from NATS_PASSWORD_FILE. The password is registered for redaction, so no log line shows it.
 * In production (NODE_ENV=production) a password is required: the bus is closed there.
 */
export function natsLoginFrom(config: z.output<typeof CommonConfig>, service: string, nodeEnv = process.env.NODE_ENV): NatsLogin {
  const problems: string[] = [];
  if (config.NATS_PASSWORD && config.NATS_PASSWORD_FILE)
    problems.push('NATS_PASSWORD_FILE: give NATS_PASSWORD or NATS_PASSWORD_FILE, not both');
  const password = config.NATS_PASSWORD ?? (config.NATS_PASSWORD_FILE ? readPasswordFile(config.NATS_PASSWORD_FILE, problems) : undefined);
  if (!password && !config.NATS_PASSWORD_FILE && nodeEnv === 'production') {
    problems.push(
      `NATS_PASSWORD: is required in production (the password of the NATS user "${config.NATS_USER ?? service}"), or NATS_PASSWORD_FILE`,
    );
  }
  if (config.NATS_TLS_CA_FILE && !existsSync(config.NATS_TLS_CA_FILE)) {
    problems.push(`NATS_TLS_CA_FILE=${JSON.stringify(config.NATS_TLS_CA_FILE)}: no such file`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  if (password) registerSecret(password);
  return {
    ...(password ? { credentials: { user: config.NATS_USER ?? service, password } } : {}),
    ...(config.NATS_TLS_CA_FILE ? { tlsCaFile: config.NATS_TLS_CA_FILE } : {}),
  };
}

function readPasswordFile(path: string, problems: string[]): string | undefined {
  try {
    const password = readFileSync(path, 'utf8').trim();
    if (password.length < 16) problems.push(`NATS_PASSWORD_FILE=${JSON.stringify(path)}: holds no password (16 characters or more)`);
    return password;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    problems.push(`NATS_PASSWORD_FILE=${JSON.stringify(path)}: cannot be read (${code})`);
    return undefined;
  }
}
