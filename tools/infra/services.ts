import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { natsLoginEnv } from './bus-credentials';
import { freePort } from './free-port';
import { ManagedProcess } from './process';
import { repoRoot } from './repo-root';
import type { SupervisedProcess } from './supervised-process';
import { Supervisor, type SupervisorOptions } from './supervisor';

export const BACKEND_SERVICES = [
  'auth',
  'registry',
  'comparator',
  'sync-executor',
  'audit',
  'entity-oplog',
  'entity-capture',
  'cache-replicator',
] as const;
export type BackendService = (typeof BACKEND_SERVICES)[number];
export type ServiceName = 'gateway' | BackendService;

export const API_BASE_PATH = '/api/doctor-manager-api/v1';
const READY_TIMEOUT_MS = 60_000;
/** TARGET_ALLOWED_HOSTS of a local system: loopback (the same list as TargetPolicy.loopback()). */
export const LOCAL_TARGET_HOSTS = 'localhost,127.0.0.0/8,::1';

export interface ServiceHandle {
  name: ServiceName;
  /** The service's process; under supervision, the one started last. */
  readonly process: ManagedProcess;
  /** Present when the system runs supervised: restarts, state, events. */
  readonly supervised?: SupervisedProcess;
  /** The HTTP port serving /health (PORT for the gateway, HEALTH_PORT otherwise). */
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
}

/**
 * Node flags per service, beside --enable-source-maps. The comparator builds answers of tens of
 * thousands of objects (a compare of hundreds of collections); a 64 MB young generation semi-space
 * halved the time it spends collecting them (30 ms -> 15 ms per such compare, CPU profile), but
 * holds up to 128 MB of resident memory in each replica during a fleet scan, which its goal (300 MB,
 * issue 14) cannot afford: 16 MB, V8's own maximum on 64 bits, written out so that the choice stays visible.
 * Its old space is bounded too, so that V8 does not let it grow with a fleet scan's garbage (resident
 * 555 MB, live heap 193 MB, before the caches resisted scans): at 1,000 databases and the caches'
 * default bounds, its old space held at most 123 MB (about 100 after collections); 192 MB is 1.5x
 * that worst, as headroom against an out-of-memory crash.
 * docker-compose.yml and the Helm chart (deploy/helm/index-registry, checked by tools/deploy) start the services with the same flags.
 */
export const NODE_FLAGS: Record<ServiceName, readonly string[]> = {
  gateway: [],
  auth: [],
  registry: [],
  comparator: ['--max-semi-space-size=16', '--max-old-space-size=192'],
  'sync-executor': [],
  audit: [],
  'entity-oplog': [],
  'entity-capture': [],
  'cache-replicator': [],
};

/**
 * Process environment per service, under the service's own configuration. glibc's malloc gives each
 * thread that allocates its own arena (up to 8 per core), and memory freed in one arena is kept for
 * it: Node allocates natively from its main thread, the libuv pool and V8's GC threads, and the
 * comparator's resident memory in a fleet scan was far above its heap. Two arenas, the usual remedy for Node.
 * docker-compose.yml and the Helm chart set the same.
 */
export const PROCESS_ENV: Record<ServiceName, Readonly<Record<string, string>>> = {
  gateway: {},
  auth: {},
  registry: {},
  comparator: { MALLOC_ARENA_MAX: '2' },
  'sync-executor': {},
  audit: {},
  'entity-oplog': {},
  'entity-capture': {},
  'cache-replicator': {},
};

export function serviceEntryPoint(name: ServiceName): string {
  return join(repoRoot, 'dist', 'apps', name, 'src', 'main.js');
}

export interface StartServiceOptions {
  detached?: boolean;
  /** Gives up waiting for readiness, and stops the process. */
  signal?: AbortSignal;
  /** What answers 200 once the service is ready; `/health/ready` when absent. */
  readyPath?: string;
  /** How long to wait for readiness; 60 s when absent. */
  readyTimeoutMs?: number;
}

/** Spawns one compiled service and resolves once its readiness path answers 200. */
export async function startService(
  name: ServiceName,
  env: Record<string, string>,
  logFile: string,
  options: StartServiceOptions = {},
): Promise<ServiceHandle> {
  const entry = serviceEntryPoint(name);
  if (!existsSync(entry)) throw new Error(`${entry} does not exist: run \`npm run build\` (or make build) first`);
  const portVar = name === 'gateway' ? 'PORT' : 'HEALTH_PORT';
  const port = Number(env[portVar]);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`startService(${name}): env.${portVar} must be a port number`);

  const child = ManagedProcess.spawn({
    name,
    command: process.execPath,
    args: ['--enable-source-maps', ...NODE_FLAGS[name], entry],
    env: { ...PROCESS_ENV[name], ...env },
    logFile,
    cwd: repoRoot,
    detached: options.detached,
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await child.waitForHttpOk(`${url}${options.readyPath ?? '/health/ready'}`, options.readyTimeoutMs ?? READY_TIMEOUT_MS, options.signal);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { name, process: child, port, url };
}

export interface SystemOptions {
  natsUrl: string;
  /**
   * The NATS users' password files (tools/infra/bus-credentials.ts): each service logs in as itself
   * with its own. Absent only for a NATS without users (an existing one given by NATS_URL).
   */
  natsCredentialsDir?: string;
  mongoUri: string;
  /** The entity caches' PostgreSQL (entity-oplog's POSTGRES_URL). */
  postgresUrl: string;
  /** Per-run database name prefix, e.g. `ir_<random>` in tests. */
  dbPrefix: string;
  /** Where auth keeps its generated key pair (DATA_DIR/keys). */
  dataDir: string;
  /** One <service>.log per service goes here. */
  logDir: string;
  logLevel?: string;
  gatewayHost?: string;
  gatewayPort?: number;
  healthPorts?: Partial<Record<BackendService, number>>;
  /** Tests only: lets a loopback client set X-Forwarded-For. */
  trustProxy?: boolean;
  /** Extra env for every service (wins over the defaults). */
  env?: Record<string, string>;
  /** Extra env for one service (wins over `env`). */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  detached?: boolean;
  /** How long each service may take to be ready; 60 s when absent (the benchmarks, on a loaded machine, give more). */
  readyTimeoutMs?: number;
  /**
   * Restart a service that dies (on the same ports, with the same env), as `make start` does; e2e
   * tests pass a short policy. A `Supervisor` given here (which may already hold the infrastructure)
   * takes the services too, and stopping the system stops all it holds. Without it, a dead service stays dead.
   */
  supervise?: Supervisor | SupervisorOptions;
}

export interface RunningSystem {
  services: Record<ServiceName, ServiceHandle>;
  /** http://127.0.0.1:<gateway port> */
  gatewayUrl: string;
  /** gatewayUrl + API_BASE_PATH */
  apiUrl: string;
  /** Present when started with `supervise`. */
  supervisor?: Supervisor;
  /** Starts one more instance of a backend service (replicas share the same env), logging to `<name>-<n>.log`. */
  addReplica(name: BackendService): Promise<ServiceHandle>;
  /** Gateway first, so no request is accepted that the backends cannot serve. */
  stop(): Promise<void>;
}

/** Starts one service's processes, supervised or not, and stops them all in order. */
interface Launcher {
  start(name: ServiceName, instance: string, env: Record<string, string>, logFile: string): Promise<ServiceHandle>;
  stop(): Promise<void>;
}

function plainLauncher(opts: SystemOptions): Launcher {
  const started: ServiceHandle[] = [];
  return {
    start: async (name, _instance, env, logFile) => {
      const handle = await startService(name, env, logFile, opts);
      started.push(handle);
      return handle;
    },
    stop: async () => {
      await Promise.all(started.filter((s) => s.name === 'gateway').map((s) => s.process.stop()));
      await Promise.all(started.filter((s) => s.name !== 'gateway').map((s) => s.process.stop()));
    },
  };
}

function supervisedLauncher(opts: SystemOptions, supervisor: Supervisor): Launcher {
  return {
    start: async (name, instance, env, logFile) => {
      const gateway = name === 'gateway';
      // A gateway started again must come back even while a backend is missing: it waits only for its own
      // liveness, while its /health/ready names the missing backend.
      const readyPath = gateway ? '/health' : '/health/ready';
      const supervised = await supervisor.add(instance, gateway ? 'edge' : 'services', async (signal) => {
        const handle = await startService(name, env, logFile, {
          detached: opts.detached,
          signal,
          readyPath,
          readyTimeoutMs: opts.readyTimeoutMs,
        });
        return handle.process;
      });
      const port = Number(env[gateway ? 'PORT' : 'HEALTH_PORT']);
      return {
        name,
        port,
        url: `http://127.0.0.1:${port}`,
        supervised,
        get process() {
          return supervised.current;
        },
      };
    },
    stop: () => supervisor.stop(),
  };
}

/**
 * What one service needs of its own: entity-oplog its PostgreSQL; each cache replica a directory no
 * other replica shares, and its name in replication statistics (the instance's).
 */
function ownEnv(name: ServiceName, instance: string, opts: SystemOptions): Record<string, string> {
  if (name === 'entity-oplog') return { POSTGRES_URL: opts.postgresUrl };
  if (name === 'cache-replicator') return { CACHE_DIR: join(opts.dataDir, 'caches', instance), REPLICA_ID: instance };
  return {};
}

/** Starts the backends (in parallel), then the gateway. */
export async function startSystem(opts: SystemOptions): Promise<RunningSystem> {
  const common: Record<string, string> = {
    NATS_URL: opts.natsUrl,
    MONGODB_URI: opts.mongoUri,
    MONGODB_DB_PREFIX: opts.dbPrefix,
    LOG_LEVEL: opts.logLevel ?? 'info',
    DATA_DIR: opts.dataDir,
    // Target databases on this machine only, unless the caller says otherwise: a local system
    // should not reach into the network it runs in (services refuse every target when it is unset).
    TARGET_ALLOWED_HOSTS: process.env.TARGET_ALLOWED_HOSTS ?? LOCAL_TARGET_HOSTS,
    ...(opts.trustProxy ? { TRUST_PROXY: 'loopback' } : {}),
  };
  const envFor = (name: ServiceName, ports: Record<string, string>, instance: string = name): Record<string, string> => ({
    ...common,
    ...(opts.natsCredentialsDir ? natsLoginEnv(opts.natsCredentialsDir, name) : {}),
    ...ownEnv(name, instance, opts),
    ...ports,
    ...opts.env,
    ...opts.serviceEnv?.[name],
  });
  const logFile = (name: string): string => join(opts.logDir, `${name}.log`);
  const supervisor = opts.supervise instanceof Supervisor ? opts.supervise : opts.supervise && new Supervisor(opts.supervise);
  const launcher = supervisor ? supervisedLauncher(opts, supervisor) : plainLauncher(opts);

  const started: ServiceHandle[] = [];
  try {
    const backends = await Promise.allSettled(
      BACKEND_SERVICES.map(async (name) => {
        const port = opts.healthPorts?.[name] ?? (await freePort());
        started.push(await launcher.start(name, name, envFor(name, { HEALTH_PORT: String(port) }), logFile(name)));
      }),
    );
    const failed = backends.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;

    const gatewayPort = opts.gatewayPort ?? (await freePort());
    const gatewayEnv = envFor('gateway', { PORT: String(gatewayPort), HOST: opts.gatewayHost ?? '127.0.0.1' });
    started.push(await launcher.start('gateway', 'gateway', gatewayEnv, logFile('gateway')));
  } catch (error) {
    await launcher.stop();
    throw error;
  }

  const services = Object.fromEntries(started.map((s) => [s.name, s])) as Record<ServiceName, ServiceHandle>;
  return {
    services,
    gatewayUrl: services.gateway.url,
    apiUrl: `${services.gateway.url}${API_BASE_PATH}`,
    supervisor,
    addReplica: async (name) => {
      const instance = `${name}-${started.filter((s) => s.name === name).length + 1}`;
      const port = await freePort();
      const handle = await launcher.start(name, instance, envFor(name, { HEALTH_PORT: String(port) }, instance), logFile(instance));
      started.push(handle);
      return handle;
    },
    stop: () => launcher.stop(),
  };
}
