import { Controller } from '@nestjs/common';
import { AuditRpc, type RpcResponse } from '@ir/contracts';
import { RpcHandler } from '@ir/messaging';
import type { z } from 'zod';
import { AuditQueryService } from './audit-query.service';

/** Reads of the trail; there is no request that changes or deletes an entry. */
@Controller()
export class AuditQueryController {
  constructor(private readonly query: AuditQueryService) {}

  @RpcHandler(AuditRpc.list)
  list(request: z.output<typeof AuditRpc.list.request>): Promise<RpcResponse<typeof AuditRpc.list>> {
    return this.query.list(request);
  }
}
