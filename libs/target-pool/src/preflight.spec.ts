import { HOSTILE_MODES, startHostileTarget, type HostileMode, type HostileTarget } from '@ir/testing';
import { TargetPolicy } from './policy/target-policy';
import { classifyTargetError } from './classify-target-error';
import { TargetConnectionError, type TargetConnectionErrorKind } from './target-connection-error';
import { TargetPool, type TargetPoolEvent } from './target-pool';
import { testTargetConnection } from './test-connection';

const mongoUri = (): string => {
  const uri = process.env.TEST_MONGODB_URI;
  if (!uri) throw new Error('TEST_MONGODB_URI is not set: the unit globalSetup starts FerretDB');
  return uri;
};
const testServer = (): { host: string; port: number } => {
  const url = new URL(mongoUri().replace(/^mongodb:/, 'http:'));
  return { host: url.hostname, port: Number(url.port || 27017) };
};

const policy = TargetPolicy.loopback();

/** What each kind of peer is reported as, by the connection test and by a pool's first connect. */
const EXPECTED: Record<Exclude<HostileMode, 'relay'>, { kind: TargetConnectionErrorKind; text: RegExp }> = {
  mariadb: { kind: 'not_mongodb', text: /MySQL or MariaDB/ },
  http: { kind: 'not_mongodb', text: /HTTP server/ },
  tls_alert: { kind: 'tls_failed', text: /TLS/ },
  redis: { kind: 'not_mongodb', text: /Redis/ },
  truncated_op_msg: { kind: 'not_mongodb', text: /not the MongoDB wire protocol/ },
  huge_header: { kind: 'not_mongodb', text: /not a MongoDB server/ },
  // These answer hello as MongoDB does: the pre-flight lets them through, the driver guard stops them.
  hello_then_reply_bomb: { kind: 'not_mongodb', text: /not a MongoDB server/ },
  hello_then_zero_section: { kind: 'not_mongodb', text: /not a MongoDB server/ },
  silent: { kind: 'timeout', text: /did not answer in time/ },
};

/**
 * What an open client reports when its target changes under it: it reconnects without a pre-flight,
 * so the driver guard speaks; a peer that closes before a whole header is a connection that closed
 * (reported as unreachable, or as a timeout once the driver has waited for the server to come back).
 */
const TURNED: Record<Exclude<HostileMode, 'relay' | 'silent'>, readonly TargetConnectionErrorKind[]> = {
  mariadb: ['not_mongodb'],
  http: ['not_mongodb'],
  tls_alert: ['unreachable', 'timeout'],
  redis: ['not_mongodb'],
  truncated_op_msg: ['unreachable', 'timeout'],
  huge_header: ['not_mongodb'],
  hello_then_reply_bomb: ['not_mongodb'],
  hello_then_zero_section: ['not_mongodb'],
};

async function failure(work: Promise<unknown>): Promise<TargetConnectionError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof TargetConnectionError) return error;
    throw error;
  }
  throw new Error('expected a TargetConnectionError');
}

/** Driver, socket or TLS library words that must never reach a message. */
const FOREIGN_TEXT = /Mongo[A-Z]\w*Error|ECONNREFUSED|ECONNRESET|getaddrinfo|node_modules|Require stack|PEM|ENOENT|at \w+ \(/;

describe('a target that is not MongoDB (real sockets, real driver)', () => {
  let targets: HostileTarget[] = [];
  afterEach(async () => {
    await Promise.all(targets.map((t) => t.close()));
    targets = [];
  });
  const start = async (mode: HostileMode): Promise<HostileTarget> => {
    const target = await startHostileTarget(mode, testServer());
    targets.push(target);
    return target;
  };

  it.each(HOSTILE_MODES)('connection test of %s: a clear category within its time limit, no foreign text', async (mode) => {
    const target = await start(mode);
    const started = Date.now();
    const error = await failure(testTargetConnection({ uri: target.uri, dbName: 'db' }, { timeoutMs: 1_500, policy }));
    expect(Date.now() - started).toBeLessThan(1_500 + 1_000);
    expect(error.kind).toBe(EXPECTED[mode].kind);
    expect(error.message).toMatch(EXPECTED[mode].text);
    expect(error.message).not.toMatch(FOREIGN_TEXT);
  });

  it('connection test of the same server relaying to FerretDB passes: the pre-flight accepts MongoDB', async () => {
    const target = await start('relay');
    await expect(testTargetConnection({ uri: target.uri, dbName: 'db' }, { timeoutMs: 3_000, policy })).resolves.toMatchObject({
      collections: expect.any(Number),
    });
  });

  it('a pooled client whose target turns into each kind of peer fails its next read with that category, and recovers when it turns back', async () => {
    const target = await start('relay');
    const pool = new TargetPool({ policy, serverSelectionTimeoutMs: 800, connectTimeoutMs: 800, operationTimeoutMs: 3_000 });
    try {
      const read = async () => (await pool.db({ uri: target.uri, dbName: 'turncoat' })).command({ listCollections: 1 });
      await expect(read()).resolves.toMatchObject({ ok: 1 });
      for (const mode of HOSTILE_MODES.filter((m): m is keyof typeof TURNED => m !== 'silent')) {
        target.setMode(mode);
        // The cut connections close asynchronously: the next read must find them closed, not race them.
        await new Promise((resolve) => setTimeout(resolve, 100));
        const started = Date.now();
        const error = await read().then(
          () => undefined,
          (e: unknown) => e,
        );
        const failure = classifyTargetError(error, target.uri);
        expect({ mode, expected: TURNED[mode].includes(failure.kind) ? 'yes' : failure.kind }).toEqual({ mode, expected: 'yes' });
        expect(failure.message).not.toMatch(FOREIGN_TEXT);
        expect(Date.now() - started).toBeLessThan(5_000);
        target.setMode('relay');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // The same client, not a new one: it kept working through all of that.
      expect(pool.size).toBe(1);
      await expect(read()).resolves.toMatchObject({ ok: 1 });
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('a new pooled client refuses each kind of peer before the driver reads from it', async () => {
    const events: TargetPoolEvent[] = [];
    const pool = new TargetPool({ policy, serverSelectionTimeoutMs: 800, connectTimeoutMs: 800, onEvent: (e) => events.push(e) });
    try {
      const modes = HOSTILE_MODES.filter((m) => !m.startsWith('hello_then'));
      for (const mode of modes) {
        const target = await start(mode);
        const error = await failure(pool.db({ uri: target.uri, dbName: 'x' }));
        expect({ mode, kind: error.kind }).toEqual({ mode, kind: EXPECTED[mode].kind });
      }
      expect(pool.size).toBe(0);
      // What the metrics and logs count, by category (index_registry_target_connections_total{outcome}).
      expect(events.filter((e) => e.event === 'connect_failed').map((e) => (e as { reason: string }).reason)).toEqual(
        modes.map((m) => EXPECTED[m].kind),
      );
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('refuses a target outside the allowlist before any connection (no port scan through the answers)', async () => {
    const closed = TargetPolicy.parse('db.example.invalid', '');
    const target = await start('relay');
    const error = await failure(testTargetConnection({ uri: target.uri, dbName: 'db' }, { timeoutMs: 1_500, policy: closed }));
    expect(error.kind).toBe('not_allowed');
    const pool = new TargetPool({ policy: closed });
    try {
      expect((await failure(pool.db({ uri: 'mongodb://localhost:1/', dbName: 'x' }))).kind).toBe('not_allowed');
      expect((await failure(pool.db({ uri: target.uri, dbName: 'x' }))).kind).toBe('not_allowed');
    } finally {
      await pool.close();
    }
  });
});
