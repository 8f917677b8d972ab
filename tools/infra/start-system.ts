// `make start`: the whole system on one machine with zero configuration.
// Uses NATS_URL / MONGODB_URI / POSTGRES_URL when given, else private servers under .data/; the private
// FerretDB stores in the private PostgreSQL (FERRETDB_BACKEND=sqlite: in files under .data/ferretdb).
import { join } from 'node:path';
// Relative, not @ir/platform: tools/infra runs on its own and needs only this one file, not the whole library.
import { redactSecrets } from '../../libs/platform/src/logging/redact';
import { startFerretDb } from './ferretdb';
import { FERRETDB_DATABASE, ferretDbBackend, prepareFerretDbDatabase } from './ferretdb-postgres';
import { freePort, isPortFree } from './free-port';
import { startNats } from './nats';
import { startPostgres } from './postgres';
import { repoRoot } from './repo-root';
import { API_BASE_PATH, BACKEND_SERVICES, startSystem, type BackendService } from './services';
import { describeSupervisionEvent } from './supervision-report';
import { Supervisor } from './supervisor';

const dataDir = join(repoRoot, '.data');
const logDir = join(dataDir, 'logs');
/** NATS's store, and the passwords of its users (0600 files, kept across restarts). */
const natsDir = { data: join(dataDir, 'nats'), credentials: join(dataDir, 'nats', 'credentials') };
const DEFAULT_HEALTH_PORTS: Record<BackendService, number> = {
  auth: 8217,
  registry: 8218,
  comparator: 8219,
  'sync-executor': 8220,
  audit: 8221,
  'entity-oplog': 8222,
  'entity-capture': 8223,
  'cache-replicator': 8224,
};

/**
 * Every process started here, NATS and FerretDB included: one that dies is restarted with backoff
 * (on its port, with its data directory), and given up, loudly, only when it keeps dying.
 */
const supervisor = new Supervisor({
  report: (event) => process.stderr.write(`\n${describeSupervisionEvent(event)}\n`),
});
let stopping = false;

/** What AUTH_REGISTRATION means for the next people, as the start banner says it. */
const REGISTRATION_NOTE: Record<string, string> = {
  invite: 'by invitation only (AUTH_REGISTRATION=invite: POST /invitations, see the README)',
  open: 'open to anyone (AUTH_REGISTRATION=open)',
  closed: 'closed (AUTH_REGISTRATION=closed)',
};

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await supervisor.stop();
  }
  process.exit(code);
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
  process.on('exit', () => supervisor.killNow());

  // With NATS_URL, the services log in with the password files of NATS_CREDENTIALS_DIR, if any.
  const natsCredentialsDir = process.env.NATS_URL ? process.env.NATS_CREDENTIALS_DIR : natsDir.credentials;
  const natsUrl = process.env.NATS_URL ?? (await superviseNats());
  const postgresUrl = process.env.POSTGRES_URL ?? (await supervisePostgres());
  // On a PostgreSQL of the user's (POSTGRES_URL) only when asked: the GIN twins' event triggers need a superuser.
  const backend = ferretDbBackend(process.env.FERRETDB_BACKEND, process.env.POSTGRES_URL ? 'sqlite' : 'postgresql');
  const mongoUri =
    process.env.MONGODB_URI ??
    (await superviseFerretDb(
      backend === 'postgresql'
        ? { postgresUrl: await prepareFerretDbDatabase(postgresUrl, FERRETDB_DATABASE) }
        : { dataDir: join(dataDir, 'ferretdb') },
    ));

  const gatewayPort = Number(process.env.PORT ?? 8216);
  const gatewayHost = process.env.HOST ?? '0.0.0.0';
  if (!(await isPortFree(gatewayPort, gatewayHost))) {
    throw new Error(`gateway port ${gatewayPort} is in use; set PORT=<port> to use another`);
  }

  log('Starting services (logs in .data/logs/)...');
  await startSystem({
    natsUrl,
    natsCredentialsDir,
    mongoUri,
    postgresUrl,
    dbPrefix: process.env.MONGODB_DB_PREFIX ?? 'index_registry',
    dataDir,
    logDir,
    logLevel: process.env.LOG_LEVEL ?? 'info',
    gatewayHost,
    gatewayPort,
    healthPorts: await healthPorts(),
    detached: true,
    supervise: supervisor,
    // The embedded FerretDB's oplog is read by the capture alone and never trimmed by FerretDB itself.
    ...(process.env.MONGODB_URI
      ? {}
      : { serviceEnv: { 'entity-capture': { CAPTURE_TRIM_SOURCE_OPLOG: process.env.CAPTURE_TRIM_SOURCE_OPLOG ?? 'true' } } }),
  });

  const gateway = `http://localhost:${gatewayPort}`;
  log(
    [
      '',
      'Index Registry is running.',
      `  API:      ${gateway}${API_BASE_PATH}`,
      `  OpenAPI:  ${gateway}/docs`,
      // A user-supplied URI may carry a password; the terminal (and whoever reads its scrollback) need not see it.
      `  MongoDB:  ${redactSecrets(mongoUri)}   (point mongosh at it to create a target database${process.env.MONGODB_URI ? '' : `; FerretDB on ${backend === 'postgresql' ? `PostgreSQL, database ${FERRETDB_DATABASE}` : 'SQLite'}`})`,
      `  PostgreSQL: ${redactSecrets(postgresUrl)}   (the entity caches' oplog${process.env.MONGODB_URI || backend === 'sqlite' ? '' : ", and FerretDB's store"}; password in .data/postgres.password)`,
      `  NATS:     ${redactSecrets(natsUrl)}${natsCredentialsDir ? `   (users' passwords in ${natsCredentialsDir}/; other systems read events as \`reader\`)` : ''}`,
      `  Logs:     ${logDir}/<service>.log`,
      '',
      'The first user to register (POST /auth/register) becomes the system administrator;',
      `after that, registration is ${REGISTRATION_NOTE[process.env.AUTH_REGISTRATION ?? 'invite'] ?? 'as AUTH_REGISTRATION says'}.`,
      '',
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );
}

/** A restart uses the port and store of the first start: streams, consumers and their positions survive it. */
async function superviseNats(): Promise<string> {
  const port = (await preferredPort(4222)) ?? (await freePort());
  const options = {
    dataDir: natsDir.data,
    credentialsDir: natsDir.credentials,
    logFile: join(logDir, 'nats-server.log'),
    port,
    detached: true,
  };
  await supervisor.add('nats-server', 'infrastructure', async (signal) => (await startNats({ ...options, signal })).process);
  return `nats://127.0.0.1:${port}`;
}

/** A restart uses the port and store of the first start: the services reconnect and find their data. */
async function superviseFerretDb(store: { dataDir: string } | { postgresUrl: string }): Promise<string> {
  const port = (await preferredPort(27017)) ?? (await freePort());
  // With local.oplog.rs, which the entity caches' capture reads.
  const options = { ...store, logFile: join(logDir, 'ferretdb.log'), port, detached: true, oplog: true };
  await supervisor.add('ferretdb', 'infrastructure', async (signal) => (await startFerretDb({ ...options, signal })).process);
  return `mongodb://127.0.0.1:${port}/`;
}

/** A restart uses the port and data directory of the first start; the password stays in .data/postgres.password. */
async function supervisePostgres(): Promise<string> {
  const port = (await preferredPort(5432)) ?? (await freePort());
  const options = { dataDir: join(dataDir, 'postgres'), logFile: join(logDir, 'postgres.log'), port, detached: true };
  let url = '';
  await supervisor.add('postgres', 'infrastructure', async (signal) => {
    const handle = await startPostgres({ ...options, signal });
    url = handle.url;
    return handle.process;
  });
  return url;
}

/** A well-known port is friendlier for mongosh, but never worth failing over. */
async function preferredPort(port: number): Promise<number | undefined> {
  return (await isPortFree(port, '127.0.0.1')) ? port : undefined;
}

main().catch(async (error: unknown) => {
  process.stderr.write(`\nmake start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await shutdown(1);
});
