import { z } from 'zod';
import { issuesFromZod } from './errors';
import { MAX_INPUT_DEPTH, untrustedInputIssues } from './input-rules';
import { CollectionName, DbName, MAX_NAMESPACE_BYTES, namespaceFits } from './mongo-names';
import { ownRecord } from './own-record';
import { Manifest } from './registry';

describe('MongoDB names', () => {
  it.each([
    ['', false],
    ['orders', true],
    ['a$b', false],
    ['$cmd', false],
    ['a\u0000b', false],
    ['system.users', false],
    ['systemusers', true],
    ['.hidden', false],
    ['a.b', true],
    ['__proto__', true],
    ['constructor', true],
    ['é'.repeat(126), true], // 252 bytes
    ['é'.repeat(127), false], // 254 bytes: no database name leaves room for it
  ])('collection name %j is valid: %p', (name, valid) => expect(CollectionName.safeParse(name).success).toBe(valid));

  it.each([
    ['', false],
    ['shop', true],
    ['a.b', false],
    ['a b', false],
    ['a/b', false],
    ['a\\b', false],
    ['a"b', false],
    ['a$b', false],
    ['a*b', false],
    ['a<b', false],
    ['a:b', false],
    ['a|b', false],
    ['a?b', false],
    ['a\u0000b', false],
    ['x'.repeat(63), true],
    ['x'.repeat(64), false],
    ['é'.repeat(32), false], // 32 characters, 64 bytes
  ])('database name %j is valid: %p', (name, valid) => expect(DbName.safeParse(name).success).toBe(valid));

  it('counts the namespace in UTF-8 bytes, with the dot', () => {
    expect(namespaceFits('db', 'x'.repeat(MAX_NAMESPACE_BYTES - 3))).toBe(true);
    expect(namespaceFits('db', 'x'.repeat(MAX_NAMESPACE_BYTES - 2))).toBe(false);
    expect(namespaceFits('dé', 'x'.repeat(MAX_NAMESPACE_BYTES - 3))).toBe(false);
  });
});

describe('untrustedInputIssues', () => {
  it('names every string and key holding a null character by its path', () => {
    const issues = untrustedInputIssues({ search: 'a\u0000b', list: ['ok', 'x\u0000'], nested: { 'k\u0000': 1 } });
    expect(issues.map((i) => [i.field, i.rule])).toEqual([
      ['search', 'null_character'],
      ['list.1', 'null_character'],
      ['nested.k\u0000', 'null_character'],
    ]);
  });

  it('refuses nesting past the limit, without recursing itself', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i += 1) deep = [deep];
    const issues = untrustedInputIssues({ a: deep });
    expect(issues).toEqual([expect.objectContaining({ rule: 'max_depth', field: `a${'.0'.repeat(MAX_INPUT_DEPTH - 1)}` })]);
    let fine: unknown = 1;
    for (let i = 0; i < MAX_INPUT_DEPTH - 1; i += 1) fine = [fine];
    expect(untrustedInputIssues({ a: fine })).toEqual([]);
  });

  it('sees an own "__proto__" key as JSON.parse makes it', () => {
    expect(untrustedInputIssues(JSON.parse('{"__proto__":{"x":"\\u0000"}}'))).toEqual([
      expect.objectContaining({ field: '__proto__.x', rule: 'null_character' }),
    ]);
  });
});

describe('ownRecord', () => {
  const Record = ownRecord(CollectionName, z.array(z.number()));

  it('keeps keys that name Object.prototype members, on an object without prototype', () => {
    const parsed = Record.parse(JSON.parse('{"__proto__":[1],"constructor":[2],"toString":[3],"plain":[4]}'));
    expect(Object.getPrototypeOf(parsed)).toBeNull();
    expect(Object.keys(parsed)).toEqual(['__proto__', 'constructor', 'toString', 'plain']);
    expect(parsed['__proto__']).toEqual([1]);
    expect(JSON.stringify(parsed)).toBe('{"__proto__":[1],"constructor":[2],"toString":[3],"plain":[4]}');
  });

  it('names a bad key and a bad value by their paths', () => {
    const result = z.strictObject({ c: Record }).safeParse({ c: { 'system.x': [1], ok: ['no'] } });
    expect(result.success).toBe(false);
    expect(issuesFromZod(result.error!).map((i) => i.field)).toEqual(['c.system.x', 'c.ok.0']);
  });

  it('refuses what is not a plain object', () => {
    for (const value of [[], 'x', null, 1, new Date()]) expect(Record.safeParse(value).success).toBe(false);
  });

  it('documents itself as the record it stands for', () => {
    const schema = z.toJSONSchema(z.strictObject({ c: Record }), { io: 'input', target: 'openapi-3.0' }) as unknown as {
      properties: { c: { type: string; additionalProperties: { type: string } } };
    };
    expect(schema.properties.c.type).toBe('object');
    expect(schema.properties.c.additionalProperties.type).toBe('array');
  });

  it('keeps a manifest collection named __proto__', () => {
    const manifest = Manifest.parse(
      JSON.parse('{"version":1,"collections":{"__proto__":[{"name":"a_1","keys":[{"field":"a","value":1}]}]}}'),
    );
    expect(Object.keys(manifest.collections)).toEqual(['__proto__']);
  });
});
