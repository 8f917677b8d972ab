import { Injectable } from '@nestjs/common';
import type { GenerateScriptBody } from '@ir/contracts';
import {
  renderCreateAllScript,
  renderScript,
  type RenderedScript,
  type ScriptDatabase,
  type ScriptPlanSummary,
  type ScriptSettings,
} from '@ir/index-core';
import { PlanService } from '../plan/plan.service';
import { RegistryClient, type TargetDesign } from '../targets/registry-client';

export interface GeneratedScript {
  readonly database_id: string;
  readonly db_name: string;
  readonly mode: GenerateScriptBody['mode'];
  readonly operations: number;
  readonly summary: ScriptPlanSummary;
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
    const generatedAt = new Date().toISOString();
    const settings = settingsOf(request);
    if (request.mode === 'create') {
      const design = await this.registry.design(request.database_id, request.collections);
      const indexes = design.collections.flatMap((collection) =>
        design.desiredOf(collection).map(({ definition }) => ({ collection, definition })),
      );
      const database = databaseOf(design);
      return answer(request.mode, database, renderCreateAllScript({ database, generatedAt, settings }, indexes));
    }
    const include: ('create' | 'drop' | 'modify')[] = request.mode === 'drop' ? ['drop'] : ['create', 'drop', 'modify'];
    const plan = await this.plans.plan({ ...request, include });
    // The design the plan was made from (the compare has just cached it): its registered name and DR version.
    const design = this.registry.lastKnown(request.database_id) ?? (await this.registry.design(request.database_id));
    const title =
      request.mode === 'drop'
        ? 'hide or drop the indexes that are not in the design repository'
        : 'bring the indexes to the design repository';
    const database = databaseOf(design);
    // The plan's steps as the domain has them, those the target will refuse marked `unsupported`.
    const operations = plan.operationsRaw;
    return answer(request.mode, database, renderScript({ database, operations, generatedAt, title, settings }));
  }
}

function settingsOf(request: GenerateScriptBody): ScriptSettings {
  return {
    onError: request.on_error,
    unusedDays: request.unused_days,
    forceDrop: request.force_drop,
    ...(request.expected_host !== undefined ? { expectedHost: request.expected_host } : {}),
    ...(request.expected_replica_set !== undefined ? { expectedReplicaSet: request.expected_replica_set } : {}),
  };
}

function databaseOf({ target, version }: TargetDesign): ScriptDatabase {
  return { id: target.databaseId, name: target.name, dbName: target.dbName, version };
}

function answer(mode: GenerateScriptBody['mode'], database: ScriptDatabase, { script, summary }: RenderedScript): GeneratedScript {
  return { database_id: database.id, db_name: database.dbName, mode, operations: summary.steps, summary, script };
}
