import { DomainError } from '@ir/contracts';
import { resolveDefinition } from './definition-rules';

describe("resolveDefinition by the target's version", () => {
  const descendingWildcard = { keys: [{ field: '$**', value: -1 }] };

  it('refuses a definition that needs a newer server than the target runs, saying which', () => {
    let error: unknown;
    try {
      resolveDefinition(descendingWildcard, 'index.', { version: [6, 0] });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).issues).toEqual([
      {
        field: 'index.keys.0.value',
        rule: 'requires_version',
        message: 'a descending wildcard key needs MongoDB 7.0 or later; the target runs MongoDB 6.0',
      },
    ]);
  });

  it('accepts it for a 7.0 target, and for a target whose version is unknown (the newest rules)', () => {
    expect(resolveDefinition(descendingWildcard, '', { version: [7, 0] }).definition.name).toBe('$**_-1');
    expect(resolveDefinition(descendingWildcard).definition.name).toBe('$**_-1');
  });
});
