/**
 * How the generated script runs, as mongosh JavaScript: `irStart` prints the
 * banner and refuses to go on unless connected to the expected database (and
 * server, when given); `irStep` runs one numbered step and prints its outcome,
 * or the server's error naming the step; `irFinish` prints the summary and
 * throws when a step failed, so that mongosh exits non-zero.
 *
 * After a failure, `on_error: 'stop'` lists every later step as not run;
 * `'continue'` runs them, except the later steps of the same change (a
 * rebuild or replacement, `group`), which would drop what has no replacement.
 */
export const SCRIPT_RUNNER = String.raw`const irState = {
  counts: { done: 0, failed: 0, skipped: 0, kept: 0, not_run: 0, warnings: 0 },
  done: { created: 0, dropped: 0, hidden: 0, modified: 0 },
  failures: [],
  stoppedAt: undefined,
  blockedGroups: {},
};

function irErrorText(e) {
  if (e === null || typeof e !== 'object') return String(e);
  const code = e.code !== undefined ? ' (code ' + e.code + (e.codeName ? ' ' + e.codeName : '') + ')' : '';
  return (e.name || 'Error') + ': ' + (e.errmsg || e.message) + code;
}

// Every host the connection names: the connection string's (never its credentials) and the replica set's.
function irServerHosts(hello) {
  const hosts = [].concat(hello.me ? [hello.me] : [], hello.hosts || []);
  const uri = db.getMongo().getURI();
  const authority = uri.slice(uri.indexOf('://') + 3).split('/')[0].split('?')[0];
  authority.slice(authority.lastIndexOf('@') + 1).split(',').forEach(function (host) {
    if (host) hosts.push(host);
  });
  return hosts;
}

function irSameHost(actual, wanted) {
  const a = actual.toLowerCase();
  const w = wanted.toLowerCase();
  if (a === w) return true;
  const port = a.lastIndexOf(':');
  const hasPort = port > a.lastIndexOf(']');
  if (w.lastIndexOf(':') > w.lastIndexOf(']')) return !hasPort && a + ':27017' === w;
  return hasPort && a.slice(0, port) === w;
}

function irRefuse(why) {
  throw new Error('refusing to run: ' + why + '; nothing was changed');
}

function irGuard() {
  const connected = db.getName();
  if (connected !== IR.database.db_name) {
    irRefuse('connected to database ' + JSON.stringify(connected) + ', but this script is for ' + JSON.stringify(IR.database.db_name) +
      ' (name it in the connection string: mongodb://<host>/<database>)');
  }
  const settings = IR.settings;
  if (settings.expected_replica_set === undefined && settings.expected_host === undefined) return;
  const hello = db.hello();
  if (settings.expected_replica_set !== undefined && hello.setName !== settings.expected_replica_set) {
    const actual = hello.setName === undefined ? 'is not a replica set member' : 'is in replica set ' + JSON.stringify(hello.setName);
    irRefuse('the server ' + actual + ', not in ' + JSON.stringify(settings.expected_replica_set));
  }
  if (settings.expected_host !== undefined) {
    const hosts = irServerHosts(hello);
    const same = hosts.some(function (host) { return irSameHost(host, settings.expected_host); });
    if (!same) irRefuse('connected to ' + JSON.stringify(hosts) + ', not to ' + JSON.stringify(settings.expected_host));
  }
}

function irStart() {
  const d = IR.database;
  const p = IR.plan;
  const s = IR.settings;
  print('Index Registry script: ' + IR.title);
  print('database ' + JSON.stringify(d.name) + ' (id ' + d.id + '), db ' + JSON.stringify(d.db_name) + ', DR version ' + d.version + ', generated ' + IR.generated_at);
  print('plan: ' + p.steps + ' step(s): ' + p.creates + ' create(s), ' + p.drops + ' drop(s), ' + p.hides + ' hide(s), ' + p.rebuilds + ' rebuild(s), ' +
    p.modifies + ' option change(s), ' + p.unsupported + ' the target cannot run');
  print('on error: ' + s.on_error + '; a redundant index is kept unless unused for ' + s.unused_days + ' day(s)' + (s.force_drop ? ' (force_drop: not checked)' : ''));
  irGuard();
}

function irReport(label, counter, text) {
  if (irState.done[counter] !== undefined) {
    irState.done[counter]++;
    irState.counts.done++;
  } else {
    irState.counts[counter]++;
  }
  print(label + ': ' + text);
}

function irAction(step) {
  switch (step.kind) {
    case 'create': return irCreate(step);
    case 'drop': return irDrop(step);
    case 'modify':
    case 'hide': return irCollMod(step);
  }
  throw new Error('unknown step kind ' + JSON.stringify(step.kind));
}

// A name as printed: as it is, or quoted when it holds a line break or another control character.
function irShow(name) {
  return /[\u0000-\u001f\u007f\u2028\u2029]/.test(name) ? JSON.stringify(name) : name;
}

function irLabel(n, step) {
  return 'step ' + n + '/' + IR.plan.steps + ' ' + step.kind + ' ' + irShow(step.collection) + '.' + irShow(step.index);
}

// A step that cannot run now: after a stop, or after an earlier step of its change did not complete.
function irHeldBack(n, step) {
  if (irState.stoppedAt !== undefined) return 'not run (the script stopped at step ' + irState.stoppedAt + ')';
  const blocker = step.group !== undefined ? irState.blockedGroups[step.group] : undefined;
  if (blocker !== undefined) return 'not run: step ' + blocker + ' of the same change did not complete';
  return undefined;
}

function irStep(n, step) {
  const label = irLabel(n, step);
  const held = irHeldBack(n, step);
  if (held !== undefined) {
    irReport(label, 'not_run', held);
    return;
  }
  let outcome;
  try {
    outcome = irAction(step);
  } catch (e) {
    irState.counts.failed++;
    irState.failures.push('step ' + n + ' (' + step.kind + ' index ' + JSON.stringify(step.index) + ' of collection ' + JSON.stringify(step.collection) + ')');
    print(label + ': FAILED: ' + irErrorText(e));
    if (step.group !== undefined) irState.blockedGroups[step.group] = n;
    if (IR.settings.on_error === 'stop') irState.stoppedAt = n;
    return;
  }
  const completed = outcome.counter === 'skipped' || irState.done[outcome.counter] !== undefined;
  if (!completed && step.group !== undefined) irState.blockedGroups[step.group] = n;
  irReport(label, outcome.counter, outcome.text);
}

// A step the plan marks as one the target refuses: never run, and the rest of its change is held back.
function irUnsupported(n, step) {
  const label = irLabel(n, step);
  const held = irHeldBack(n, step);
  if (step.group !== undefined && irState.blockedGroups[step.group] === undefined) irState.blockedGroups[step.group] = n;
  irReport(label, held === undefined ? 'skipped' : 'not_run', held !== undefined ? held : 'not run: the target cannot run it: ' + step.unsupported);
}

function irFinish() {
  const c = irState.counts;
  const d = irState.done;
  print('summary: ' + c.done + ' done (' + d.created + ' created, ' + d.dropped + ' dropped, ' + d.hidden + ' hidden, ' + d.modified + ' modified), ' +
    c.failed + ' failed, ' + c.skipped + ' skipped, ' + c.kept + ' kept, ' + c.not_run + ' not run, ' + c.warnings + ' warning(s)');
  if (c.failed > 0) throw new Error(c.failed + ' step(s) failed: ' + irState.failures.join(', '));
}
`;
