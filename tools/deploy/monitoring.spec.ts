// The alert rules (deploy/prometheus/alerts.yaml) and the Grafana dashboard (deploy/grafana/index-registry.json):
// loaded by Prometheus's own rule loader and PromQL parser (deploy/prometheus/check), and every metric
// they name defined by the services' code. test/metrics.e2e-spec.ts checks the same names in live scrapes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metricsRegistry, startDefaultMetrics } from '@ir/platform';
import '@ir/messaging';
import '@ir/target-pool';
import '../../apps/comparator/src/metrics/fleet-drift-metrics';
import '../../apps/comparator/src/metrics/scan-metrics';
import '../../apps/gateway/src/http/request-context.middleware';
import '../../apps/sync-executor/src/syncs/sync-metrics';
import { CHART_DIR } from '../infra/helm-check';
import {
  ALERT_RULES_FILE,
  DASHBOARD_FILE,
  exportedNameOf,
  runMonitoringCheck,
  SCRAPE_SERIES,
  type MonitoringReport,
} from '../infra/monitoring-check';

// The first run on a machine builds the checker (about a minute) unless scripts/setup.sh already did.
jest.setTimeout(300_000);

describe('alert rules and dashboard', () => {
  let report: MonitoringReport;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ir-monitoring-'));
    report = await runMonitoringCheck();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('load in Prometheus and parse as PromQL, with the policy kept (severity, summary, description, for)', () => {
    expect(report.problems).toEqual([]);
    expect(report.exitCode).toBe(0);
  });

  it('name only metrics that the services define', async () => {
    startDefaultMetrics('monitoring-spec');
    const defined = new Set((await metricsRegistry.getMetricsAsJSON()).map((m) => m.name));
    const named = Object.keys(report.metrics).filter((name) => !SCRAPE_SERIES.has(name));
    expect(named.filter((name) => !exportedNameOf(name, defined))).toEqual([]);
    // The metrics are all queried somewhere.
    expect(named).toEqual(
      expect.arrayContaining([
        'index_registry_drift_missing_indexes',
        'index_registry_drift_redundant_indexes',
        'index_registry_drift_different_indexes',
        'index_registry_drift_last_compare_timestamp_seconds',
        'index_registry_compare_duration_seconds_bucket',
        'index_registry_scan_duration_seconds_bucket',
        'index_registry_scan_lag_seconds',
        'index_registry_sync_outcomes_total',
        'index_registry_sync_step_duration_seconds_bucket',
        'index_registry_sync_queue_pending',
        'index_registry_http_request_duration_seconds_bucket',
        'index_registry_bus_request_duration_seconds_bucket',
      ]),
    );
    // The product's own metrics all carry its prefix; Node's defaults keep the names every Node dashboard expects.
    expect([...defined].filter((name) => !/^(index_registry_|process_|nodejs_)/.test(name))).toEqual([]);
  });

  it('are the files that the Helm chart ships (its files/ cannot reach outside the chart)', () => {
    expect(readFileSync(join(CHART_DIR, 'files', 'alerts.yaml'), 'utf8')).toBe(readFileSync(ALERT_RULES_FILE, 'utf8'));
    expect(readFileSync(join(CHART_DIR, 'files', 'grafana-dashboard.json'), 'utf8')).toBe(readFileSync(DASHBOARD_FILE, 'utf8'));
  });

  it('the alerts cover drift, scans, syncs and services', () => {
    const alerts = new Set(
      Object.values(report.metrics).flatMap((where) => where.filter((w) => w.includes(' alert ')).map((w) => w.split(' ')[2])),
    );
    expect([...alerts]).toEqual(
      expect.arrayContaining([
        'IndexRegistryDriftPersists',
        'IndexRegistryScansFallingBehind',
        'IndexRegistrySyncsFailing',
        'IndexRegistryServiceDown',
      ]),
    );
  });

  it('reports a rule that Prometheus would refuse, and one outside the policy, each by name', async () => {
    const rules = join(dir, 'broken-rules.yaml');
    writeFileSync(
      rules,
      [
        'groups:',
        '  - name: broken',
        '    rules:',
        '      - alert: BadExpression',
        '        expr: sum(rate(index_registry_sync_outcomes_total[5m]) > ',
        '        for: 5m',
        '        labels: { severity: warning }',
        '        annotations: { summary: s, description: d }',
        '      - alert: NoPolicy',
        '        expr: index_registry_scan_lag_seconds > 1',
        '',
      ].join('\n'),
    );
    const broken = await runMonitoringCheck({ rules });
    expect(broken.exitCode).toBe(1);
    expect(broken.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/"BadExpression": could not parse expression: .*unclosed left parenthesis/),
        expect.stringMatching(/NoPolicy: label severity/),
        expect.stringMatching(/NoPolicy: annotation summary is missing/),
        expect.stringMatching(/NoPolicy: no `for`/),
      ]),
    );
  });

  it('reports a dashboard query that does not parse, an undeclared variable and a fixed datasource', async () => {
    const board = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as {
      panels: { title: string; targets?: { expr: string; datasource?: { uid: string } }[] }[];
    };
    const [first, second, third] = board.panels.filter((p) => p.targets?.length);
    first.targets![0].expr = 'sum(index_registry_drift_missing_indexes';
    second.targets![0].expr = 'index_registry_drift_missing_indexes{project_id=~"$team"}';
    third.targets![0].datasource = { uid: 'P1809F7CD0C75ACF3' };
    const dashboard = join(dir, 'broken-dashboard.json');
    writeFileSync(dashboard, JSON.stringify(board));
    const broken = await runMonitoringCheck({ dashboard });
    expect(broken.exitCode).toBe(1);
    expect(broken.problems).toEqual([
      expect.stringContaining(`panel "${first.title}" query A: `),
      expect.stringContaining(`panel "${second.title}" query A: variable $team is not declared`),
      expect.stringContaining(`panel "${third.title}" query A: datasource uid "P1809F7CD0C75ACF3" is fixed`),
    ]);
  });
});
