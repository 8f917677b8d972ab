import { isOneOf } from './collation';
import { asNumber } from './numbers';
import { isPlainObject, isRecord } from './records';
import type { DefinitionOptions, IndexIssue, KeyEntry } from './types';

/**
 * Text index rules as MongoDB's text index spec applies them (mongodb/mongo
 * src/mongo/db/fts/fts_spec.cpp `fixSpec`, fts_language.cpp, jstests/core/index/fts/fts_index.js,
 * jstests/core/collation.js), and the parts of a text index's identity the server normalizes.
 */

type Sink = (field: string, rule: string, message: string) => void;

/** A weight is stored as a whole number in the open interval (0, 100000) (fts_spec.cpp: 1e9 / 1e4). */
export const MAX_TEXT_WEIGHT = 99999;

/**
 * Text search languages of text index versions 2 and 3 (fts_language.cpp), each with its ISO code;
 * `none` turns stemming and stop words off. The server looks them up ignoring case.
 */
const LANGUAGE_CODES: Readonly<Record<string, string>> = {
  danish: 'da',
  dutch: 'nl',
  english: 'en',
  finnish: 'fi',
  french: 'fr',
  german: 'de',
  hungarian: 'hu',
  italian: 'it',
  norwegian: 'nb',
  portuguese: 'pt',
  romanian: 'ro',
  russian: 'ru',
  spanish: 'es',
  swedish: 'sv',
  turkish: 'tr',
};

/** Any accepted spelling (lower case) → the language's name. */
const LANGUAGE_NAMES: ReadonlyMap<string, string> = new Map([
  ['none', 'none'],
  ...Object.keys(LANGUAGE_CODES).map((name): [string, string] => [name, name]),
  ...Object.entries(LANGUAGE_CODES).map(([name, code]): [string, string] => [code, name]),
]);

/**
 * The language a `default_language` names, by its full name (`EN`, `en`, `English` → `english`), so
 * that spellings of one language compare equal; a value that names no language is kept as it came.
 */
export function canonicalTextLanguage(value: unknown): unknown {
  return typeof value === 'string' ? (LANGUAGE_NAMES.get(value.toLowerCase()) ?? value) : value;
}

/** A weight as the server stores it: truncated to a whole number (fts_spec.cpp reads it as an int). */
export function canonicalTextWeight(value: unknown): number {
  const number = asNumber(value);
  return number === undefined ? Number.NaN : Math.trunc(number);
}

/**
 * A text index compares strings binarily: the server refuses any collation but `{ locale: "simple" }`,
 * which it accepts (and needs on a collection whose default collation is not simple; collation.js).
 */
export function validateTextCollation(collation: unknown, add: Sink): void {
  if (isRecord(collation) && collation.locale === 'simple') return;
  add('options.collation', 'collation_unsupported', 'a text index takes no collation but { locale: "simple" }');
}

/** Every text option rule for one definition (`text`: whether its key has text fields). */
export function validateTextOptions(text: boolean, options: DefinitionOptions, add: Sink): void {
  validateTextOptionPlaces(text, options, add);
  validateTextOptionValues(options, add);
}

/**
 * Text options on a non-text index, and the text index versions (index_key_validate.cpp allows these
 * fields on text indexes only; fts_spec.cpp builds versions 2 and 3, fts_index_version1.js version 1).
 * Where the options table declares an option's index kinds and values, that table's check replaces this one.
 */
function validateTextOptionPlaces(text: boolean, options: DefinitionOptions, add: Sink): void {
  if (options.weights !== undefined && !text) add('options.weights', 'weights_require_text', 'weights apply to text indexes only');
  for (const name of ['default_language', 'language_override', 'text_index_version'] as const) {
    if (options[name] !== undefined && !text) add(`options.${name}`, 'text_options_require_text', `${name} applies to text indexes only`);
  }
  if (options.text_index_version !== undefined && !isOneOf(options.text_index_version, [1, 2, 3])) {
    add('options.text_index_version', 'text_index_version', 'text_index_version is 1, 2 or 3');
  }
}

/** What fts_spec.cpp checks of the text options' values: weights, the default language, language_override. */
export function validateTextOptionValues(options: DefinitionOptions, add: Sink): void {
  if (options.weights !== undefined) validateWeights(options.weights, add);
  validateLanguage(options.default_language, options.text_index_version === 1, add);
  const override: unknown = options.language_override;
  if (override !== undefined && (typeof override !== 'string' || override === '' || override.startsWith('$') || override.includes('.'))) {
    // fts_spec.cpp: a top-level field name, not empty, not `$`-prefixed, without a dot.
    add(
      'options.language_override',
      'text_language_override',
      'language_override must be a top-level field name: not empty, no "$" prefix, no "."',
    );
  }
}

function validateLanguage(language: unknown, legacy: boolean, add: Sink): void {
  if (language === undefined) return;
  if (typeof language !== 'string') {
    add('options.default_language', 'text_language', 'default_language must be a language name');
  } else if (!legacy && !LANGUAGE_NAMES.has(language.toLowerCase())) {
    // Version 1 text indexes read an unknown language as `none`; versions 2 and 3 refuse it.
    add('options.default_language', 'text_language', `"${language}" is not a text search language MongoDB supports`);
  }
}

function validateWeights(weights: unknown, add: Sink): void {
  if (!isPlainObject(weights)) {
    add('options.weights', 'text_weight_range', 'weights must map field names to numbers');
    return;
  }
  for (const [field, weight] of Object.entries(weights)) {
    const at = `options.weights.${field}`;
    const problem = weightFieldProblem(field);
    if (problem) add(at, 'text_weight_field', `weight field "${field}" ${problem}`);
    if (typeof weight !== 'number' || !(Math.trunc(weight) >= 1 && Math.trunc(weight) <= MAX_TEXT_WEIGHT)) {
      add(at, 'text_weight_range', `the weight of "${field}" must be a number from 1 to ${MAX_TEXT_WEIGHT}`);
    } else if (!Number.isInteger(weight)) {
      // The server would truncate it; a whole number says exactly what will be stored.
      add(at, 'text_weight_integer', `the weight of "${field}" must be a whole number`);
    }
  }
}

/** A weight names a field path (or `$**`, every string field): no empty part, no `$`-prefixed part. */
function weightFieldProblem(field: string): string | undefined {
  if (field === '$**') return undefined;
  const parts = field.split('.');
  if (parts.some((part) => part === '')) return 'has an empty path part';
  if (parts.some((part) => part.startsWith('$'))) return 'has a path part starting with "$"';
  return undefined;
}

/**
 * The key of a text index (fts_spec.cpp `fixSpec`): its other fields are read as whole numbers and must
 * be 1 or -1 (`{ a: "text", b: 2 }` is refused, `1.5` reads as 1), and no field may be named `_ftsx`, the
 * field the server stores beside `_fts` (`_fts` itself is refused as a field name, key-pattern.ts).
 * `at(entry)` is the entry's position in the definition's keys.
 */
export function textKeyIssues(keys: readonly KeyEntry[], at: (entry: KeyEntry) => number): IndexIssue[] {
  if (!keys.some((entry) => entry.value === 'text')) return [];
  const issues: IndexIssue[] = [];
  for (const entry of keys) {
    if (entry.field === '_ftsx') {
      issues.push({
        field: `keys.${at(entry)}.field`,
        rule: 'text_reserved_field',
        message: 'a text index may not have a field named "_ftsx" (the server stores its text key as _fts/_ftsx)',
      });
    }
    if (typeof entry.value === 'number' && Math.abs(Math.trunc(entry.value)) !== 1) {
      issues.push({
        field: `keys.${at(entry)}.value`,
        rule: 'text_key_direction',
        message: 'the other fields of a text index take 1 or -1',
      });
    }
  }
  return issues;
}
