import { Controller } from '@nestjs/common';
import { EntityRpc, type RpcResponse } from '@ir/contracts';
import { RpcHandler } from '@ir/messaging';
import type { z } from 'zod';
import { OplogReadsService } from './oplog-reads.service';

type Rpc = typeof EntityRpc;

/** The public reads: oplogs, replication and system statistics. */
@Controller()
export class OplogController {
  constructor(private readonly reads: OplogReadsService) {}

  @RpcHandler(EntityRpc.oplog)
  read(request: z.output<Rpc['oplog']['request']>): Promise<RpcResponse<Rpc['oplog']>> {
    return this.reads.read(request.name, request.after, request.limit);
  }

  @RpcHandler(EntityRpc.oplogMany)
  readMany(request: z.output<Rpc['oplogMany']['request']>): Promise<RpcResponse<Rpc['oplogMany']>> {
    return this.reads.readMany(request.entities, request.after, request.limit);
  }

  @RpcHandler(EntityRpc.replication)
  replication(request: z.output<Rpc['replication']['request']>): Promise<RpcResponse<Rpc['replication']>> {
    return this.reads.replication(request.name);
  }

  @RpcHandler(EntityRpc.stats)
  stats(): Promise<RpcResponse<Rpc['stats']>> {
    return this.reads.stats();
  }
}
