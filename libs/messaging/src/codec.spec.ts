import { decodeJson, encodeReply, replyDataJson } from './codec';

const text = (bytes: Uint8Array | undefined) => (bytes ? new TextDecoder().decode(bytes) : undefined);

describe('encodeReply / replyDataJson', () => {
  it.each([
    ['a document', { collections: [{ name: 'orders', note: 'a } and a " inside' }], total: 2 }],
    ['an array', [1, 'two', { three: 3 }]],
    ['a string', 'done'],
    ['null', null],
  ])('finds the data of an answer (%s) without parsing the reply, as JSON of the data', (_label, data) => {
    const reply = encodeReply({ ok: true, data });
    expect(decodeJson(reply)).toEqual({ ok: true, data });
    expect(JSON.parse(text(replyDataJson(reply))!)).toEqual(data);
  });

  it('finds it in a reply written by JSON.stringify as well (what a stand-in service writes)', () => {
    const reply = new TextEncoder().encode(JSON.stringify({ ok: true, data: { a: 1 } }));
    expect(text(replyDataJson(reply))).toBe('{"a":1}');
  });

  it('leaves errors, answers without data and other bytes to the parser', () => {
    expect(replyDataJson(encodeReply({ ok: false, error: { code: 'NOT_FOUND', message: 'no such sync' } }))).toBeUndefined();
    expect(replyDataJson(encodeReply({ ok: true, data: undefined }))).toBeUndefined();
    expect(replyDataJson(new TextEncoder().encode('{ "ok": true, "data": 1 }'))).toBeUndefined();
    expect(replyDataJson(new Uint8Array())).toBeUndefined();
  });
});
