import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * The configured key, or in development a key generated once and kept in the
 * data directory (the caller logs a warning: such a key is only as safe as that directory).
 */
export async function loadEncryptionKey(configured: string | undefined, dataDir: string): Promise<{ key: Buffer; generatedAt?: string }> {
  if (configured) return { key: Buffer.from(configured, 'base64') };
  const path = join(dataDir, 'keys', 'registry-encryption.key');
  try {
    return { key: Buffer.from((await readFile(path, 'utf8')).trim(), 'base64'), generatedAt: path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dirname(path), { recursive: true });
  try {
    await writeFile(path, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    // Another replica created it first; read theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return { key: Buffer.from((await readFile(path, 'utf8')).trim(), 'base64'), generatedAt: path };
}
