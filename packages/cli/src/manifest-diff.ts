// A Terraform-like rendering of what applying a manifest would change (the gateway's dry-run answer):
// `+` created, `-` deleted, `~` changed with each changed field before and after.
import type { Colors } from 'picocolors/types';

interface Named {
  collection: string;
  name: string;
}
interface Definition {
  keys?: { field: string; value: number | string }[];
  options?: Record<string, unknown>;
}
export interface ManifestChanges {
  created: Named[];
  updated: (Named & { before: Definition; after: Definition })[];
  deleted: Named[];
  unchanged: Named[];
  warnings: { field: string; message: string }[];
}

export function hasChanges(changes: ManifestChanges): boolean {
  return changes.created.length + changes.updated.length + changes.deleted.length > 0;
}

const show = (value: unknown): string => (value === undefined ? '(none)' : JSON.stringify(value));
const keysOf = (definition: Definition): string => (definition.keys ?? []).map((key) => `${key.field}: ${key.value}`).join(', ');

/** Each field that differs between two definitions, as `field: before -> after`. */
export function changedFields(before: Definition, after: Definition): string[] {
  const lines: string[] = [];
  if (keysOf(before) !== keysOf(after)) lines.push(`keys: { ${keysOf(before)} } -> { ${keysOf(after)} }`);
  const options = new Set([...Object.keys(before.options ?? {}), ...Object.keys(after.options ?? {})]);
  for (const option of [...options].sort()) {
    const was = before.options?.[option];
    const will = after.options?.[option];
    if (JSON.stringify(was) !== JSON.stringify(will)) lines.push(`options.${option}: ${show(was)} -> ${show(will)}`);
  }
  return lines;
}

/** The lines to print, in Terraform's order: creates, changes, deletes, then the summary. */
export function renderDiff(changes: ManifestChanges, c: Colors): string[] {
  const lines: string[] = [];
  for (const index of changes.created) lines.push(c.green(`  + ${index.collection}.${index.name}`));
  for (const index of changes.updated) {
    lines.push(c.yellow(`  ~ ${index.collection}.${index.name}`));
    for (const field of changedFields(index.before, index.after)) lines.push(c.yellow(`      ${field}`));
  }
  for (const index of changes.deleted) lines.push(c.red(`  - ${index.collection}.${index.name}`));
  for (const warning of changes.warnings) lines.push(c.dim(`  ! ${warning.field}: ${warning.message}`));
  if (lines.length > 0) lines.push('');
  lines.push(
    hasChanges(changes)
      ? `Plan: ${changes.created.length} to create, ${changes.updated.length} to change, ${changes.deleted.length} to delete (${changes.unchanged.length} unchanged).`
      : `No changes: the design repository already matches the manifest (${changes.unchanged.length} definitions).`,
  );
  return lines;
}
