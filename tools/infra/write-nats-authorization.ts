// `npm run bus:config`: writes the rendered NATS users and permissions where the deployments read them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { NATS_AUTHORIZATION_FILES, renderNatsAuthorization } from './nats-authorization';
import { repoRoot } from './repo-root';

const text = renderNatsAuthorization();
for (const file of NATS_AUTHORIZATION_FILES) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  process.stdout.write(`wrote ${relative(repoRoot, file)}\n`);
}
