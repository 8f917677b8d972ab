/**
 * The MongoDB version whose rules a definition is checked by. MongoDB 6.0, 7.0 and 8.0 differ (compound
 * wildcard indexes from 7.0, the operators a partial filter may use, ...): the core follows the target's
 * version where the registry knows it, and the newest rules this product knows where it does not.
 */
export type RuleVersion = readonly [major: number, minor: number];

/** The newest MongoDB version whose rules the core encodes: what an unknown target is checked by. */
export const NEWEST_RULES: RuleVersion = [8, 0];

/** What validation, identity and plans need to know of the target. */
export interface RuleContext {
  /** The target's MongoDB version (for FerretDB, the MongoDB version it imitates); absent: unknown. */
  readonly version?: RuleVersion;
}

/** The version whose rules apply. */
export function rulesOf(context: RuleContext | undefined): RuleVersion {
  return context?.version ?? NEWEST_RULES;
}

/** Whether the rules that apply are those of `major.minor` or later. */
export function rulesAtLeast(context: RuleContext | undefined, major: number, minor: number): boolean {
  const [ma, mi] = rulesOf(context);
  return ma > major || (ma === major && mi >= minor);
}

/** "MongoDB 7.0": how a message names a version. */
export function describeRuleVersion([major, minor]: RuleVersion): string {
  return `MongoDB ${major}.${minor}`;
}

/**
 * The message of a `requires_version` issue: what the definition uses, the version that brought it,
 * and the target's (a definition that needs a newer server than its target's says so).
 */
export function requiresVersionMessage(what: string, needed: RuleVersion, context: RuleContext | undefined): string {
  return `${what} needs ${describeRuleVersion(needed)} or later; the target runs ${describeRuleVersion(rulesOf(context))}`;
}

/**
 * The context of a target whose MongoDB version (`7.0.12`, a FerretDB's imitated `7.0.42`) is known;
 * an unknown or unreadable version gives no version, so the newest rules apply.
 */
export function ruleContextOf(mongodbVersion: string | null | undefined): RuleContext {
  const match = typeof mongodbVersion === 'string' ? /^v?(\d{1,4})\.(\d{1,4})(?:\D|$)/.exec(mongodbVersion) : null;
  return match ? { version: [Number(match[1]), Number(match[2])] } : {};
}
