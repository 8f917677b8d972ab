import { Controller, Inject, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { SyncRpc, type RpcRequest, type RpcResponse } from '@ir/contracts';
import { RpcHandler } from '@ir/messaging';
import { ensureOwnIndexes } from '@ir/platform';
import { Connection } from 'mongoose';
import { SYNC_MODEL, syncModel, type SyncModel } from './sync.model';

@Controller()
class SyncQueriesController {
  constructor(@Inject(SYNC_MODEL) private readonly syncs: SyncModel) {}

  /** The registry asks this before deleting a database. */
  @RpcHandler(SyncRpc.activeForDatabase)
  async activeForDatabase(request: RpcRequest<typeof SyncRpc.activeForDatabase>): Promise<RpcResponse<typeof SyncRpc.activeForDatabase>> {
    const active = await this.syncs
      .findOne({ database_id: request.database_id, status: { $in: ['pending', 'running'] } })
      .sort({ created_at: -1 })
      .lean();
    return active ? { active: true, sync_id: active._id.toHexString(), status: active.status } : { active: false };
  }
}

@Module({
  controllers: [SyncQueriesController],
  providers: [{ provide: SYNC_MODEL, inject: [Connection], useFactory: syncModel }],
})
export class SyncsModule implements OnApplicationBootstrap {
  private readonly logger = new Logger(SyncsModule.name);

  constructor(private readonly connection: Connection) {}

  async onApplicationBootstrap(): Promise<void> {
    await ensureOwnIndexes([this.connection.model(SYNC_MODEL)], this.logger);
  }
}
