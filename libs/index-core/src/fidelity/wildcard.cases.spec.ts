import { definitionFromListIndexes } from '../mongo-spec';
import { validateDefinition } from '../validation';
import type { IdentityCase, ValidationCase } from './case-shape';
import { diffMatches, expectedOfCore, identityVerdict, isValidationCase, validationAgrees, validationVerdict } from './case-runner';
import { WILDCARD_CASES } from './wildcard.cases';

const validation = WILDCARD_CASES.filter(isValidationCase);
const identity = WILDCARD_CASES.filter((c): c is IdentityCase => !isValidationCase(c));

describe('wildcard indexes, as MongoDB validates them', () => {
  it.each(validation.map((c): [string, ValidationCase] => [c.title, c]))('%s', (_title, c) => {
    // On failure, the core's verdict is printed beside what the server does.
    expect({ agrees: validationAgrees(c), core: validationVerdict(c), server: c.expect }).toMatchObject({ agrees: true });
  });
});

describe('wildcard indexes, as MongoDB tells them apart', () => {
  it.each(identity.map((c): [string, IdentityCase] => [c.title, c]))('%s', (_title, c) => {
    expect(identityVerdict(c)).toBe(expectedOfCore(c));
    if (expectedOfCore(c) === 'same') expect(diffMatches(c) ?? true).toBe(true);
  });
});

describe('no false drift from the stricter definition rules', () => {
  const live = identity.flatMap((c) => [c.input.a, c.input.b]).flatMap((s) => ('listed' in s ? [s.listed] : []));

  it('has live indexes to check', () => expect(live.length).toBeGreaterThanOrEqual(3));

  it.each(live.map((entry) => [JSON.stringify(entry.wildcardProjection), entry] as const))(
    'a live index listed with %s imports to a definition the core accepts',
    (_label, entry) => {
      // The server holds `{a: 2}` or `{a: {b: true}}`; the definition rules (1 or 0, flat paths) must not flag it.
      const definition = definitionFromListIndexes(entry);
      expect(validateDefinition(definition)).toEqual([]);
    },
  );
});
