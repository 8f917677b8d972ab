#!/usr/bin/env node
// Alerts on the drift of the databases the Index Registry watches: reads drift.evt.database.detected
// and .resolved from the DRIFT_EVENTS stream with the read-only `reader` credential, and prints one
// JSON line per event on stdout (status lines go to stderr), for a pager, a chat hook or `jq`.
//
// The reader creates no consumers (README, "The bus"): an operator creates one for this subscriber,
// once, at new events only (`--deliver new`: a new consumer does not replay the stream's history):
//
//   nats --server nats://127.0.0.1:4222 --user admin --password "$(cat .data/nats/credentials/admin.password)" \
//     --inbox-prefix _INBOX_admin consumer add DRIFT_EVENTS drift-alerts --pull --ack explicit \
//     --filter 'drift.evt.database.>' --deliver new --defaults
//
// Then, with the reader's password:
//
//   NATS_URL=nats://127.0.0.1:4222 NATS_READER_PASSWORD_FILE=.data/nats/credentials/reader.password \
//     node examples/drift-subscriber.mjs
//
// Environment: NATS_URL (servers, comma-separated; default nats://127.0.0.1:4222),
// NATS_READER_PASSWORD or NATS_READER_PASSWORD_FILE, DRIFT_CONSUMER (default drift-alerts),
// NATS_CA (the CA file, for tls:// servers). Stops cleanly on SIGINT or SIGTERM; the consumer keeps
// its place, so a restart goes on from the first event not acknowledged, and misses none.
import { readFileSync } from 'node:fs';
import { connect } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';

const STREAM = 'DRIFT_EVENTS';
const SUBJECTS = 'drift.evt.database.>';
const consumerName = process.env.DRIFT_CONSUMER || 'drift-alerts';

/** A mistake in the setup: say what to do, and exit 2. */
function refuse(message) {
  console.error(`drift-subscriber: ${message}`);
  process.exit(2);
}

function readerPassword() {
  if (process.env.NATS_READER_PASSWORD) return process.env.NATS_READER_PASSWORD;
  const file = process.env.NATS_READER_PASSWORD_FILE;
  if (!file) refuse('set NATS_READER_PASSWORD or NATS_READER_PASSWORD_FILE (the `reader` credential)');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return refuse(`cannot read NATS_READER_PASSWORD_FILE ${file}`);
  }
}

const operatorStep =
  `an operator creates it: nats --user admin ... consumer add ${STREAM} ${consumerName} ` +
  `--pull --ack explicit --filter '${SUBJECTS}' --deliver new --defaults`;

/** One alert line: what happened to which database, whose compare found it, and what changed since the last event. */
function alertOf(subject, seq, event) {
  const kind = subject.split('.').at(-1);
  const since = event.since_previous;
  const where = `${event.database_name ?? event.db_name} (database ${event.db_name}, project ${event.project_id ?? 'none'})`;
  const counts = event.totals
    ? `: ${event.totals.missing} missing, ${event.totals.redundant} redundant, ${event.totals.different} different`
    : '';
  const delta = since ? `; since the last event ${since.appeared.length} new, ${since.resolved.length} resolved` : '';
  const by = event.actor ? `; compared by ${event.actor.kind} ${event.actor.name}` : '';
  return {
    seq,
    event: kind,
    message: `drift ${kind} on ${where}${counts}${delta}${by}`,
    database_id: event.database_id,
    database_name: event.database_name ?? null,
    project_id: event.project_id ?? null,
    db_name: event.db_name,
    compared_at: event.compared_at,
    actor: event.actor ?? null,
    totals: event.totals ?? null,
    appeared: since?.appeared ?? null,
    resolved: since?.resolved ?? null,
  };
}

const nc = await connect({
  servers: (process.env.NATS_URL || 'nats://127.0.0.1:4222').split(','),
  user: 'reader',
  pass: readerPassword(),
  name: 'drift-subscriber',
  ...(process.env.NATS_CA ? { tls: { caFile: process.env.NATS_CA } } : {}),
});

let consumer;
try {
  consumer = await jetstream(nc).consumers.get(STREAM, consumerName);
} catch {
  await nc.close();
  refuse(`no consumer ${consumerName} on ${STREAM} that the reader may use; ${operatorStep}`);
}
const { config, delivered } = await consumer.info();
// A consumer that has delivered nothing yet starts where its policy says: anything but `new` would
// page someone for every drift in the stream's history. One that has delivered goes on where it was.
if (delivered.stream_seq === 0 && config.deliver_policy !== DeliverPolicy.New) {
  await nc.close();
  refuse(
    `consumer ${consumerName} would start with the stream's history (deliver policy ${config.deliver_policy}); delete it and ${operatorStep}`,
  );
}

const messages = await consumer.consume();
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void messages.close());
console.error(`drift-subscriber: listening on ${STREAM} through ${consumerName}, new events only`);
for await (const m of messages) {
  try {
    console.log(JSON.stringify(alertOf(m.subject, m.seq, m.json())));
    m.ack();
  } catch (error) {
    // Not an event this script understands: said once, and not delivered again.
    console.error(`drift-subscriber: message ${m.seq} on ${m.subject} skipped: ${error}`);
    m.term();
  }
}
await nc.drain();
