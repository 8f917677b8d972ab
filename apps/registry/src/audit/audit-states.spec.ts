import { AuditEntry, type IndexDefinitionView, type ManifestApplyResult } from '@ir/contracts';
import { changedFields, databaseState, manifestChanges, MANIFEST_AUDIT_CAP, type DefinitionChange } from './audit-states';

const view = (i: number, extra: Partial<IndexDefinitionView> = {}): IndexDefinitionView => ({
  id: i.toString(16).padStart(24, '0'),
  database_id: 'f'.repeat(24),
  collection: 'orders',
  name: `field${i}_1`,
  key_signature: `field${i}:1`,
  keys: [{ field: `field${i}`, value: 1 }],
  options: {},
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
  ...extra,
});
const names = (n: number) => Array.from({ length: n }, (_, i) => ({ collection: 'orders', name: `field${i}_1` }));
type Counted = Pick<ManifestApplyResult, 'created' | 'updated' | 'deleted' | 'unchanged'>;
const result = (created: number, updated: number, deleted: number, unchanged = 0): Counted => ({
  created: names(created),
  updated: names(updated).map((n) => ({ ...n, before: { options: {} }, after: { options: { sparse: true } } })),
  deleted: names(deleted),
  unchanged: names(unchanged),
});

describe('the audit states of the registry', () => {
  it('keeps a database by its names and protection, never its connection', () => {
    const state = databaseState({ name: 'orders', description: 'd', db_name: 'shop', protected: true });
    expect(state).toEqual({ name: 'orders', description: 'd', db_name: 'shop', protected: true });
    const withUri = { name: 'orders', description: '', db_name: 'shop', protected: false, uri_redacted: 'mongodb://u:***@h' };
    expect(JSON.stringify(databaseState(withUri))).not.toContain('mongodb');
  });

  it('names the fields a change touched', () => {
    expect(changedFields({ name: 'a', protected: false, db_name: 'x' }, { name: 'b', protected: false, db_name: 'x' })).toEqual(['name']);
    expect(changedFields({ name: 'a' }, { name: 'a' })).toEqual([]);
  });

  describe('an applied manifest', () => {
    it('keeps every change of a small manifest, before and after by id, with complete counts', () => {
      const changed: DefinitionChange[] = [
        { before: view(1), after: null },
        { before: view(2), after: view(2, { options: { unique: true } }) },
        { before: null, after: view(3) },
      ];
      const { changes, details } = manifestChanges(result(1, 1, 1, 4), changed);
      expect(changes.before).toEqual({ [view(1).id]: view(1), [view(2).id]: view(2) });
      expect(changes.after).toEqual({ [view(2).id]: view(2, { options: { unique: true } }), [view(3).id]: view(3) });
      expect(details).toEqual({ created: 1, updated: 1, deleted: 1, unchanged: 4, definitions_recorded: 3, definitions_omitted: 0 });
    });

    it(`keeps at most ${MANIFEST_AUDIT_CAP.definitions} definitions and counts the rest`, () => {
      const changed = Array.from({ length: 500 }, (_, i) => ({ before: null, after: view(i + 1) }));
      const { changes, details } = manifestChanges(result(500, 0, 0), changed);
      expect(Object.keys(changes.after!)).toHaveLength(MANIFEST_AUDIT_CAP.definitions);
      expect(details).toMatchObject({ created: 500, definitions_recorded: 50, definitions_omitted: 450 });
    });

    it('stops at the byte budget when definitions are large, so the entry stays far below a NATS message', () => {
      const big = (i: number) => view(i, { options: { partialFilterExpression: { note: 'x'.repeat(10_000) } } });
      const changed = Array.from({ length: 40 }, (_, i) => ({ before: big(i + 1), after: big(i + 1) }));
      const { changes, details } = manifestChanges(result(0, 40, 0), changed);
      const recorded = details.definitions_recorded as number;
      expect(recorded).toBeGreaterThan(0);
      expect(recorded).toBeLessThan(40);
      expect(details.definitions_omitted).toBe(40 - recorded);
      expect(JSON.stringify(changes).length).toBeLessThanOrEqual(MANIFEST_AUDIT_CAP.bytes);
    });

    it('makes changes an audit entry accepts', () => {
      const { changes, details } = manifestChanges(result(0, 0, 1), [{ before: view(1), after: null }]);
      const entry = {
        id: '6f1c2a4e-0b4d-4e0a-9a53-1d2b3c4d5e6f',
        at: new Date().toISOString(),
        action: 'manifest.applied',
        outcome: 'succeeded',
        actor: { kind: 'user', id: 'u', name: 'ann' },
        project_id: 'a'.repeat(24),
        target: { kind: 'manifest', id: 'f'.repeat(24), name: 'orders' },
        request_id: 'r-1',
        client_address: '127.0.0.1',
        service: 'registry',
        changes,
        details,
      };
      expect(AuditEntry.safeParse(entry).success).toBe(true);
    });
  });
});
