import { planImport } from './import-plan';
import type { IndexDefinition, ListIndexesEntry } from './types';

const live = (name: string, key: Record<string, unknown>, options: Record<string, unknown> = {}): ListIndexesEntry =>
  ({ v: 2, key, name, ...options }) as ListIndexesEntry;
const ID = live('_id_', { _id: 1 });

describe('planImport', () => {
  it('imports a live index the repository has no definition for, with its real name', () => {
    expect(planImport('cases', [], [ID, live('status_1', { status: 1 })])).toEqual([
      { kind: 'create', name: 'status_1', definition: { name: 'status_1', keys: [{ field: 'status', value: 1 }] } },
    ]);
  });

  it('leaves alone a live index its definition describes exactly', () => {
    const defined: IndexDefinition[] = [{ name: 'email_1', keys: [{ field: 'email', value: 1 }], options: { is_unique: true } }];
    expect(planImport('users', defined, [ID, live('email_1', { email: 1 }, { unique: true })])).toEqual([
      { kind: 'defined', name: 'email_1' },
    ]);
  });

  it('reports a live index that differs from the definition of the same name, with the field and both forms', () => {
    const defined: IndexDefinition[] = [{ name: 'email_1', keys: [{ field: 'email', value: 1 }], options: { is_unique: true } }];
    const [decision] = planImport('users', defined, [live('email_1', { email: 1 })]);
    expect(decision).toEqual({
      kind: 'differs',
      name: 'email_1',
      definition: { name: 'email_1', keys: [{ field: 'email', value: 1 }] },
      defined: defined[0],
      fields: ['unique'],
    });
  });

  it('reports the same index under another name as a difference of name, not as a new index', () => {
    const defined: IndexDefinition[] = [{ keys: [{ field: 'a', value: 1 }] }];
    const [decision] = planImport('c', defined, [live('by_a', { a: 1 })]);
    expect(decision).toMatchObject({ kind: 'differs', name: 'by_a', fields: ['name'], defined: { name: 'a_1' } });
  });

  it('pairs by key when names differ and options differ too, naming both', () => {
    const defined: IndexDefinition[] = [{ name: 'a_1', keys: [{ field: 'a', value: 1 }] }];
    const [decision] = planImport('c', defined, [live('a_sparse', { a: 1 }, { sparse: true })]);
    expect(decision).toMatchObject({ kind: 'differs', name: 'a_sparse', fields: ['sparse', 'name'] });
  });

  it('refuses what a definition cannot express, naming the options', () => {
    const [decision] = planImport(
      'c',
      [],
      [live('geo', { loc: '2dsphere' }, { '2dsphereIndexVersion': 3, storageEngine: { wiredTiger: {} } })],
    );
    expect(decision).toEqual({ kind: 'unrepresentable', name: 'geo', options: ['storageEngine'] });
  });

  it('answers every live index once, sorted by name, and never _id_', () => {
    const defined: IndexDefinition[] = [{ name: 'b_1', keys: [{ field: 'b', value: 1 }] }];
    const decisions = planImport('c', defined, [live('z_1', { z: 1 }), ID, live('b_1', { b: 1 }), live('a_1', { a: 1 })]);
    expect(decisions.map((d) => [d.name, d.kind])).toEqual([
      ['a_1', 'create'],
      ['b_1', 'defined'],
      ['z_1', 'create'],
    ]);
  });
});
