import { Controller, type Type } from '@nestjs/common';
import { SyncCommands, SyncRpc, type EventPayload, type RpcRequest, type RpcResponse } from '@ir/contracts';
import { BusContext, ConsumerHandler, RpcHandler } from '@ir/messaging';
import { SyncApprovals } from './sync-approvals.service';
import { SyncControl } from './sync-control.service';
import { SyncExecutor } from './sync-executor.service';
import { RUN_ACK_WAIT_MS, RUN_CONSUMER, RUN_MAX_DELIVER } from './sync-settings';
import type { StartRequest } from './sync-requests';
import { SyncsService } from './syncs.service';

@Controller()
export class SyncQueriesController {
  constructor(
    private readonly syncs: SyncsService,
    private readonly approvals: SyncApprovals,
    private readonly control: SyncControl,
  ) {}

  @RpcHandler(SyncRpc.start)
  start(request: StartRequest): Promise<RpcResponse<typeof SyncRpc.start>> {
    return this.syncs.start(request);
  }

  @RpcHandler(SyncRpc.status)
  status(request: RpcRequest<typeof SyncRpc.status>): Promise<RpcResponse<typeof SyncRpc.status>> {
    return this.syncs.status(request.sync_id);
  }

  @RpcHandler(SyncRpc.history)
  history(request: { database_id: string; page: number; limit: number }): Promise<RpcResponse<typeof SyncRpc.history>> {
    return this.syncs.history(request);
  }

  @RpcHandler(SyncRpc.approve)
  approve(request: RpcRequest<typeof SyncRpc.approve>): Promise<RpcResponse<typeof SyncRpc.approve>> {
    return this.approvals.approve(request.sync_id, request.comment);
  }

  @RpcHandler(SyncRpc.reject)
  reject(request: RpcRequest<typeof SyncRpc.reject>): Promise<RpcResponse<typeof SyncRpc.reject>> {
    return this.approvals.reject(request.sync_id, request.comment);
  }

  @RpcHandler(SyncRpc.retry)
  retry(request: RpcRequest<typeof SyncRpc.retry>): Promise<RpcResponse<typeof SyncRpc.retry>> {
    return this.control.retry(request);
  }

  @RpcHandler(SyncRpc.cancel)
  cancel(request: RpcRequest<typeof SyncRpc.cancel>): Promise<RpcResponse<typeof SyncRpc.cancel>> {
    return this.control.cancel(request);
  }

  /** The registry asks this before deleting a database. */
  @RpcHandler(SyncRpc.activeForDatabase)
  activeForDatabase(request: RpcRequest<typeof SyncRpc.activeForDatabase>): Promise<RpcResponse<typeof SyncRpc.activeForDatabase>> {
    return this.syncs.activeForDatabase(request.database_id);
  }
}

/**
 * The consumer of run commands. Built per configuration because the number of syncs one replica runs
 * at once (JOB_CONCURRENCY) is an option of the decorator.
 */
export function createSyncRunController(concurrency: number): Type<unknown> {
  @Controller()
  class SyncRunController {
    constructor(private readonly executor: SyncExecutor) {}

    @ConsumerHandler(SyncCommands.run, { durable: RUN_CONSUMER, ackWaitMs: RUN_ACK_WAIT_MS, maxDeliver: RUN_MAX_DELIVER, concurrency })
    run(command: EventPayload<typeof SyncCommands.run>, ctx: BusContext): Promise<void> {
      return this.executor.execute(command, ctx);
    }
  }
  return SyncRunController;
}
