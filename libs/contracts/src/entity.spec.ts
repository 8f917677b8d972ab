import { EntityDefinition, EntityName, EntityShape } from './entity';

const issues = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  result.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];

describe('entity contracts', () => {
  it('takes file-system-safe entity names only', () => {
    expect(EntityName.safeParse('people_2').success).toBe(true);
    for (const name of ['People', '2people', '../x', 'a-b', '', 'a'.repeat(64)]) expect(EntityName.safeParse(name).success).toBe(false);
  });

  it('names the column that is wrong: duplicate (case-insensitive), reserved, bad path or type', () => {
    const result = EntityShape.safeParse([
      { name: 'email', type: 'Text', path: 'email' },
      { name: 'Email', type: 'Text', path: 'other' },
      { name: '_oplog_id', type: 'Integer', path: 'x' },
      { name: 'city', type: 'Text', path: 'address..city' },
      { name: 'n', type: 'Float', path: '$n' },
    ]);
    expect(issues(result)).toEqual([
      '2.name: is reserved',
      '3.path: must be dot-separated field names without $',
      expect.stringMatching(/^4\.type: /),
      '4.path: must be dot-separated field names without $',
    ]);
    expect(
      issues(
        EntityShape.safeParse([
          { name: 'email', type: 'Text', path: 'email' },
          { name: 'Email', type: 'Text', path: 'e' },
        ]),
      ),
    ).toEqual(['1.name: duplicates column Email']);
    expect(issues(EntityShape.safeParse([]))).toEqual([': must have at least one column']);
  });

  it('needs a registered database id and a valid collection as the source', () => {
    const entity = {
      name: 'people',
      source: { databaseId: 'f'.repeat(24), collection: 'people' },
      columns: [{ name: 'id', type: 'Text', path: '_id' }],
    };
    expect(EntityDefinition.safeParse(entity).success).toBe(true);
    expect(
      issues(EntityDefinition.safeParse({ ...entity, source: { databaseId: 'x', collection: 'system.users' } })).map(
        (i) => i.split(':')[0],
      ),
    ).toEqual(['source.databaseId', 'source.collection']);
  });
});
