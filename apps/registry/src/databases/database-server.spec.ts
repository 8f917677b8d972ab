import { ruleContextOfDatabase, serverOf, serverRecordOf, serverView } from './database-server';

describe("a database's server record", () => {
  const seenAt = new Date('2026-12-01T10:00:00Z');

  it('records what the connection test found, with the MongoDB version whose rules apply', () => {
    const record = serverRecordOf({ kind: 'ferretdb', version: null, mongodbVersion: '7.0.42', line: 1 }, seenAt);
    expect(record).toEqual({ kind: 'ferretdb', version: null, mongodb_version: '7.0.42', seen_at: seenAt });
    expect(serverView(record)).toEqual({ kind: 'ferretdb', version: null, mongodb_version: '7.0.42', seen_at: '2026-12-01T10:00:00.000Z' });
    expect(serverOf(record)).toEqual({ kind: 'ferretdb', version: null, mongodb_version: '7.0.42' });
  });

  it('records nothing for a server that did not say who it is, and shows null', () => {
    expect(serverRecordOf(undefined, seenAt)).toBeUndefined();
    expect(serverView(undefined)).toBeNull();
    expect(serverOf(undefined)).toBeNull();
  });

  it.each([
    ['a MongoDB 6.0 target', '6.0.14', { version: [6, 0] }],
    ['a MongoDB 8.0 target', '8.0.4', { version: [8, 0] }],
    ['a FerretDB imitating 7.0', '7.0.42', { version: [7, 0] }],
    ['an unreadable version: the newest rules', null, {}],
  ])('checks definitions of %s by its rules', (_title, mongodbVersion, context) => {
    const server = { kind: 'mongodb' as const, version: mongodbVersion, mongodb_version: mongodbVersion, seen_at: seenAt };
    expect(ruleContextOfDatabase({ server })).toEqual(context);
  });

  it('checks a database not yet seen by the newest rules', () => {
    expect(ruleContextOfDatabase({})).toEqual({});
  });
});
