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
import { nanos } from '@nats-io/transport-node';
import type { StreamSpec } from '@ir/contracts';

const STREAM_NOT_FOUND = 10059;
const CONSUMER_NOT_FOUND = 10014;

function streamConfig(spec: StreamSpec): Partial<StreamConfig> & { name: string } {
  return {
    name: spec.name,
    subjects: [...spec.subjects],
    retention: spec.retention === 'workqueue' ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(spec.maxAgeSeconds * 1000),
    duplicate_window: nanos(spec.duplicateWindowSeconds * 1000),
  };
}

/** Creates the stream, or brings an existing one to the spec. Any replica may run it at any time. */
export async function ensureStream(jsm: JetStreamManager, spec: StreamSpec): Promise<void> {
  const wanted = streamConfig(spec);
  try {
    const info = await jsm.streams.info(spec.name);
    const current = info.config;
    const same =
      current.subjects.join() === wanted.subjects!.join() &&
      current.max_age === wanted.max_age &&
      current.duplicate_window === wanted.duplicate_window;
    if (!same) {
      await jsm.streams.update(spec.name, {
        subjects: wanted.subjects,
        max_age: wanted.max_age,
        duplicate_window: wanted.duplicate_window,
      });
    }
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== STREAM_NOT_FOUND) throw error;
    await jsm.streams.add(wanted).catch(async (raceError: unknown) => {
      // Another replica created it between our info and add: fine, it is the same spec.
      await jsm.streams.info(spec.name).catch(() => Promise.reject(raceError));
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
