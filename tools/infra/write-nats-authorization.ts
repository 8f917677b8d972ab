// `npm run bus:config`: writes the rendered NATS users and permissions where the deployments read them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { GENERATED_BUS_FILES } from './nats-authorization';
import { repoRoot } from './repo-root';

for (const { path, render } of GENERATED_BUS_FILES) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, render());
  process.stdout.write(`wrote ${relative(repoRoot, path)}\n`);
}
