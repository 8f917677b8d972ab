import { Types } from 'mongoose';
import { batchOfDatabase, definitionSetOf, othersInCollection, pageOfCollection } from './definition-set-queries';
import type { IndexDefinitionDocument } from './index-definition.model';

const databaseId = new Types.ObjectId();
const definition = (collection: string, name: string, field = name): IndexDefinitionDocument => ({
  _id: new Types.ObjectId(),
  database_id: databaseId,
  collection,
  name,
  name_generated: false,
  key_signature: `${field}_1`,
  keys: [{ field, value: 1 }],
  options_json: '{}',
  created_at: new Date(0),
  updated_at: new Date(0),
});

describe('queries on a definition set', () => {
  // Created in this order: ids ascend with it.
  const docs = [
    definition('users', 'b_email', 'email'),
    definition('orders', 'total'),
    definition('users', 'a_name', 'name'),
    definition('users', 'Z_upper', 'zip'),
    definition('audit', 'at'),
  ];
  const set = definitionSetOf(4, docs);

  it('pages a collection by name as MongoDB sorts text (by code unit: upper case first), with the total', () => {
    expect(pageOfCollection(set, 'users', undefined, { page: 1, limit: 2 })).toEqual({
      items: [docs[3], docs[2]],
      page: 1,
      limit: 2,
      total: 3,
    });
    expect(pageOfCollection(set, 'users', undefined, { page: 2, limit: 2 }).items).toEqual([docs[0]]);
    expect(pageOfCollection(set, 'nothing', undefined, { page: 1, limit: 2 })).toEqual({ items: [], page: 1, limit: 2, total: 0 });
  });

  it('searches the name or a key field, case-insensitively, regex characters literal', () => {
    expect(pageOfCollection(set, 'users', 'EMAIL', { page: 1, limit: 10 }).items).toEqual([docs[0]]);
    expect(pageOfCollection(set, 'users', 'zip', { page: 1, limit: 10 }).items).toEqual([docs[3]]);
    expect(pageOfCollection(set, 'users', '.*', { page: 1, limit: 10 }).total).toBe(0);
  });

  it('batches a database by id after a cursor, of the collections asked for', () => {
    expect(batchOfDatabase(set, { limit: 10 })).toEqual(docs);
    expect(batchOfDatabase(set, { limit: 2, after: docs[1]._id.toHexString() })).toEqual([docs[2], docs[3]]);
    expect(batchOfDatabase(set, { limit: 10, collections: ['audit', 'orders'] })).toEqual([docs[1], docs[4]]);
  });

  it("lists a collection's other definitions", () => {
    expect(othersInCollection(set, 'users', docs[2]._id)).toEqual([docs[3], docs[0]]);
  });
});
