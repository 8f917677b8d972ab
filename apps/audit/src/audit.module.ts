import { Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { AuditEntriesController } from './entries/audit-entries.controller';
import { AuditBucketBackfill } from './entries/audit-bucket-backfill.service';
import { AuditBucketReader } from './entries/audit-bucket-reader.service';
import { auditDayModelProvider } from './entries/audit-day.model';
import { AuditDayRepository } from './entries/audit-day.repository';
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
    auditDayModelProvider,
    AuditEntryRepository,
    AuditDayRepository,
    AuditQueryService,
    AuditBucketReader,
    AuditBucketBackfill,
    AuditRetention,
  ],
})
export class AuditModule implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuditModule.name);

  constructor(
    private readonly entries: AuditEntryRepository,
    private readonly days: AuditDayRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.entries.ensureIndexes(this.logger);
    await this.days.ensureIndexes(this.logger);
  }
}
