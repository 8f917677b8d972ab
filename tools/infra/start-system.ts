// `make start`: the whole system on one machine with zero configuration.
// Uses NATS_URL / MONGODB_URI when given, else private servers under .data/.
import { join } from 'node:path';
// Relative, not @ir/platform: tools/infra runs on its own and needs only this one file, not the whole library.
import { redactSecrets } from '../../libs/platform/src/logging/redact';
import { startFerretDb } from './ferretdb';
import { isPortFree } from './free-port';
import { startNats } from './nats';
import type { ManagedProcess } from './process';
import { repoRoot } from './repo-root';
import { API_BASE_PATH, BACKEND_SERVICES, startSystem, type BackendService, type RunningSystem } from './services';

const dataDir = join(repoRoot, '.data');
const logDir = join(dataDir, 'logs');
const DEFAULT_HEALTH_PORTS: Record<BackendService, number> = { auth: 8217, registry: 8218, comparator: 8219, 'sync-executor': 8220 };

/** Infrastructure we started ourselves, stopped last. */
const infra: ManagedProcess[] = [];
let system: RunningSystem | undefined;
let stopping = false;

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await system?.stop();
    for (const child of [...infra].reverse()) await child.stop();
  }
  process.exit(code);
}

/** A crash of any child takes the whole system down: half a system misleads. */
function watch(child: ManagedProcess): void {
  child.onExit((description) => {
    if (stopping) return;
    process.stderr.write(`\n${description}; last lines of ${child.logFile}:\n${child.logTail(40)}\n\nStopping everything.\n`);
    void shutdown(1);
  });
}

async function healthPorts(): Promise<Record<BackendService, number>> {
  const ports = { ...DEFAULT_HEALTH_PORTS };
  for (const name of BACKEND_SERVICES) {
    // Fall back to a random port (chosen by startSystem) when the default is busy.
    if (!(await isPortFree(ports[name]))) delete (ports as Partial<Record<BackendService, number>>)[name];
  }
  return ports;
}

async function main(): Promise<void> {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      log(`\n${signal}: stopping (gateway first, infrastructure last)...`);
      void shutdown(0);
    });
  }
  // Last resort if we die from an exception: do not leave detached children behind.
  process.on('exit', () => {
    for (const s of Object.values(system?.services ?? {})) if (!s.process.exited && s.process.pid) process.kill(s.process.pid, 'SIGKILL');
    for (const c of infra) if (!c.exited && c.pid) process.kill(c.pid, 'SIGKILL');
  });

  let natsUrl = process.env.NATS_URL;
  if (!natsUrl) {
    const nats = await startNats({
      dataDir: join(dataDir, 'nats'),
      logFile: join(logDir, 'nats-server.log'),
      port: await preferredPort(4222),
    });
    infra.push(nats.process);
    watch(nats.process);
    natsUrl = nats.url;
  }
  let mongoUri = process.env.MONGODB_URI;
  if (!mongoUri) {
    const ferret = await startFerretDb({
      dataDir: join(dataDir, 'ferretdb'),
      logFile: join(logDir, 'ferretdb.log'),
      port: await preferredPort(27017),
    });
    infra.push(ferret.process);
    watch(ferret.process);
    mongoUri = ferret.uri;
  }

  const gatewayPort = Number(process.env.PORT ?? 8216);
  const gatewayHost = process.env.HOST ?? '0.0.0.0';
  if (!(await isPortFree(gatewayPort, gatewayHost))) {
    throw new Error(`gateway port ${gatewayPort} is in use; set PORT=<port> to use another`);
  }

  log('Starting services (logs in .data/logs/)...');
  system = await startSystem({
    natsUrl,
    mongoUri,
    dbPrefix: process.env.MONGODB_DB_PREFIX ?? 'index_registry',
    dataDir,
    logDir,
    logLevel: process.env.LOG_LEVEL ?? 'info',
    gatewayHost,
    gatewayPort,
    healthPorts: await healthPorts(),
    detached: true,
  });
  for (const s of Object.values(system.services)) watch(s.process);

  const gateway = `http://localhost:${gatewayPort}`;
  log(
    [
      '',
      'Index Registry is running.',
      `  API:      ${gateway}${API_BASE_PATH}`,
      `  OpenAPI:  ${gateway}/docs`,
      // A user-supplied URI may carry a password; the terminal (and whoever reads its scrollback) need not see it.
      `  MongoDB:  ${redactSecrets(mongoUri)}   (point mongosh at it to create a target database)`,
      `  NATS:     ${redactSecrets(natsUrl)}`,
      `  Logs:     ${logDir}/<service>.log`,
      '',
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );
}

/** A well-known port is friendlier for mongosh, but never worth failing over. */
async function preferredPort(port: number): Promise<number | undefined> {
  return (await isPortFree(port, '127.0.0.1')) ? port : undefined;
}

main().catch(async (error: unknown) => {
  process.stderr.write(`\nmake start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await shutdown(1);
});
