import { Controller } from '@nestjs/common';
import { assertHolds, ComparatorRpc, DomainError, ErrorCode, sees, type CompareView, type RpcResponse } from '@ir/contracts';
import { JsonAnswer, requirePrincipal, RpcHandler } from '@ir/messaging';
import type { z } from 'zod';
import { compareResultJson } from './compare/compare-result-json';
import { compareSummary } from './compare/compare-summary';
import { CompareService, type LiveComparison } from './compare/compare.service';
import { DriftTracker } from './drift/drift-tracker.service';
import { FleetDriftService } from './drift/fleet-drift.service';
import { PlanService } from './plan/plan.service';
import { ScriptService } from './script/script.service';
import { RegistryClient } from './targets/registry-client';

type Rpc = typeof ComparatorRpc;
type Request<K extends keyof Rpc> = z.output<Rpc[K]['request']>;
type CompareAnswer = JsonAnswer<RpcResponse<Rpc['compareDatabase']>>;

@Controller()
export class ComparatorController {
  constructor(
    private readonly compare: CompareService,
    private readonly plans: PlanService,
    private readonly scripts: ScriptService,
    private readonly drift: DriftTracker,
    private readonly fleet: FleetDriftService,
    private readonly registry: RegistryClient,
  ) {}

  @RpcHandler(ComparatorRpc.compareCollections)
  async compareCollections(request: Request<'compareCollections'>): Promise<CompareAnswer> {
    return answerOf(await this.compare.compareLive(request.database_id, request.collections), request.view);
  }

  @RpcHandler(ComparatorRpc.compareDatabase)
  async compareDatabase(request: Request<'compareDatabase'>): Promise<CompareAnswer> {
    return answerOf(await this.compare.compareLive(request.database_id), request.view);
  }

  @RpcHandler(ComparatorRpc.compareSnapshot)
  async compareSnapshot(request: Request<'compareSnapshot'>): Promise<RpcResponse<Rpc['compareSnapshot']>> {
    const result = await this.compare.compareSnapshot(request.database_id, request.collections);
    return request.view === 'summary' ? compareSummary(result) : result;
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

  /**
   * The stored result names its project, so the caller's roles decide without asking the registry (the
   * latest drift stays readable while the registry is down). A result stored before projects, or
   * none at all, is checked with the registry: a database the caller does not see is a 404 either way.
   */
  @RpcHandler(ComparatorRpc.latestDrift)
  async latestDrift(request: Request<'latestDrift'>): Promise<RpcResponse<Rpc['latestDrift']>> {
    const principal = requirePrincipal();
    const latest = await this.drift.latest(request.database_id).catch(async (error: unknown) => {
      // Never compared: say so only to a caller who sees the database (the registry's 404 otherwise).
      if (error instanceof DomainError && error.code === ErrorCode.notFound) await this.registry.projectOf(request.database_id);
      throw error;
    });
    const projectId = latest.project_id ?? (await this.registry.projectOf(request.database_id));
    if (projectId) {
      if (!sees(principal, projectId)) throw new DomainError(ErrorCode.notFound, 'database not found');
      assertHolds(principal, 'drift:read', projectId);
    }
    return latest;
  }

  @RpcHandler(ComparatorRpc.fleetDrift)
  fleetDrift(request: Request<'fleetDrift'>): Promise<RpcResponse<Rpc['fleetDrift']>> {
    return this.fleet.page(request);
  }
}

/** The full answer assembled from each collection's JSON, which the compare keeps, rather than serialized whole. */
function answerOf({ result, collectionsJson }: LiveComparison, view: CompareView): CompareAnswer {
  return new JsonAnswer(view === 'summary' ? JSON.stringify(compareSummary(result)) : compareResultJson(result, collectionsJson));
}
