// Helpers for the e2e specs: they drive the running system (started by
// e2e-global-setup.ts) through the gateway's HTTP API only.
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import request from 'supertest';

export interface TokenPairBody {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  refresh_expires_in: number;
}

export interface ProfileBody {
  id: string;
  email: string;
  username: string;
  name: string | null;
  created_at: string;
  updated_at: string;
}

export interface TestUser {
  username: string;
  email: string;
  password: string;
  profile: ProfileBody;
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the e2e project (jest --selectProjects e2e), whose global setup starts the system`);
  return value;
}

export const gatewayUrl = (): string => requiredEnv('E2E_GATEWAY_URL');
export const apiUrl = (): string => requiredEnv('E2E_API_URL');
export const logDir = (): string => requiredEnv('E2E_LOG_DIR');
/** The services' DATA_DIR (auth keeps its key pair under keys/). */
export const dataDir = (): string => dirname(logDir());

/** supertest against the API base path (/api/doctor-manager-api/v1). */
export const api = () => request(apiUrl());
/** supertest against the gateway root (/health, /metrics, /docs). */
export const gateway = () => request(gatewayUrl());

/** A short random suffix for unique usernames and emails. */
export function suffix(): string {
  return randomBytes(5).toString('hex');
}

/**
 * A client address of its own, sent as X-Forwarded-For (the gateway trusts
 * loopback proxies), so each test gets its own rate-limit bucket.
 */
export function freshIp(): string {
  return `10.${randomInt(0, 256)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

export function newCredentials(prefix = 'u'): { username: string; email: string; password: string } {
  const s = suffix();
  return { username: `${prefix}_${s}`, email: `${prefix}.${s}@example.test`, password: `pw-${randomBytes(8).toString('hex')}` };
}

export async function registerUser(
  overrides: Partial<{ username: string; email: string; password: string; name: string }> = {},
  ip = freshIp(),
): Promise<TestUser> {
  const creds = { ...newCredentials(), ...overrides };
  const res = await api().post('/auth/register').set('X-Forwarded-For', ip).send(creds);
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${res.text}`);
  return { username: creds.username, email: creds.email, password: creds.password, profile: res.body as ProfileBody };
}

export async function login(user: { username: string; password: string }, ip = freshIp()): Promise<TokenPairBody> {
  const res = await api().post('/auth/login').set('X-Forwarded-For', ip).send({ username: user.username, password: user.password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
  return res.body as TokenPairBody;
}

export function refresh(refreshToken: string, ip = freshIp()) {
  return api().post('/auth/refresh-token').set('X-Forwarded-For', ip).send({ refresh_token: refreshToken });
}

export function getProfile(accessToken: string) {
  return api().get('/auth/profile').set('Authorization', `Bearer ${accessToken}`);
}

/** Registers a user and logs in. */
export async function loggedInUser(): Promise<TestUser & { tokens: TokenPairBody }> {
  const user = await registerUser();
  return { ...user, tokens: await login(user) };
}

/** Polls `check` until it returns true or the time is up; returns the last outcome. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 3000, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** An error answer must never leak a stack trace or source paths. */
export function expectNoStackTrace(text: string): void {
  expect(text).not.toMatch(/\n\s*at /);
  expect(text).not.toMatch(/\bat \S+ \(/);
  expect(text).not.toMatch(/\.ts:\d+/);
  expect(text).not.toMatch(/\.js:\d+/);
  expect(text).not.toContain('node_modules');
}

export interface LogLine {
  service?: string;
  level?: string;
  message?: string;
  correlation_id?: string;
  trace_id?: string;
  [key: string]: unknown;
}

/** The JSON lines of one service's log so far (lines that are not JSON are skipped). */
export function readServiceLog(service: string): LogLine[] {
  const file = join(logDir(), `${service}.log`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });
}

/** Base64url-decodes one part of a JWT. */
export function jwtPart(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index], 'base64url').toString('utf8')) as Record<string, unknown>;
}
