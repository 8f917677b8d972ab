// Who the CLI acts as: an API key (INDEX_REGISTRY_API_KEY, for CI) or the stored login, whose access
// token is renewed with its refresh token when it has expired.
import { apiClient, ok, type Api } from './api-client';
import { CliError } from './cli-error';
import { readCredentials, writeCredentials, type Credentials } from './credentials';

/** An access token is renewed this long before it expires, so that it does not expire in flight. */
const RENEW_MARGIN_MS = 30_000;

export interface Session {
  readonly api: Api;
  readonly server: string;
}

export interface SessionOptions {
  readonly server?: string;
}

export function openSession(options: SessionOptions, env: NodeJS.ProcessEnv = process.env): Session {
  const apiKey = env.INDEX_REGISTRY_API_KEY;
  const stored = apiKey ? undefined : readCredentials();
  const server = options.server ?? env.INDEX_REGISTRY_SERVER ?? stored?.server;
  if (!server) throw new CliError('no server given and nobody is logged in', 'run index-registry login --server <url> first');
  if (apiKey) return { server, api: apiClient(server, () => Promise.resolve(apiKey)) };
  if (!stored) throw new CliError('not logged in', 'run index-registry login (or set INDEX_REGISTRY_API_KEY)');
  if (stored.kind === 'api_key') {
    const key = stored.api_key;
    return { server, api: apiClient(server, () => Promise.resolve(key)) };
  }
  let user = stored;
  const bearer = async (): Promise<string> => {
    if (Date.now() >= user.access_expires_at - RENEW_MARGIN_MS) user = await renewed(user);
    return user.access_token;
  };
  return { server, api: apiClient(server, bearer) };
}

async function renewed(credentials: Extract<Credentials, { kind: 'user' }>): Promise<Credentials & { kind: 'user' }> {
  const anonymous = apiClient(credentials.server);
  const tokens = await ok(
    'renewing the session',
    anonymous.POST('/api/doctor-manager-api/v1/auth/refresh-token', { body: { refresh_token: credentials.refresh_token } }),
  ).catch(() => {
    throw new CliError('your session has expired', 'log in again: index-registry login');
  });
  const next = { ...credentials, ...tokenFields(tokens) };
  writeCredentials(next);
  return next;
}

/** The stored fields of a token pair. */
export function tokenFields(tokens: { access_token: string; refresh_token: string; expires_in: number }) {
  return {
    access_token: tokens.access_token,
    refresh_token: tokens.refresh_token,
    access_expires_at: Date.now() + tokens.expires_in * 1000,
  };
}
