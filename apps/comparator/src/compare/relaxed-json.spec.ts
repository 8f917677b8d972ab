import { BSON } from 'mongodb';
import { relaxedExtendedJson } from './relaxed-json';

const { Decimal128, Double, Int32, Long, ObjectId, Timestamp } = BSON;

describe('relaxedExtendedJson', () => {
  const cases: [string, unknown][] = [
    ['a plain entry', { v: 2, key: { status: 1, created: -1 }, name: 'status_1_created_-1' }],
    ['text weights and strings', { v: 2, key: { _fts: 'text', _ftsx: 1 }, weights: { body: 1, title: 3 }, textIndexVersion: 3 }],
    [
      'a partial filter with arrays and booleans',
      { partialFilterExpression: { $or: [{ a: { $in: [1, 'x'] } }, { b: { $exists: true } }] } },
    ],
    ['a Long', { expireAfterSeconds: Long.fromNumber(3600) }],
    ['a Long beyond 2^53', { n: Long.fromString('9007199254740993') }],
    ['an Int32 and a Double wrapper', { a: new Int32(5), b: new Double(1.5) }],
    ['a Date', { partialFilterExpression: { at: { $gt: new Date('2026-01-02T03:04:05.678Z') } } }],
    ['-0, NaN and Infinity', { a: -0, b: NaN, c: Infinity }],
    [
      'a Decimal128, an ObjectId and a Timestamp',
      { d: Decimal128.fromString('1.10'), o: new ObjectId('65a1b2c3d4e5f6a7b8c9d0e1'), t: new Timestamp({ t: 1, i: 2 }) },
    ],
    ['a nested array with a Long', { key: { a: 1 }, m: [[1, Long.fromNumber(2)]] }],
    ['null', { collation: null }],
  ];

  it.each(cases)('gives what EJSON.serialize gives for %s', (_name, value) => {
    expect(relaxedExtendedJson(value)).toEqual(BSON.EJSON.serialize(value as BSON.Document, { relaxed: true }));
  });

  it('hands a plain entry back as it is, without copying it', () => {
    const entry = { v: 2, key: { a: 1 }, name: 'a_1' };
    expect(relaxedExtendedJson(entry)).toBe(entry);
  });
});
