import { entitiesResetBy } from './reset-scope';

const entities = [
  { name: 'people', collection: 'people' },
  { name: 'adults', collection: 'people' },
  { name: 'orders', collection: 'orders' },
];
const position = { _data: '82' };

describe('the entities a change stream reset sends to a hard refresh', () => {
  it('a dropped or renamed collection: the entities reading it, in that database only', () => {
    expect(entitiesResetBy({ kind: 'reset', reason: 'drop', ns: 'crm.people', position }, 'crm', entities).map((e) => e.name)).toEqual([
      'people',
      'adults',
    ]);
    expect(entitiesResetBy({ kind: 'reset', reason: 'rename', ns: 'crm.orders', position }, 'crm', entities).map((e) => e.name)).toEqual([
      'orders',
    ]);
    expect(entitiesResetBy({ kind: 'reset', reason: 'drop', ns: 'other.people', position }, 'crm', entities)).toEqual([]);
  });

  it('the database dropped or the stream invalidated: every entity of the source', () => {
    expect(entitiesResetBy({ kind: 'reset', reason: 'dropDatabase', ns: 'crm', position }, 'crm', entities)).toHaveLength(3);
    expect(entitiesResetBy({ kind: 'reset', reason: 'invalidate', position }, 'crm', entities)).toHaveLength(3);
    expect(entitiesResetBy({ kind: 'reset', reason: 'dropDatabase', ns: 'other', position }, 'crm', entities)).toEqual([]);
  });
});
