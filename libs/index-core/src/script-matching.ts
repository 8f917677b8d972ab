import { INDEX_OPTIONS } from './index-options';

/**
 * What the generated script knows of indexes, as mongosh JavaScript (ES2019,
 * no TypeScript): reading a collection's indexes, and whether an existing
 * index is the one a step wants, so that every step can be skipped when it is
 * already done and running the script again changes nothing.
 *
 * `irMatches` is a safety net, not the comparator: it checks what a spec
 * gives against what listIndexes returns, ignoring what the server fills in
 * (collation defaults, text weights of 1, index versions).
 */
/** Options a script compares as flags (`false` is absent), by their MongoDB names, from the options table. */
const FLAGS: readonly string[] = INDEX_OPTIONS.filter((row) => row.kind === 'flag').map((row) => row.mongo);

/** Scalar options compared as given (the TTL has its own check in the script). */
const SCALARS: readonly string[] = INDEX_OPTIONS.filter(
  (row) => (row.kind === 'string' || row.kind === 'integer' || row.kind === 'number') && row.mongo !== 'expireAfterSeconds',
).map((row) => row.mongo);

/** What the server assumes for an absent scalar it compares; those it does not compare (index versions) are skipped when absent. */
const SCALAR_DEFAULTS: Readonly<Record<string, unknown>> = Object.fromEntries(
  INDEX_OPTIONS.filter((row) => SCALARS.includes(row.mongo) && row.identity !== 'ignored' && 'default' in row).map((row) => [
    row.mongo,
    'default' in row ? row.default : undefined,
  ]),
);

export const SCRIPT_MATCHING = String.raw`function irNum(v) {
  if (v !== null && typeof v === 'object' && typeof v.toNumber === 'function') return v.toNumber();
  return Number(v);
}

function irEqual(a, b) {
  if (a === undefined || b === undefined) return a === b;
  return JSON.stringify(EJSON.serialize({ v: a })) === JSON.stringify(EJSON.serialize({ v: b }));
}

function irIndexes(collection) {
  try {
    // Assigned before returning: mongosh awaits a shell call here, whereas a returned one would reject outside the try.
    const list = target.getCollection(collection).getIndexes();
    return list;
  } catch (e) {
    // listIndexes on a collection that does not exist: NamespaceNotFound (26).
    if (e && (e.code === 26 || e.codeName === 'NamespaceNotFound')) return [];
    throw e;
  }
}

function irFind(collection, name) {
  return irIndexes(collection).find(function (ix) { return ix.name === name; });
}

// A key in one comparable form: text fields (key 'text', or the server's _fts/_ftsx) become one '$text' entry.
function irKeyForm(key) {
  const out = [];
  let text = false;
  Object.keys(key).forEach(function (field) {
    const v = key[field];
    if (field === '_fts' || field === '_ftsx' || v === 'text') {
      if (!text) out.push('$text');
      text = true;
      return;
    }
    out.push(field + ':' + (typeof v === 'string' ? v : irNum(v) < 0 ? '-1' : '1'));
  });
  return JSON.stringify(out);
}

function irTextFields(ix) {
  const fields = Object.keys(ix.weights || {});
  Object.keys(ix.key).forEach(function (field) {
    if (ix.key[field] === 'text' && field !== '_fts' && fields.indexOf(field) < 0) fields.push(field);
  });
  return JSON.stringify(fields.sort());
}

function irSameKey(existing, spec) {
  return irKeyForm(existing.key) === irKeyForm(spec.key) && irTextFields(existing) === irTextFields(spec);
}

function irMatches(existing, spec) {
  if (!irSameKey(existing, spec)) return false;
  const idIndex = irKeyForm(existing.key) === '["_id:1"]';
  const flags = ${JSON.stringify(FLAGS)};
  for (let i = 0; i < flags.length; i++) {
    if (idIndex && flags[i] === 'unique') continue;
    if (Boolean(existing[flags[i]]) !== Boolean(spec[flags[i]])) return false;
  }
  if ((existing.expireAfterSeconds === undefined) !== (spec.expireAfterSeconds === undefined)) return false;
  if (spec.expireAfterSeconds !== undefined && irNum(existing.expireAfterSeconds) !== irNum(spec.expireAfterSeconds)) return false;
  if (!irEqual(existing.partialFilterExpression, spec.partialFilterExpression)) return false;
  const projection = function (p) {
    if (!p) return undefined;
    const out = {};
    Object.keys(p).forEach(function (k) { out[k] = p[k] && p[k] !== '0' && irNum(p[k]) !== 0 ? 1 : 0; });
    return out;
  };
  if (!irEqual(projection(existing.wildcardProjection), projection(spec.wildcardProjection))) return false;
  const collation = existing.collation && existing.collation.locale !== 'simple' ? existing.collation : undefined;
  const wanted = spec.collation && spec.collation.locale !== 'simple' ? spec.collation : undefined;
  if (Boolean(collation) !== Boolean(wanted)) return false;
  if (wanted) {
    const fields = Object.keys(wanted);
    for (let i = 0; i < fields.length; i++) {
      if (!irEqual(collation[fields[i]], wanted[fields[i]])) return false;
    }
  }
  const textFields = JSON.parse(irTextFields(spec));
  for (let i = 0; i < textFields.length; i++) {
    const given = spec.weights && spec.weights[textFields[i]] !== undefined ? irNum(spec.weights[textFields[i]]) : 1;
    if (irNum((existing.weights || {})[textFields[i]]) !== given) return false;
  }
  const defaults = ${JSON.stringify(SCALAR_DEFAULTS)};
  const named = ${JSON.stringify(SCALARS)};
  for (let i = 0; i < named.length; i++) {
    const field = named[i];
    const given = spec[field] !== undefined ? spec[field] : defaults[field];
    if (given !== undefined && existing[field] !== undefined && String(existing[field]) !== String(given)) return false;
  }
  return true;
}

function irDone(collection, doneWhen) {
  if (!doneWhen) return false;
  const done = irFind(collection, doneWhen.name);
  return Boolean(done) && irMatches(done, doneWhen);
}
`;
