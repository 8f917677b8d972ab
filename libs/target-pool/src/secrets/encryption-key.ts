import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * The configured key, or in development a key generated once and kept in the
 * data directory (the caller logs a warning: such a key is only as safe as that directory).
 */
export async function loadEncryptionKey(configured: string | undefined, dataDir: string): Promise<{ key: Buffer; generatedAt?: string }> {
  if (configured) return { key: Buffer.from(configured, 'base64') };
  const path = join(dataDir, 'keys', 'target-encryption.key');
  try {
    return { key: Buffer.from((await readFile(path, 'utf8')).trim(), 'base64'), generatedAt: path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dirname(path), { recursive: true });
  // Written whole under a temporary name, then linked into place: a replica that
  // loses the race (EEXIST) reads the winner's complete file, never a partial one.
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(temporary, randomBytes(32).toString('base64'), { mode: 0o600 });
  try {
    await link(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temporary);
  }
  return { key: Buffer.from((await readFile(path, 'utf8')).trim(), 'base64'), generatedAt: path };
}
