import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { ensureGoBinary, type GoProgram } from './go-binary';
import { repoRoot } from './repo-root';

export const CHART_DIR = join(repoRoot, 'deploy', 'helm', 'index-registry');
export const CHART_VARIANTS_DIR = join(repoRoot, 'deploy', 'helm', 'check', 'variants');

/** deploy/helm/check: renders the Helm chart with Helm's Go packages and decodes it strictly (see its main.go). */
const HELM_CHECK: GoProgram = {
  name: 'helm-check',
  sourceDir: join(repoRoot, 'deploy', 'helm', 'check'),
  firstBuildTakes: 'a few minutes: Helm, client-go and KEDA',
  goVersion: '1.26',
  neededFor: 'the Helm chart checker (deploy/helm/check)',
};

export function ensureHelmCheckBinary(): Promise<string> {
  return ensureGoBinary(HELM_CHECK);
}

export interface HelmCheckRun {
  /** 0: no problem; 1: problems, one line each; 2: it could not run. */
  readonly exitCode: number;
  readonly output: string;
}

/** Longer than any honest run (about ten seconds on a busy 2-core machine). */
const RUN_TIMEOUT_MS = 120_000;

/** Runs the checker with these arguments (see its main.go), building it first if needed. */
export async function runHelmCheck(args: readonly string[]): Promise<HelmCheckRun> {
  const binary = await ensureHelmCheckBinary();
  return new Promise((resolve, reject) => {
    execFile(binary, [...args], { timeout: RUN_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      if (!error) return resolve({ exitCode: 0, output });
      if (typeof error.code === 'number') return resolve({ exitCode: error.code, output });
      reject(new Error(`${binary} did not finish (${error.signal ?? error.code ?? error.message}):\n${output}`));
    });
  });
}
