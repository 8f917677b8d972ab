import { Timestamp } from 'mongodb';
import { firstInWholeTs, mergeInTsOrder } from './oplog-merge';
import type { OplogDocument } from './oplog-document';

const entry = (ns: string, t: number, i: number): OplogDocument => ({
  ns,
  op: 'i',
  ts: new Timestamp({ t, i }),
  o: { _id: `${ns}${t}.${i}` },
});
const ids = (entries: readonly OplogDocument[]) => entries.map((e) => e.o._id as string);

describe('merging the namespaces’ reads of the oplog', () => {
  it('interleaves them in ts order and keeps the first max', () => {
    const a = [entry('a', 1, 1), entry('a', 1, 3), entry('a', 2, 1)];
    const b = [entry('b', 1, 2), entry('b', 3, 1)];
    expect(ids(mergeInTsOrder([a, b], 10))).toEqual(['a1.1', 'b1.2', 'a1.3', 'a2.1', 'b3.1']);
    expect(ids(mergeInTsOrder([a, b, []], 4))).toEqual(['a1.1', 'b1.2', 'a1.3', 'a2.1']);
    // a's read is full (3): it may hold more at 2.1, so only what comes before it goes out.
    expect(ids(mergeInTsOrder([a, b], 3))).toEqual(['a1.1', 'b1.2', 'a1.3']);
  });

  it('stops before the last ts of a full read: that namespace may hold more there and before the others’ later entries', () => {
    const full = [entry('a', 1, 1), entry('a', 5, 1)];
    const b = [entry('b', 2, 1)];
    expect(ids(mergeInTsOrder([full, b], 2))).toEqual(['a1.1', 'b2.1']);
    expect(ids(mergeInTsOrder([[entry('a', 1, 1)], [entry('b', 1, 1)]], 1))).toEqual(['a1.1', 'b1.1']);
  });

  it('cuts only where the ts changes, and gives a ts of more entries than max whole', () => {
    const tie = [entry('a', 1, 1), entry('b', 1, 1), entry('a', 2, 1)];
    expect(ids(firstInWholeTs(tie, 2))).toEqual(['a1.1', 'b1.1']);
    expect(ids(firstInWholeTs(tie, 1))).toEqual(['a1.1', 'b1.1']);
    expect(ids(firstInWholeTs([entry('a', 1, 1), entry('a', 2, 1), entry('b', 2, 1)], 2))).toEqual(['a1.1']);
    expect(ids(firstInWholeTs(tie, 3))).toEqual(['a1.1', 'b1.1', 'a2.1']);
  });
});
