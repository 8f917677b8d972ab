import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { AckPolicy, jetstreamManager, RetentionPolicy, type JetStreamManager } from '@nats-io/jetstream';
import { AuthorizationError, connect, PermissionViolationError, type NatsConnection } from '@nats-io/transport-node';
import { parseAllDocuments } from 'yaml';
import { BUS_USERS, inboxPrefixOf, passwordVariableOf, Streams, type BusUser } from '@ir/contracts';
import { IMPORT_DURABLE } from '../../apps/sync-executor/src/import/import.controller';
import { RUN_CONSUMER } from '../../apps/sync-executor/src/syncs/sync-settings';
import { freePort } from '../infra/free-port';
import { CHART_DIR, CHART_VARIANTS_DIR, runHelmCheck, type HelmCheckRun } from '../infra/helm-check';
import { ALERT_RULES_FILE, DASHBOARD_FILE } from '../infra/monitoring-check';
import { ManagedProcess } from '../infra/process';
import { repoRoot } from '../infra/repo-root';
import { NODE_FLAGS, type ServiceName } from '../infra/services';

// The first run on a machine builds the checker (minutes) unless scripts/setup.sh already did.
jest.setTimeout(600_000);

type K8sObject = { kind: string; metadata: { name: string }; spec?: any; data?: Record<string, string> };

/** The services that run as Deployments, by the chart's entry points. */
const NODE_FLAGS_SERVICES = Object.keys(NODE_FLAGS) as (keyof typeof NODE_FLAGS)[];

/** The cache replicas keep a volume each: a StatefulSet; every other service is a Deployment. */
const workloadKind = (name: ServiceName): 'Deployment' | 'StatefulSet' => (name === 'cache-replicator' ? 'StatefulSet' : 'Deployment');

/** Problems the checker printed for one variant or manifest, without the name prefix. */
function problemsOf(run: HelmCheckRun, name: string): string[] {
  return run.output
    .split('\n')
    .filter((line) => line.startsWith(`${name}: `))
    .map((line) => line.slice(name.length + 2));
}

describe('Helm chart deploy/helm/index-registry', () => {
  let dir: string;
  let run: HelmCheckRun;
  let defaults: K8sObject[];
  /** The entity-caches variant: the default values with the entity caches' three services on. */
  let withEntityCaches: K8sObject[];
  const variants = readdirSync(CHART_VARIANTS_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => basename(f, '.yaml'));

  const findRendered = (kind: string, name: string, objects: K8sObject[]): K8sObject => {
    const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!found) throw new Error(`${kind}/${name} is not rendered`);
    return found;
  };
  const find = (kind: string, name: string, objects: K8sObject[] = defaults): K8sObject => findRendered(kind, name, objects);
  const rendered = (variant: string): K8sObject[] =>
    parseAllDocuments(readFileSync(join(dir, 'rendered', `${variant}.yaml`), 'utf8'))
      .map((doc) => doc.toJS() as K8sObject | null)
      .filter((o): o is K8sObject => o !== null);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ir-helm-chart-'));
    run = await runHelmCheck(['-chart', CHART_DIR, '-variants', CHART_VARIANTS_DIR, '-out', join(dir, 'rendered')]);
    if (run.exitCode === 0) {
      defaults = rendered('default');
      withEntityCaches = rendered('entity-caches');
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes helm lint, the strict decode, the policy and the upgrade check in every variant', () => {
    if (run.exitCode !== 0) throw new Error(`deploy/helm/check found problems:\n${run.output}`);
    expect(variants).toEqual(
      expect.arrayContaining([
        'default',
        'external',
        'keda-off',
        'hpa-on',
        'existing-secrets',
        'entity-caches',
        'entity-caches-postgresql',
      ]),
    );
    expect(run.output).toContain('ok helm lint: no warnings');
    for (const variant of variants) expect(run.output).toMatch(new RegExp(`^ok ${variant}: \\d+ objects$`, 'm'));
  });

  it('scales the sync-executor on the stream and durable consumers the executor uses', () => {
    const scaled = find('ScaledObject', 'ir-index-registry-sync-executor');
    expect(scaled.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'ir-index-registry-sync-executor' });
    const triggers = scaled.spec.triggers as { type: string; metadata: Record<string, string> }[];
    expect(triggers.map((t) => t.type)).toEqual(['nats-jetstream', 'nats-jetstream']);
    expect(new Set(triggers.map((t) => t.metadata.stream))).toEqual(new Set([Streams.syncCommands.name]));
    expect(triggers.map((t) => t.metadata.consumer).sort()).toEqual([IMPORT_DURABLE, RUN_CONSUMER].sort());
    const executorConfig = find('ConfigMap', 'ir-index-registry-sync-executor-config');
    for (const t of triggers) expect(t.metadata.lagThreshold).toBe(executorConfig.data!.JOB_CONCURRENCY);
    expect(find('Deployment', 'ir-index-registry-sync-executor').spec.replicas).toBeUndefined();
  });

  it('starts each service with the entry point and Node flags of tools/infra/services.ts', () => {
    for (const [name, flags] of Object.entries(NODE_FLAGS) as [ServiceName, readonly string[]][]) {
      const container = find(workloadKind(name), `ir-index-registry-${name}`, withEntityCaches).spec.template.spec.containers[0];
      expect(container.command).toEqual(['node', '--enable-source-maps', ...flags, `dist/apps/${name}/src/main.js`]);
      // The gateway is ready when it can serve (its own NATS connection); a backend, when its dependencies are up.
      expect(container.readinessProbe.httpGet.path).toBe(name === 'gateway' ? '/health/instance' : '/health/ready');
      expect(container.livenessProbe.httpGet.path).toBe('/health');
    }
  });

  it('renders the entity caches only when enabled, the cache replicas as a StatefulSet with a volume per pod at CACHE_DIR and its name as REPLICA_ID', () => {
    for (const name of ['entity-oplog', 'entity-capture', 'cache-replicator'])
      expect(defaults.filter((o) => o.metadata.name === `ir-index-registry-${name}`)).toEqual([]);
    const find = (kind: string, name: string) => findRendered(kind, name, withEntityCaches);
    const replicas = find('StatefulSet', 'ir-index-registry-cache-replicator');
    expect(replicas.spec.volumeClaimTemplates.map((claim: { metadata: { name: string } }) => claim.metadata.name)).toEqual(['caches']);
    const container = replicas.spec.template.spec.containers[0];
    expect(container.volumeMounts).toEqual(expect.arrayContaining([{ name: 'caches', mountPath: '/caches' }]));
    expect(container.env).toEqual(
      expect.arrayContaining([
        { name: 'CACHE_DIR', value: '/caches' },
        { name: 'REPLICA_ID', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      ]),
    );
    expect(find('Service', 'ir-index-registry-cache-replicator').spec.clusterIP).toBe('None');
    // entity-oplog takes POSTGRES_URL from the chart's Secret, which holds the one given.
    const secret = find('Secret', 'ir-index-registry-secrets');
    expect(Buffer.from(secret.data!.POSTGRES_URL, 'base64').toString()).toMatch(/^postgres:\/\//);
    const oplog = find('Deployment', 'ir-index-registry-entity-oplog').spec.template.spec.containers[0];
    expect(oplog.env).toEqual(
      expect.arrayContaining([
        { name: 'POSTGRES_URL', valueFrom: { secretKeyRef: { name: 'ir-index-registry-secrets', key: 'POSTGRES_URL' } } },
      ]),
    );
  });

  it("runs the entity caches' PostgreSQL when no URL is given: StatefulSet, Service, Secret, volume, probes; none with a URL", () => {
    const objects = rendered('entity-caches-postgresql');
    const find = (kind: string, name: string) => findRendered(kind, name, objects);
    const server = find('StatefulSet', 'ir-index-registry-postgresql');
    expect(server.spec.replicas).toBe(1);
    expect(server.spec.volumeClaimTemplates.map((claim: { metadata: { name: string } }) => claim.metadata.name)).toEqual(['data']);
    const pod = server.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999 });
    const container = pod.containers[0];
    expect(container.image).toBe('postgres:16');
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(container.resources.limits).toBeDefined();
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) expect(container[probe]).toBeDefined();
    expect(container.readinessProbe.exec.command[0]).toBe('pg_isready');
    expect(container.volumeMounts).toEqual(expect.arrayContaining([{ name: 'data', mountPath: '/var/lib/postgresql/data' }]));
    expect(container.env).toEqual(
      expect.arrayContaining([
        { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'ir-index-registry-postgresql', key: 'password' } } },
      ]),
    );
    expect(find('Service', 'ir-index-registry-postgresql').spec.ports).toEqual([
      { name: 'postgresql', port: 5432, targetPort: 'postgresql' },
    ]);
    expect(Buffer.from(find('Secret', 'ir-index-registry-postgresql').data!.password, 'base64').toString()).toMatch(/^[A-Za-z0-9]{32}$/);
    // entity-oplog connects to it with that password; the chart's own Secret holds no URL then.
    const oplog = find('Deployment', 'ir-index-registry-entity-oplog').spec.template.spec.containers[0];
    expect(oplog.env).toEqual(
      expect.arrayContaining([
        { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'ir-index-registry-postgresql', key: 'password' } } },
        { name: 'POSTGRES_URL', value: 'postgres://entities:$(POSTGRES_PASSWORD)@ir-index-registry-postgresql:5432/entities' },
      ]),
    );
    expect(find('Secret', 'ir-index-registry-secrets').data!.POSTGRES_URL).toBeUndefined();
    // A URL given (the entity-caches variant), or the caches off (the default): no PostgreSQL of the chart's.
    for (const others of [withEntityCaches, defaults])
      expect(others.filter((o) => o.metadata.name === 'ir-index-registry-postgresql')).toEqual([]);
  });

  it('gives NATS the max_payload of deploy/nats.conf', () => {
    const setting = (text: string) => /^max_payload:\s*(\S+)/m.exec(text)?.[1];
    const composeValue = setting(readFileSync(join(repoRoot, 'deploy', 'nats.conf'), 'utf8'));
    expect(composeValue).toBeDefined();
    expect(setting(find('ConfigMap', 'ir-index-registry-nats').data!['nats.conf'])).toBe(composeValue);
  });

  it("ships the alert rules and the Grafana dashboard of deploy/ as ConfigMaps, the dashboard for Grafana's sidecar", () => {
    const rules = find('ConfigMap', 'ir-index-registry-alert-rules');
    expect(rules.data).toEqual({ 'index-registry-alerts.yaml': readFileSync(ALERT_RULES_FILE, 'utf8').trimEnd() });
    const dashboard = find('ConfigMap', 'ir-index-registry-grafana-dashboard') as K8sObject & {
      metadata: { labels: Record<string, string> };
    };
    expect(dashboard.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
    expect(JSON.parse(dashboard.data!['index-registry.json'])).toEqual(JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')));
  });

  it("sets every variable of the README's Configuration table", () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
    const documented = [...table.matchAll(/^\| `([A-Z][A-Z0-9_]*)`/gm)].map((m) => m[1]);
    expect(documented.length).toBeGreaterThan(30);
    const set = new Set<string>();
    for (const o of withEntityCaches) {
      if (o.kind === 'ConfigMap') Object.keys(o.data ?? {}).forEach((key) => set.add(key));
      for (const c of o.kind === 'Deployment' || o.kind === 'StatefulSet' ? o.spec.template.spec.containers : []) {
        for (const e of (c.env ?? []) as { name: string }[]) set.add(e.name);
      }
    }
    // DATA_DIR is the image's (/app/.data); with every key given, nothing is written there.
    expect(documented.filter((name) => !set.has(name) && name !== 'DATA_DIR')).toEqual([]);
  });

  describe("the chart's NATS configuration on three real nats-servers", () => {
    const pods = ['ir-index-registry-nats-0', 'ir-index-registry-nats-1', 'ir-index-registry-nats-2'];
    const servers: ManagedProcess[] = [];
    let nc: NatsConnection;
    let jsm: JetStreamManager;
    let monitorUrl: string;
    /** Each server's client address, `tls://localhost:<port>`. */
    let clientUrls: string[];
    /** The rendered users' Secret, decoded: what the pods' environment and files get. */
    let passwords: Record<string, string>;
    let caFile: string;
    const decoded = (secret: K8sObject, key: string) => Buffer.from(secret.data![key], 'base64').toString('utf8');
    /** Connects as `user` over TLS, verifying the servers against the rendered CA, as the services do. */
    const connectAs = (user: BusUser, password = passwords[user], server = 0) =>
      connect({ servers: clientUrls[server], user, pass: password, inboxPrefix: inboxPrefixOf(user), tls: { caFile }, timeout: 5000 });

    beforeAll(async () => {
      const usersSecret = find('Secret', 'ir-index-registry-nats-users');
      passwords = Object.fromEntries(Object.keys(usersSecret.data!).map((user) => [user, decoded(usersSecret, user)]));
      const tlsSecret = find('Secret', 'ir-index-registry-nats-tls');
      const tlsDir = join(dir, 'nats-tls');
      mkdirSync(tlsDir, { recursive: true });
      for (const key of ['tls.crt', 'tls.key', 'ca.crt']) writeFileSync(join(tlsDir, key), decoded(tlsSecret, key), { mode: 0o600 });
      caFile = join(tlsDir, 'ca.crt');
      const conf = find('ConfigMap', 'ir-index-registry-nats').data!['nats.conf'];
      const ports = await Promise.all(
        pods.map(async () => ({ client: await freePort(), monitor: await freePort(), route: await freePort() })),
      );
      // Only addresses and paths change: the pods' DNS names become loopback ports.
      const local = (i: number): string =>
        conf
          .replace(/^listen: 0\.0\.0\.0:4222$/m, `listen: 127.0.0.1:${ports[i].client}`)
          .replace(/^http: 0\.0\.0\.0:8222$/m, `http: 127.0.0.1:${ports[i].monitor}`)
          .replace(/^pid_file: .*$/m, `pid_file: ${join(dir, pods[i], 'nats.pid')}`)
          .replace(/^ {2}store_dir: \/data$/m, `  store_dir: ${join(dir, pods[i], 'jetstream')}`)
          .replace(/\/etc\/nats-tls\//g, `${tlsDir}/`)
          .replace(/^ {2}listen: 0\.0\.0\.0:6222$/m, `  listen: 127.0.0.1:${ports[i].route}`)
          .replace(/nats:\/\/ir-index-registry-nats-(\d)\.\S+:6222/g, (_, n: string) => `nats://127.0.0.1:${ports[Number(n)].route}`);
      for (const [i, pod] of pods.entries()) {
        const text = local(i);
        expect(text).not.toMatch(/0\.0\.0\.0|svc\.cluster\.local|\/data\b|\/var\/run|\/etc\//);
        mkdirSync(join(dir, pod), { recursive: true });
        writeFileSync(join(dir, pod, 'nats.conf'), text);
        servers.push(
          ManagedProcess.spawn({
            name: pod,
            command: 'nats-server',
            args: ['-c', join(dir, pod, 'nats.conf')],
            // The pod's environment: its name, and every user's password from the users' Secret.
            env: { POD_NAME: pod, ...natsPodPasswordEnv() },
            logFile: join(dir, pod, 'nats.log'),
          }),
        );
      }
      await Promise.all(
        servers.map((s, i) => s.waitForHttpOk(`http://127.0.0.1:${ports[i].monitor}/healthz?js-enabled-only=true`, 30_000)),
      );
      monitorUrl = `http://127.0.0.1:${ports[0].monitor}`;
      // Healthy servers may not have elected a meta leader yet; JetStream requests wait for one.
      const deadline = Date.now() + 30_000;
      const metaLeader = async () =>
        ((await (await fetch(`${monitorUrl}/jsz`)).json()) as { meta_cluster?: { leader?: string } }).meta_cluster?.leader;
      while (!(await metaLeader())) {
        if (Date.now() > deadline) throw new Error(`no JetStream meta leader after 30 s; logs in ${dir}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      // localhost: a name the rendered certificate holds (as kubectl port-forward would use).
      clientUrls = ports.map((p) => `tls://localhost:${p.client}`);
      nc = await connectAs('admin');
      jsm = await jetstreamManager(nc, { timeout: 5000 });
    });

    /** The NATS pods' password variables, as the StatefulSet takes them from the users' Secret. */
    function natsPodPasswordEnv(): Record<string, string> {
      const container = find('StatefulSet', 'ir-index-registry-nats').spec.template.spec.containers[0];
      const env: Record<string, string> = {};
      for (const e of container.env as { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[]) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref) env[e.name] = decoded(find('Secret', ref.name), ref.key);
      }
      return env;
    }
    afterAll(async () => {
      await nc?.close();
      await Promise.all(servers.map((s) => s.stop()));
    });

    it('forms one JetStream cluster that keeps a stream on all three servers, named as their pods', async () => {
      await jsm.streams.add({
        name: Streams.syncCommands.name,
        subjects: ['sync.cmd.>'],
        retention: RetentionPolicy.Workqueue,
        num_replicas: 3,
      });
      const { cluster } = await jsm.streams.info(Streams.syncCommands.name);
      expect([cluster?.leader, ...(cluster?.replicas ?? []).map((r) => r.name)].sort()).toEqual(pods);

      // KEDA finds a consumer's lag on its leader, which /jsz names by server name: the pod's.
      await jsm.consumers.add(Streams.syncCommands.name, { durable_name: RUN_CONSUMER, ack_policy: AckPolicy.Explicit });
      const jsz = (await (await fetch(`${monitorUrl}/jsz?acc=$G&consumers=true&config=true`)).json()) as {
        account_details: { stream_detail: { name: string; consumer_detail?: { name: string; cluster?: { leader?: string } }[] }[] }[];
      };
      const consumer = jsz.account_details[0].stream_detail
        .find((stream) => stream.name === Streams.syncCommands.name)
        ?.consumer_detail?.find((c) => c.name === RUN_CONSUMER);
      expect(pods).toContain(consumer?.cluster?.leader);
    });

    it('gives every user of the table a password, and each service the one of its own user with the NATS CA', () => {
      expect(Object.keys(passwords).sort()).toEqual([...BUS_USERS].sort());
      expect(Object.keys(natsPodPasswordEnv()).sort()).toEqual(BUS_USERS.map(passwordVariableOf).sort());
      for (const name of NODE_FLAGS_SERVICES) {
        const pod = find(workloadKind(name), `ir-index-registry-${name}`, withEntityCaches).spec.template.spec;
        const env = Object.fromEntries((pod.containers[0].env as { name: string; value?: string }[]).map((e) => [e.name, e.value]));
        expect([name, env.NATS_USER, env.NATS_PASSWORD_FILE, env.NATS_TLS_CA_FILE]).toEqual([
          name,
          name,
          '/etc/nats-login/password',
          '/etc/nats-ca/ca.crt',
        ]);
        const login = (pod.volumes as { name: string; secret?: { secretName: string; items: { key: string; path: string }[] } }[]).find(
          (v) => v.name === 'nats-login',
        );
        expect(login?.secret).toMatchObject({ secretName: 'ir-index-registry-nats-users', items: [{ key: name, path: 'password' }] });
      }
      expect(find('ConfigMap', 'ir-index-registry-config').data!.NATS_URL).toBe('tls://ir-index-registry-nats:4222');
    });

    it('lets each service log in over TLS, and refuses a client without TLS, without a user or with a wrong password', async () => {
      for (const name of NODE_FLAGS_SERVICES) await (await connectAs(name)).close();
      const plain = clientUrls[0].replace('tls://localhost', 'nats://127.0.0.1');
      await expect(connect({ servers: plain, user: 'gateway', pass: passwords.gateway, tls: null, timeout: 3000 })).rejects.toThrow();
      await expect(connect({ servers: clientUrls[0], tls: { caFile }, timeout: 3000 })).rejects.toBeInstanceOf(AuthorizationError);
      await expect(connectAs('reader', passwords.admin)).rejects.toBeInstanceOf(AuthorizationError);
    });

    it("applies the table's permissions on every server: the owner answers its requests, the reader only reads", async () => {
      const refusedSubscription = async (client: NatsConnection, subject: string) => {
        const sub = client.subscribe(subject);
        const ended = (async () => {
          for await (const _ of sub) return 'delivered';
          return 'ended';
        })().catch((error: unknown) => error);
        await client.flush();
        return ended;
      };
      // On three different servers: a request crosses the cluster's routes to the owner.
      const registry = await connectAs('registry', passwords.registry, 1);
      const comparator = await connectAs('comparator', passwords.comparator, 0);
      const reader = await connectAs('reader', passwords.reader, 2);
      try {
        registry.subscribe('registry.rpc.>', { queue: 'registry', callback: (_e, msg) => void msg.respond('{"ok":true,"data":{}}') });
        await registry.flush();
        const answer = await comparator.request('registry.rpc.database.list', '{}', { timeout: 5000 });
        expect(answer.string()).toBe('{"ok":true,"data":{}}');
        expect(await refusedSubscription(comparator, 'registry.rpc.>')).toBeInstanceOf(PermissionViolationError);
        expect(await refusedSubscription(reader, '>')).toBeInstanceOf(PermissionViolationError);
        const refusal = await reader.request('sync.cmd.database.run', '{}', { timeout: 3000 }).catch((error: unknown) => error);
        expect((refusal as Error).cause).toBeInstanceOf(PermissionViolationError);
        const readerJsm = await jetstreamManager(reader, { timeout: 5000 });
        expect(((await readerJsm.streams.info(Streams.syncCommands.name).catch((error: unknown) => error)) as Error).cause).toBeInstanceOf(
          PermissionViolationError,
        );
      } finally {
        await Promise.all([registry.close(), comparator.close(), reader.close()]);
      }
    });
  });

  describe('catches what is wrong', () => {
    let broken: HelmCheckRun;
    const write = (name: string, text: string) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };

    beforeAll(async () => {
      // Existing Secrets: no key to generate, so these renders are quick.
      const noKeys = 'secrets: { existingSecret: keys }\nmongodb: { auth: { existingSecret: mongo-keys } }\n';
      const misspeltEnv = write(
        'misspelt-env.yaml',
        `${noKeys}services:\n  registry:\n    extraEnv:\n      - { name: TARGET_POOL_IDLE, valu: 10m }\n`,
      );
      const misspeltValue = write('misspelt-value.yaml', `${noKeys}nats:\n  extrnal:\n    url: nats://nats:4222\n`);
      const manifest = write(
        'bad-manifest.yaml',
        [
          'apiVersion: apps/v1',
          'kind: Deployment',
          'metadata: { name: web }',
          'spec:',
          '  selector: { matchLabels: { app: web } }',
          '  template:',
          '    metadata: { labels: { app: web } }',
          '    spec:',
          '      containers:',
          '        - name: web',
          '          image: nginx:latest',
          '          ports: [{ name: http, containerPort: 80 }]',
          '          readinessProbe: { httpGet: { path: /, port: metrics } }',
          '          resources: { requests: { cpu: 10m, memory: 16Mi } }',
          '---',
          'apiVersion: v1',
          'kind: Service',
          'metadata: { name: web }',
          'spec:',
          '  selector: { app: web }',
          '  ports: [{ port: 80, targetPrt: http }]',
        ].join('\n'),
      );
      broken = await runHelmCheck(['-chart', CHART_DIR, '-values', misspeltEnv, '-values', misspeltValue, '-manifest', manifest]);
    });

    it('fails the run', () => expect(broken.exitCode).toBe(1));

    it('a misspelt field that a values override puts into a rendered object', () => {
      expect(problemsOf(broken, 'misspelt-env')).toEqual(
        expect.arrayContaining([expect.stringMatching(/Deployment\/ir-index-registry-registry.*unknown field.*valu/)]),
      );
    });

    it('a misspelt values key, through the values schema', () => {
      expect(problemsOf(broken, 'misspelt-value').join('\n')).toContain("additional properties 'extrnal' not allowed");
    });

    it('a misspelt field in a manifest, and every policy the Deployment breaks', () => {
      const problems = problemsOf(broken, 'bad-manifest.yaml');
      expect(problems).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/Service\/web.*unknown field "spec.ports\[0\].targetPrt"/),
          'Deployment/web: has no PodDisruptionBudget selecting its pods',
          'Deployment/web: pod securityContext.runAsNonRoot must be true',
          'Deployment/web container web: image "nginx:latest" uses the tag latest',
          'Deployment/web container web: no cpu limit',
          'Deployment/web container web: no memory limit',
          'Deployment/web container web: no livenessProbe',
          'Deployment/web container web: no startupProbe',
          'Deployment/web container web: readinessProbe targets port metrics, which the container does not declare',
          'Deployment/web container web: no securityContext',
        ]),
      );
    });
  });
});
