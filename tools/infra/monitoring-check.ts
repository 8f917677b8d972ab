import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { ensureGoBinary, type GoProgram } from './go-binary';
import { repoRoot } from './repo-root';

export const ALERT_RULES_FILE = join(repoRoot, 'deploy', 'prometheus', 'alerts.yaml');
export const DASHBOARD_FILE = join(repoRoot, 'deploy', 'grafana', 'index-registry.json');

/**
 * deploy/prometheus/check: loads the alert rules with Prometheus's rule loader and parses the
 * dashboard's queries with its PromQL parser (see its main.go). A module of its own rather than a
 * mode of the Helm checker: in that module, Prometheus would move the versions of the modules they
 * share (client_golang, common) under Helm and rebuild its minutes; alone it builds in about a minute.
 */
const MONITORING_CHECK: GoProgram = {
  name: 'monitoring-check',
  sourceDir: join(repoRoot, 'deploy', 'prometheus', 'check'),
  firstBuildTakes: 'about a minute: Prometheus rule loader and PromQL parser',
  goVersion: '1.26',
  neededFor: 'the alert rules and dashboard checker (deploy/prometheus/check)',
};

export function ensureMonitoringCheckBinary(): Promise<string> {
  return ensureGoBinary(MONITORING_CHECK);
}

/** What the checker reports: its problems (one line each) and, per metric named, the rules and panels naming it. */
export interface MonitoringReport {
  readonly exitCode: number;
  readonly problems: string[];
  readonly metrics: Record<string, string[]>;
}

/** Longer than any honest run (well under a second). */
const RUN_TIMEOUT_MS = 60_000;

/** Checks these files (by default the project's rules and dashboard), building the checker first if needed. */
export async function runMonitoringCheck(
  files: { rules?: string; dashboard?: string } = { rules: ALERT_RULES_FILE, dashboard: DASHBOARD_FILE },
): Promise<MonitoringReport> {
  const binary = await ensureMonitoringCheckBinary();
  const args = [...(files.rules ? ['-rules', files.rules] : []), ...(files.dashboard ? ['-dashboard', files.dashboard] : [])];
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: RUN_TIMEOUT_MS }, (error, stdout, stderr) => {
      const exitCode = error ? error.code : 0;
      if (exitCode !== 0 && exitCode !== 1) {
        return reject(new Error(`${binary} could not check (${String(exitCode ?? error?.signal)}):\n${stderr}`));
      }
      const report = JSON.parse(stdout) as { problems: string[]; metrics: Record<string, string[]> };
      resolve({ exitCode, ...report });
    });
  });
}

/**
 * The series a metric name stands for in a scrape: a histogram `x` is exported as `x_bucket`,
 * `x_sum` and `x_count`; a counter's samples end in `_total` like its name.
 */
export function exportedNameOf(queried: string, exported: ReadonlySet<string>): string | undefined {
  if (exported.has(queried)) return queried;
  const base = queried.replace(/_(bucket|sum|count)$/, '');
  return base !== queried && exported.has(base) ? base : undefined;
}

/** Series that Prometheus makes itself for every target: not exported by a service. */
export const SCRAPE_SERIES: ReadonlySet<string> = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);
