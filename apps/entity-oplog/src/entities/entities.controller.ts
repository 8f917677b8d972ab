import { Controller } from '@nestjs/common';
import { EntityRpc, type RpcResponse } from '@ir/contracts';
import { RpcHandler } from '@ir/messaging';
import type { z } from 'zod';
import { EntitiesService } from './entities.service';

type Rpc = typeof EntityRpc;

@Controller()
export class EntitiesController {
  constructor(private readonly entities: EntitiesService) {}

  @RpcHandler(EntityRpc.create)
  create(request: z.output<Rpc['create']['request']>): Promise<RpcResponse<Rpc['create']>> {
    return this.entities.create(request);
  }

  @RpcHandler(EntityRpc.list)
  async list(request: z.output<Rpc['list']['request']>): Promise<RpcResponse<Rpc['list']>> {
    return { items: await this.entities.list(request.project_id) };
  }

  @RpcHandler(EntityRpc.get)
  get(request: z.output<Rpc['get']['request']>): Promise<RpcResponse<Rpc['get']>> {
    return this.entities.get(request.name);
  }

  @RpcHandler(EntityRpc.update)
  update(request: z.output<Rpc['update']['request']>): Promise<RpcResponse<Rpc['update']>> {
    return this.entities.update(request.name, request.changes);
  }

  @RpcHandler(EntityRpc.delete)
  delete(request: z.output<Rpc['delete']['request']>): Promise<RpcResponse<Rpc['delete']>> {
    return this.entities.delete(request.name);
  }

  @RpcHandler(EntityRpc.recreate)
  recreate(request: z.output<Rpc['recreate']['request']>): Promise<RpcResponse<Rpc['recreate']>> {
    return this.entities.recreate(request.name);
  }

  @RpcHandler(EntityRpc.refresh)
  refresh(request: z.output<Rpc['refresh']['request']>): Promise<RpcResponse<Rpc['refresh']>> {
    return this.entities.refresh(request.name, request.mode);
  }
}
