import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { startFerretDb } from './ferretdb';
import { startNats } from './nats';

// The first run may build FerretDB (about a minute).
jest.setTimeout(180_000);

function tcpOpen(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise<boolean>((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('local infrastructure', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ir-infra-spec-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts and stops nats-server with JetStream', async () => {
    const nats = await startNats({ dataDir: join(dir, 'nats'), logFile: join(dir, 'nats.log') });
    try {
      expect(nats.url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
      expect(await tcpOpen(nats.url)).toBe(true);
    } finally {
      await nats.process.stop();
    }
    expect(nats.process.exited).toBe(true);
    expect(await tcpOpen(nats.url)).toBe(false);
  });

  it('starts FerretDB that answers a MongoDB ping, and stops it', async () => {
    const ferret = await startFerretDb({ dataDir: join(dir, 'ferretdb'), logFile: join(dir, 'ferretdb.log') });
    try {
      const conn = await mongoose.createConnection(ferret.uri).asPromise();
      try {
        const db = conn.db;
        if (!db) throw new Error('no db handle');
        expect(await db.admin().ping()).toMatchObject({ ok: 1 });
      } finally {
        await conn.close();
      }
    } finally {
      await ferret.process.stop();
    }
    expect(ferret.process.exited).toBe(true);
  });

  it('reports the log tail when a child exits early', async () => {
    // A second nats-server on the same port fails fast; the error must say why.
    const first = await startNats({ dataDir: join(dir, 'n1'), logFile: join(dir, 'n1.log') });
    try {
      const port = Number(new URL(first.url).port);
      await expect(startNats({ dataDir: join(dir, 'n2'), logFile: join(dir, 'n2.log'), port })).rejects.toThrow(
        /nats-server exited[\s\S]*last lines/,
      );
    } finally {
      await first.process.stop();
    }
  });
});
