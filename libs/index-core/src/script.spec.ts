import type { PlanOperation } from './plan-types';
import type { MongoIndexSpec } from './types';
import { renderCreateAllScript, renderDropScript, renderScript } from './script';
import { jsLiteral } from './script-literal';

const create: PlanOperation = {
  kind: 'create',
  collection: 'orders',
  index: 'status_1',
  spec: { key: { status: 1 }, name: 'status_1', unique: true, partialFilterExpression: { status: { $exists: true } } },
  reason: 'missing from the database',
};

describe('renderScript', () => {
  const script = renderScript({
    dbName: 'shop "eu"',
    title: 'Plan for shop',
    operations: [
      create,
      {
        kind: 'modify',
        collection: 'orders',
        index: 'ttl_1',
        changes: { expireAfterSeconds: 7200 },
        reason: 'expireAfterSeconds 3600 → 7200',
      },
      { kind: 'hide', collection: 'orders', index: 'old_1', changes: { hidden: true }, reason: 'not in the design repository' },
      { kind: 'drop', collection: 'orders', index: 'legacy_1', reason: 'not in the design repository\nsecond line' },
    ],
  });

  it('targets the named database, JSON-escaped', () => {
    expect(script).toContain('const target = db.getSiblingDB("shop \\"eu\\"");');
  });

  it('sends the spec exactly: key, then every other field as options', () => {
    expect(script).toContain(
      'irCreate("orders", {"status":1}, {"name":"status_1","unique":true,"partialFilterExpression":{"status":{"$exists":true}}});',
    );
    expect(script).toContain('target.getCollection(collection).createIndex(key, options);');
  });

  it('guards creates (name exists, other key) and drops/collMods (absent)', () => {
    expect(script).toContain("print('skipped ' + label + ' (already exists)');");
    expect(script).toContain("' exists with a different key '");
    expect(script).toContain("print('skipped ' + label + ' (absent)');");
    expect(script).toContain('irDrop("orders", "legacy_1");');
    expect(script).toContain('irCollMod("orders", "ttl_1", {"expireAfterSeconds":7200}, \'modified\');');
    expect(script).toContain('irCollMod("orders", "old_1", {"hidden":true}, \'hidden\');');
  });

  it('comments each operation with its reason on one line, and ends with a summary', () => {
    expect(script).toContain('// 4. drop orders.legacy_1: not in the design repository second line');
    expect(script.trimEnd().split('\n').pop()).toMatch(/^print\('summary: '/);
    expect(script.startsWith('// Plan for shop\n')).toBe(true);
  });

  it('passes doneWhen to the guarded steps of a rebuild', () => {
    const spec: MongoIndexSpec = { key: { a: 1 }, name: 'a_1', unique: true };
    const text = renderScript({ dbName: 'd', operations: [{ kind: 'drop', collection: 'c', index: 'a_1', reason: 'r', doneWhen: spec }] });
    expect(text).toContain('irDrop("c", "a_1", {"key":{"a":1},"name":"a_1","unique":true});');
  });

  it('is valid JavaScript', () => {
    // Parsing only (no run): `db`, `print` and `EJSON` are mongosh globals.
    expect(() => new Function('db', 'print', 'EJSON', script)).not.toThrow();
  });
});

describe('jsLiteral', () => {
  it.each<[string, unknown, string]>([
    ['quotes, dots, unicode stay exact', 'we"ird.coll ✓ \u2028', '"we\\"ird.coll ✓ \u2028"'],
    ['plain objects as JSON', { a: { $gt: 5 } }, '{"a":{"$gt":5}}'],
    [
      'dates through EJSON.parse',
      { at: { $gt: new Date('2024-01-02T00:00:00.000Z') } },
      'EJSON.parse("{\\"at\\":{\\"$gt\\":{\\"$date\\":\\"2024-01-02T00:00:00.000Z\\"}}}")',
    ],
    ['EJSON wrappers from the DR through EJSON.parse', { n: { $numberLong: '5' } }, 'EJSON.parse("{\\"n\\":{\\"$numberLong\\":\\"5\\"}}")'],
    ['a __proto__ field through JSON.parse', JSON.parse('{"__proto__":1}') as unknown, 'JSON.parse("{\\"__proto__\\":1}")'],
  ])('%s', (_name, value, expected) => {
    expect(jsLiteral(value)).toBe(expected);
  });
});

describe('renderCreateAllScript / renderDropScript', () => {
  it('creates every DR index but _id_', () => {
    const text = renderCreateAllScript('app', [
      { collection: 'users', definition: { keys: [{ field: 'email', value: 1 }], options: { is_unique: true } } },
      { collection: 'users', definition: { keys: [{ field: '_id', value: 1 }] } },
    ]);
    expect(text).toContain('irCreate("users", {"email":1}, {"name":"email_1","unique":true});');
    expect(text).not.toContain('"_id_"');
    expect(text).toContain('// 1 operation(s).');
  });

  it('drops the given indexes but never _id_', () => {
    const text = renderDropScript('app', [
      { collection: 'users', name: 'old_1' },
      { collection: 'users', name: '_id_' },
    ]);
    expect(text).toContain('irDrop("users", "old_1");');
    expect(text).not.toContain('irDrop("users", "_id_")');
  });
});
