import { Decimal128, Double, Int32, Long, ObjectId } from 'bson';
import { cellOf, documentKey, rowOf, valueAtPath } from './column-value';

describe('entity column values (the type rules of libs/contracts/src/entity.ts)', () => {
  const id = new ObjectId('6b0f380935baf60a7fe0e656');
  const when = new Date('2026-12-01T10:00:00.000Z');

  it('follows dotted paths through objects only; a missing segment is undefined', () => {
    const doc = { a: { b: { c: 1 } }, tags: ['x'], n: null };
    expect(valueAtPath(doc, 'a.b.c')).toBe(1);
    expect(valueAtPath(doc, 'a.x.c')).toBeUndefined();
    expect(valueAtPath(doc, 'tags.0')).toBeUndefined();
    expect(valueAtPath(doc, 'n')).toBeNull();
    expect(valueAtPath(doc, 'n.x')).toBeUndefined();
    expect(valueAtPath(doc, 'constructor')).toBeUndefined();
  });

  it.each([
    ['JSONB', { a: id, at: when, l: Long.fromNumber(5) }, '{"a":"6b0f380935baf60a7fe0e656","at":"2026-12-01T10:00:00.000Z","l":5}'],
    ['JSONB', null, 'null'],
    ['Any', 'x', 'x'],
    ['Any', 2.5, 2.5],
    ['Any', true, 1],
    ['Any', [1, 2], '[1,2]'],
    ['Bool', true, 1],
    ['Bool', false, 0],
    ['Bool', 'true', null],
    ['Bool', 1, null],
    ['Number', 2.5, 2.5],
    ['Number', new Int32(7), 7],
    ['Number', new Double(1.5), 1.5],
    ['Number', Long.fromString('9007199254740993'), 9007199254740992],
    ['Number', Decimal128.fromString('12.25'), 12.25],
    ['Number', '12', null],
    ['Number', Number.NaN, null],
    ['Integer', 42, 42],
    ['Integer', new Int32(-3), -3],
    ['Integer', Long.fromNumber(2 ** 40), 2 ** 40],
    ['Integer', Long.fromString('9007199254740993'), null],
    ['Integer', 4.5, null],
    ['Integer', '42', null],
    ['Text', 'hello', 'hello'],
    ['Text', id, '6b0f380935baf60a7fe0e656'],
    ['Text', when, '2026-12-01T10:00:00.000Z'],
    ['Text', 12, '12'],
    ['Text', false, 'false'],
    ['Text', { a: 1 }, null],
    ['Text', null, null],
  ] as const)('%s holds %p as %p', (type, value, cell) => {
    expect(cellOf(type, value)).toEqual(cell);
  });

  // Each type's documented "holds" and "NULL for" (README's type rules table), one case at least per rule.
  it.each([
    ['JSONB', [1, 'a', { b: true }], '[1,"a",{"b":true}]'],
    ['JSONB', Decimal128.fromString('12.25'), '12.25'],
    ['JSONB', 'x', '"x"'],
    ['Any', false, 0],
    ['Any', { a: { b: 1 } }, '{"a":{"b":1}}'],
    ['Any', new Int32(3), 3],
    ['Any', null, null],
    ['Bool', null, null],
    ['Bool', { a: true }, null],
    ['Bool', [true], null],
    ['Number', Long.fromNumber(-8), -8],
    ['Number', true, null],
    ['Number', Number.POSITIVE_INFINITY, null],
    ['Number', Number.NEGATIVE_INFINITY, null],
    ['Number', new Double(Number.POSITIVE_INFINITY), null],
    ['Number', Decimal128.fromString('NaN'), null],
    ['Number', { n: 1 }, null],
    ['Number', null, null],
    ['Integer', Long.fromString('-9007199254740991'), -9007199254740991],
    ['Integer', Decimal128.fromString('12'), 12],
    ['Integer', new Double(3), 3],
    ['Integer', Long.fromString('-9007199254740993'), null],
    ['Integer', Decimal128.fromString('12.5'), null],
    ['Integer', 2 ** 53, null],
    ['Integer', true, null],
    ['Integer', null, null],
    ['Text', new Double(1.5), '1.5'],
    ['Text', Long.fromNumber(7), '7'],
    ['Text', ['a'], null],
  ] as const)('by the documented rule, %s holds %p as %p', (type, value, cell) => {
    expect(cellOf(type, value)).toEqual(cell);
  });

  it('a missing path is NULL for every type, JSONB included', () => {
    for (const type of ['JSONB', 'Any', 'Bool', 'Number', 'Integer', 'Text'] as const) expect(cellOf(type, undefined)).toBeNull();
  });

  it('picks a row by the shape', () => {
    const shape = [
      { name: 'id', type: 'Text', path: '_id' },
      { name: 'city', type: 'Text', path: 'address.city' },
      { name: 'age', type: 'Integer', path: 'age' },
      { name: 'raw', type: 'JSONB', path: 'address' },
    ] as const;
    expect(rowOf([...shape], { _id: id, address: { city: 'Oslo' }, age: 'old' })).toEqual({
      id: '6b0f380935baf60a7fe0e656',
      city: 'Oslo',
      age: null,
      raw: '{"city":"Oslo"}',
    });
  });

  it('keeps ids of different types apart as keys', () => {
    expect(documentKey(1)).toBe('1');
    expect(documentKey('1')).toBe('"1"');
    expect(documentKey(id)).toBe('"6b0f380935baf60a7fe0e656"');
    expect(documentKey({ a: 1 })).toBe('{"a":1}');
  });
});
