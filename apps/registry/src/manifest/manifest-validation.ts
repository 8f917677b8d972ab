import {
  CollectionName,
  issuesFromZod,
  Manifest,
  ManifestIndex,
  namespaceIssue,
  OBSOLETE_INDEX_FIELDS,
  validationFailed,
  type DomainError,
  type FieldIssue,
  type ManifestWarning,
} from '@ir/contracts';
import { indexNameOf, validateCollectionDefinitions, validateDefinition, type IndexDefinition, type RuleContext } from '@ir/index-core';
import type { z } from 'zod';
import { resolveDefinition, type ResolvedDefinition } from '../indexes/definition-rules';

/** A valid definition of the manifest, ready to compare and store. */
export interface PlannedDefinition {
  readonly collection: string;
  readonly resolved: ResolvedDefinition;
}

/** A manifest checked in one pass: every issue found, the definitions that passed, the ignored fields. */
export interface CheckedManifest {
  /** The `database` block when it is well formed (it is compared with the target before anything else). */
  readonly database?: z.output<typeof Manifest>['database'];
  readonly planned: PlannedDefinition[];
  readonly issues: FieldIssue[];
  readonly warnings: ManifestWarning[];
}

const Envelope = Manifest.omit({ collections: true });

/**
 * The whole manifest against its schema, MongoDB's rules for each index and the rules across each
 * collection (one text index, unique names, one index per identity), all in one pass: a manifest
 * with errors in several places answers them all at once. Every path names the index by its name,
 * `collections.orders["status_1"].options.unique`; a name two indexes share gets its occurrence
 * (`["same"#2]`), and only an index with neither a name nor a key to derive one from its position.
 * `context`: the target's version, whose rules apply (a definition needing a newer server gets `requires_version`).
 */
export function checkManifest(raw: unknown, dbName: string, context?: RuleContext): CheckedManifest {
  const issues: FieldIssue[] = [];
  const warnings: ManifestWarning[] = [];
  const planned: PlannedDefinition[] = [];
  if (!isObject(raw)) return { planned, warnings, issues: [{ field: '(body)', rule: 'invalid_type', message: 'expected an object' }] };

  const { collections, ...envelope } = raw;
  const parsedEnvelope = Envelope.safeParse(envelope);
  if (!parsedEnvelope.success) issues.push(...issuesFromZod(parsedEnvelope.error));
  if (!isObject(collections)) {
    issues.push({ field: 'collections', rule: 'invalid_type', message: 'expected an object of collections, each a list of indexes' });
  } else {
    for (const collection of Object.keys(collections)) {
      const checked = checkCollection(collection, collections[collection], dbName, context);
      issues.push(...checked.issues);
      warnings.push(...checked.warnings);
      planned.push(...checked.planned);
    }
  }
  return { database: parsedEnvelope.data?.database, planned, issues, warnings };
}

/** VALIDATION_FAILED with every issue of the manifest. */
export function invalidManifest(issues: FieldIssue[]): DomainError {
  return validationFailed(issues, 'manifest');
}

function checkCollection(collection: string, indexes: unknown, dbName: string, context?: RuleContext): Omit<CheckedManifest, 'database'> {
  const path = `collections.${collection}`;
  const issues: FieldIssue[] = [];
  const warnings: ManifestWarning[] = [];
  const planned: PlannedDefinition[] = [];
  const name = CollectionName.safeParse(collection);
  if (!name.success) issues.push(...issuesFromZod(name.error).map((issue) => ({ ...issue, field: path })));
  else {
    const namespace = namespaceIssue(dbName, collection, path);
    if (namespace) issues.push(namespace);
  }
  if (!Array.isArray(indexes)) {
    issues.push({ field: path, rule: 'invalid_type', message: 'expected a list of indexes' });
    return { issues, warnings, planned };
  }

  const labels = labelsOf(path, indexes);
  // The definitions that passed the schema, and where each stands in the manifest, for the rules across the collection.
  const parsed: { definition: IndexDefinition; at: number }[] = [];
  indexes.forEach((index: unknown, i) => {
    const label = labels[i];
    warnings.push(...obsoleteFieldsOf(index, label));
    const result = ManifestIndex.safeParse(index);
    if (!result.success) {
      issues.push(...issuesFromZod(result.error).map((issue) => ({ ...issue, field: under(label, issue.field) })));
      return;
    }
    const definition = withoutObsoleteFields(result.data);
    parsed.push({ definition, at: i });
    const own = validateDefinition(definition, context);
    if (own.length > 0) issues.push(...own.map((issue) => ({ ...issue, field: under(label, issue.field) })));
    else planned.push({ collection, resolved: resolveDefinition(definition, '', context) });
  });
  issues.push(
    ...validateCollectionDefinitions(
      parsed.map((p) => p.definition),
      (j) => labels[parsed[j].at],
    ),
  );
  return { issues, warnings, planned };
}

/** Each index's path: by its name (given or derived from its key), by position only when it has neither. */
function labelsOf(path: string, indexes: readonly unknown[]): string[] {
  const names = indexes.map(nameOf);
  const total = new Map<string, number>();
  for (const name of names) if (name !== undefined) total.set(name, (total.get(name) ?? 0) + 1);
  const seen = new Map<string, number>();
  return names.map((name, i) => {
    if (name === undefined) return `${path}[${i}]`;
    const occurrence = (seen.get(name) ?? 0) + 1;
    seen.set(name, occurrence);
    return `${path}[${JSON.stringify(name)}${total.get(name)! > 1 ? `#${occurrence}` : ''}]`;
  });
}

function nameOf(index: unknown): string | undefined {
  if (!isObject(index)) return undefined;
  if (typeof index.name === 'string' && index.name !== '') return index.name;
  if (index.name !== undefined) return undefined;
  const keys = ManifestIndex.shape.keys.safeParse(index.keys);
  return keys.success ? indexNameOf({ keys: keys.data }) : undefined;
}

function obsoleteFieldsOf(index: unknown, label: string): ManifestWarning[] {
  if (!isObject(index)) return [];
  const places: [Record<string, unknown>, string][] = [[index, label]];
  if (isObject(index.options)) places.push([index.options, `${label}.options`]);
  return places.flatMap(([object, at]) =>
    OBSOLETE_INDEX_FIELDS.filter((field) => Object.hasOwn(object, field)).map((field) => ({
      field: `${at}.${field}`,
      message: `"${field}" is obsolete (MongoDB ignores it); accepted, ignored and not stored`,
    })),
  );
}

type ObsoleteField = (typeof OBSOLETE_INDEX_FIELDS)[number];

function withoutObsoleteFields(index: z.output<typeof ManifestIndex>): IndexDefinition {
  const { options, ...definition } = omitObsolete(index);
  return { ...definition, options: options ? omitObsolete(options) : {} };
}

function omitObsolete<T extends object>(object: T): Omit<T, ObsoleteField> {
  const obsolete: readonly string[] = OBSOLETE_INDEX_FIELDS;
  return Object.fromEntries(Object.entries(object).filter(([field]) => !obsolete.includes(field))) as Omit<T, ObsoleteField>;
}

function under(label: string, field: string): string {
  return field === '(body)' ? label : `${label}.${field}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
