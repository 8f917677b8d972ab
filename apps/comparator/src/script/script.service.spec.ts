/**
 * How the service turns a plan and the registry's design into a script: the
 * plan and the registry are stand-ins here (their own behaviour is covered by the comparator e2e
 * specs); this checks what the script receives from them and from the request.
 */
import { GenerateScriptBody } from '@ir/contracts';
import type { PlanOperation } from '@ir/index-core';
import type { PlanService } from '../plan/plan.service';
import type { RegistryClient, TargetDesign } from '../targets/registry-client';
import { ScriptService } from './script.service';

const DATABASE_ID = 'b'.repeat(24);
const design = {
  target: { databaseId: DATABASE_ID, projectId: null, protected: false, name: 'shop prod', dbName: 'shop', uri: 'mongodb://x' },
  collections: [],
  version: 42,
  desiredOf: () => [],
} as unknown as TargetDesign;

function service(operations: PlanOperation[]): ScriptService {
  const plans = {
    plan: () => Promise.resolve({ database_id: DATABASE_ID, db_name: 'shop', operations: [], operationsRaw: operations }),
  } as unknown as PlanService;
  const registry = { lastKnown: () => design, design: () => Promise.resolve(design) } as unknown as RegistryClient;
  return new ScriptService(registry, plans);
}

describe('ScriptService', () => {
  const operations: PlanOperation[] = [
    {
      kind: 'create',
      collection: 'orders',
      index: 'p_1',
      reason: 'missing from the database',
      spec: { key: { p: 1 }, name: 'p_1', partialFilterExpression: { p: { $gt: 1 } } },
      unsupported: 'FerretDB 1.x cannot build partial indexes',
    },
    {
      kind: 'drop',
      collection: 'orders',
      index: 'a_1',
      reason: 'rebuilt',
      step: 'rebuild a_1 1/2: drop',
      doneWhen: { key: { a: 1 }, name: 'a_1', unique: true },
    },
    { kind: 'hide', collection: 'orders', index: 'old_1', reason: 'redundant', changes: { hidden: true } },
  ];

  it('writes a step the plan marks unsupported commented out, and the other steps as the plan gives them', async () => {
    const answer = await service(operations).generate(GenerateScriptBody.parse({ database_id: DATABASE_ID, mode: 'plan' }));
    expect(answer).toMatchObject({ database_id: DATABASE_ID, db_name: 'shop', mode: 'plan', operations: 3 });
    expect(answer.summary).toEqual({ steps: 3, creates: 1, drops: 0, hides: 1, modifies: 0, rebuilds: 1, unsupported: 1 });
    const lines = answer.script.split('\n');
    expect(lines).toContain('// NOT RUN, the target cannot run it: "FerretDB 1.x cannot build partial indexes"');
    expect(lines.some((line) => line.startsWith('irStep(1,'))).toBe(false);
    expect(lines).toContain(
      'irStep(2, {"kind":"drop","collection":"orders","index":"a_1","done_when":{"key":{"a":1},"name":"a_1","unique":true},"group":1});',
    );
  });

  it('names the registered database and the DR version of the design the plan was made from', async () => {
    const { script } = await service(operations).generate(GenerateScriptBody.parse({ database_id: DATABASE_ID, mode: 'plan' }));
    expect(script.split('\n')[1]).toBe(`// database "shop prod" (id "${DATABASE_ID}"), db "shop", DR version 42`);
  });

  it('takes the safe defaults, and the options the request gives', async () => {
    const defaults = await service([]).generate(GenerateScriptBody.parse({ database_id: DATABASE_ID, mode: 'plan' }));
    expect(defaults.script).toContain('"settings":{"on_error":"stop","unused_days":7,"force_drop":false}');
    const given = await service([]).generate(
      GenerateScriptBody.parse({
        database_id: DATABASE_ID,
        mode: 'plan',
        on_error: 'continue',
        unused_days: 30,
        force_drop: true,
        expected_host: 'db1:27017',
        expected_replica_set: 'rs0',
      }),
    );
    expect(given.script).toContain(
      '"settings":{"on_error":"continue","unused_days":30,"force_drop":true,"expected_host":"db1:27017","expected_replica_set":"rs0"}',
    );
  });
});
