import { Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
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
import { CaptureErrorRepository } from './metadata/capture-error.repository';
import { MetadataRepository } from './metadata/metadata.repository';
import { OplogReadsService } from './oplog/oplog-reads.service';
import { OplogController } from './oplog/oplog.controller';
import { OplogRepository } from './oplog/oplog.repository';
import { ReplicaRepository } from './replication/replica.repository';
import { migrate } from './storage/migrations';
import { OplogAppended } from './storage/oplog-appended';
import { schemaName } from './storage/postgres';

/**
 * The schema, migrated. Made while the app is created (NestFactory.create awaits it) and a dependency of every
 * repository, so nothing that reads a table can exist before it: not a bus handler (the bus answers after the
 * start-up hooks anyway, see startBusServer) and not another provider's hook: Nest runs the providers' hooks
 * (OplogJobs' among them) together and before the module's own, so a migration in a hook orders nothing.
 * Replicas starting together apply each migration once (an advisory lock).
 */
class MigratedSchema {}

const migratedSchema = {
  provide: MigratedSchema,
  inject: [Pool, SERVICE_CONFIG],
  useFactory: async (pool: Pool, config: EntityOplogConfig): Promise<MigratedSchema> => {
    const applied = await migrate(pool, schemaName(config.MONGODB_DB_PREFIX));
    if (applied.length > 0) new Logger(EntityOplogModule.name).log(`applied migrations ${applied.join(', ')}`);
    return new MigratedSchema();
  },
};

/** The repositories take the service's pool (bootstrap opens it on the schema `<prefix>_entity_oplog`), once migrated. */
const onPool = <T>(type: new (pool: Pool) => T) => ({
  provide: type,
  inject: [Pool, MigratedSchema],
  useFactory: (pool: Pool) => new type(pool),
});

/** The oplog manager: entities, the PostgreSQL oplog, the capture's positions and the replicas' progress. */
@Module({
  controllers: [EntitiesController, OplogController, InternalController],
  providers: [
    migratedSchema,
    onPool(EntityRepository),
    onPool(OplogRepository),
    onPool(MetadataRepository),
    onPool(CaptureErrorRepository),
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
  constructor(private readonly appended: OplogAppended) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.appended.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.appended.stop();
  }
}
