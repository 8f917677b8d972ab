/**
 * The generated script's step actions, as mongosh JavaScript. Each takes one
 * step (the data the renderer wrote as a JSON literal) and returns its outcome,
 * `{ counter, text }`; an error from the server is thrown to `irStep`, which
 * names the step. Before acting, each looks at the live index: a step already
 * done is skipped, so a second run changes nothing.
 *
 * Redundant indexes (a hide, or a drop that no replacement goes with:
 * `usage_check`) are kept unless `$indexStats` shows no use over at least
 * `unused_days`. `$indexStats` counts uses since each server started counting
 * (`accesses.since`), not when they happened: an index with any use counted,
 * or counted for less than that many days, or whose use cannot be read, is
 * kept unless `force_drop`. A drop in a replacement needs its replacement to
 * exist (`requires`): create before drop, even when the create failed earlier.
 */
export const SCRIPT_ACTIONS = String.raw`const IR_DAY_MS = 24 * 60 * 60 * 1000;

function irOutcome(counter, text) {
  return { counter: counter, text: text };
}

// One document per index and server ($indexStats on a sharded collection answers for every shard).
function irUsage(collection, name) {
  let stats;
  try {
    stats = target.getCollection(collection).aggregate([{ $indexStats: {} }]).toArray();
  } catch (e) {
    return { unknown: '$indexStats failed: ' + irErrorText(e) };
  }
  const mine = stats.filter(function (s) { return s.name === name; });
  if (mine.length === 0) return { unknown: '$indexStats has no entry for it' };
  let ops = 0;
  let since;
  for (let i = 0; i < mine.length; i++) {
    const accesses = mine[i].accesses || {};
    const at = accesses.since instanceof Date ? accesses.since : new Date(accesses.since);
    if (isNaN(at.getTime())) return { unknown: '$indexStats gives no start time for its counter' };
    ops += irNum(accesses.ops);
    // The latest start: every server has counted since then.
    if (since === undefined || at > since) since = at;
  }
  return { ops: ops, since: since };
}

// Why a redundant index must stay (used, or not watched long enough), or undefined when it may go.
function irInUse(collection, name) {
  const usage = irUsage(collection, name);
  if (usage.unknown !== undefined) return 'its use cannot be read (' + usage.unknown + ')';
  if (usage.ops > 0) return 'used ' + usage.ops + ' time(s) since ' + usage.since.toISOString();
  const days = IR.settings.unused_days;
  if (Date.now() - usage.since.getTime() < days * IR_DAY_MS) {
    return 'unused, but counted only since ' + usage.since.toISOString() + ', less than ' + days + ' day(s)';
  }
  return undefined;
}

// The usage check of a redundant index: an outcome 'kept', or a note for the outcome of the step.
function irUsageCheck(step) {
  if (!step.usage_check) return { note: '' };
  const why = irInUse(step.collection, step.index);
  if (why === undefined) return { note: '' };
  if (IR.settings.force_drop) return { note: ' (force_drop: ' + why + ')' };
  return { kept: irOutcome('kept', 'kept: ' + why + '; force_drop to ' + step.kind + ' it anyway') };
}

function irCreate(step) {
  if (irDone(step.collection, step.done_when)) return irOutcome('skipped', 'skipped (' + step.done_when.name + ' is already rebuilt)');
  const existing = irFind(step.collection, step.options.name);
  if (existing) {
    const spec = Object.assign({ key: step.key }, step.options);
    if (irMatches(existing, spec)) return irOutcome('skipped', 'skipped (already exists)');
    if (irSameKey(existing, spec)) return irOutcome('warnings', 'WARNING: exists with other options; skipped');
    return irOutcome('warnings', 'WARNING: exists with a different key ' + JSON.stringify(EJSON.serialize(existing.key)) + '; skipped');
  }
  target.getCollection(step.collection).createIndex(step.key, step.options);
  return irOutcome('created', 'created');
}

function irDrop(step) {
  if (step.index === '_id_') return irOutcome('warnings', 'WARNING: _id_ is never dropped; skipped');
  if (!irFind(step.collection, step.index)) return irOutcome('skipped', 'skipped (absent)');
  if (irDone(step.collection, step.done_when)) return irOutcome('skipped', 'skipped (' + step.done_when.name + ' is already rebuilt)');
  if (step.requires !== undefined && !irFind(step.collection, step.requires)) {
    return irOutcome('not_run', 'not run: ' + step.requires + ', which takes its place, does not exist');
  }
  const check = irUsageCheck(step);
  if (check.kept) return check.kept;
  target.getCollection(step.collection).dropIndex(step.index);
  return irOutcome('dropped', 'dropped' + check.note);
}

// collMod on an index by name: 'modify' (TTL, hidden, prepareUnique as the DR says) or 'hide' (a redundant index).
function irCollMod(step) {
  const existing = irFind(step.collection, step.index);
  if (!existing) return irOutcome('skipped', 'skipped (absent)');
  const changes = step.changes;
  const index = { name: step.index };
  const done = [];
  // Each option collMod changes: a flag (hidden, prepareUnique) is false when absent; a number (the TTL) is compared by value.
  Object.keys(changes).forEach(function (option) {
    const wanted = changes[option];
    if (wanted === undefined) return;
    const current = typeof wanted === 'boolean' ? Boolean(existing[option]) : irNum(existing[option]);
    if (current === wanted) return;
    index[option] = wanted;
    done.push(option + ' ' + wanted);
  });
  const hide = step.kind === 'hide';
  if (done.length === 0) return irOutcome('skipped', 'skipped (already ' + (hide ? 'hidden' : 'up to date') + ')');
  const check = hide ? irUsageCheck(step) : { note: '' };
  if (check.kept) return check.kept;
  const result = target.runCommand({ collMod: step.collection, index: index });
  if (!result || irNum(result.ok) !== 1) throw Object.assign(new Error('collMod answered ' + JSON.stringify(result)), result || {});
  return irOutcome(hide ? 'hidden' : 'modified', (hide ? 'hid' : 'modified') + ' (' + done.join(', ') + ')' + check.note);
}
`;
