import { Injectable } from '@nestjs/common';
import type { GenerateScriptBody } from '@ir/contracts';
import { renderCreateAllScript, renderScript, type PlanOperation } from '@ir/index-core';
import { PlanService } from '../plan/plan.service';
import { definitionOf, RegistryClient } from '../targets/registry-client';

export interface GeneratedScript {
  readonly database_id: string;
  readonly db_name: string;
  readonly mode: GenerateScriptBody['mode'];
  readonly operations: number;
  readonly script: string;
}

/** mongosh scripts: every DR index (needs no connection to the target), the redundant ones, or the whole plan. */
@Injectable()
export class ScriptService {
  constructor(
    private readonly registry: RegistryClient,
    private readonly plans: PlanService,
  ) {}

  async generate(request: GenerateScriptBody): Promise<GeneratedScript> {
    if (request.mode === 'create') return this.createAll(request);
    const include: ('create' | 'drop' | 'modify')[] = request.mode === 'drop' ? ['drop'] : ['create', 'drop', 'modify'];
    const plan = await this.plans.plan({ ...request, include });
    const operations: readonly PlanOperation[] = plan.operationsRaw;
    const title =
      request.mode === 'drop' ? 'drop the indexes that are not in the design repository' : 'bring the indexes to the design repository';
    return {
      database_id: plan.database_id,
      db_name: plan.db_name,
      mode: request.mode,
      operations: operations.length,
      script: renderScript({ dbName: plan.db_name, operations, title }),
    };
  }

  private async createAll(request: GenerateScriptBody): Promise<GeneratedScript> {
    const { target, definitions } = await this.registry.design(request.database_id, request.collections);
    const indexes = definitions.map((d) => ({ collection: d.collection, definition: definitionOf(d) }));
    return {
      database_id: target.databaseId,
      db_name: target.dbName,
      mode: 'create',
      operations: indexes.length,
      script: renderCreateAllScript(target.dbName, indexes),
    };
  }
}
