import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect as natsConnect } from '@nats-io/transport-node';
import { MongoClient } from 'mongodb';
import mongoose from 'mongoose';
import { Client } from 'pg';
import { BUS_USERS } from '@ir/contracts';
import { natsConnectOptions } from '../../test/support/nats-login';
import { startFerretDb } from './ferretdb';
import { freePort } from './free-port';
import { startNats } from './nats';
import { startPostgres } from './postgres';
import type { RestartPolicy } from './restart-policy';
import { Supervisor } from './supervisor';

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
    // PostgreSQL started by root runs as the postgres user, which must reach its data directory here.
    chmodSync(dir, 0o711);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts and stops nats-server with JetStream, closed: a password per user, none in its arguments', async () => {
    const nats = await startNats({ dataDir: join(dir, 'nats'), logFile: join(dir, 'nats.log') });
    try {
      expect(nats.url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
      expect(await tcpOpen(nats.url)).toBe(true);
      await expect(natsConnect({ servers: nats.url })).rejects.toThrow(/Authorization Violation/);
      const admin = await natsConnect(natsConnectOptions({ servers: nats.url, credentialsDir: nats.credentialsDir }));
      await admin.close();

      expect(statSync(nats.credentialsDir).mode & 0o777).toBe(0o700);
      expect(readdirSync(nats.credentialsDir).sort()).toEqual(BUS_USERS.map((user) => `${user}.password`).sort());
      for (const file of readdirSync(nats.credentialsDir)) expect(statSync(join(nats.credentialsDir, file)).mode & 0o777).toBe(0o600);
      const commandLine = readFileSync(`/proc/${nats.process.pid}/cmdline`, 'utf8');
      for (const user of BUS_USERS) expect(commandLine).not.toContain(nats.passwords[user]);
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

  it('starts FerretDB with local.oplog.rs, where it records inserts, whole-document updates and deletes', async () => {
    const ferret = await startFerretDb({ dataDir: join(dir, 'ferretdb-oplog'), logFile: join(dir, 'ferretdb-oplog.log'), oplog: true });
    const client = await MongoClient.connect(ferret.uri);
    try {
      const things = client.db('src').collection<{ _id: number; n: number; m?: number }>('things');
      await things.insertOne({ _id: 1, n: 1 });
      await things.updateOne({ _id: 1 }, { $set: { m: 2 } });
      await things.deleteOne({ _id: 1 });
      const entries = await client
        .db('local')
        .collection('oplog.rs')
        .find({ ns: 'src.things' }, { sort: { ts: 1 }, projection: { _id: 0, op: 1, o: 1, o2: 1 } })
        .toArray();
      expect(entries).toEqual([
        { op: 'i', o: { _id: 1, n: 1 } },
        { op: 'u', o: { $v: 1, $set: { _id: 1, n: 1, m: 2 } }, o2: { _id: 1 } },
        { op: 'd', o: { _id: 1 } },
      ]);
    } finally {
      await client.close();
      await ferret.process.stop();
    }
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

  describe('under a supervisor', () => {
    const policy: RestartPolicy = { initialDelayMs: 50, maxDelayMs: 200, jitterRatio: 0.2, maxCrashes: 3, crashWindowMs: 60_000 };
    let supervisor: Supervisor;
    beforeEach(() => (supervisor = new Supervisor({ policy })));
    afterEach(() => supervisor.stop());

    it('brings nats-server back after SIGKILL on its port, with its JetStream store and its users', async () => {
      const port = await freePort();
      const options = { dataDir: join(dir, 'sup-nats'), logFile: join(dir, 'sup-nats.log'), port };
      const nats = await supervisor.add(
        'nats-server',
        'infrastructure',
        async (signal) => (await startNats({ ...options, signal })).process,
      );
      // The restarted server reads the same password files: the clients' passwords stay valid.
      const login = natsConnectOptions({ servers: `nats://127.0.0.1:${port}`, credentialsDir: join(options.dataDir, 'credentials') });
      const before = await natsConnect(login);
      await (await jetstreamManager(before)).streams.add({ name: 'KEPT', subjects: ['kept.>'] });
      await before.close();

      await nats.current.kill9();
      await nats.next('restarted', 20_000);

      const after = await natsConnect(login);
      try {
        expect((await (await jetstreamManager(after)).streams.info('KEPT')).config.subjects).toEqual(['kept.>']);
      } finally {
        await after.close();
      }
    });

    it('starts PostgreSQL (a password required, loopback only) and brings it back after SIGKILL with its data', async () => {
      const port = await freePort();
      const options = { dataDir: join(dir, 'sup-postgres'), logFile: join(dir, 'sup-postgres.log'), port };
      let url = '';
      const postgres = await supervisor.add('postgres', 'infrastructure', async (signal) => {
        const handle = await startPostgres({ ...options, signal });
        url = handle.url;
        return handle.process;
      });
      const withoutPassword = new Client({ host: '127.0.0.1', port, user: 'postgres', password: 'wrong', database: 'postgres' });
      await expect(withoutPassword.connect()).rejects.toThrow(/password authentication failed/);
      const before = new Client({ connectionString: url });
      await before.connect();
      await before.query("CREATE TABLE kept AS SELECT 'survivor' AS name");
      await before.end();

      await postgres.current.kill9();
      await postgres.next('restarted', 60_000);

      const after = new Client({ connectionString: url });
      await after.connect();
      try {
        expect((await after.query('SELECT name FROM kept')).rows).toEqual([{ name: 'survivor' }]);
      } finally {
        await after.end();
      }
    });

    it('brings FerretDB back after SIGKILL on its port, with its data', async () => {
      const port = await freePort();
      const options = { dataDir: join(dir, 'sup-ferretdb'), logFile: join(dir, 'sup-ferretdb.log'), port };
      const ferret = await supervisor.add(
        'ferretdb',
        'infrastructure',
        async (signal) => (await startFerretDb({ ...options, signal })).process,
      );
      const uri = `mongodb://127.0.0.1:${port}/`;
      const before = await new MongoClient(uri).connect();
      await before.db('kept').collection('things').insertOne({ name: 'survivor' });
      await before.close();

      await ferret.current.kill9();
      await ferret.next('restarted', 30_000);

      const after = await new MongoClient(uri, { serverSelectionTimeoutMS: 5000 }).connect();
      try {
        expect(
          await after
            .db('kept')
            .collection('things')
            .findOne({}, { projection: { _id: 0 } }),
        ).toEqual({ name: 'survivor' });
      } finally {
        await after.close();
      }
    });
  });
});
