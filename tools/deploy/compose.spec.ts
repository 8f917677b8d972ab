// docker-compose.yml's closed bus, without Docker: its bus-init step run here, and its NATS command run on a
// real nats-server with the files bus-init made, its volumes mapped to directories.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, PermissionViolationError, type NatsConnection } from '@nats-io/transport-node';
import { parse } from 'yaml';
import { ServiceName, type BusUser } from '@ir/contracts';
import { NatsBus } from '@ir/messaging';
import { loadConfig, CommonConfig, natsLoginFrom } from '@ir/platform';
import { initBus } from '../infra/bus-init';
import { freePort } from '../infra/free-port';
import { ManagedProcess } from '../infra/process';
import { repoRoot } from '../infra/repo-root';

jest.setTimeout(60_000);

interface ComposeService {
  image?: string;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  deploy?: { replicas?: number };
  container_name?: string;
  depends_on?: Record<string, { condition: string }>;
}

const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};
/** The services compose runs from the image, by the entry point of their command. */
const running = Object.values(ServiceName).filter((name) =>
  Object.values(compose.services).some((s) => s.command?.includes(`dist/apps/${name}/src/main.js`)),
);

describe('docker-compose.yml', () => {
  it('runs two entity captures, as the Helm chart does: one holds the capture lease, the other stands by', () => {
    const capture = compose.services['entity-capture'];
    expect(capture.deploy?.replicas).toBe(2);
    expect(capture.container_name).toBeUndefined(); // a fixed name would stop compose from starting the second
  });

  it("runs PostgreSQL and the entity caches' three services: entity-oplog alone on PostgreSQL, the replica's caches on a volume", () => {
    expect(running).toEqual(expect.arrayContaining(['entity-oplog', 'entity-capture', 'cache-replicator']));
    expect(compose.services.postgres.image).toMatch(/^postgres:16/);
    expect(compose.volumes).toHaveProperty('postgres-data');
    const oplog = compose.services['entity-oplog'];
    expect(oplog.environment?.POSTGRES_URL).toMatch(/^postgres:\/\/postgres:[^@]+@postgres:5432\//);
    expect(oplog.depends_on?.postgres).toEqual({ condition: 'service_healthy' });
    expect(running.filter((name) => compose.services[name]?.environment?.POSTGRES_URL !== undefined)).toEqual(['entity-oplog']);
    const replica = compose.services['cache-replicator'];
    expect(replica.volumes).toContain(`entity-caches:${replica.environment?.CACHE_DIR}`);
    expect(replica.environment?.REPLICA_ID).toEqual(expect.any(String));
    expect(compose.volumes).toHaveProperty('entity-caches');
  });

  it('runs the services, each logging in as itself over TLS with the password of a volume of its own', () => {
    expect(running).toEqual(expect.arrayContaining(['gateway', 'auth', 'registry', 'comparator', 'sync-executor']));
    const init = compose.services['bus-init'];
    for (const name of running) {
      const service = compose.services[name];
      expect([name, service.environment]).toEqual([
        name,
        expect.objectContaining({
          NATS_URL: 'tls://nats:4222',
          NATS_PASSWORD_FILE: '/run/bus/password',
          NATS_TLS_CA_FILE: '/run/bus/ca.pem',
        }),
      ]);
      expect(service.environment?.NATS_USER ?? name).toBe(name);
      expect(service.volumes).toContain(`bus-${name}:/run/bus:ro`);
      expect(init.volumes).toContain(`bus-${name}:/bus/${name}`);
      // No other service's secrets: its one bus volume.
      expect(service.volumes?.filter((v) => v.startsWith('bus-'))).toEqual([`bus-${name}:/run/bus:ro`]);
    }
    expect(init.command).toEqual(['node', 'dist/tools/infra/bus-init.js', '/bus']);
    expect(compose.services.nats.volumes).toEqual(
      expect.arrayContaining([
        './deploy/nats.conf:/etc/nats/nats.conf:ro',
        './deploy/nats-authorization.conf:/etc/nats/nats-authorization.conf:ro',
      ]),
    );
  });

  describe('its NATS, on the files of its bus-init step', () => {
    let dir: string;
    let server: ManagedProcess;
    let port: number;
    const bus = (...path: string[]) => join(dir, 'bus', ...path);
    const login = (user: BusUser) =>
      readFileSync(user === 'reader' || user === 'admin' ? bus('operators', `${user}.password`) : bus(user, 'password'), 'utf8').trim();
    const tlsConnect = (user: BusUser) =>
      connect({ servers: `tls://localhost:${port}`, user, pass: login(user), tls: { caFile: bus('operators', 'ca.pem') }, timeout: 5000 });

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'ir-compose-nats-'));
      initBus(bus(), { hosts: ['nats', 'localhost'] });
      // Run again: it keeps what it made (a restart of the stack must not change any password).
      const first = login('gateway');
      initBus(bus(), { hosts: ['nats', 'localhost'] });
      expect(login('gateway')).toBe(first);

      port = await freePort();
      const monitor = await freePort();
      const nats = compose.services.nats;
      // Each mount of the nats container, as a directory here: the repository's files, bus-init's volume, a data directory.
      const mounts = (nats.volumes ?? []).map((volume) => {
        const [source, target] = volume.split(':');
        const local = source.startsWith('./')
          ? join(repoRoot, source)
          : source === 'bus-nats-server'
            ? bus('nats-server')
            : join(dir, source);
        return [target, local] as const;
      });
      // In one pass, longest mount first, so that no local path is mapped again.
      const byTarget = new Map(mounts);
      const targets = [...byTarget.keys()].sort((a, b) => b.length - a.length).map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      let script = nats.entrypoint!.at(-1)!.replace(new RegExp(targets.join('|'), 'g'), (target) => byTarget.get(target)!);
      // Only the addresses change: a free port on loopback instead of the container's 4222 and 8222.
      script = script.replace('-m 8222', `-m ${monitor} -a 127.0.0.1 -p ${port}`);
      expect(nats.entrypoint!.slice(0, 2)).toEqual(['sh', '-c']);
      server = ManagedProcess.spawn({ name: 'compose-nats', command: 'sh', args: ['-c', script], logFile: join(dir, 'nats.log') });
      await server.waitForHttpOk(`http://127.0.0.1:${monitor}/healthz?js-enabled-only=true`, 20_000);
    });

    afterAll(async () => {
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('keeps the secrets in files only their reader may read, and out of the process list', () => {
      for (const name of Object.values(ServiceName)) expect(statSync(bus(name, 'password')).mode & 0o777).toBe(0o400);
      expect(statSync(bus('nats-server', 'passwords.env')).mode & 0o777).toBe(0o600);
      const commandLine = readFileSync(`/proc/${server.pid}/cmdline`, 'utf8');
      expect(commandLine).toContain('nats-server');
      for (const user of ['gateway', 'reader', 'admin'] as const) expect(commandLine).not.toContain(login(user));
    });

    it('takes each service with its password over TLS, verified against the CA that bus-init made', async () => {
      for (const name of running) {
        const nc = await tlsConnect(name);
        expect(nc.info?.tls_required).toBe(true);
        await nc.close();
      }
      // As a service does it: from the environment compose gives it, its files where its volume is.
      const env = compose.services.registry.environment!;
      const config = loadConfig(CommonConfig, {
        NATS_URL: `tls://localhost:${port}`,
        NATS_PASSWORD_FILE: env.NATS_PASSWORD_FILE.replace('/run/bus', bus('registry')),
        NATS_TLS_CA_FILE: env.NATS_TLS_CA_FILE.replace('/run/bus', bus('registry')),
      });
      const registry = await NatsBus.connect({
        servers: config.NATS_URL,
        name: 'compose-registry',
        ...natsLoginFrom(config, 'registry', 'production'),
      });
      try {
        expect(registry.isConnected()).toBe(true);
        await expect(registry.jsm.streams.add({ name: 'REGISTRY_EVENTS', subjects: ['registry.evt.>'] })).resolves.toBeDefined();
      } finally {
        await registry.drain();
      }
    });

    it('refuses a client without TLS, without credentials, or with another user’s password', async () => {
      await expect(
        connect({ servers: `nats://localhost:${port}`, user: 'gateway', pass: login('gateway'), tls: null, timeout: 3000 }),
      ).rejects.toThrow();
      await expect(
        connect({ servers: `tls://localhost:${port}`, tls: { caFile: bus('operators', 'ca.pem') }, timeout: 3000 }),
      ).rejects.toThrow(/Authorization Violation/);
      await expect(
        connect({
          servers: `tls://localhost:${port}`,
          user: 'reader',
          pass: login('admin'),
          tls: { caFile: bus('operators', 'ca.pem') },
          timeout: 3000,
        }),
      ).rejects.toThrow(/Authorization Violation/);
    });

    it("applies the table's permissions: the reader may not listen on requests", async () => {
      const reader: NatsConnection = await tlsConnect('reader');
      try {
        const sub = reader.subscribe('registry.rpc.>');
        const ended = (async () => {
          for await (const _ of sub) return 'delivered';
          return 'ended';
        })().catch((error: unknown) => error);
        await reader.flush();
        expect(await ended).toBeInstanceOf(PermissionViolationError);
      } finally {
        await reader.close();
      }
    });
  });
});
