import { planImport } from './import-plan';
import type { IndexDefinition, ListIndexesEntry } from './types';
import { filledCollation } from './testing/fixtures';

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

  describe('on a collection with a default collation', () => {
    // mongodb/mongo jstests/core/index/index_creation_on_different_collations.js (36635c8c): on a collection created
    // with { locale: "en_US", strength: 2 }, an index given no collation lists the collection's, filled in; one
    // given { locale: "simple" } lists none.
    const COLLECTION = { locale: 'en_US', strength: 2 };
    const FILLED = filledCollation('en_US', { strength: 2 });

    it('a definition without a collation is the live index that inherited the default (no false difference)', () => {
      const defined: IndexDefinition[] = [{ name: 'x_1', keys: [{ field: 'x', value: 1 }] }];
      expect(planImport('c', defined, [ID, live('x_1', { x: 1 }, { collation: FILLED })], COLLECTION)).toEqual([
        { kind: 'defined', name: 'x_1' },
      ]);
      // Without the collection's collation the same pair is a difference: what the parameter prevents.
      expect(planImport('c', defined, [ID, live('x_1', { x: 1 }, { collation: FILLED })])[0].kind).toBe('differs');
    });

    it('a live index built with the simple collation is imported with it, so that it stays itself', () => {
      const [decision] = planImport('c', [], [ID, live('y_1', { y: 1 })], COLLECTION);
      expect(decision).toEqual({
        kind: 'create',
        name: 'y_1',
        definition: { name: 'y_1', keys: [{ field: 'y', value: 1 }], options: { collation: { locale: 'simple' } } },
      });
      const again = decision.kind === 'create' ? [decision.definition] : [];
      expect(planImport('c', again, [ID, live('y_1', { y: 1 })], COLLECTION)).toEqual([{ kind: 'defined', name: 'y_1' }]);
    });

    it('a live index with the inherited collation is imported with it written out, and is defined next time', () => {
      const [decision] = planImport('c', [], [ID, live('x_1', { x: 1 }, { collation: FILLED })], COLLECTION);
      expect(decision.kind === 'create' && decision.definition.options).toEqual({ collation: { locale: 'en_US', strength: 2 } });
    });

    it('a difference names the definition as the repository has it', () => {
      const defined: IndexDefinition[] = [{ name: 'body_text', keys: [{ field: 'body', value: 'text' }], options: { sparse: true } }];
      const text = live(
        'body_text',
        { _fts: 'text', _ftsx: 1 },
        { weights: { body: 1 }, default_language: 'english', language_override: 'language', textIndexVersion: 3 },
      );
      const [decision] = planImport('c', defined, [ID, text], COLLECTION);
      expect(decision.kind === 'differs' && decision.defined.options).toEqual({ sparse: true });
    });
  });
});
