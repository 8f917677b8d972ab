// The CLI as a package: what `npm pack` puts in its tarball must run on its own, outside this
// repository, with nothing but the dependencies its package.json declares. Offline: the tarball is
// unpacked (as `npm install <tarball>` would) and its dependencies are the repository's installed
// ones, so the test needs no registry; what it checks is the tarball's contents and its imports.
import { execFileSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { repoRoot } from '../tools/infra/repo-root';

const cliDir = join(repoRoot, 'packages/cli');
let work: string;
let unpacked: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ir-cli-pack-'));
  // --ignore-scripts: the tarball of the dist/ that `npm run build` made, without building it again here.
  const tarball = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], {
    cwd: cliDir,
    encoding: 'utf8',
  }).trim();
  execFileSync('tar', ['-xzf', join(work, tarball), '-C', work]);
  unpacked = join(work, 'package');
  symlinkSync(join(repoRoot, 'node_modules'), join(unpacked, 'node_modules'), 'dir');
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && !entry.parentPath.includes('node_modules'))
    .map((entry) => relative(unpacked, join(entry.parentPath, entry.name)));
}

describe('the CLI package (npm pack)', () => {
  it('holds its command, compiled code and README, and no sources, specs or source maps', () => {
    const files = filesUnder(unpacked);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'bin/index-registry.js', 'dist/main.js']));
    expect(files.filter((file) => /\.(ts|map)$/.test(file) || file.startsWith('src/'))).toEqual([]);
  });

  it('imports only Node built-ins, its own files and the dependencies its package.json declares', () => {
    const declared = Object.keys(
      (JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as { dependencies: object }).dependencies,
    );
    const builtins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);
    const imported = new Set<string>();
    for (const file of filesUnder(unpacked).filter((f) => f.endsWith('.js'))) {
      for (const [, specifier] of readFileSync(join(unpacked, file), 'utf8').matchAll(/require\("([^"]+)"\)/g)) {
        if (specifier.startsWith('.') || builtins.has(specifier)) continue;
        // A scoped package is its first two segments, any other its first.
        imported.add(
          specifier
            .split('/')
            .slice(0, specifier.startsWith('@') ? 2 : 1)
            .join('/'),
        );
      }
    }
    expect(imported.size).toBeGreaterThan(0);
    expect([...imported].filter((name) => !declared.includes(name))).toEqual([]);
  });

  it('runs from the unpacked package: --help lists the commands, with examples', () => {
    const help = execFileSync(process.execPath, [join(unpacked, 'bin/index-registry.js'), '--help'], {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, HOME: work, XDG_CONFIG_HOME: join(work, 'config') },
    });
    expect(help).toMatch(/Usage: index-registry/);
    for (const command of ['login', 'databases', 'manifest', 'sync', 'audit']) expect(help).toContain(command);
  });
});
