import { Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { AuditEntriesController } from './entries/audit-entries.controller';
import { AuditBucketBackfill } from './entries/audit-bucket-backfill.service';
import { AuditBucketReader } from './entries/audit-bucket-reader.service';
import { AuditCalendarCopy } from './entries/audit-calendar-copy.service';
import { auditCalendarModelProvider } from './entries/audit-calendar.model';
import { AuditCalendarRepository } from './entries/audit-calendar.repository';
import { auditEntryModelProvider } from './entries/audit-entry.model';
import { AuditEntryRepository } from './entries/audit-entry.repository';
import { AuditQueryController } from './entries/audit-query.controller';
import { AuditQueryService } from './entries/audit-query.service';
import { AuditRetention } from './retention/audit-retention.service';

/** The audit trail's keeper: stores every entry of AUDIT_EVENTS once, answers `GET /audit`, prunes by retention. */
@Module({
  controllers: [AuditEntriesController, AuditQueryController],
  providers: [
    auditEntryModelProvider,
    auditCalendarModelProvider,
    AuditEntryRepository,
    AuditCalendarRepository,
    AuditQueryService,
    AuditBucketReader,
    AuditBucketBackfill,
    AuditCalendarCopy,
    AuditRetention,
  ],
})
export class AuditModule implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuditModule.name);

  constructor(
    private readonly entries: AuditEntryRepository,
    private readonly calendar: AuditCalendarRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.entries.ensureIndexes(this.logger);
    await this.calendar.ensureIndexes(this.logger);
  }
}
