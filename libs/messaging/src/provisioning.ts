import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos, RequestError, TimeoutError } from '@nats-io/transport-node';
import type { StreamSpec } from '@ir/contracts';
import { retryWithBackoff } from '@ir/platform';

const STREAM_NOT_FOUND = 10059;
const CONSUMER_NOT_FOUND = 10014;
/** JetStream's refusals of a stream's replica count: a single server, or fewer servers than replicas. */
const REPLICAS_NOT_SUPPORTED = 10074;
const NO_SUITABLE_PEERS = 10005;
/** "JetStream system temporarily unavailable": a cluster without a meta leader yet. */
const CLUSTER_NOT_AVAILABLE = 10008;

/** A stream's copies, one per server: NATS_STREAM_REPLICAS, the same for every stream of the system. */
export interface StreamPlacement {
  readonly replicas: number;
}

export const SINGLE_COPY: StreamPlacement = { replicas: 1 };

function streamConfig(spec: StreamSpec, placement: StreamPlacement): Partial<StreamConfig> & { name: string } {
  return {
    name: spec.name,
    subjects: [...spec.subjects],
    retention: spec.retention === 'workqueue' ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(spec.maxAgeSeconds * 1000),
    duplicate_window: nanos(spec.duplicateWindowSeconds * 1000),
    num_replicas: placement.replicas,
  };
}

/**
 * JetStream refused the replica count. `mayPass`: the cluster knows too few servers with JetStream,
 * which is also what it answers while its servers are still joining (a cluster starting, or coming
 * back), so provisioning asks again for a while before it reports it.
 */
export class StreamNotPlaceable extends Error {
  constructor(
    placement: StreamPlacement,
    why: string,
    readonly mayPass: boolean,
  ) {
    super(`streams cannot have ${placement.replicas} replicas (NATS_STREAM_REPLICAS): ${why}`);
    this.name = 'StreamNotPlaceable';
  }
}

/** JetStream's refusal of the replica count as a message that says which setting to change; other errors as they are. */
function placementError(error: unknown, placement: StreamPlacement): unknown {
  if (!(error instanceof JetStreamApiError)) return error;
  if (error.code === REPLICAS_NOT_SUPPORTED) return new StreamNotPlaceable(placement, 'the NATS server is not part of a cluster', false);
  if (error.code === NO_SUITABLE_PEERS) return new StreamNotPlaceable(placement, 'the NATS cluster has fewer servers with JetStream', true);
  return error;
}

/**
 * An answer that may differ a moment later: no answer in time (a cluster electing its meta leader, a
 * server busy with every service provisioning at once), no responder for the JetStream API (a node
 * that has just started), JetStream saying it is temporarily unavailable, or too few servers known
 * yet for the replica count.
 */
export function isTransientJetStreamError(error: unknown): boolean {
  if (error instanceof StreamNotPlaceable) return error.mayPass;
  if (error instanceof JetStreamApiError) return error.code === CLUSTER_NOT_AVAILABLE;
  const transient = (e: unknown): boolean => e instanceof TimeoutError || (e instanceof RequestError && e.isNoResponders());
  return transient(error) || (error instanceof Error && transient(error.cause));
}

/** Attempts and delays of `provisionPatiently`: about a minute in all, the delays doubling from 250 ms to 8 s. */
const PROVISIONING_RETRY = { attempts: 12, initialDelayMs: 250, maxDelayMs: 8000 } as const;

/**
 * Runs one idempotent provisioning step (a stream, a consumer), again after a transient JetStream
 * error, so a service starting beside a cluster that is still electing or forming, or beside eight
 * other services provisioning theirs, waits instead of exiting. A replica count the cluster cannot
 * place is reported once the attempts run out (about a minute); on a single server, at once.
 */
export function provisionPatiently<T>(what: string, step: () => Promise<T>, warn: (message: string) => void): Promise<T> {
  return retryWithBackoff(step, {
    ...PROVISIONING_RETRY,
    retryable: isTransientJetStreamError,
    onRetry: (error, attempt, delayMs) =>
      warn(
        `${what}: ${error instanceof StreamNotPlaceable ? error.message : `JetStream did not answer (${error instanceof Error ? error.message : String(error)})`}; attempt ${attempt + 1} in ${delayMs} ms`,
      ),
  });
}

/**
 * Creates the stream, or brings an existing one to the spec and the placement (a stream created with
 * one copy gets three when NATS_STREAM_REPLICAS becomes 3, keeping its messages and consumers). Any
 * replica may run it at any time.
 */
export async function ensureStream(jsm: JetStreamManager, spec: StreamSpec, placement: StreamPlacement = SINGLE_COPY): Promise<void> {
  const wanted = streamConfig(spec, placement);
  try {
    const info = await jsm.streams.info(spec.name);
    // A single nats-server 2.9 takes `num_replicas: 3` in an update, reports it, and keeps one copy.
    if (placement.replicas > 1 && !info.cluster) throw new StreamNotPlaceable(placement, 'the NATS server is not part of a cluster', false);
    const current = info.config;
    const same =
      current.subjects.join() === wanted.subjects!.join() &&
      current.max_age === wanted.max_age &&
      current.duplicate_window === wanted.duplicate_window &&
      current.num_replicas === wanted.num_replicas;
    if (!same) {
      await jsm.streams
        .update(spec.name, {
          subjects: wanted.subjects,
          max_age: wanted.max_age,
          duplicate_window: wanted.duplicate_window,
          num_replicas: wanted.num_replicas,
        })
        .catch((error: unknown) => Promise.reject(placementError(error, placement)));
    }
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== STREAM_NOT_FOUND) throw error;
    await jsm.streams.add(wanted).catch(async (raceError: unknown) => {
      // Another replica created it between our info and add: fine, it is the same spec.
      await jsm.streams.info(spec.name).catch(() => Promise.reject(placementError(raceError, placement)));
    });
  }
}

export interface DurableConsumerSpec {
  readonly stream: string;
  readonly durable: string;
  readonly filterSubject: string;
  readonly ackWaitMs: number;
  readonly maxDeliver: number;
  /** Where a consumer created for the first time starts: only new messages, or the whole stream. */
  readonly deliverFrom: 'new' | 'all';
}

/** Creates the durable pull consumer, or updates the settings that JetStream allows to change. */
export async function ensureDurableConsumer(jsm: JetStreamManager, spec: DurableConsumerSpec): Promise<void> {
  const config: Partial<ConsumerConfig> = {
    durable_name: spec.durable,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(spec.ackWaitMs),
    max_deliver: spec.maxDeliver,
    filter_subject: spec.filterSubject,
  };
  try {
    await jsm.consumers.info(spec.stream, spec.durable);
    await jsm.consumers.update(spec.stream, spec.durable, config);
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== CONSUMER_NOT_FOUND) throw error;
    // A workqueue stream holds only work not yet done, and JetStream refuses any policy but `all` on it.
    const workqueue = (await jsm.streams.info(spec.stream)).config.retention === RetentionPolicy.Workqueue;
    await jsm.consumers.add(spec.stream, {
      ...config,
      deliver_policy: spec.deliverFrom === 'new' && !workqueue ? DeliverPolicy.New : DeliverPolicy.All,
    });
  }
}
