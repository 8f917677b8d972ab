import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port';
import { ManagedProcess } from './process';
import { repoRoot } from './repo-root';

export const BACKEND_SERVICES = ['auth', 'registry', 'comparator', 'sync-executor'] as const;
export type BackendService = (typeof BACKEND_SERVICES)[number];
export type ServiceName = 'gateway' | BackendService;

export const API_BASE_PATH = '/api/doctor-manager-api/v1';
const READY_TIMEOUT_MS = 60_000;

export interface ServiceHandle {
  name: ServiceName;
  process: ManagedProcess;
  /** The HTTP port serving /health (PORT for the gateway, HEALTH_PORT otherwise). */
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
}

/**
 * Node flags per service, beside --enable-source-maps. The comparator builds answers of tens of
 * thousands of objects (a compare of hundreds of collections); a larger young generation halves the
 * time it spends collecting them (measured with a CPU profile: 30 ms -> 15 ms per such compare).
 * docker-compose.yml and the Helm chart (deploy/helm/index-registry, checked by tools/deploy) start the services with the same flags.
 */
export const NODE_FLAGS: Record<ServiceName, readonly string[]> = {
  gateway: [],
  auth: [],
  registry: [],
  comparator: ['--max-semi-space-size=64'],
  'sync-executor': [],
};

export function serviceEntryPoint(name: ServiceName): string {
  return join(repoRoot, 'dist', 'apps', name, 'src', 'main.js');
}

/** Spawns one compiled service and resolves once /health/ready answers 200. */
export async function startService(
  name: ServiceName,
  env: Record<string, string>,
  logFile: string,
  options: { detached?: boolean } = {},
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
    env,
    logFile,
    cwd: repoRoot,
    detached: options.detached,
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await child.waitForHttpOk(`${url}/health/ready`, READY_TIMEOUT_MS);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { name, process: child, port, url };
}

export interface SystemOptions {
  natsUrl: string;
  mongoUri: string;
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
}

export interface RunningSystem {
  services: Record<ServiceName, ServiceHandle>;
  /** http://127.0.0.1:<gateway port> */
  gatewayUrl: string;
  /** gatewayUrl + API_BASE_PATH */
  apiUrl: string;
  /** Starts one more instance of a backend service (replicas share the same env), logging to `<name>-<n>.log`. */
  addReplica(name: BackendService): Promise<ServiceHandle>;
  /** Gateway first, so no request is accepted that the backends cannot serve. */
  stop(): Promise<void>;
}

/** Starts the four backends (in parallel), then the gateway. */
export async function startSystem(opts: SystemOptions): Promise<RunningSystem> {
  const common: Record<string, string> = {
    NATS_URL: opts.natsUrl,
    MONGODB_URI: opts.mongoUri,
    MONGODB_DB_PREFIX: opts.dbPrefix,
    LOG_LEVEL: opts.logLevel ?? 'info',
    DATA_DIR: opts.dataDir,
    ...(opts.trustProxy ? { TRUST_PROXY: 'loopback' } : {}),
  };
  const envFor = (name: ServiceName, ports: Record<string, string>): Record<string, string> => ({
    ...common,
    ...ports,
    ...opts.env,
    ...opts.serviceEnv?.[name],
  });
  const logFile = (name: ServiceName): string => join(opts.logDir, `${name}.log`);

  const started: ServiceHandle[] = [];
  const stopAll = async (): Promise<void> => {
    const gateway = started.filter((s) => s.name === 'gateway');
    await Promise.all(gateway.map((s) => s.process.stop()));
    await Promise.all(started.filter((s) => s.name !== 'gateway').map((s) => s.process.stop()));
  };

  try {
    const backends = await Promise.allSettled(
      BACKEND_SERVICES.map(async (name) => {
        const port = opts.healthPorts?.[name] ?? (await freePort());
        const handle = await startService(name, envFor(name, { HEALTH_PORT: String(port) }), logFile(name), opts);
        started.push(handle);
        return handle;
      }),
    );
    const failed = backends.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;

    const gatewayPort = opts.gatewayPort ?? (await freePort());
    const gatewayEnv = envFor('gateway', { PORT: String(gatewayPort), HOST: opts.gatewayHost ?? '127.0.0.1' });
    started.push(await startService('gateway', gatewayEnv, logFile('gateway'), opts));
  } catch (error) {
    await stopAll();
    throw error;
  }

  const services = Object.fromEntries(started.map((s) => [s.name, s])) as Record<ServiceName, ServiceHandle>;
  return {
    services,
    gatewayUrl: services.gateway.url,
    apiUrl: `${services.gateway.url}${API_BASE_PATH}`,
    addReplica: async (name) => {
      const replica = started.filter((s) => s.name === name).length + 1;
      const port = await freePort();
      const handle = await startService(
        name,
        envFor(name, { HEALTH_PORT: String(port) }),
        join(opts.logDir, `${name}-${replica}.log`),
        opts,
      );
      started.push(handle);
      return handle;
    },
    stop: stopAll,
  };
}
