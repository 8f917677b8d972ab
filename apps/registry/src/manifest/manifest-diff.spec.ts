import { Types } from 'mongoose';
import type { IndexDefinitionDocument } from '../indexes/index-definition.model';
import { changedFields, diffManifest } from './manifest-diff';
import { checkManifest } from './manifest-validation';

function stored(collection: string, name: string, keys: IndexDefinitionDocument['keys'], options: object = {}): IndexDefinitionDocument {
  const at = new Date(0);
  return {
    _id: new Types.ObjectId(),
    database_id: new Types.ObjectId(),
    collection,
    name,
    name_generated: false,
    key_signature: 'irrelevant here',
    keys,
    options_json: JSON.stringify(options),
    created_at: at,
    updated_at: at,
  };
}

describe('diffManifest', () => {
  it('sorts definitions into created, updated (with only the fields that differ), deleted and unchanged', () => {
    const existing = [
      stored('cases', 'status_1', [{ field: 'status', value: 1 }], { is_unique: true, sparse: true }),
      stored('cases', 'assignee_1', [{ field: 'assignee', value: 1 }]),
      stored('cases', 'old_1', [{ field: 'old', value: 1 }]),
      stored('users', 'by_email', [{ field: 'email', value: 1 }]),
    ];
    const { planned, issues } = checkManifest(
      {
        version: 1,
        collections: {
          cases: [
            { name: 'status_1', keys: [{ field: 'status', value: 1 }], options: { sparse: true, collation: { locale: 'en' } } },
            { name: 'assignee_1', keys: [{ field: 'assignee', value: 1 }] },
            { name: 'new_1', keys: [{ field: 'new', value: 1 }] },
          ],
          users: [{ name: 'by_email', keys: [{ field: 'email', value: -1 }] }],
        },
      },
      'appdb',
    );
    expect(issues).toEqual([]);

    expect(diffManifest(existing, planned)).toEqual({
      created: [{ collection: 'cases', name: 'new_1' }],
      updated: [
        {
          collection: 'cases',
          name: 'status_1',
          before: { options: { is_unique: true } },
          after: { options: { collation: { locale: 'en' } } },
        },
        {
          collection: 'users',
          name: 'by_email',
          before: { keys: [{ field: 'email', value: 1 }] },
          after: { keys: [{ field: 'email', value: -1 }] },
        },
      ],
      deleted: [{ collection: 'cases', name: 'old_1' }],
      unchanged: [{ collection: 'cases', name: 'assignee_1' }],
    });
  });

  it('an empty manifest deletes every definition', () => {
    const existing = [stored('b', 'x_1', [{ field: 'x', value: 1 }]), stored('a', 'y_1', [{ field: 'y', value: 1 }])];
    expect(diffManifest(existing, []).deleted).toEqual([
      { collection: 'a', name: 'y_1' },
      { collection: 'b', name: 'x_1' },
    ]);
  });
});

describe('changedFields', () => {
  it('compares options whatever the order of their keys, and a key by its order', () => {
    const keys = [
      { field: 'a', value: 1 },
      { field: 'b', value: 1 },
    ];
    const options = { collation: { locale: 'en', strength: 2 } };
    expect(changedFields({ keys, options }, { keys: [...keys], options: { collation: { strength: 2, locale: 'en' } } })).toEqual({
      before: {},
      after: {},
    });
    expect(changedFields({ keys, options }, { keys: [...keys].reverse(), options })).toEqual({
      before: { keys },
      after: { keys: [...keys].reverse() },
    });
  });
});
