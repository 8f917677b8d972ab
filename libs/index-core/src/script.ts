import { toMongoIndexSpec } from './mongo-spec';
import { ID_INDEX_NAME, indexNameOf, isIdIndexKey } from './naming';
import { SCRIPT_ACTIONS } from './script-actions';
import { jsLiteral } from './script-literal';
import { SCRIPT_MATCHING } from './script-matching';
import { SCRIPT_RUNNER } from './script-runner';
import type { PlanOperation } from './plan-types';
import { scriptPlanSummary, scriptSteps, type ScriptPlanSummary } from './script-steps';
import type { IndexDefinition } from './types';

/** The registered database a script is for: its banner names it, and the script runs only on `dbName`. */
export interface ScriptDatabase {
  readonly id: string;
  /** The name it is registered under. */
  readonly name: string;
  /** The MongoDB database. */
  readonly dbName: string;
  /** The design repository's definitions version the script was planned from. */
  readonly version: number;
}

export interface ScriptSettings {
  /** After a failed step: stop there, or go on with the steps that do not depend on it. */
  readonly onError: 'stop' | 'continue';
  /** A redundant index is hidden or dropped only once `$indexStats` has counted no use for this many days. */
  readonly unusedDays: number;
  /** Hide or drop redundant indexes even when used, or when their use cannot be read. */
  readonly forceDrop: boolean;
  /** The script refuses to run unless the connection names this host (or host:port). */
  readonly expectedHost?: string;
  /** The script refuses to run unless the server is a member of this replica set. */
  readonly expectedReplicaSet?: string;
}

export const DEFAULT_SCRIPT_SETTINGS: ScriptSettings = { onError: 'stop', unusedDays: 7, forceDrop: false };

export interface ScriptInput {
  readonly database: ScriptDatabase;
  /** The plan's steps; one marked `unsupported` is written commented out and reported as not run. */
  readonly operations: readonly PlanOperation[];
  /** When the script was generated (ISO 8601). */
  readonly generatedAt: string;
  readonly title?: string;
  readonly settings?: ScriptSettings;
}

export interface RenderedScript {
  readonly script: string;
  readonly summary: ScriptPlanSummary;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function summaryText(s: ScriptPlanSummary): string {
  const parts = [plural(s.creates, 'create'), plural(s.drops, 'drop'), plural(s.hides, 'hide'), plural(s.rebuilds, 'rebuild')];
  return `${plural(s.steps, 'step')}: ${parts.join(', ')}, ${plural(s.modifies, 'option change')}, ${s.unsupported} the target cannot run`;
}

/**
 * A mongosh script that carries out a plan's operations in order: `mongosh
 * "mongodb://<host>/<db>" --file script.js`. It prints a banner and refuses to
 * run on another database (or server, when one is expected); then one line per
 * numbered step, a summary, and an error (a non-zero exit) when a step failed.
 * Running it again changes nothing. Every name and value from the definitions
 * or the target is a JSON literal, in the code and in the comments alike, so
 * that none can end a string or a comment.
 */
export function renderScript(input: ScriptInput): RenderedScript {
  const { database, settings = DEFAULT_SCRIPT_SETTINGS } = input;
  const steps = scriptSteps(input.operations);
  const summary = scriptPlanSummary(steps);
  const title = input.title ?? 'bring the indexes to the design repository';
  const ir = {
    title,
    generated_at: input.generatedAt,
    database: { id: database.id, name: database.name, db_name: database.dbName, version: database.version },
    plan: summary,
    settings: {
      on_error: settings.onError,
      unused_days: settings.unusedDays,
      force_drop: settings.forceDrop,
      ...(settings.expectedHost !== undefined ? { expected_host: settings.expectedHost } : {}),
      ...(settings.expectedReplicaSet !== undefined ? { expected_replica_set: settings.expectedReplicaSet } : {}),
    },
  };
  const lines = [
    `// Index Registry mongosh script: ${jsLiteral(title)}`,
    `// database ${jsLiteral(database.name)} (id ${jsLiteral(database.id)}), db ${jsLiteral(database.dbName)}, DR version ${database.version}`,
    `// generated ${jsLiteral(input.generatedAt)}; plan: ${summaryText(summary)}`,
    '// Run it connected to that database: mongosh "mongodb://<host>/<database>" --file <this file>. It refuses any other',
    `// database, runs each step only when it is not already done (a second run changes nothing), stops at the first failed`,
    `// step unless on_error is "continue", and exits non-zero when a step failed. Settings: IR.settings below.`,
    `const IR = ${jsLiteral(ir)};`,
    'const target = db;',
    SCRIPT_MATCHING,
    SCRIPT_ACTIONS,
    SCRIPT_RUNNER,
    'irStart();',
  ];
  steps.forEach((step, i) => {
    const n = i + 1;
    const op = input.operations[i];
    const label = op.step !== undefined ? ` [${jsLiteral(op.step)}]` : '';
    lines.push('');
    lines.push(`// step ${n}: ${op.kind} ${jsLiteral(op.collection)} ${jsLiteral(op.index)}${label}: ${jsLiteral(op.reason)}`);
    if (step.unsupported !== undefined) {
      lines.push(`// NOT RUN, the target cannot run it: ${jsLiteral(step.unsupported)}`);
      lines.push(`// irStep(${n}, ${jsLiteral(step)});`);
      lines.push(`irUnsupported(${n}, ${jsLiteral(step)});`);
    } else {
      lines.push(`irStep(${n}, ${jsLiteral(step)});`);
    }
  });
  lines.push('', 'irFinish();');
  return { script: `${lines.join('\n')}\n`, summary };
}

/** Mode "create": every design-repository index, each guarded; `_id_` is left out since every collection has it. */
export function renderCreateAllScript(
  input: Omit<ScriptInput, 'operations' | 'title'>,
  definitions: readonly { collection: string; definition: IndexDefinition }[],
): RenderedScript {
  const operations = definitions
    .filter(({ definition }) => !isIdIndexKey(definition.keys) && indexNameOf(definition) !== ID_INDEX_NAME)
    .map(({ collection, definition }): PlanOperation => ({
      kind: 'create',
      collection,
      index: indexNameOf(definition),
      spec: toMongoIndexSpec(definition),
      reason: 'defined in the design repository',
    }));
  return renderScript({ ...input, operations, title: 'create every design-repository index' });
}
