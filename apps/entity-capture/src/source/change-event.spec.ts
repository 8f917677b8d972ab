import { Timestamp } from 'mongodb';
import { mapChangeEvent, type ChangeEvent } from './change-event';
import { matchOf } from './change-stream-reader';

// No MongoDB runs here (FerretDB 1.x has no change streams): these events are written after the shapes
// MongoDB documents at https://www.mongodb.com/docs/manual/reference/change-events/ (insert, update,
// replace, delete, drop, rename, dropDatabase, invalidate), with the fields a 7.0 server sends.
const token = (n: number) => ({ _data: `82${n.toString(16).padStart(8, '0')}` });
const clusterTime = new Timestamp({ t: 1_700_000_000, i: 3 });
const wallTime = new Date('2026-12-01T10:00:00.000Z');
const ns = { db: 'shop', coll: 'people' };
const base = { clusterTime, wallTime, ns, documentKey: { _id: 'u1' } };

describe('mapping MongoDB change stream events (documented shapes, no server)', () => {
  it('insert: an upsert of the full document, at the wall time, positioned by the resume token', () => {
    const event: ChangeEvent = { _id: token(1), operationType: 'insert', ...base, fullDocument: { _id: 'u1', email: 'a@x' } };
    expect(mapChangeEvent(event)).toEqual({
      kind: 'change',
      change: {
        ns: 'shop.people',
        operation: 'upsert',
        documentId: 'u1',
        document: { _id: 'u1', email: 'a@x' },
        at: wallTime,
        position: token(1),
      },
    });
  });

  it('update with fullDocument "updateLookup": an upsert of the document looked up', () => {
    const event = {
      _id: token(2),
      operationType: 'update',
      ...base,
      updateDescription: { updatedFields: { email: 'b@x' }, removedFields: [], truncatedArrays: [] },
      fullDocument: { _id: 'u1', email: 'b@x' },
    };
    expect(mapChangeEvent(event)).toMatchObject({ kind: 'change', change: { operation: 'upsert', document: { _id: 'u1', email: 'b@x' } } });
  });

  it('update whose lookup found nothing (deleted since) or with no post-image ("whenAvailable"): read the document by id', () => {
    const event = {
      _id: token(3),
      operationType: 'update',
      ...base,
      updateDescription: { updatedFields: { n: 1 }, removedFields: [] },
      fullDocument: null,
    };
    expect(mapChangeEvent(event)).toEqual({ kind: 'lookup', ns: 'shop.people', documentId: 'u1', at: wallTime, position: token(3) });
    const withoutField = {
      _id: token(4),
      operationType: 'update',
      ...base,
      updateDescription: { updatedFields: { n: 1 }, removedFields: [] },
    };
    expect(mapChangeEvent(withoutField).kind).toBe('lookup');
  });

  it('update with fullDocument "whenAvailable" and a post-image: an upsert of it', () => {
    const event = { _id: token(5), operationType: 'update', ...base, fullDocument: { _id: 'u1', n: 2 } };
    expect(mapChangeEvent(event)).toMatchObject({ kind: 'change', change: { operation: 'upsert', document: { _id: 'u1', n: 2 } } });
  });

  it('replace: an upsert of the replacement', () => {
    const event = { _id: token(6), operationType: 'replace', ...base, fullDocument: { _id: 'u1', other: true } };
    expect(mapChangeEvent(event)).toMatchObject({ kind: 'change', change: { operation: 'upsert', document: { _id: 'u1', other: true } } });
  });

  it('delete: a delete of the document key; without wallTime (before 6.0) the cluster time gives the time', () => {
    const event = { _id: token(7), operationType: 'delete', clusterTime, ns, documentKey: { _id: 'u1' } };
    expect(mapChangeEvent(event)).toEqual({
      kind: 'change',
      change: { ns: 'shop.people', operation: 'delete', documentId: 'u1', at: new Date(1_700_000_000_000), position: token(7) },
    });
  });

  it('drop, rename and dropDatabase reset their namespace; invalidate ends the stream', () => {
    expect(mapChangeEvent({ _id: token(8), operationType: 'drop', clusterTime, ns })).toEqual({
      kind: 'reset',
      reason: 'drop',
      ns: 'shop.people',
      position: token(8),
    });
    expect(mapChangeEvent({ _id: token(9), operationType: 'rename', clusterTime, ns, to: { db: 'shop', coll: 'folk' } })).toMatchObject({
      kind: 'reset',
      reason: 'rename',
      ns: 'shop.people',
    });
    expect(mapChangeEvent({ _id: token(10), operationType: 'dropDatabase', clusterTime, ns: { db: 'shop' } })).toMatchObject({
      kind: 'reset',
      reason: 'dropDatabase',
      ns: 'shop',
    });
    expect(mapChangeEvent({ _id: token(11), operationType: 'invalidate', clusterTime })).toEqual({
      kind: 'reset',
      reason: 'invalidate',
      position: token(11),
    });
  });

  it('passes over other events (createIndexes with showExpandedEvents)', () => {
    expect(mapChangeEvent({ _id: token(12), operationType: 'createIndexes', clusterTime, ns })).toEqual({
      kind: 'ignored',
      position: token(12),
    });
  });

  it('filters on the server to the namespaces asked for, their databases’ drops and invalidations', () => {
    expect(matchOf(['shop.people', 'shop.orders', 'crm.leads'])).toEqual([
      {
        $match: {
          $or: [
            { 'ns.db': 'shop', 'ns.coll': 'people' },
            { 'ns.db': 'shop', 'ns.coll': 'orders' },
            { 'ns.db': 'crm', 'ns.coll': 'leads' },
            { operationType: 'dropDatabase', 'ns.db': { $in: ['shop', 'crm'] } },
            { operationType: 'invalidate' },
          ],
        },
      },
    ]);
  });
});
