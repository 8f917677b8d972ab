import { clearSession, loadSession, saveSession } from './session';
import type { RegisterRequest, TokenPair } from './types';

/** The REST API's base path, on the console's own origin. */
export const API_BASE = '/api/doctor-manager-api/v1';

/** An answer that is not a 2xx, with the API's error body (code, message, field issues). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: { field: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Called when the session ended (refresh refused): the app shows the sign-in screen. */
let onSignedOut: () => void = () => undefined;
export function whenSignedOut(listener: () => void): void {
  onSignedOut = listener;
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is, with `contentType` (a YAML manifest). */
  text?: string;
  contentType?: string;
  accept?: string;
  /** Extra request headers (If-Match). */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** One API call with the session's bearer token; a 401 refreshes the session once and retries. */
export async function apiFetch(path: string, options: CallOptions = {}): Promise<Response> {
  let response = await send(path, options);
  if (response.status === 401 && (await refreshed())) response = await send(path, options);
  if (response.status === 401) {
    clearSession();
    onSignedOut();
  }
  if (!response.ok) throw await errorOf(response);
  return response;
}

/** An API call answering JSON. */
export async function apiJson<T>(path: string, options: CallOptions = {}): Promise<T> {
  return (await (await apiFetch(path, options)).json()) as T;
}

/** Signs in; the tokens stay in this tab's session storage. */
export async function signIn(login: string, password: string): Promise<void> {
  const response = await fetch(`${API_BASE}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password }),
  });
  if (!response.ok) throw await errorOf(response);
  saveSession((await response.json()) as TokenPair, login);
}

/** Creates an account (`POST /auth/register`); the caller then signs in with it. */
export async function register(request: RegisterRequest): Promise<void> {
  const response = await fetch(`${API_BASE}/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  if (!response.ok) throw await errorOf(response);
}

export async function signOut(): Promise<void> {
  await apiFetch('/auth/logout', { method: 'POST', body: {} }).catch(() => undefined);
  clearSession();
  onSignedOut();
}

function send(path: string, options: CallOptions): Promise<Response> {
  const { method = 'GET', body, text, contentType = 'text/plain', accept = 'application/json', signal } = options;
  const headers: Record<string, string> = { ...options.headers, accept };
  const session = loadSession();
  if (session) headers.authorization = `Bearer ${session.accessToken}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  else if (text !== undefined) headers['content-type'] = contentType;
  // no-store: the browser's cache never answers for the API. The manifest's JSON and YAML share one URL, and a
  // cached YAML answer once came back for a JSON request despite Vary: Accept.
  return fetch(`${API_BASE}${path}`, {
    method,
    headers,
    body: body === undefined ? text : JSON.stringify(body),
    signal,
    cache: 'no-store',
  });
}

async function refreshed(): Promise<boolean> {
  const session = loadSession();
  if (!session) return false;
  const response = await fetch(`${API_BASE}/auth/refresh-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refresh_token: session.refreshToken }),
  });
  if (!response.ok) return false;
  saveSession((await response.json()) as TokenPair, session.username);
  return true;
}

async function errorOf(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => ({}))) as {
    error?: string;
    message?: string;
    issues?: ApiError['issues'];
  };
  return new ApiError(
    response.status,
    body.error ?? 'HTTP_ERROR',
    body.message ?? `${response.status} ${response.statusText}`,
    body.issues,
  );
}
