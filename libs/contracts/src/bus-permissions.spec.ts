// The permissions generated from the bus access table, read as nats-server applies them: a subject is
// allowed when an allow pattern matches it and no deny pattern does. The expectations are written
// from the rules of the closed bus, not from the table.
import * as contracts from './index';
import { Durables, provisionedStreams, READABLE_STREAMS } from './bus-access';
import { BUS_USERS, busPermissions, inboxPrefixOf, passwordVariableOf, type BusUser, type SubjectRules } from './bus-permissions';
import type { EventContract, RpcContract } from './bus';
import { serviceOfSubject, ServiceName, SUBJECT_OWNERS } from './services';
import { Streams } from './streams';

/** NATS subject matching: `*` is one token, `>` one or more at the end. */
function matches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

function allowed(rules: SubjectRules | undefined, subject: string): boolean {
  if (!rules) return true;
  return rules.allow.some((p) => matches(p, subject)) && !(rules.deny ?? []).some((p) => matches(p, subject));
}

const may = (user: BusUser, op: 'publish' | 'subscribe', subject: string): boolean => {
  const permissions = busPermissions(user);
  return permissions === undefined || allowed(permissions[op], subject);
};

const everyContract = Object.values(contracts).flatMap((value) =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? Object.values(value).filter((c): c is RpcContract | EventContract => !!c && typeof c === 'object' && 'kind' in c && 'subject' in c)
    : [],
);
const rpcs = everyContract.filter((c): c is RpcContract => c.kind === 'rpc');
const facts = everyContract.filter((c): c is EventContract => c.kind === 'event' && c.subject.includes('.evt.'));
const commands = everyContract.filter((c): c is EventContract => c.kind === 'event' && c.subject.includes('.cmd.'));
const services = Object.values(ServiceName);
const usersBut = (...excluded: BusUser[]) => BUS_USERS.filter((u) => u !== 'admin' && !excluded.includes(u));

describe('the bus permissions', () => {
  it('finds the contracts it checks', () => {
    expect(rpcs.length).toBeGreaterThan(40);
    expect(facts.length).toBeGreaterThan(15);
    expect(commands.map((c) => c.subject).sort()).toEqual(['sync.cmd.database.import', 'sync.cmd.database.run']);
  });

  it('let only the owning service subscribe to a request subject', () => {
    for (const { subject } of rpcs) {
      const owner = serviceOfSubject(subject)!;
      expect([subject, may(owner, 'subscribe', subject)]).toEqual([subject, true]);
      for (const user of usersBut(owner)) expect([user, subject, may(user, 'subscribe', subject)]).toEqual([user, subject, false]);
    }
  });

  it("let the gateway send every request but the internal ones (connection, server-seen, the entity oplog's), a service only the requests it makes", () => {
    const internal = [
      'registry.rpc.database.connection',
      'registry.rpc.database.server-seen',
      ...rpcs.map((rpc) => rpc.subject).filter((subject) => subject.startsWith('entity.rpc.internal.')),
    ];
    expect(internal.length).toBeGreaterThan(2);
    for (const { subject } of rpcs) {
      expect([subject, may('gateway', 'publish', subject)]).toEqual([subject, !internal.includes(subject)]);
    }
    const sent = (user: BusUser) => rpcs.filter((rpc) => may(user, 'publish', rpc.subject)).map((rpc) => rpc.subject);
    expect(sent('comparator').sort()).toEqual([
      'registry.rpc.database.connection',
      'registry.rpc.database.list',
      'registry.rpc.database.server-seen',
      'registry.rpc.index.list-by-database',
    ]);
    expect(sent('registry').sort()).toEqual(['auth.rpc.project.default', 'sync.rpc.database.active']);
    expect(sent('sync-executor').sort()).toEqual([
      'comparator.rpc.plan.build',
      'registry.rpc.database.connection',
      'registry.rpc.index.create',
      // An import compares the live indexes with the database's definitions before it writes.
      'registry.rpc.index.list-by-database',
      'registry.rpc.index.update',
    ]);
    // The entity caches: entity-oplog asks the registry which project a source database is in; the
    // capture gets the source's sealed URI and hands changes in; the replicas read and report.
    expect(sent('entity-oplog')).toEqual(['registry.rpc.database.get']);
    expect(sent('entity-capture').sort()).toEqual([
      'entity.rpc.internal.append',
      'entity.rpc.internal.capture-status',
      'entity.rpc.internal.finish-scan',
      'entity.rpc.internal.hard-refresh',
      'entity.rpc.internal.lease',
      'entity.rpc.internal.lease-release',
      'entity.rpc.internal.position',
      'entity.rpc.internal.save-position',
      'entity.rpc.internal.soft-refresh-done',
      'entity.rpc.internal.specs',
      'registry.rpc.database.connection',
    ]);
    expect(sent('cache-replicator').sort()).toEqual([
      'entity.rpc.internal.read',
      'entity.rpc.internal.report',
      'entity.rpc.internal.specs',
    ]);
    for (const user of ['auth', 'audit', 'reader'] as const) expect([user, sent(user)]).toEqual([user, []]);
  });

  it('let the registry and the sync-executor queue sync commands, and only the sync-executor take them', () => {
    for (const { subject } of commands) {
      for (const user of usersBut()) {
        expect([user, subject, may(user, 'publish', subject)]).toEqual([user, subject, user === 'registry' || user === 'sync-executor']);
        expect([user, subject, may(user, 'subscribe', subject)]).toEqual([user, subject, false]);
      }
    }
    for (const durable of Object.values(Durables.syncExecutor)) {
      const next = `$JS.API.CONSUMER.MSG.NEXT.${Streams.syncCommands.name}.${durable.name}`;
      for (const user of usersBut()) expect([user, may(user, 'publish', next)]).toEqual([user, user === 'sync-executor']);
    }
  });

  it('let a fact be published only by the services that publish on its stream (audit entries by every service)', () => {
    const publishers: Record<string, readonly BusUser[]> = {
      AUTH_EVENTS: ['auth'],
      REGISTRY_EVENTS: ['registry'],
      DRIFT_EVENTS: ['comparator'],
      SYNC_EVENTS: ['sync-executor'],
      DEAD_LETTERS: SUBJECT_OWNERS,
      AUDIT_EVENTS: services,
    };
    for (const { subject, stream } of facts) {
      const expected = [...publishers[stream]].sort();
      expect([
        subject,
        usersBut()
          .filter((u) => may(u, 'publish', subject))
          .sort(),
      ]).toEqual([subject, expected]);
    }
  });

  it("keep each service's durable consumers its own", () => {
    for (const [service, byHandler] of [
      ['comparator', Durables.comparator],
      ['sync-executor', Durables.syncExecutor],
      ['audit', Durables.audit],
    ] as const) {
      for (const { stream, name } of Object.values(byHandler)) {
        for (const subject of [`$JS.API.CONSUMER.MSG.NEXT.${stream.name}.${name}`, `$JS.ACK.${stream.name}.${name}.1.2.3.4.5`]) {
          expect([subject, usersBut().filter((u) => may(u, 'publish', subject))]).toEqual([subject, [service]]);
        }
      }
    }
  });

  it('let a service create and update only the streams it publishes on or reads, and nobody delete one', () => {
    for (const spec of Object.values(Streams)) {
      for (const service of services) {
        const expected = provisionedStreams(service).some((s) => s.name === spec.name);
        for (const op of ['CREATE', 'UPDATE']) {
          const subject = `$JS.API.STREAM.${op}.${spec.name}`;
          expect([service, subject, may(service, 'publish', subject)]).toEqual([service, subject, expected]);
        }
      }
      for (const user of usersBut()) expect(may(user, 'publish', `$JS.API.STREAM.DELETE.${spec.name}`)).toBe(false);
    }
    expect(provisionedStreams('comparator').map((s) => s.name)).toEqual(
      expect.arrayContaining([Streams.driftEvents.name, Streams.registryEvents.name, Streams.deadLetters.name]),
    );
    expect(provisionedStreams('comparator').map((s) => s.name)).not.toContain(Streams.syncCommands.name);
  });

  it("let every user read the replies to its own requests, and nobody another's", () => {
    const inboxes = BUS_USERS.map(inboxPrefixOf);
    expect(new Set(inboxes).size).toBe(BUS_USERS.length);
    for (const owner of BUS_USERS) {
      const reply = `${inboxPrefixOf(owner)}.Xy12.3`;
      for (const user of usersBut()) expect([user, reply, may(user, 'subscribe', reply)]).toEqual([user, reply, user === owner]);
    }
  });

  describe('the read-only credential', () => {
    const reader = busPermissions('reader')!;

    it('reads each event stream through a consumer of its own: pulls and acks, stream info and stored messages', () => {
      for (const { name } of READABLE_STREAMS) {
        for (const subject of [
          `$JS.API.CONSUMER.MSG.NEXT.${name}.billing`,
          `$JS.API.CONSUMER.INFO.${name}.billing`,
          `$JS.ACK.${name}.billing.1.7.7.1700000000.0`,
          `$JS.API.STREAM.INFO.${name}`,
          `$JS.API.STREAM.MSG.GET.${name}`,
        ]) {
          expect([subject, allowed(reader.publish, subject)]).toEqual([subject, true]);
        }
      }
      expect(READABLE_STREAMS.map((s) => s.name).sort()).toEqual([
        'AUDIT_EVENTS',
        'AUTH_EVENTS',
        'DRIFT_EVENTS',
        'REGISTRY_EVENTS',
        'SYNC_EVENTS',
      ]);
    });

    it('does nothing else: no request, command, fact, stream change, consumer creation, SYNC_COMMANDS or DEAD_LETTERS', () => {
      const refused = [
        ...rpcs.map((c) => c.subject),
        ...commands.map((c) => c.subject),
        ...facts.map((c) => c.subject),
        ...Object.values(Streams).flatMap((s) => [
          `$JS.API.STREAM.CREATE.${s.name}`,
          `$JS.API.STREAM.UPDATE.${s.name}`,
          `$JS.API.STREAM.DELETE.${s.name}`,
          `$JS.API.STREAM.PURGE.${s.name}`,
          `$JS.API.CONSUMER.CREATE.${s.name}.billing`,
          `$JS.API.CONSUMER.CREATE.${s.name}.billing.${s.subjects[0]}`,
          `$JS.API.CONSUMER.DURABLE.CREATE.${s.name}.billing`,
          `$JS.API.CONSUMER.DELETE.${s.name}.billing`,
        ]),
        `$JS.API.CONSUMER.MSG.NEXT.${Streams.syncCommands.name}.billing`,
        `$JS.API.STREAM.MSG.GET.${Streams.syncCommands.name}`,
        `$JS.API.CONSUMER.MSG.NEXT.${Streams.deadLetters.name}.billing`,
        `$JS.API.STREAM.MSG.GET.${Streams.deadLetters.name}`,
      ];
      for (const subject of refused) expect([subject, allowed(reader.publish, subject)]).toEqual([subject, false]);
      // Subscribing only to its own inbox: not to `>`, a request, a command or a fact as it is sent.
      expect(reader.subscribe).toEqual({ allow: ['_INBOX.>'] });
      expect(reader.allow_responses).toBeUndefined();
    });
  });

  it('names each password variable after its user', () => {
    expect(passwordVariableOf('sync-executor')).toBe('NATS_PASSWORD_SYNC_EXECUTOR');
    expect(new Set(BUS_USERS.map(passwordVariableOf)).size).toBe(BUS_USERS.length);
    expect(busPermissions('admin')).toBeUndefined();
  });
});
