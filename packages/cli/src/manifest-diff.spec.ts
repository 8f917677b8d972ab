import pc from 'picocolors';
import { changedFields, hasChanges, renderDiff, type ManifestChanges } from './manifest-diff';

const plain = pc.createColors(false);
const none: ManifestChanges = { created: [], updated: [], deleted: [], unchanged: [], warnings: [] };

describe('the manifest diff', () => {
  it('prints creates, changes with before and after, deletes and warnings, then the plan line', () => {
    const changes: ManifestChanges = {
      created: [{ collection: 'orders', name: 'created_at_-1' }],
      updated: [
        {
          collection: 'orders',
          name: 'customer_1',
          before: { keys: [{ field: 'customer', value: 1 }], options: { expire_after_seconds: 60 } },
          after: { keys: [{ field: 'customer', value: 1 }], options: { is_unique: true, expire_after_seconds: 3600 } },
        },
      ],
      deleted: [{ collection: 'users', name: 'email_1' }],
      unchanged: [{ collection: 'users', name: 'tenant_1' }],
      warnings: [{ field: 'collections.orders.0.options.background', message: 'ignored by MongoDB since 4.2' }],
    };
    expect(renderDiff(changes, plain)).toEqual([
      '  + orders.created_at_-1',
      '  ~ orders.customer_1',
      '      options.expire_after_seconds: 60 -> 3600',
      '      options.is_unique: (none) -> true',
      '  - users.email_1',
      '  ! collections.orders.0.options.background: ignored by MongoDB since 4.2',
      '',
      'Plan: 1 to create, 1 to change, 1 to delete (1 unchanged).',
    ]);
    expect(hasChanges(changes)).toBe(true);
  });

  it('colours + green, ~ yellow and - red', () => {
    const colours = pc.createColors(true);
    const lines = renderDiff(
      { ...none, created: [{ collection: 'a', name: 'x_1' }], deleted: [{ collection: 'a', name: 'y_1' }] },
      colours,
    );
    expect(lines[0]).toBe(colours.green('  + a.x_1'));
    expect(lines[1]).toBe(colours.red('  - a.y_1'));
  });

  it('says when nothing would change', () => {
    const changes = { ...none, unchanged: [{ collection: 'a', name: 'x_1' }] };
    expect(hasChanges(changes)).toBe(false);
    expect(renderDiff(changes, plain)).toEqual(['No changes: the design repository already matches the manifest (1 definitions).']);
  });

  it('names a change of key order as a change of keys', () => {
    const before = {
      keys: [
        { field: 'a', value: 1 },
        { field: 'b', value: -1 },
      ],
    };
    const after = { keys: [...before.keys].reverse() };
    expect(changedFields(before, after)).toEqual(['keys: { a: 1, b: -1 } -> { b: -1, a: 1 }']);
  });
});
