import { createServer, type Server, type Socket } from 'node:net';
import { HTTP_STATUS_BY_CODE } from '@ir/contracts';
import { TargetConnectionError } from './target-connection-error';
import { TargetPolicy } from './policy/target-policy';
import { testTargetConnection } from './test-connection';

const policy = TargetPolicy.loopback();
/** The unit globalSetup starts FerretDB unless MONGODB_URI names a real MongoDB (as in probe-capabilities.spec.ts). */
const onMongoDb = Boolean(process.env.MONGODB_URI);

const mongoUri = (): string => {
  const uri = process.env.TEST_MONGODB_URI;
  if (!uri) throw new Error('TEST_MONGODB_URI is not set: the unit globalSetup starts FerretDB');
  return uri;
};

/** A loopback port nothing listens on: bound by the kernel, then released. */
async function freedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** Accepts connections and never says a word: a target that hangs mid-handshake. */
async function silentServer(): Promise<{ port: number; stop: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return {
    port: address.port,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function failure(promise: Promise<unknown>): Promise<TargetConnectionError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TargetConnectionError) return error;
    throw error;
  }
  throw new Error('expected a TargetConnectionError');
}

describe('testTargetConnection (real servers)', () => {
  it('reports the server version and collection count of the test FerretDB', async () => {
    const report = await testTargetConnection({ uri: mongoUri(), dbName: 'target_pool_probe' }, { timeoutMs: 5_000, policy });
    expect(report.serverVersion).toMatch(/\S/);
    // The embedded FerretDB 1.x imitates MongoDB 7.0.42 and gives no version of its own.
    expect(report.server).toEqual(
      expect.objectContaining({ kind: onMongoDb ? 'mongodb' : 'ferretdb', mongodbVersion: report.serverVersion }),
    );
    expect(report.collections).toBeGreaterThanOrEqual(0);
  });

  it('a freed port → unreachable within the timeout, 502, and no password anywhere', async () => {
    const port = await freedPort();
    const started = Date.now();
    const error = await failure(
      testTargetConnection({ uri: `mongodb://admin:s3cret@127.0.0.1:${port}/db`, dbName: 'db' }, { timeoutMs: 1_500, policy }),
    );
    const elapsed = Date.now() - started;
    expect(error.kind).toBe('unreachable');
    expect(elapsed).toBeLessThan(1_500 + 500);
    expect(error.message).toContain(`mongodb://admin:****@127.0.0.1:${port}/db`);
    expect(error.message).not.toMatch(/ECONNREFUSED|connect|Mongo/);
    const domain = error.toDomainError();
    expect(HTTP_STATUS_BY_CODE[domain.code]).toBe(502);
    expect(domain.details).toEqual({ reason: 'unreachable' });
    for (const text of [error.message, error.stack ?? '', JSON.stringify(domain.toBody()), JSON.stringify(error)]) {
      expect(text).not.toContain('s3cret');
    }
  });

  it('a server that accepts and never answers → timeout within timeoutMs + 1.5 s, 504', async () => {
    const silent = await silentServer();
    try {
      const started = Date.now();
      const error = await failure(
        testTargetConnection({ uri: `mongodb://admin:s3cret@127.0.0.1:${silent.port}/db`, dbName: 'db' }, { timeoutMs: 1_500, policy }),
      );
      const elapsed = Date.now() - started;
      expect(error.kind).toBe('timeout');
      expect(elapsed).toBeLessThan(1_500 + 1_500);
      expect(HTTP_STATUS_BY_CODE[error.toDomainError().code]).toBe(504);
      expect(error.message).not.toContain('s3cret');
    } finally {
      await silent.stop();
    }
  });

  it.each([
    'http://x',
    'mongodb://',
    'mongodb://host:notaport',
    'mongodb://admin:s3cret@host:notaport/db',
    'mongodb://admin:s3/cret@host/db',
  ])('malformed %s → malformed_uri, 422 with a uri issue', async (uri) => {
    const error = await failure(testTargetConnection({ uri, dbName: 'db' }, { timeoutMs: 1_000, policy }));
    expect(error.kind).toBe('malformed_uri');
    const domain = error.toDomainError();
    expect(HTTP_STATUS_BY_CODE[domain.code]).toBe(422);
    expect(domain.issues?.[0]).toMatchObject({ field: 'uri', rule: 'mongodb_uri' });
    expect(JSON.stringify(domain.toBody())).not.toContain('s3cret');
    expect(JSON.stringify(domain.toBody())).not.toContain('cret');
  });
});
