// The server behind each database: recorded at the connection test, refreshed by compares, shown in
// the database view, and the version whose rules its definitions are checked by.
import { MongoClient, ObjectId } from 'mongodb';
import {
  authedApi,
  type AuthedApi,
  createTargetDatabase,
  expectError,
  findStreamMessage,
  loggedInUser,
  mongoClient,
  openJetStream,
  serviceDb,
  streamLastSeq,
} from './support/e2e-client';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
/** The e2e target is the embedded FerretDB 1.x unless MONGODB_URI names a real MongoDB. */
const onMongoDb = Boolean(process.env.MONGODB_URI);

let client: AuthedApi;
let mongo: MongoClient;
let bus: Awaited<ReturnType<typeof openJetStream>>;

beforeAll(async () => {
  const user = await loggedInUser();
  client = authedApi(user.tokens.access_token);
  mongo = await mongoClient();
  bus = await openJetStream();
});

afterAll(async () => {
  await mongo?.close();
  await bus?.close();
});

interface ServerBody {
  kind: string;
  version: string | null;
  mongodb_version: string | null;
  seen_at: string;
}

async function serverOf(databaseId: string): Promise<ServerBody> {
  const res = await client.get(`/databases/${databaseId}`);
  expect(res.status).toBe(200);
  return res.body.server as ServerBody;
}

describe('the server of a database', () => {
  it('is recorded by the connection test and shown in the database view', async () => {
    const created = await createTargetDatabase(client);
    const server = await serverOf(created.id);
    expect(server.seen_at).toMatch(ISO_DATE);
    if (onMongoDb) {
      expect(server).toEqual(expect.objectContaining({ kind: 'mongodb', mongodb_version: server.version }));
    } else {
      // FerretDB 1.x embedded: no version of its own, imitating MongoDB 7.0.42 (its buildInfo `version`).
      expect(server).toEqual({ kind: 'ferretdb', version: null, mongodb_version: '7.0.42', seen_at: server.seen_at });
    }
  });

  it("checks definitions by the recorded version's rules, and a compare that sees another server records it", async () => {
    const created = await createTargetDatabase(client);
    const real = await serverOf(created.id);
    // The server as it was before an upgrade: what the registry recorded at its connection test.
    const registry = await serviceDb(mongo, 'registry');
    const older = { kind: real.kind, version: real.version, mongodb_version: '6.0.0', seen_at: new Date('2025-01-01T00:00:00Z') };
    await registry.collection('databases').updateOne({ _id: new ObjectId(created.id) }, { $set: { server: older } });
    expect((await serverOf(created.id)).mongodb_version).toBe('6.0.0');

    // A descending wildcard key needs 7.0: refused for a 6.0 target, saying so.
    const definition = { database_id: created.id, collection: 'events', keys: [{ field: '$**', value: -1 }] };
    const refused = await client.post('/indexes').send(definition);
    expectError(refused, 400, 'VALIDATION_FAILED');
    expect(refused.body.issues).toEqual([
      expect.objectContaining({ field: 'keys.0.value', rule: 'requires_version', message: expect.stringContaining('MongoDB 7.0') }),
    ]);

    // A compare probes the real server and tells the registry, which records it.
    const since = await streamLastSeq(bus.jsm, 'AUDIT_EVENTS');
    const compared = await client.post('/indexes/compare-by-database').send({ database_id: created.id });
    expect(compared.status).toBe(200);
    let seen = await serverOf(created.id);
    for (let i = 0; i < 50 && seen.mongodb_version === '6.0.0'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      seen = await serverOf(created.id);
    }
    expect(seen).toEqual({ ...real, seen_at: expect.stringMatching(ISO_DATE) });
    expect(Date.parse(seen.seen_at)).toBeGreaterThan(Date.parse('2025-01-02T00:00:00Z'));
    // On the audit trail: which rules the database's definitions are checked by changed with it.
    const entry = await findStreamMessage(
      bus.jsm,
      'AUDIT_EVENTS',
      since,
      'audit.evt.entry.recorded',
      (p) => p.action === 'database.server_changed' && (p.target as { id?: string } | undefined)?.id === created.id,
    );
    expect(entry?.json()).toMatchObject({
      outcome: 'succeeded',
      changes: {
        before: { server: { mongodb_version: '6.0.0' } },
        after: { server: { kind: real.kind, version: real.version, mongodb_version: real.mongodb_version } },
      },
    });

    // Now checked by the real server's rules (7.0+): the same definition is accepted.
    const accepted = await client.post('/indexes').send(definition);
    expect(accepted.status).toBe(201);
  });
});
