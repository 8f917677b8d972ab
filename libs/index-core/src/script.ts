import { toMongoIndexSpec } from './mongo-spec';
import { ID_INDEX_NAME, indexNameOf, isIdIndexKey } from './naming';
import type { PlanOperation } from './plan-types';
import { commentText, jsLiteral } from './script-literal';
import { SCRIPT_PRELUDE } from './script-prelude';
import type { IndexDefinition } from './types';

export interface ScriptInput {
  readonly dbName: string;
  readonly operations: readonly PlanOperation[];
  readonly title?: string;
}

function renderOperation(op: PlanOperation): string {
  const c = jsLiteral(op.collection);
  const doneWhen = op.doneWhen ? `, ${jsLiteral(op.doneWhen)}` : '';
  switch (op.kind) {
    case 'create': {
      if (!op.spec) throw new Error(`create ${op.collection}.${op.index} has no spec`);
      // The spec is sent exactly: key first, every other field (name included) as createIndex's options.
      const { key, ...options } = op.spec;
      return `irCreate(${c}, ${jsLiteral(key)}, ${jsLiteral(options)}${doneWhen});`;
    }
    case 'drop':
      return `irDrop(${c}, ${jsLiteral(op.index)}${doneWhen});`;
    case 'modify':
      return `irCollMod(${c}, ${jsLiteral(op.index)}, ${jsLiteral(op.changes ?? {})}, 'modified');`;
    case 'hide':
      return `irCollMod(${c}, ${jsLiteral(op.index)}, ${jsLiteral({ hidden: true })}, 'hidden');`;
  }
}

/**
 * A mongosh script that carries out a plan's operations in order: `mongosh
 * <uri> --file script.js`. It works on the named database whatever the
 * connection's default, guards every step (see SCRIPT_PRELUDE), prints one
 * line per step and a summary, and running it again changes nothing.
 */
export function renderScript(input: ScriptInput): string {
  const lines: string[] = [];
  lines.push(`// ${commentText(input.title ?? `Index Registry script for ${input.dbName}`)}`);
  lines.push(`// ${input.operations.length} operation(s). Idempotent: every step is skipped when already done; an error stops the script.`);
  lines.push(`const target = db.getSiblingDB(${jsLiteral(input.dbName)});`);
  lines.push(SCRIPT_PRELUDE);
  input.operations.forEach((op, i) => {
    const step = op.step ? ` [${op.step}]` : '';
    lines.push(`// ${i + 1}. ${op.kind} ${commentText(`${op.collection}.${op.index}${step}: ${op.reason}`)}`);
    lines.push(renderOperation(op));
  });
  lines.push('');
  lines.push(
    "print('summary: ' + summary.created + ' created, ' + summary.dropped + ' dropped, ' + summary.modified + ' modified, ' + " +
      "summary.hidden + ' hidden, ' + summary.skipped + ' skipped, ' + summary.warnings + ' warnings');",
  );
  return `${lines.join('\n')}\n`;
}

/** Mode "create": every design-repository index, each guarded; `_id_` is left out since every collection has it. */
export function renderCreateAllScript(dbName: string, definitions: readonly { collection: string; definition: IndexDefinition }[]): string {
  const operations = definitions
    .filter(({ definition }) => !isIdIndexKey(definition.keys) && indexNameOf(definition) !== ID_INDEX_NAME)
    .map(({ collection, definition }): PlanOperation => ({
      kind: 'create',
      collection,
      index: indexNameOf(definition),
      spec: toMongoIndexSpec(definition),
      reason: 'defined in the design repository',
    }));
  return renderScript({ dbName, operations, title: `Create every design-repository index of ${dbName}` });
}

/** Drops of the given (redundant) indexes; `_id_` is never dropped. */
export function renderDropScript(dbName: string, redundant: readonly { collection: string; name: string }[]): string {
  const operations = redundant
    .filter(({ name }) => name !== ID_INDEX_NAME)
    .map(({ collection, name }): PlanOperation => ({ kind: 'drop', collection, index: name, reason: 'not in the design repository' }));
  return renderScript({ dbName, operations, title: `Drop redundant indexes of ${dbName}` });
}
