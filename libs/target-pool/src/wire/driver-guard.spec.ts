import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HOSTILE_MODES, repoRoot, startHostileTarget, type HostileMode, type HostileTarget } from '@ir/testing';

const run = promisify(execFile);
const guardModule = join(repoRoot, 'dist', 'libs', 'target-pool', 'src', 'wire', 'driver-guard.js');

/** Heap of the client processes: a driver left to a hostile peer goes past it within seconds. */
const HEAP_MB = 128;

interface Outcome {
  errorNames: string[];
  rssMb: number;
}

/**
 * The bare driver (no pre-flight, no pool) against a peer, in a child process with a small heap, so
 * that a driver that runs away is a dead child rather than a dead test run. Prints what failed.
 */
async function driverAgainst(target: HostileTarget, guarded: boolean): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = `
    ${guarded ? `require(${JSON.stringify(guardModule)}).installDriverGuard();` : ''}
    const { MongoClient } = require('mongodb');
    const names = (e, depth = 0) => !e || depth > 4 ? [] : [
      e.name,
      ...names(e.cause, depth + 1),
      ...(e.reason && e.reason.servers ? [...e.reason.servers.values()].flatMap((s) => names(s.error, depth + 1)) : []),
    ];
    (async () => {
      const client = new MongoClient(${JSON.stringify(target.uri)}, { serverSelectionTimeoutMS: 1500, connectTimeoutMS: 1500, timeoutMS: 3000 });
      let errorNames = [];
      try {
        await client.db('x').collection('c').listIndexes().toArray();
      } catch (error) {
        errorNames = names(error);
      }
      await client.close(true).catch(() => undefined);
      process.stdout.write(JSON.stringify({ errorNames, rssMb: process.memoryUsage().rss / 1048576 }));
    })();
  `;
  try {
    const { stdout, stderr } = await run(process.execPath, [`--max-old-space-size=${HEAP_MB}`, '-e', script], {
      cwd: repoRoot,
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('driver guard: the MongoDB driver against peers that are not MongoDB (child processes, real sockets)', () => {
  beforeAll(() => {
    if (!existsSync(guardModule)) throw new Error(`${guardModule} is missing: run \`npm run build\` first (make test does)`);
  });

  it('without the guard, a MariaDB greeting exhausts the driver’s heap (the bug it guards against)', async () => {
    const target = await startHostileTarget('mariadb');
    try {
      const result = await driverAgainst(target, false);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('heap');
    } finally {
      await target.close();
    }
  }, 40_000);

  // The hello-then modes answer the driver's handshake properly: only the guard on parsing stops them.
  const protocolModes = HOSTILE_MODES.filter(
    (m): m is Exclude<HostileMode, 'relay' | 'silent' | 'truncated_op_msg' | 'tls_alert'> =>
      !['silent', 'truncated_op_msg', 'tls_alert'].includes(m),
  );

  it.each(protocolModes)(
    'with the guard, %s fails the operation as a TargetProtocolError, within bounded memory',
    async (mode) => {
      const target = await startHostileTarget(mode);
      try {
        const result = await driverAgainst(target, true);
        expect(result).toMatchObject({ code: 0 });
        const outcome = JSON.parse(result.stdout) as Outcome;
        expect(outcome.errorNames).toContain('TargetProtocolError');
        expect(outcome.rssMb).toBeLessThan(250);
      } finally {
        await target.close();
      }
    },
    40_000,
  );

  it.each(['silent', 'truncated_op_msg', 'tls_alert'] as const)(
    'with the guard, %s (no complete header ever comes) ends in a network error, within bounded memory',
    async (mode) => {
      const target = await startHostileTarget(mode);
      try {
        const result = await driverAgainst(target, true);
        expect(result).toMatchObject({ code: 0 });
        const outcome = JSON.parse(result.stdout) as Outcome;
        expect(outcome.errorNames.length).toBeGreaterThan(0);
        expect(outcome.rssMb).toBeLessThan(250);
      } finally {
        await target.close();
      }
    },
    40_000,
  );
});
