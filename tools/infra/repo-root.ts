import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Found by walking up rather than a fixed `../..`, because this file runs both
 * from source (jest) and from dist/ (make start), at different depths.
 */
function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'index-registry') {
      return dir;
    }
    if (dirname(dir) === dir) throw new Error(`repository root not found above ${start}`);
  }
}

export const repoRoot = findRepoRoot(__dirname);
