/**
 * Proves the dependency rules of .dependency-cruiser.cjs: each one reports a deliberate violation in
 * fixtures/ (naming the importing file and what it imports) and lets the allowed imports beside it
 * pass; the real tree, which `npm run lint:deps` checks, leaves the fixtures out.
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '../..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  readonly rule: { readonly name: string };
  readonly from: string;
  readonly to: string;
}

/** The violations found under `paths` of `cwd`, as `rule: from → to` (what the `err` report prints). */
async function violations(cwd: string, paths: readonly string[]): Promise<string[]> {
  const run = promisify(execFile)(process.execPath, [DEPCRUISE, '--config', CONFIG, '--output-type', 'json', ...paths], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
  });
  // depcruise exits with the number of errors: a run with violations rejects, its report on stdout all the same.
  const { stdout } = await run.catch((error: { stdout?: string }) => {
    if (!error.stdout) throw error;
    return { stdout: error.stdout };
  });
  const report = JSON.parse(stdout) as { summary: { violations: Violation[] } };
  return report.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to.replace(/^(\.\.\/)+/, '')}`).sort();
}

describe('dependency rules', () => {
  jest.setTimeout(60_000);

  it('reports every deliberate violation of the fixtures, naming the import, and nothing allowed', async () => {
    expect(await violations(join(__dirname, 'fixtures'), ['apps', 'libs', 'packages'])).toEqual(
      [
        'own-data-mongoose: apps/shop/src/orders/orders.service.ts → node_modules/mongoose/index.js',
        'own-data-mongoose: apps/comparator/src/targets/target-cache.ts → node_modules/mongoose/index.js',
        'own-data-mongodb: apps/shop/src/orders/orders.service.ts → node_modules/mongodb/lib/index.js',
        'own-data-mongodb: apps/comparator/src/drift/drift-tracker.service.ts → node_modules/mongodb/lib/index.js',
        'index-core-pure: libs/index-core/src/normalize.ts → fs',
        'index-core-pure: libs/index-core/src/normalize.ts → node_modules/yaml/dist/index.d.ts',
        'index-core-pure: libs/index-core/src/normalize.ts → libs/contracts/src/names.ts',
        'apps-apart: apps/shop/src/orders/orders.service.ts → apps/billing/src/invoices.ts',
        'libs-below-apps: libs/contracts/src/names.ts → apps/billing/src/invoices.ts',
        'no-circular: libs/contracts/src/left.ts → libs/contracts/src/right.ts',
        'cli-standalone: packages/cli/src/main.ts → libs/contracts/src/names.ts',
        'console-contracts-as-types: apps/console/src/fleet.ts → libs/contracts/src/names.ts',
        'console-types-only: apps/console/src/fleet.ts → libs/index-core/src/direction.ts',
      ].sort(),
    );
  });

  it('finds none in the repository, whose run leaves the fixtures out', async () => {
    expect(await violations(ROOT, ['apps', 'libs', 'packages', 'tools', 'test', 'bench'])).toEqual([]);
  });
});
