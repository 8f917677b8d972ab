import {
  CAPABILITIES,
  describeServer,
  featuresOf,
  lacks,
  refusalOf,
  versionOf,
  type Feature,
  type TargetCapabilities,
  type TargetServer,
} from './capabilities';
import { markUnsupported } from './capabilities-plan';
import { diffCollection } from './diff';
import { planCollection } from './plan';
import type { PlanOperation } from './plan-types';
import type { MongoIndexSpec } from './types';

const mongodb = (version: string | null): TargetCapabilities => ({ server: { kind: 'mongodb', version } });
const ferretdb = (server: Omit<TargetServer, 'kind'>, collMod?: boolean): TargetCapabilities => ({
  server: { kind: 'ferretdb', ...server },
  ...(collMod === undefined ? {} : { collMod }),
});
const FERRETDB_EMBEDDED = ferretdb({ version: null, line: 1 }, false);
const create = (spec: Omit<MongoIndexSpec, 'name'> & Pick<MongoIndexSpec, 'key'>): PlanOperation => ({
  kind: 'create',
  collection: 'c',
  index: 'i',
  reason: 'missing',
  spec: { name: 'i', ...spec },
});

/** One plan step that needs exactly each feature (but `drop_several`, which no single step needs). */
const NEEDS: Record<Exclude<Feature, 'drop_several'>, PlanOperation> = {
  text: create({ key: { title: 'text' } }),
  '2dsphere': create({ key: { at: '2dsphere' } }),
  '2d': create({ key: { at: '2d' } }),
  hashed: create({ key: { h: 'hashed' } }),
  compound_hashed: create({ key: { a: 1, h: 'hashed' } }),
  wildcard: create({ key: { '$**': 1 } }),
  compound_wildcard: create({ key: { tenant: 1, 'attrs.$**': 1 } }),
  wildcardProjection: { ...create({ key: { '$**': 1 } }), spec: { name: 'i', key: { '$**': 1 }, wildcardProjection: { a: 1 } } },
  unique: create({ key: { email: 1 }, unique: true }),
  sparse: create({ key: { email: 1 }, sparse: true }),
  partialFilterExpression: create({ key: { s: 1 }, partialFilterExpression: { open: true } }),
  expireAfterSeconds: create({ key: { at: 1 }, expireAfterSeconds: 60 }),
  collation: create({ key: { n: 1 }, collation: { locale: 'fr' } }),
  hidden: create({ key: { n: 1 }, hidden: true }),
  prepareUnique: create({ key: { email: 1 }, prepareUnique: true }),
  collmod_hidden: { kind: 'hide', collection: 'c', index: 'i', reason: 'redundant' },
  collmod_ttl: { kind: 'modify', collection: 'c', index: 'i', reason: 'ttl', changes: { expireAfterSeconds: 10 } },
  collmod_prepare_unique: { kind: 'modify', collection: 'c', index: 'i', reason: 'prepare', changes: { prepareUnique: true } },
};

describe('the capabilities table', () => {
  const rows = Object.entries(CAPABILITIES) as [Feature, (typeof CAPABILITIES)[Feature]][];

  it.each(rows)('%s: MongoDB has it from the version in its row, not one minor before', (feature, row) => {
    const [major, minor] = row.mongodb;
    const before = minor > 0 ? `${major}.${minor - 1}.9` : `${major - 1}.99.0`;
    expect(lacks(mongodb(`${major}.${minor}.0`), feature)).toBeUndefined();
    expect(lacks(mongodb(`${major + 1}.0.0`), feature)).toBeUndefined();
    expect(lacks(mongodb(before), feature)).toBe(`MongoDB ${before} cannot ${row.what}: MongoDB ${major}.${minor} or later is needed`);
  });

  it.each(rows)('%s: FerretDB 1.x as its row says, named with its version', (feature, row) => {
    const named = lacks(ferretdb({ version: 'v1.24.0' }), feature);
    const embedded = lacks(ferretdb({ version: null, line: 1 }), feature);
    if (row.ferretdb1 === undefined) {
      expect(named).toBeUndefined();
      expect(embedded).toBeUndefined();
    } else {
      expect(named).toBe(`FerretDB v1.24.0 cannot ${row.what}: FerretDB 1.x ${row.ferretdb1}`);
      expect(embedded).toBe(`FerretDB 1.x (its build does not report its version) cannot ${row.what}: FerretDB 1.x ${row.ferretdb1}`);
    }
  });

  it.each(rows)('%s: a later FerretDB is not assumed to lack it, nor a MongoDB whose version cannot be read', (feature) => {
    expect(lacks(ferretdb({ version: 'v2.5.0' }), feature)).toBeUndefined();
    expect(lacks(ferretdb({ version: null, line: 2 }), feature)).toBeUndefined();
    expect(lacks(mongodb('not-a-version'), feature)).toBeUndefined();
    expect(lacks(mongodb(null), feature)).toBeUndefined();
  });

  it.each(Object.entries(NEEDS))(
    'a %s step needs exactly that feature (a wildcardProjection its wildcard key too)',
    (feature, operation) => {
      expect(featuresOf(operation)).toEqual(feature === 'wildcardProjection' ? ['wildcard', feature] : [feature]);
    },
  );

  it('every row but drop_several has a step that needs it', () => {
    expect(Object.keys(NEEDS).sort()).toEqual(
      Object.keys(CAPABILITIES)
        .filter((f) => f !== 'drop_several')
        .sort(),
    );
  });
});

describe('refusalOf', () => {
  it('a text index over every string field ({ "$**": "text" }) is a text index, not a wildcard one', () => {
    expect(featuresOf(create({ key: { '$**': 'text' } }))).toEqual(['text']);
  });

  it('drops are never refused; a modify needs collMod for each thing it changes', () => {
    expect(refusalOf(FERRETDB_EMBEDDED, { kind: 'drop', collection: 'c', index: 'i', reason: 'redundant' })).toBeUndefined();
    const both: PlanOperation = {
      kind: 'modify',
      collection: 'c',
      index: 'i',
      reason: 'x',
      changes: { hidden: true, expireAfterSeconds: 5 },
    };
    expect(featuresOf(both)).toEqual(['collmod_hidden', 'collmod_ttl']);
    expect(refusalOf(mongodb('4.2.24'), both)).toBe(
      'MongoDB 4.2.24 cannot hide or unhide an index (collMod): MongoDB 4.4 or later is needed',
    );
  });

  it('names every reason of a step the target refuses for several', () => {
    const ttlPartial = create({ key: { at: 1 }, expireAfterSeconds: 60, partialFilterExpression: { a: 1 } });
    expect(refusalOf(ferretdb({ version: 'v1.24.0' }), ttlPartial)).toBe(
      'FerretDB v1.24.0 cannot build partial indexes: FerretDB 1.x has not implemented this index option (error 238); ' +
        'FerretDB v1.24.0 cannot build TTL indexes: FerretDB 1.x has not implemented this index option (error 238)',
    );
  });

  it('an ordinary or unique compound index runs everywhere', () => {
    const plain = create({ key: { a: 1, b: -1 }, unique: true });
    expect(refusalOf(FERRETDB_EMBEDDED, plain)).toBeUndefined();
    expect(refusalOf(mongodb('4.2.0'), plain)).toBeUndefined();
  });

  it('a server whose collMod probe failed cannot hide, whatever its version says', () => {
    const noCollMod: TargetCapabilities = { server: { kind: 'mongodb', version: '7.0.12' }, collMod: false };
    expect(refusalOf(noCollMod, NEEDS.collmod_hidden)).toBe(
      'MongoDB 7.0.12 cannot hide or unhide an index (collMod): it answered a harmless collMod as a command it does not have',
    );
    expect(refusalOf({ ...noCollMod, collMod: true }, NEEDS.collmod_hidden)).toBeUndefined();
    expect(refusalOf(noCollMod, NEEDS.hidden)).toBeUndefined();
  });
});

describe('versionOf and describeServer', () => {
  it.each([
    ['4.4.29', [4, 4]],
    ['7.0.0-rc1', [7, 0]],
    ['v1.24.0', [1, 24]],
    ['8.1', [8, 1]],
    ['unknown', undefined],
    ['', undefined],
    ['1x.2', undefined],
  ])('%s → %j', (text, expected) => {
    expect(versionOf(text)).toEqual(expected);
  });

  it('names the server and its own version, or says that it gives none', () => {
    expect(describeServer({ kind: 'mongodb', version: '7.0.12' })).toBe('MongoDB 7.0.12');
    expect(describeServer({ kind: 'ferretdb', version: 'v1.24.0' })).toBe('FerretDB v1.24.0');
    expect(describeServer({ kind: 'ferretdb', version: null, line: 1 })).toBe('FerretDB 1.x (its build does not report its version)');
    expect(describeServer({ kind: 'mongodb', version: null })).toBe('MongoDB (version not reported)');
  });
});

describe('markUnsupported', () => {
  const ID = { v: 2, key: { _id: 1 }, name: '_id_' };

  it('marks the refused steps, leaves the others as they were, and warns once naming them', () => {
    const plan = planCollection(
      diffCollection(
        'cases',
        [{ keys: [{ field: 'title', value: 'text' }] }, { keys: [{ field: 'status', value: 1 }] }],
        [ID, { v: 2, key: { old: 1 }, name: 'old_1' }],
      ),
      { hideBeforeDrop: true },
    );
    const marked = markUnsupported(plan, FERRETDB_EMBEDDED);
    expect(marked.operations.map((op) => [op.kind, op.index, op.unsupported !== undefined])).toEqual([
      ['create', 'status_1', false],
      ['create', 'title_text', true],
      ['hide', 'old_1', true],
    ]);
    expect(marked.operations[1].unsupported).toMatch(/^FerretDB 1\.x .* cannot build text indexes/);
    expect(marked.operations[0]).toBe(plan.operations[0]);
    expect(marked.warnings).toEqual([
      ...plan.warnings,
      '2 step(s) will be refused by FerretDB 1.x (its build does not report its version) and are marked unsupported: ' +
        'create cases.title_text, hide cases.old_1',
    ]);
  });

  it('marks every step of a rebuild whose create is refused, so its drop cannot lose the index', () => {
    // Same name, a new TTL: MongoDB cannot turn a compound index into a TTL one with collMod, so it is rebuilt.
    const plan = planCollection(
      diffCollection(
        'c',
        [{ name: 'ab', keys: [{ field: 'a', value: 1 }], options: { partial_filter_expression: { a: 1 } } }],
        [ID, { v: 2, key: { a: 1 }, name: 'ab' }],
      ),
    );
    expect(plan.operations.length).toBeGreaterThan(1);
    const marked = markUnsupported(plan, ferretdb({ version: 'v1.24.0' }));
    for (const op of marked.operations) expect(op.unsupported).toBeDefined();
    const drop = marked.operations.find((op) => op.kind === 'drop' && op.index === 'ab');
    expect(drop?.unsupported).toMatch(/^rebuild ab .* cannot run: FerretDB v1\.24\.0 cannot build partial indexes/);
  });

  it('changes nothing when the target can run every step', () => {
    const plan = planCollection(diffCollection('c', [{ keys: [{ field: 'title', value: 'text' }] }], [ID]));
    expect(markUnsupported(plan, mongodb('7.0.12'))).toEqual(plan);
  });
});
