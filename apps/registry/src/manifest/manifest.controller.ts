import { Controller } from '@nestjs/common';
import { RegistryManifestRpc, type RpcResponse } from '@ir/contracts';
import { RpcHandler } from '@ir/messaging';
import type { z } from 'zod';
import { ManifestService } from './manifest.service';

type Rpc = typeof RegistryManifestRpc;

@Controller()
export class ManifestController {
  constructor(private readonly manifests: ManifestService) {}

  @RpcHandler(RegistryManifestRpc.export)
  export(request: z.output<Rpc['export']['request']>): Promise<RpcResponse<Rpc['export']>> {
    return this.manifests.export(request.database_id);
  }

  @RpcHandler(RegistryManifestRpc.apply)
  apply(request: z.output<Rpc['apply']['request']>): Promise<RpcResponse<Rpc['apply']>> {
    return this.manifests.apply(request);
  }
}
