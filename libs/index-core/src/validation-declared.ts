import type { IndexOptionRow } from './index-options';
import { hasKind } from './key-kinds';
import { requiresVersionMessage, rulesAtLeast, type RuleContext } from './rule-version';
import type { KeyEntry } from './types';

type Sink = (field: string, rule: string, message: string) => void;

/**
 * The rules the options table declares for one given option: the version that brought it, the index
 * kinds it applies to, its value's type and range. Rules between options and the checks inside a
 * document (partial filter, collation, weights, wildcard projection) are `validation-options.ts`'s.
 */
export function validateDeclared(row: IndexOptionRow, value: unknown, keys: readonly KeyEntry[], add: Sink, context?: RuleContext): void {
  const field = `options.${row.dr}`;
  if (!rulesAtLeast(context, row.since[0], row.since[1]))
    add(field, 'requires_version', requiresVersionMessage(row.dr, row.since, context));
  const onlyFor = row.onlyFor;
  if (onlyFor && !onlyFor.kinds.some((kind) => hasKind(keys, kind))) add(field, onlyFor.rule, `${row.dr} applies to ${onlyFor.what} only`);
  switch (row.kind) {
    case 'flag':
      if (typeof value !== 'boolean') add(field, 'option_type', `${row.dr} must be true or false`);
      return;
    case 'string':
      if (typeof value !== 'string' || value === '') add(field, 'option_type', `${row.dr} must be a non-empty string`);
      return;
    case 'integer':
    case 'number':
      validateNumber(row, value, field, add);
      return;
    case 'filter':
    case 'collation':
    case 'weights':
    case 'projection':
      return; // documents: checked by their own rules
  }
}

function validateNumber(row: IndexOptionRow, value: unknown, field: string, add: Sink): void {
  const range = row.range;
  const whole = `${row.dr} must be a whole number${row.unit ? ` of ${row.unit}` : ''}`;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    add(field, range?.rule ?? 'option_type', `${row.dr} must be a number${row.unit ? ` of ${row.unit}` : ''}`);
  } else if (range?.check === 'choices') {
    if (!range.values.includes(value)) add(field, range.rule, `${row.dr} is one of ${range.values.join(', ')}`);
  } else if (range?.check === 'range') {
    if (value < range.min || value > range.max) add(field, range.rule, `${row.dr} must be between ${range.min} and ${range.max}`);
    // The server truncates a fraction where it takes one (a TTL); a whole number says exactly what will happen.
    else if (range.wholeRule !== undefined && !Number.isInteger(value)) add(field, range.wholeRule, whole);
  } else if (row.kind === 'integer' && !Number.isInteger(value)) {
    add(field, 'option_type', whole);
  }
}
