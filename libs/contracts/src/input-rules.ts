import type { FieldIssue } from './errors';

/**
 * How deep a request may nest objects and arrays. MongoDB "supports no more than 100 levels of
 * nesting for BSON documents" (Limits and Thresholds, "Nested Depth for BSON Documents"); a request
 * wraps such a document in a few levels of its own. Past this our own recursive code (JSON
 * serialization, normalization) would be at risk of exhausting the stack.
 */
export const MAX_INPUT_DEPTH = 128;

/** Enough to name the fields to fix without making an answer as large as the request. */
const MAX_ISSUES = 20;

/**
 * Rules every value from outside obeys, whatever its schema: no null character in any string or key
 * (BSON writes keys and regular expressions as C strings: the driver throws on them, and the server
 * refuses namespaces that hold one) and no nesting deeper than `MAX_INPUT_DEPTH`. The gateway checks
 * each request part with it and every bus handler each request it takes, before its schema. Walks
 * with a stack of its own, so the walk itself is safe on any depth.
 */
export function untrustedInputIssues(value: unknown, root: readonly (string | number)[] = []): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const pending: { value: unknown; path: readonly (string | number)[] }[] = [{ value, path: root }];
  while (pending.length > 0 && issues.length < MAX_ISSUES) {
    const { value: item, path } = pending.pop()!;
    if (typeof item === 'string') {
      if (item.includes('\0')) issues.push(nullCharacter(path));
      continue;
    }
    if (typeof item !== 'object' || item === null) continue;
    if (path.length - root.length >= MAX_INPUT_DEPTH) {
      issues.push({
        field: fieldOf(path),
        rule: 'max_depth',
        message: `nests objects and arrays more than ${MAX_INPUT_DEPTH} levels deep`,
      });
      continue;
    }
    if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i -= 1) pending.push({ value: item[i], path: [...path, i] });
      continue;
    }
    for (const key of Object.keys(item).reverse()) {
      if (key.includes('\0')) issues.push(nullCharacter([...path, key], 'its name'));
      pending.push({ value: (item as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
  return issues;
}

function nullCharacter(path: readonly (string | number)[], what = 'it'): FieldIssue {
  return { field: fieldOf(path), rule: 'null_character', message: `${what} must not contain a null character (U+0000)` };
}

function fieldOf(path: readonly (string | number)[]): string {
  return path.join('.') || '(body)';
}
