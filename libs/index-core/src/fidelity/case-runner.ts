import { diffCollection } from '../diff';
import { canonicalFromDefinition, canonicalFromListIndexes, isTextPlaceholder } from '../normalize';
import { keySignature, sameIndex } from '../signature';
import type { CanonicalIndex, IndexIssue } from '../types';
import { validateDefinition } from '../validation';
import type { FidelityCase, IdentityCase, IdentityExpectation, IndexSide, ValidationCase } from './case-shape';

/**
 * Runs fidelity cases through the core's public functions, for the `*.cases.spec.ts` files. Each check
 * returns what the core did, in the case's own terms, so that a failing spec prints core and server side by side.
 */

export function isValidationCase(c: FidelityCase): c is ValidationCase {
  return 'definition' in c.input;
}

export function canonicalOf(side: IndexSide): CanonicalIndex {
  return 'definition' in side ? canonicalFromDefinition(side.definition) : canonicalFromListIndexes(side.listed);
}

/** The core's verdict on a validation case, shaped like the case's `expect`. */
export function validationVerdict(c: ValidationCase): { accepts: true } | { issues: readonly string[] } {
  const issues: IndexIssue[] = validateDefinition(c.input.definition, c.input.version ? { version: c.input.version } : undefined);
  return issues.length === 0 ? { accepts: true } : { issues: issues.map((issue) => `${issue.rule} @ ${issue.field}`) };
}

/** Whether the core's issues say what the case expects (the expected rule among them; for `requiresVersion`, only version issues, and none on that version). */
export function validationAgrees(c: ValidationCase): boolean {
  const verdict = validationVerdict(c);
  const expect = c.deliberate?.core ?? c.expect;
  if ('accepts' in expect) return 'accepts' in verdict;
  if ('accepts' in verdict) return false;
  if ('requiresVersion' in expect) {
    // Refused for the version alone, and accepted by the version it names.
    const onNewer = validateDefinition(c.input.definition, { version: expect.requiresVersion });
    return verdict.issues.every((issue) => issue.startsWith('requires_version @')) && onNewer.length === 0;
  }
  return verdict.issues.some((issue) => issue === `${expect.refuses} @ ${expect.field ?? issue.split(' @ ')[1]}`);
}

const isText = (c: CanonicalIndex): boolean => c.key.some(isTextPlaceholder);

/**
 * The core's verdict on an identity case, in the case's terms: the same index (`sameIndex`), else two
 * indexes that coexist when their signatures differ (`keySignature`), unless both are text indexes, of
 * which a collection holds one (the plan's and the collection rules' reading).
 */
export function identityVerdict(c: IdentityCase): IdentityExpectation {
  const a = canonicalOf(c.input.a);
  const b = canonicalOf(c.input.b);
  if (sameIndex(a, b)) return 'same';
  return keySignature(a) !== keySignature(b) && !(isText(a) && isText(b)) ? 'coexist' : 'conflict';
}

/** What the core must do in an identity case: the server's behaviour, or the deliberate difference. */
export function expectedOfCore(c: IdentityCase): IdentityExpectation {
  return c.deliberate?.core ?? c.expect;
}

/**
 * For a `same` case with one definition and one live index: the diff pairs them as matched (no drift, nothing
 * to rebuild); undefined when the case is not of that shape.
 */
export function diffMatches(c: IdentityCase): boolean | undefined {
  const { a, b } = c.input;
  const definition = 'definition' in a ? a.definition : 'definition' in b ? b.definition : undefined;
  const listed = 'listed' in a ? a.listed : 'listed' in b ? b.listed : undefined;
  if (!definition || !listed) return undefined;
  const diff = diffCollection('cases', [definition], [listed]);
  return diff.matched.length === 1 && diff.different.length === 0;
}

/**
 * The two suites every area's cases run as (validation, then identity), for a `*.cases.spec.ts`;
 * answers the identity cases, whose live indexes a spec checks for false drift.
 */
export function describeCases(area: string, cases: readonly FidelityCase[]): IdentityCase[] {
  const validation = cases.filter(isValidationCase);
  const identity = cases.filter((c): c is IdentityCase => !isValidationCase(c));
  describe(`${area}, as MongoDB validates them`, () => {
    it.each(validation.map((c): [string, ValidationCase] => [c.title, c]))('%s', (_title, c) => {
      // On failure, the core's verdict is printed beside what the server does.
      expect({ agrees: validationAgrees(c), core: validationVerdict(c), server: c.expect }).toMatchObject({ agrees: true });
    });
  });
  describe(`${area}, as MongoDB tells them apart`, () => {
    it.each(identity.map((c): [string, IdentityCase] => [c.title, c]))('%s', (_title, c) => {
      expect(identityVerdict(c)).toBe(expectedOfCore(c));
      if (expectedOfCore(c) === 'same') expect(diffMatches(c) ?? true).toBe(true);
    });
  });
  return identity;
}
