import { Controller, Logger } from '@nestjs/common';
import { AuditEvents, Durables, type EventPayload } from '@ir/contracts';
import { ConsumerHandler } from '@ir/messaging';
import { AuditEntryRepository } from './audit-entry.repository';

/** Entries stored at once by one replica: each is one insert, independent of the others. */
const CONCURRENCY = 16;
/**
 * An entry that cannot be stored waits for its database rather than being dead-lettered after the
 * default five tries (about half a minute): with these, an outage of about an hour is ridden out.
 * Only an entry that is not an AuditEntry at all is dead-lettered at once.
 */
const RETRY_DELAYS_MS = [1_000, 5_000, 30_000, 60_000];
const MAX_DELIVER = 60;

/**
 * Keeps every entry published on AUDIT_EVENTS. The consumer acks an entry once it is stored (or was
 * stored before: a redelivery after a lost ack), and a failed insert is retried by redelivery.
 */
@Controller()
export class AuditEntriesController {
  private readonly logger = new Logger(AuditEntriesController.name);

  constructor(private readonly entries: AuditEntryRepository) {}

  // From the stream's start when the consumer is first created: entries recorded before the audit
  // service first ran are kept too (the stream holds them for its max age).
  @ConsumerHandler(AuditEvents.recorded, {
    durable: Durables.audit.entries.name,
    concurrency: CONCURRENCY,
    deliverFrom: 'all',
    retryDelaysMs: RETRY_DELAYS_MS,
    maxDeliver: MAX_DELIVER,
  })
  async recorded(entry: EventPayload<typeof AuditEvents.recorded>): Promise<void> {
    if ((await this.entries.store(entry)) === 'already_stored') this.logger.debug(`audit entry ${entry.id} was stored before`);
  }
}
