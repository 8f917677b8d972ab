import { checkManifest } from './manifest-validation';

const ttl = { field: 'expires_at', value: 1 };

describe('checkManifest', () => {
  it('collects schema, MongoDB-rule and duplicate errors of every collection in one pass, each named by index name', () => {
    const { issues, planned } = checkManifest(
      {
        version: 1,
        collections: {
          cases: [
            { name: 'status_1', keys: [{ field: 'status', value: 1 }], options: { unique: true } },
            { name: 'ttl_compound', keys: [ttl, { field: 'x', value: 1 }], options: { expire_after_seconds: 60 } },
            { name: 'assignee_1', keys: [{ field: 'assignee', value: 1 }] },
            { name: 'assignee_again', keys: [{ field: 'assignee', value: 1 }] },
          ],
          alerts: [{ keys: [{ field: 'at', value: 0 }] }, { name: 'ok_1', keys: [{ field: 'ok', value: 1 }] }],
        },
      },
      'appdb',
    );

    expect(issues).toEqual([
      expect.objectContaining({ field: 'collections.cases["status_1"].options.unique', rule: 'unknown_field' }),
      expect.objectContaining({ field: 'collections.cases["ttl_compound"].options.expire_after_seconds', rule: 'ttl_single_field' }),
      expect.objectContaining({
        field: 'collections.cases["assignee_again"].keys',
        rule: 'duplicate_index',
        message: expect.stringContaining('collections.cases["assignee_1"]'),
      }),
      // Neither a name nor a key to derive one from: only then the position.
      expect.objectContaining({ field: expect.stringMatching(/^collections\.alerts\[0\]\.keys\.0\.value/) }),
    ]);
    expect(planned.map((p) => `${p.collection}.${p.resolved.definition.name}`)).toEqual([
      'cases.assignee_1',
      'cases.assignee_again',
      'alerts.ok_1',
    ]);
  });

  it('reports a wrong version, an unknown top-level field and index errors together', () => {
    const { issues } = checkManifest(
      { version: 2, extra: true, collections: { c: [{ name: 'a', keys: [{ field: 'a', value: 1 }], options: { sparse: 'yes' } }] } },
      'appdb',
    );
    expect(issues.map((i) => i.field).sort()).toEqual(['collections.c["a"].options.sparse', 'extra', 'version']);
  });

  it('tells apart two indexes that share a name by their occurrence', () => {
    const { issues } = checkManifest(
      {
        version: 1,
        collections: {
          docs: [
            { name: 'same', keys: [{ field: 'a', value: 1 }] },
            { name: 'same', keys: [{ field: 'b', value: 1 }] },
          ],
        },
      },
      'appdb',
    );
    expect(issues).toEqual([
      {
        field: 'collections.docs["same"#2].name',
        rule: 'duplicate_name',
        message: 'the name "same" is already used by collections.docs["same"#1]',
      },
    ]);
  });

  it("derives MongoDB's default name when `name` is left out, and names errors by it", () => {
    const ok = checkManifest({ version: 1, collections: { c: [{ keys: [{ field: 'a', value: 1 }, ttl] }] } }, 'appdb');
    expect(ok.issues).toEqual([]);
    expect(ok.planned[0].resolved.definition.name).toBe('a_1_expires_at_1');
    expect(ok.planned[0].resolved.nameGenerated).toBe(true);

    const bad = checkManifest({ version: 1, collections: { c: [{ keys: [ttl], options: { expire_after_seconds: -1 } }] } }, 'appdb');
    expect(bad.issues).toEqual([expect.objectContaining({ field: 'collections.c["expires_at_1"].options.expire_after_seconds' })]);
  });

  it('accepts background, ns and v (at the top of an index or in its options) with a warning each, and stores none of them', () => {
    const { issues, warnings, planned } = checkManifest(
      {
        version: 1,
        collections: {
          c: [{ name: 'a_1', v: 2, ns: 'appdb.c', keys: [{ field: 'a', value: 1 }], options: { background: true, is_unique: true } }],
        },
      },
      'appdb',
    );
    expect(issues).toEqual([]);
    expect(warnings.map((w) => w.field)).toEqual([
      'collections.c["a_1"].ns',
      'collections.c["a_1"].v',
      'collections.c["a_1"].options.background',
    ]);
    expect(planned[0].resolved.definition).toEqual({ name: 'a_1', keys: [{ field: 'a', value: 1 }], options: { is_unique: true } });
  });

  it('keeps checking other collections when one is not a list, and checks collection names and namespaces', () => {
    const { issues } = checkManifest(
      { version: 1, collections: { bad$name: [], notalist: {}, ['x'.repeat(250)]: [], fine: [{ name: 'a', keys: [] }] } },
      'appdb',
    );
    expect(issues.map((i) => `${i.field.slice(0, 40)} ${i.rule}`)).toEqual([
      'collections.bad$name custom',
      'collections.notalist invalid_type',
      `collections.${'x'.repeat(28)} namespace_length`,
      'collections.fine["a"].keys too_small',
    ]);
  });

  it('answers the database block only when it is well formed', () => {
    expect(checkManifest({ version: 1, database: { db_name: 'other' }, collections: {} }, 'appdb').database).toEqual({ db_name: 'other' });
    const malformed = checkManifest({ version: 1, database: { db: 'x' }, collections: {} }, 'appdb');
    expect(malformed.database).toBeUndefined();
    expect(malformed.issues.map((i) => i.field)).toEqual(['database.db_name', 'database.db']);
  });

  it('refuses what is no manifest at all', () => {
    expect(checkManifest([], 'appdb').issues).toEqual([expect.objectContaining({ field: '(body)' })]);
    expect(checkManifest({ version: 1 }, 'appdb').issues).toEqual([expect.objectContaining({ field: 'collections' })]);
  });

  it("checks each index by the rules of the target's version", () => {
    const manifest = { version: 1, collections: { events: [{ name: 'any_desc', keys: [{ field: '$**', value: -1 }] }] } };
    expect(checkManifest(manifest, 'appdb', { version: [6, 0] }).issues).toEqual([
      expect.objectContaining({ field: 'collections.events["any_desc"].keys.0.value', rule: 'requires_version' }),
    ]);
    expect(checkManifest(manifest, 'appdb', { version: [7, 0] }).issues).toEqual([]);
  });
});
