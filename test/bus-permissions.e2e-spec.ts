// The closed bus of the running system, tried as another system with the read-only credential, as a
// client without one, and as a service reaching for another's subjects; and the secrets that cross it.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JetStreamManager } from '@nats-io/jetstream';
import { AuthorizationError, connect, PermissionViolationError, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import {
  BUS_USERS,
  Durables,
  READABLE_STREAMS,
  RegistryDatabaseRpc,
  SealedBox,
  sealKeyContract,
  Streams,
  SyncCommands,
  type BusUser,
} from '@ir/contracts';
import { natsConnectOptions, natsCredentials, testNatsEndpoint } from '@ir/testing';
import {
  authedApi,
  createTargetDatabase,
  eventually,
  freshIp,
  loggedInUser,
  logDir,
  login,
  newCredentials,
  registerUser,
  suffix,
  targetMongoUri,
  uriWithCredentials,
  api,
  type AuthedApi,
} from './support/e2e-client';

const decoder = new TextDecoder();

/** One message as someone on the bus received it. */
interface Seen {
  readonly subject: string;
  readonly text: string;
}

/** Everything a subscription delivers, until it ends (a refused one ends with the server's refusal). */
function record(sub: Subscription, into: Seen[]): Promise<unknown> {
  return (async () => {
    try {
      for await (const msg of sub) into.push({ subject: msg.subject, text: decoder.decode(msg.data) });
      return undefined;
    } catch (error) {
      return error;
    }
  })();
}

/** How a subscription ended within a few seconds: the server's refusal, or still open. */
async function subscriptionRefusal(nc: NatsConnection, subject: string): Promise<unknown> {
  const sub = nc.subscribe(subject);
  const ended = record(sub, []);
  await nc.flush();
  const outcome = await Promise.race([ended, new Promise((resolve) => setTimeout(() => resolve('still subscribed'), 3000))]);
  if (outcome === 'still subscribed') sub.unsubscribe();
  return outcome;
}

/** The error a request, publish or JetStream call ends with; a permission refusal comes as the cause of a RequestError. */
async function refusalOf(call: () => Promise<unknown>): Promise<PermissionViolationError | unknown> {
  try {
    await call();
    return undefined;
  } catch (error) {
    return error instanceof Error && error.cause instanceof PermissionViolationError ? error.cause : error;
  }
}

const connectAs = (user: BusUser) => connect({ ...natsConnectOptions(testNatsEndpoint(), user), name: `bus-permissions-${user}` });

describe('the closed bus', () => {
  let admin: NatsConnection;
  let adminJsm: JetStreamManager;
  let reader: NatsConnection;
  const consumers: ConsumerMessages[] = [];
  const durable = `bus-permissions-${suffix()}`;
  /** What the reader received: from its consumers of every event stream, and on every subject it may subscribe to. */
  const readerSaw: Seen[] = [];
  /** What the admin saw on `>` meanwhile: every request, reply and event, to find where the secrets went. */
  const everything: Seen[] = [];
  let readerSubscribedToAll: unknown;

  beforeAll(async () => {
    admin = await connectAs('admin');
    adminJsm = await jetstreamManager(admin);
    void record(admin.subscribe('>'), everything);
    // An operator gives the other system a durable consumer on each event stream; the system reads them as `reader`.
    for (const { name } of READABLE_STREAMS) {
      await adminJsm.consumers.add(name, { durable_name: durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New });
    }
    reader = await connectAs('reader');
    readerSubscribedToAll = await subscriptionRefusal(reader, '>');
    void record(reader.subscribe('_INBOX.>'), readerSaw);
    for (const { name } of READABLE_STREAMS) {
      const messages = await (await jetstream(reader).consumers.get(name, durable)).consume({ expires: 5000 });
      consumers.push(messages);
      void (async () => {
        for await (const msg of messages) {
          readerSaw.push({ subject: msg.subject, text: decoder.decode(msg.data) });
          msg.ack();
        }
      })();
    }
    await Promise.all([admin.flush(), reader.flush()]);
  });

  afterAll(async () => {
    for (const messages of consumers) messages.stop();
    for (const { name } of READABLE_STREAMS) await adminJsm?.consumers.delete(name, durable).catch(() => undefined);
    await reader?.close();
    await admin?.close();
  });

  describe('while users register and log in and databases are created', () => {
    const secrets: string[] = [];
    let owner: Awaited<ReturnType<typeof loggedInUser>>;
    let client: AuthedApi;
    let databaseId: string;

    beforeAll(async () => {
      const ip = freshIp();
      const user = await registerUser({}, ip);
      const changed = `Pw-changed-${suffix()}${suffix()}`;
      const wrong = `Pw-wrong-${suffix()}${suffix()}`;
      secrets.push(user.password, changed, wrong);
      const tokens = await login(user, ip);
      expect(
        (await api().post('/auth/login').set('X-Forwarded-For', freshIp()).send({ username: user.username, password: wrong })).status,
      ).toBe(401);
      const change = await authedApi(tokens.access_token)
        .post('/auth/password')
        .send({ current_password: user.password, new_password: changed });
      expect(change.status).toBe(200);
      await login({ username: user.username, password: changed });

      owner = await loggedInUser('admin');
      secrets.push(owner.password);
      client = authedApi(owner.tokens.access_token);
      databaseId = (await createTargetDatabase(client)).id;
      const uriPasswords = [`uri-create-${suffix()}${suffix()}`, `uri-update-${suffix()}${suffix()}`];
      secrets.push(...uriPasswords);
      // The test server takes no password: these are refused after the connection test, but they crossed the bus first.
      const created = await client
        .post('/databases')
        .send({ name: `db_${suffix()}`, uri: uriWithCredentials('app', uriPasswords[0]), db_name: `target_${suffix()}` });
      expect(created.status).toBe(502);
      const updated = await client.put(`/databases/${databaseId}`).send({ uri: uriWithCredentials('app', uriPasswords[1]) });
      expect(updated.status).toBe(502);
      expect((await client.put(`/databases/${databaseId}`).send({ uri: targetMongoUri(), description: 'moved back' })).status).toBe(200);

      // Until the facts of all that reached the reader's consumers.
      const arrived = await eventually(
        async () =>
          readerSaw.some((m) => m.subject === 'auth.evt.user.registered' && m.text.includes(user.profile.id)) &&
          readerSaw.some((m) => m.subject === 'registry.evt.database.updated' && m.text.includes(databaseId)),
        15_000,
      );
      expect(arrived).toBe(true);
    });

    it('the read-only credential reads the event streams, and finds no password and no target URI password', () => {
      expect([...new Set(readerSaw.map((m) => m.subject.split('.')[0]))]).toEqual(expect.arrayContaining(['auth', 'registry']));
      expect(readerSaw.some((m) => m.subject === 'registry.evt.database.created' && m.text.includes(databaseId))).toBe(true);
      for (const secret of secrets) {
        expect(readerSaw.filter((m) => containsSecret(m.text, secret)).map((m) => m.subject)).toEqual([]);
      }
      // It was refused `>` outright, and heard nothing on the subjects of requests, commands or other users' replies.
      expect(readerSubscribedToAll).toBeInstanceOf(PermissionViolationError);
      expect(readerSaw.filter((m) => /\.(rpc|cmd)\./.test(m.subject) || m.subject.startsWith('_INBOX_'))).toEqual([]);
    });

    it('nothing on the whole bus carries them in plain text: they travel sealed for the service that answers', async () => {
      expect(everything.length).toBeGreaterThan(20);
      for (const secret of secrets) {
        expect(everything.filter((m) => containsSecret(m.text, secret)).map((m) => m.subject)).toEqual([]);
      }
      const kidOf = async (service: 'auth' | 'registry') =>
        (
          JSON.parse(decoder.decode((await admin.request(sealKeyContract(service).subject, '{}', { timeout: 5000 })).data)) as {
            data: { kid: string };
          }
        ).data.kid;
      const kids = { auth: await kidOf('auth'), registry: await kidOf('registry') };
      const fields: [string, 'auth' | 'registry', (body: Record<string, any>) => unknown[]][] = [
        ['auth.rpc.user.register', 'auth', (b) => [b.password]],
        ['auth.rpc.session.login', 'auth', (b) => [b.password]],
        ['auth.rpc.password.change', 'auth', (b) => [b.current_password, b.new_password]],
        [RegistryDatabaseRpc.create.subject, 'registry', (b) => [b.uri]],
        [RegistryDatabaseRpc.update.subject, 'registry', (b) => [b.changes.uri].filter((uri) => uri !== undefined)],
      ];
      for (const [subject, service, sealed] of fields) {
        const values = everything.filter((m) => m.subject === subject).flatMap((m) => sealed(JSON.parse(m.text) as Record<string, any>));
        expect([subject, values.length > 0]).toEqual([subject, true]);
        for (const value of values) {
          expect(SealedBox.safeParse(value).success).toBe(true);
          expect((value as string).split('.')[1]).toBe(kids[service]);
        }
      }
    });

    it('and no service logs them', async () => {
      // Give the services a moment to write what they log about the refused URIs.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const logs = readdirSync(logDir())
        .filter((file) => file.endsWith('.log'))
        .map((file) => ({ file, text: readFileSync(join(logDir(), file), 'utf8') }));
      for (const secret of secrets) expect(logs.filter((l) => containsSecret(l.text, secret)).map((l) => l.file)).toEqual([]);
    });
  });

  describe('the read-only credential', () => {
    it('cannot send a request, nor queue a sync command', async () => {
      expect(await refusalOf(() => reader.request('registry.rpc.database.list', '{}', { timeout: 3000 }))).toBeInstanceOf(
        PermissionViolationError,
      );
      expect(await refusalOf(() => reader.request('auth.rpc.session.login', '{}', { timeout: 3000 }))).toBeInstanceOf(
        PermissionViolationError,
      );
      const queued = (await adminJsm.streams.info(Streams.syncCommands.name)).state.last_seq;
      const command = JSON.stringify({ sync_id: '0'.repeat(24), database_id: '0'.repeat(24) });
      expect(await refusalOf(() => jetstream(reader).publish(SyncCommands.run.subject, command, { timeout: 3000 }))).toBeInstanceOf(
        PermissionViolationError,
      );
      reader.publish(SyncCommands.run.subject, command);
      await reader.flush();
      expect((await adminJsm.streams.info(Streams.syncCommands.name)).state.last_seq).toBe(queued);
      expect(reader.isClosed()).toBe(false);
    });

    it('cannot subscribe to a request subject, a command, or a service’s replies', async () => {
      for (const subject of ['registry.rpc.database.create', 'auth.rpc.>', 'sync.cmd.>', '_INBOX_gateway.>']) {
        expect([subject, await subscriptionRefusal(reader, subject)]).toEqual([subject, expect.any(PermissionViolationError)]);
      }
    });

    it('cannot create or delete a stream, read SYNC_COMMANDS, or create a consumer (whose delivery it could aim at a service)', async () => {
      const jsm = await jetstreamManager(reader);
      expect(
        await refusalOf(() => jsm.streams.add({ name: `READER_${suffix().toUpperCase()}`, subjects: ['reader.evt.>'] })),
      ).toBeInstanceOf(PermissionViolationError);
      expect(await refusalOf(() => jsm.streams.delete(Streams.registryEvents.name))).toBeInstanceOf(PermissionViolationError);
      expect(await refusalOf(() => jsm.streams.info(Streams.syncCommands.name))).toBeInstanceOf(PermissionViolationError);
      expect(
        await refusalOf(() =>
          jsm.consumers.add(Streams.registryEvents.name, {
            durable_name: `push-${suffix()}`,
            deliver_subject: 'registry.rpc.database.delete',
          }),
        ),
      ).toBeInstanceOf(PermissionViolationError);
      // A service's own consumer is not the reader's to take messages from.
      expect(
        await refusalOf(async () =>
          (await jetstream(reader).consumers.get(Streams.registryEvents.name, Durables.comparator.indexCreated.name)).next(),
        ),
      ).toBeInstanceOf(PermissionViolationError);
      expect((await adminJsm.streams.info(Streams.registryEvents.name)).config.name).toBe(Streams.registryEvents.name);
    });
  });

  it('refuses a client without credentials, or with a wrong password', async () => {
    const { servers } = testNatsEndpoint();
    await expect(connect({ servers: servers as string })).rejects.toBeInstanceOf(AuthorizationError);
    await expect(connect({ servers: servers as string, user: 'reader', pass: newCredentials().password })).rejects.toBeInstanceOf(
      AuthorizationError,
    );
  });

  it('shows no NATS password in any log line of the services or of NATS', () => {
    const { credentialsDir } = testNatsEndpoint();
    const logs = [logDir(), join(dirname(dirname(credentialsDir)), 'logs')].flatMap((dir) =>
      readdirSync(dir)
        .filter((file) => file.endsWith('.log'))
        .map((file) => ({ file, text: readFileSync(join(dir, file), 'utf8') })),
    );
    expect(logs.map((l) => l.file)).toEqual(expect.arrayContaining(['gateway.log', 'registry.log', 'nats-server.log']));
    for (const user of BUS_USERS) {
      const password = natsCredentials({ credentialsDir }, user).password;
      expect([user, logs.filter((l) => l.text.includes(password)).map((l) => l.file)]).toEqual([user, []]);
    }
  });

  it("keeps each service off another service's request subjects", async () => {
    const tries: [BusUser, string][] = [
      ['comparator', 'registry.rpc.>'],
      ['comparator', 'auth.rpc.session.login'],
      ['registry', 'auth.rpc.>'],
      ['sync-executor', 'registry.rpc.database.connection'],
      ['auth', 'sync.rpc.>'],
      ['gateway', 'registry.rpc.database.create'],
    ];
    for (const user of new Set(tries.map(([u]) => u))) {
      const nc = await connectAs(user);
      try {
        for (const [, subject] of tries.filter(([u]) => u === user)) {
          expect([user, subject, await subscriptionRefusal(nc, subject)]).toEqual([user, subject, expect.any(PermissionViolationError)]);
        }
        // Nor the replies to another's requests.
        expect(await subscriptionRefusal(nc, '_INBOX_gateway.>')).toEqual(
          user === 'gateway' ? 'still subscribed' : expect.any(PermissionViolationError),
        );
      } finally {
        await nc.close();
      }
    }
  });
});

/** The secret as it is, or as JSON or a URI would write it. */
function containsSecret(text: string, secret: string): boolean {
  return [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), Buffer.from(secret).toString('base64')].some((form) =>
    text.includes(form),
  );
}
