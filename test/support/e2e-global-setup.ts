import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureTestInfra } from './global-infra';
import { startSystem } from './infra-env';
import { E2E_ADMIN, E2E_SERVICE_ENV } from './e2e-settings';

const SYSTEM_KEY = Symbol.for('index-registry.test-system');

/**
 * Starts the six services as separate processes (from dist/, built by `make test`)
 * on the private NATS and MongoDB, with a database prefix of their own.
 */
export default async function e2eGlobalSetup(): Promise<void> {
  const infra = await ensureTestInfra();
  const dataDir = mkdtempSync(join(infra.dir, 'system-'));
  const system = await startSystem({
    natsUrl: infra.natsUrl,
    natsCredentialsDir: infra.natsCredentialsDir,
    mongoUri: infra.mongoUri,
    postgresUrl: infra.postgresUrl,
    dbPrefix: `ir_e2e_${process.pid}`,
    dataDir,
    logDir: join(dataDir, 'logs'),
    logLevel: 'info',
    trustProxy: true,
    env: E2E_SERVICE_ENV,
    // Nine services start at once, on a machine the suites share: give each more than the default 60 s.
    readyTimeoutMs: 240_000,
  });
  (globalThis as { [SYSTEM_KEY]?: unknown })[SYSTEM_KEY] = system;
  process.env.E2E_GATEWAY_URL = system.gatewayUrl;
  process.env.E2E_API_URL = system.apiUrl;
  process.env.E2E_LOG_DIR = join(dataDir, 'logs');
  // Each service's own HTTP port (/health, /metrics), by name: the metrics suite scrapes them all.
  process.env.E2E_SERVICE_URLS = JSON.stringify(Object.fromEntries(Object.values(system.services).map((s) => [s.name, s.url])));
  // The first user of a system is its administrator: the suites' own users must never be that one.
  const registered = await fetch(`${system.apiUrl}/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(E2E_ADMIN),
  });
  if (registered.status !== 201)
    throw new Error(`registering the e2e system administrator failed: ${registered.status} ${await registered.text()}`);
  // The gateway's OpenAPI document, fetched once: every answer of the suites is checked against it (e2e-openapi.ts).
  const openApi = await fetch(`${system.gatewayUrl}/docs/openapi.json`);
  if (openApi.status !== 200) throw new Error(`fetching the OpenAPI document failed: ${openApi.status}`);
  process.env.E2E_OPENAPI_FILE = join(dataDir, 'openapi.json');
  writeFileSync(process.env.E2E_OPENAPI_FILE, await openApi.text());
}
