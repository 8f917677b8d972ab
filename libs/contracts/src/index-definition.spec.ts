import { INDEX_OPTIONS } from '@ir/index-core';
import { DefinitionOptionsSchema } from './index-definition';

describe('DefinitionOptionsSchema', () => {
  it('has one field per row of the options table, in its order', () => {
    expect(Object.keys(DefinitionOptionsSchema.shape)).toEqual(INDEX_OPTIONS.map((row) => row.dr));
  });

  it('checks each option by its kind', () => {
    const issues = DefinitionOptionsSchema.safeParse({
      is_unique: 'yes',
      expire_after_seconds: 1.5,
      default_language: 'x'.repeat(65),
      bits: 2.5,
    }).error?.issues.map((issue) => [issue.path.join('.'), issue.message]);
    expect(issues).toEqual([
      ['is_unique', expect.any(String)],
      ['expire_after_seconds', 'must be a whole number of seconds'],
      ['default_language', expect.any(String)],
      ['bits', expect.any(String)],
    ]);
  });

  it('refuses an option the table does not declare', () => {
    expect(DefinitionOptionsSchema.safeParse({ storage_engine: { wiredTiger: {} } }).success).toBe(false);
    // The table's options go by their design-repository names only.
    expect(DefinitionOptionsSchema.safeParse({ prepareUnique: true }).success).toBe(false);
    expect(DefinitionOptionsSchema.safeParse({ prepare_unique: true }).success).toBe(true);
  });
});
