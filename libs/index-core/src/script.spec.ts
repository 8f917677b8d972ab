import type { PlanOperation } from './plan-types';
import type { MongoIndexSpec } from './types';
import { renderCreateAllScript, renderScript, type ScriptInput } from './script';
import { changeOfStep } from './plan-rebuild';
import { jsLiteral } from './script-literal';

const create: PlanOperation = {
  kind: 'create',
  collection: 'orders',
  index: 'status_1',
  spec: { key: { status: 1 }, name: 'status_1', unique: true, partialFilterExpression: { status: { $exists: true } } },
  reason: 'missing from the database',
};
const database = { id: '665f0c0ffee0000000000001', name: 'shop "eu"', dbName: 'shop', version: 12 };
const generatedAt = '2026-12-01T18:00:00.000Z';
const input = (operations: PlanOperation[], extra: Partial<ScriptInput> = {}): ScriptInput => ({
  database,
  generatedAt,
  operations,
  ...extra,
});

/** The lines after the runtime helpers: the steps and the final summary. */
const stepLines = (script: string): string[] => script.slice(script.indexOf('\nirStart();\n') + 1).split('\n');

describe('renderScript', () => {
  const { script, summary } = renderScript(
    input([
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
      { kind: 'create', collection: 'c', index: 'b_1', spec: { key: { b: 1 }, name: 'b_1' }, step: 'replace a_1 by b_1 1/2', reason: 'r' },
      { kind: 'drop', collection: 'c', index: 'a_1', step: 'replace a_1 by b_1 2/2', reason: 'r' },
      {
        kind: 'create',
        collection: 'c',
        index: 'p_1',
        spec: { key: { p: 1 }, name: 'p_1' },
        reason: 'r',
        unsupported: 'no partial indexes',
      },
    ]),
  );

  it('starts with a header: database name and id, db name, DR version, time and the plan in numbers', () => {
    expect(script.split('\n').slice(0, 3)).toEqual([
      '// Index Registry mongosh script: "bring the indexes to the design repository"',
      '// database "shop \\"eu\\"" (id "665f0c0ffee0000000000001"), db "shop", DR version 12',
      '// generated "2026-12-01T18:00:00.000Z"; plan: 7 steps: 2 creates, 1 drop, 1 hide, 1 rebuild, 1 option change, 1 the target cannot run',
    ]);
    expect(summary).toEqual({ steps: 7, creates: 2, drops: 1, hides: 1, modifies: 1, rebuilds: 1, unsupported: 1 });
  });

  it('works on the connection database (the guard checks it) and carries the settings, defaults included', () => {
    expect(script).toContain('\nconst target = db;\n');
    expect(script).toContain('"settings":{"on_error":"stop","unused_days":7,"force_drop":false}');
    expect(script).toContain('"database":{"id":"665f0c0ffee0000000000001","name":"shop \\"eu\\"","db_name":"shop","version":12}');
    const guarded = renderScript(
      input([], {
        settings: { onError: 'continue', unusedDays: 30, forceDrop: true, expectedHost: 'db1:27017', expectedReplicaSet: 'rs0' },
      }),
    );
    expect(guarded.script).toContain(
      '"settings":{"on_error":"continue","unused_days":30,"force_drop":true,"expected_host":"db1:27017","expected_replica_set":"rs0"}',
    );
  });

  it('numbers every step and sends the spec exactly: key, then every other field as options', () => {
    expect(stepLines(script)).toContain(
      'irStep(1, {"kind":"create","collection":"orders","index":"status_1","key":{"status":1},"options":{"name":"status_1","unique":true,"partialFilterExpression":{"status":{"$exists":true}}}});',
    );
    expect(stepLines(script)).toContain(
      'irStep(2, {"kind":"modify","collection":"orders","index":"ttl_1","changes":{"expireAfterSeconds":7200}});',
    );
  });

  it('checks the use of redundant indexes only (a hide, a drop without replacement), and drops a replaced one after its replacement', () => {
    const lines = stepLines(script);
    expect(lines).toContain(
      'irStep(3, {"kind":"hide","collection":"orders","index":"old_1","changes":{"hidden":true},"usage_check":true});',
    );
    expect(lines).toContain('irStep(4, {"kind":"drop","collection":"orders","index":"legacy_1","usage_check":true});');
    expect(lines).toContain(
      'irStep(5, {"kind":"create","collection":"c","index":"b_1","key":{"b":1},"options":{"name":"b_1"},"group":1});',
    );
    expect(lines).toContain('irStep(6, {"kind":"drop","collection":"c","index":"a_1","requires":"b_1","group":1});');
  });

  it('writes a step the target cannot run commented out, with the reason, and reports it as not run', () => {
    const lines = stepLines(script);
    const at = lines.indexOf('// NOT RUN, the target cannot run it: "no partial indexes"');
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toMatch(/^\/\/ irStep\(7, \{"kind":"create".*"unsupported":"no partial indexes"\}\);$/);
    expect(lines[at + 2]).toMatch(/^irUnsupported\(7, /);
    expect(lines.filter((line) => line.startsWith('irStep(7'))).toEqual([]);
  });

  it('comments each step with its reason on one line, and ends with the summary', () => {
    expect(stepLines(script)).toContain('// step 4: drop "orders" "legacy_1": "not in the design repository\\nsecond line"');
    expect(script.trimEnd().split('\n').pop()).toBe('irFinish();');
  });

  it('passes done_when to the guarded steps of a rebuild', () => {
    const spec: MongoIndexSpec = { key: { a: 1 }, name: 'a_1', unique: true };
    const { script: text } = renderScript(
      input([{ kind: 'drop', collection: 'c', index: 'a_1', reason: 'r', doneWhen: spec, step: 'rebuild a_1 1/2: drop' }]),
    );
    expect(stepLines(text)).toContain(
      'irStep(1, {"kind":"drop","collection":"c","index":"a_1","done_when":{"key":{"a":1},"name":"a_1","unique":true},"group":1});',
    );
  });

  it('is valid JavaScript', () => {
    // Parsing only (no run): `db`, `print` and `EJSON` are mongosh globals.
    expect(() => new Function('db', 'print', 'EJSON', script)).not.toThrow();
  });
});

describe('renderScript with hostile names', () => {
  // Names and values that would end a comment, a string or a line if written raw.
  const hostile = ['*/ db.dropDatabase() //', 'x\ny', 'a\u2028b', 'q\'"`${1}`', '</script>\\'];
  const operations = (name: (i: number) => string): PlanOperation[] =>
    hostile.map((_, i) => ({
      kind: 'drop',
      collection: name(i),
      index: name(i),
      reason: name(i),
      step: `replace ${name(i)} by y 2/2`,
      ...(i === 0 ? { unsupported: name(i) } : {}),
    }));
  const rendered = (name: (i: number) => string) =>
    renderScript({
      database: { id: name(0), name: name(1), dbName: name(2), version: 1 },
      generatedAt,
      title: name(3),
      operations: operations(name),
    }).script;

  it('keeps every name inside its literal: the script has the lines and statements of one with plain names', () => {
    const plain = rendered((i) => `plain${i}`);
    const evil = rendered((i) => hostile[i]);
    const shape = (text: string) => text.split('\n').map((line) => line.replace(/^(\/\/ |irStep\(|irUnsupported\(|const IR = ).*/, '$1'));
    expect(shape(evil)).toEqual(shape(plain));
    expect(() => new Function('db', 'print', 'EJSON', evil)).not.toThrow();
    // JavaScript's line terminators appear only where the renderer put them.
    expect(evil.split(/\r\n|[\n\r\u2028\u2029]/).length).toBe(plain.split('\n').length);
  });
});

describe('jsLiteral', () => {
  it.each<[string, unknown, string]>([
    // U+2028/U+2029 are escaped (they end a line, and so a comment, in JavaScript); the value is the same.
    ['quotes, dots, unicode stay exact', 'we"ird.coll ✓ \u2028', '"we\\"ird.coll ✓ \\u2028"'],
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

  it('a line separator in a name survives as the same character', () => {
    expect(new Function(`return ${jsLiteral('a\u2028b')}`)()).toBe('a\u2028b');
  });
});

describe('renderCreateAllScript', () => {
  it('creates every DR index but _id_', () => {
    const { script, summary } = renderCreateAllScript({ database, generatedAt }, [
      { collection: 'users', definition: { keys: [{ field: 'email', value: 1 }], options: { is_unique: true } } },
      { collection: 'users', definition: { keys: [{ field: '_id', value: 1 }] } },
    ]);
    expect(stepLines(script)).toContain(
      'irStep(1, {"kind":"create","collection":"users","index":"email_1","key":{"email":1},"options":{"name":"email_1","unique":true}});',
    );
    expect(script).not.toContain('"_id_"');
    expect(summary).toMatchObject({ steps: 1, creates: 1 });
  });
});

describe('changeOfStep', () => {
  it.each([
    ['replace a_1 by b_1 2/2', 'replace a_1 by b_1'],
    ['rebuild x 1/4: temporary index', 'rebuild x'],
    // An index name that looks like a position: the last one is the step's.
    ['rebuild x 1/2: y 3/4: drop the old index', 'rebuild x 1/2: y'],
    ['rebuild a\nb 2/2: create', 'rebuild a\nb'],
  ])('%j belongs to %j', (step, change) => {
    expect(changeOfStep(step)).toBe(change);
  });
});
