import { Controller } from '@nestjs/common';
import { RegistryDatabaseRpc, type RpcRequest, type RpcResponse } from '@ir/contracts';
import { RpcHandler, SealOpener } from '@ir/messaging';
import type { z } from 'zod';
import { DatabaseServers } from './database-server';
import { DatabasesService } from './databases.service';

type Rpc = typeof RegistryDatabaseRpc;

@Controller()
export class DatabasesController {
  constructor(
    private readonly databases: DatabasesService,
    private readonly sealed: SealOpener,
    private readonly servers: DatabaseServers,
  ) {}

  @RpcHandler(RegistryDatabaseRpc.create)
  create(request: z.output<Rpc['create']['request']>): Promise<RpcResponse<Rpc['create']>> {
    return this.databases.create(this.sealed.open(RegistryDatabaseRpc.create, request));
  }

  @RpcHandler(RegistryDatabaseRpc.get)
  get(request: RpcRequest<Rpc['get']>): Promise<RpcResponse<Rpc['get']>> {
    return this.databases.get(request.id);
  }

  @RpcHandler(RegistryDatabaseRpc.list)
  list(request: z.output<Rpc['list']['request']>): Promise<RpcResponse<Rpc['list']>> {
    return this.databases.list(request);
  }

  @RpcHandler(RegistryDatabaseRpc.update)
  update(request: z.output<Rpc['update']['request']>): Promise<RpcResponse<Rpc['update']>> {
    const { changes } = this.sealed.open(RegistryDatabaseRpc.update, request);
    return this.databases.update(request.id, changes);
  }

  @RpcHandler(RegistryDatabaseRpc.delete)
  delete(request: RpcRequest<Rpc['delete']>): Promise<RpcResponse<Rpc['delete']>> {
    return this.databases.delete(request.id);
  }

  @RpcHandler(RegistryDatabaseRpc.connection)
  connection(request: RpcRequest<Rpc['connection']>): Promise<RpcResponse<Rpc['connection']>> {
    return this.databases.sealedConnection(request.database_id);
  }

  @RpcHandler(RegistryDatabaseRpc.serverSeen)
  serverSeen(request: RpcRequest<Rpc['serverSeen']>): Promise<RpcResponse<Rpc['serverSeen']>> {
    return this.servers.recordSeen(request.database_id, request.server);
  }

  @RpcHandler(RegistryDatabaseRpc.collections)
  collections(request: RpcRequest<Rpc['collections']>): Promise<RpcResponse<Rpc['collections']>> {
    return this.databases.collections(request.database_id);
  }
}
