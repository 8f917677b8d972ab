import { Controller } from '@nestjs/common';
import { ComparatorRpc, type RpcResponse } from '@ir/contracts';
import { RpcHandler } from '@ir/messaging';
import type { z } from 'zod';
import { CompareService } from './compare/compare.service';
import { DriftTracker } from './drift/drift-tracker.service';
import { PlanService } from './plan/plan.service';
import { ScriptService } from './script/script.service';

type Rpc = typeof ComparatorRpc;
type Request<K extends keyof Rpc> = z.output<Rpc[K]['request']>;

@Controller()
export class ComparatorController {
  constructor(
    private readonly compare: CompareService,
    private readonly plans: PlanService,
    private readonly scripts: ScriptService,
    private readonly drift: DriftTracker,
  ) {}

  @RpcHandler(ComparatorRpc.compareCollections)
  async compareCollections(request: Request<'compareCollections'>): Promise<RpcResponse<Rpc['compareCollections']>> {
    return (await this.compare.compareLive(request.database_id, request.collections)).result;
  }

  @RpcHandler(ComparatorRpc.compareDatabase)
  async compareDatabase(request: Request<'compareDatabase'>): Promise<RpcResponse<Rpc['compareDatabase']>> {
    return (await this.compare.compareLive(request.database_id)).result;
  }

  @RpcHandler(ComparatorRpc.compareSnapshot)
  compareSnapshot(request: Request<'compareSnapshot'>): Promise<RpcResponse<Rpc['compareSnapshot']>> {
    return this.compare.compareSnapshot(request.database_id, request.collections);
  }

  @RpcHandler(ComparatorRpc.plan)
  async plan(request: Request<'plan'>): Promise<RpcResponse<Rpc['plan']>> {
    const { operationsRaw: _raw, ...plan } = await this.plans.plan(request);
    return plan;
  }

  @RpcHandler(ComparatorRpc.script)
  script(request: Request<'script'>): Promise<RpcResponse<Rpc['script']>> {
    return this.scripts.generate(request);
  }

  @RpcHandler(ComparatorRpc.latestDrift)
  latestDrift(request: Request<'latestDrift'>): Promise<RpcResponse<Rpc['latestDrift']>> {
    return this.drift.latest(request.database_id);
  }
}
