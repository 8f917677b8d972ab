import { Inject, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SERVICE_CONFIG } from '@ir/bootstrap';
import { Pool } from 'pg';
import { EntitiesController } from './entities/entities.controller';
import { EntitiesService } from './entities/entities.service';
import { EntityAccess } from './entities/entity-access';
import { EntityRepository } from './entities/entity.repository';
import type { EntityOplogConfig } from './entity-oplog.config';
import { InternalController } from './internal/internal.controller';
import { HardRefresh } from './jobs/hard-refresh';
import { OplogJobs } from './jobs/oplog-jobs';
import { CaptureLeaseRepository } from './lease/capture-lease.repository';
import { MetadataRepository } from './metadata/metadata.repository';
import { OplogReadsService } from './oplog/oplog-reads.service';
import { OplogController } from './oplog/oplog.controller';
import { OplogRepository } from './oplog/oplog.repository';
import { ReplicaRepository } from './replication/replica.repository';
import { migrate } from './storage/migrations';
import { OplogAppended } from './storage/oplog-appended';
import { schemaName } from './storage/postgres';

/** The repositories take the service's pool (bootstrap opens it on the schema `<prefix>_entity_oplog`). */
const onPool = <T>(type: new (pool: Pool) => T) => ({ provide: type, inject: [Pool], useFactory: (pool: Pool) => new type(pool) });

/** The oplog manager: entities, the PostgreSQL oplog, the capture's positions and the replicas' progress. */
@Module({
  controllers: [EntitiesController, OplogController, InternalController],
  providers: [
    onPool(EntityRepository),
    onPool(OplogRepository),
    onPool(MetadataRepository),
    onPool(ReplicaRepository),
    onPool(CaptureLeaseRepository),
    EntityAccess,
    EntitiesService,
    OplogReadsService,
    {
      provide: HardRefresh,
      inject: [EntityRepository, OplogRepository],
      useFactory: (e: EntityRepository, o: OplogRepository) => new HardRefresh(e, o),
    },
    OplogJobs,
    {
      provide: OplogAppended,
      inject: [Pool, SERVICE_CONFIG],
      useFactory: (pool: Pool, config: EntityOplogConfig) => new OplogAppended(pool, schemaName(config.MONGODB_DB_PREFIX)),
    },
  ],
})
export class EntityOplogModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EntityOplogModule.name);

  constructor(
    private readonly pool: Pool,
    @Inject(SERVICE_CONFIG) private readonly config: EntityOplogConfig,
    private readonly appended: OplogAppended,
  ) {}

  /** Replicas starting together apply each migration once (an advisory lock). */
  async onApplicationBootstrap(): Promise<void> {
    const applied = await migrate(this.pool, schemaName(this.config.MONGODB_DB_PREFIX));
    if (applied.length > 0) this.logger.log(`applied migrations ${applied.join(', ')}`);
    await this.appended.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.appended.stop();
  }
}
