import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Streams } from '@ir/contracts';
import { IMPORT_DURABLE } from '../../apps/sync-executor/src/import/import.controller';
import { RUN_CONSUMER } from '../../apps/sync-executor/src/syncs/sync-settings';
import { CHART_DIR, CHART_VARIANTS_DIR, runHelmCheck, type HelmCheckRun } from '../infra/helm-check';
import { repoRoot } from '../infra/repo-root';
import { NODE_FLAGS, type ServiceName } from '../infra/services';

// The first run on a machine builds the checker (minutes) unless scripts/setup.sh already did.
jest.setTimeout(600_000);

type K8sObject = { kind: string; metadata: { name: string }; spec?: any; data?: Record<string, string> };

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
  const variants = readdirSync(CHART_VARIANTS_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => basename(f, '.yaml'));

  const find = (kind: string, name: string): K8sObject => {
    const found = defaults.find((o) => o.kind === kind && o.metadata.name === name);
    if (!found) throw new Error(`${kind}/${name} is not rendered`);
    return found;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ir-helm-chart-'));
    run = await runHelmCheck(['-chart', CHART_DIR, '-variants', CHART_VARIANTS_DIR, '-out', join(dir, 'rendered')]);
    if (run.exitCode === 0) {
      const manifest = readFileSync(join(dir, 'rendered', 'default.yaml'), 'utf8');
      defaults = parseAllDocuments(manifest)
        .map((doc) => doc.toJS() as K8sObject | null)
        .filter((o): o is K8sObject => o !== null);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes helm lint, the strict decode, the policy and the upgrade check in every variant', () => {
    if (run.exitCode !== 0) throw new Error(`deploy/helm/check found problems:\n${run.output}`);
    expect(variants).toEqual(expect.arrayContaining(['default', 'external', 'keda-off', 'hpa-on', 'existing-secrets']));
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
      const container = find('Deployment', `ir-index-registry-${name}`).spec.template.spec.containers[0];
      expect(container.command).toEqual(['node', '--enable-source-maps', ...flags, `dist/apps/${name}/src/main.js`]);
      expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
      expect(container.livenessProbe.httpGet.path).toBe('/health');
    }
  });

  it('gives NATS the max_payload of deploy/nats.conf', () => {
    const setting = (text: string) => /^max_payload:\s*(\S+)/m.exec(text)?.[1];
    const composeValue = setting(readFileSync(join(repoRoot, 'deploy', 'nats.conf'), 'utf8'));
    expect(composeValue).toBeDefined();
    expect(setting(find('ConfigMap', 'ir-index-registry-nats').data!['nats.conf'])).toBe(composeValue);
  });

  it("sets every variable of the README's Configuration table", () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
    const documented = [...table.matchAll(/^\| `([A-Z][A-Z0-9_]*)`/gm)].map((m) => m[1]);
    expect(documented.length).toBeGreaterThan(30);
    const set = new Set<string>();
    for (const o of defaults) {
      if (o.kind === 'ConfigMap') Object.keys(o.data ?? {}).forEach((key) => set.add(key));
      for (const c of o.kind === 'Deployment' ? o.spec.template.spec.containers : []) {
        for (const e of (c.env ?? []) as { name: string }[]) set.add(e.name);
      }
    }
    // DATA_DIR is the image's (/app/.data); with every key given, nothing is written there.
    expect(documented.filter((name) => !set.has(name) && name !== 'DATA_DIR')).toEqual([]);
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
