import { Controller } from '@nestjs/common';
import { RegistryIndexRpc, type RpcRequest, type RpcResponse } from '@ir/contracts';
import { RpcHandler } from '@ir/messaging';
import type { z } from 'zod';
import { IndexDefinitionsService } from './index-definitions.service';

type Rpc = typeof RegistryIndexRpc;

@Controller()
export class IndexDefinitionsController {
  constructor(private readonly definitions: IndexDefinitionsService) {}

  @RpcHandler(RegistryIndexRpc.create)
  create(request: z.output<Rpc['create']['request']>): Promise<RpcResponse<Rpc['create']>> {
    return this.definitions.create(request);
  }

  @RpcHandler(RegistryIndexRpc.get)
  get(request: RpcRequest<Rpc['get']>): Promise<RpcResponse<Rpc['get']>> {
    return this.definitions.get(request.id);
  }

  @RpcHandler(RegistryIndexRpc.listByCollection)
  list(request: z.output<Rpc['listByCollection']['request']>): Promise<RpcResponse<Rpc['listByCollection']>> {
    return this.definitions.listByCollection(request);
  }

  @RpcHandler(RegistryIndexRpc.update)
  update(request: z.output<Rpc['update']['request']>): Promise<RpcResponse<Rpc['update']>> {
    return this.definitions.update(request.id, request.changes);
  }

  @RpcHandler(RegistryIndexRpc.delete)
  delete(request: RpcRequest<Rpc['delete']>): Promise<RpcResponse<Rpc['delete']>> {
    return this.definitions.delete(request.id);
  }

  @RpcHandler(RegistryIndexRpc.listByDatabase)
  listByDatabase(request: z.output<Rpc['listByDatabase']['request']>): Promise<RpcResponse<Rpc['listByDatabase']>> {
    return this.definitions.listByDatabase(request);
  }
}
