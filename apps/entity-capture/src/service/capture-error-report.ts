import { Logger } from '@nestjs/common';
import { EntityInternalRpc, type CaptureErrorReason, type CaptureErrorReport } from '@ir/contracts';
import type { BusClient } from '@ir/messaging';
import { classifyTargetError } from '@ir/target-pool';
import { SourceWithoutChanges } from '../source/source-selection';

/** The registry no longer knows the source database (its connection asked for answered not found). */
export class SourceNotRegistered extends Error {
  constructor(databaseId: string) {
    super(`the source database ${databaseId} is not in the registry`);
    this.name = 'SourceNotRegistered';
  }
}

/** Why a source's capture failed, as its entities show it: a typed reason and a message of ours, never the driver's text. */
export function captureErrorOf(error: unknown): CaptureErrorReport {
  const reason = reasonOf(error);
  return { reason, message: MESSAGES[reason] };
}

function reasonOf(error: unknown): CaptureErrorReason {
  if (error instanceof SourceWithoutChanges) return 'no_change_history';
  if (error instanceof SourceNotRegistered) return 'source_not_registered';
  // The driver's error read by structure as every target's is (classes, codes); the URI only goes into a message not used here.
  switch (classifyTargetError(error, 'mongodb://source').kind) {
    case 'unreachable':
    case 'timeout':
    case 'tls_failed':
      return 'source_unreachable';
    default:
      return 'capture_failed';
  }
}

const MESSAGES: Record<CaptureErrorReason, string> = {
  no_change_history:
    'the source has neither change streams (a replica set or sharded cluster) nor a local.oplog.rs: its changes cannot be captured until it has one',
  source_unreachable: 'the source database server cannot be reached; the capture retries',
  source_not_registered: 'the source database is no longer in the registry',
  capture_failed: "the capture of the source fails; entity-capture's log and readiness say why",
};

/**
 * Tells entity-oplog how one source's capture goes, only when that changes: the first failure of a reason,
 * and the first success after a failure (or after this runner started: a former holder's error is cleared).
 * One report at a time, in order; a report that fails is sent again at the next change of state.
 */
export class CaptureErrorReporter {
  private readonly logger = new Logger(CaptureErrorReporter.name);
  /** What entity-oplog was last told: undefined before the first report (or after one failed). */
  private reported: CaptureErrorReason | null | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly bus: Pick<BusClient, 'request'>,
    private readonly databaseId: string,
    private readonly epoch: number,
  ) {}

  failed(error: unknown): void {
    const report = captureErrorOf(error);
    if (this.reported !== report.reason) this.send(report);
  }

  capturing(): void {
    if (this.reported !== null) this.send(null);
  }

  /** The reports sent so far have been answered (for a clean stop). */
  settled(): Promise<void> {
    return this.queue;
  }

  private send(report: CaptureErrorReport | null): void {
    const reason = report?.reason ?? null;
    this.reported = reason;
    this.queue = this.queue.then(async () => {
      try {
        await this.bus.request(EntityInternalRpc.captureStatus, { epoch: this.epoch, database_id: this.databaseId, error: report });
      } catch (error) {
        if (this.reported === reason) this.reported = undefined;
        this.logger.warn(`source ${this.databaseId}: its capture state not reported to entity-oplog: ${String(error)}`);
      }
    });
  }
}
