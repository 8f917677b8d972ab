import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SERVICE_CONFIG } from '@ir/bootstrap';
import { JobScheduler } from '@ir/platform';
import type { EntityOplogConfig } from '../entity-oplog.config';
import { OplogRepository } from '../oplog/oplog.repository';
import { OplogCleanupJob } from './oplog-cleanup.job';

/** The oplog manager's interval jobs: the clean-up of entries no entity owns any more (OPLOG_CLEANUP_INTERVAL). */
@Injectable()
export class OplogJobs implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OplogJobs.name);
  private readonly scheduler = new JobScheduler({
    logger: { warn: (fields, message) => this.logger.warn(`${message} ${JSON.stringify(fields)}`) },
  });

  constructor(
    private readonly oplog: OplogRepository,
    @Inject(SERVICE_CONFIG) private readonly config: EntityOplogConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.add(new OplogCleanupJob(this.oplog, { intervalMs: this.config.OPLOG_CLEANUP_INTERVAL }));
  }

  /** Waits for a clean-up in flight (bounded; its batches are short transactions), then no more runs. */
  onApplicationShutdown(): Promise<void> {
    return this.scheduler.stop();
  }
}
