import type { PlanOperationView } from '@ir/contracts';
import {
  blockerOf,
  changeOf,
  continuesStartedChange,
  endStatusOf,
  failureSummary,
  isLaterStepOfChange,
  skippedBeforeRun,
} from './step-outcomes';
import type { StoredStep } from './sync.model';

const op = (collection: string, index: string, extra: Partial<PlanOperationView> = {}): PlanOperationView => ({
  kind: 'create',
  collection,
  index,
  reason: 'r',
  ...extra,
});
const step = (number: number, operation: PlanOperationView, status: StoredStep['status'], error?: string): StoredStep => ({
  number,
  operation: JSON.stringify(operation),
  status,
  attempts: 1,
  ...(error ? { error } : {}),
});

describe('step outcomes', () => {
  it('knows the change of a step from its label, per collection', () => {
    expect(changeOf(op('c', 'b_1', { step: 'replace a_1 by b_1 1/2' }))).toBe('c\u0000replace a_1 by b_1');
    expect(changeOf(op('c', 'x', { step: 'rebuild x 3/4: create the new index' }))).toBe('c\u0000rebuild x');
    expect(changeOf(op('d', 'x', { step: 'rebuild x 3/4: create the new index' }))).not.toBe(
      changeOf(op('c', 'x', { step: 'rebuild x 1/4' })),
    );
    expect(changeOf(op('c', 'x'))).toBeUndefined();
  });

  it('blocks a step of a change whose earlier step did not succeed, and nothing else', () => {
    const steps = [
      step(1, op('cases', 'new_1', { step: 'replace old_1 by new_1 1/2' }), 'failed'),
      step(2, op('cases', 'other_1'), 'done'),
      step(3, op('cases', 'old_1', { kind: 'drop', step: 'replace old_1 by new_1 2/2' }), 'pending'),
      step(4, op('cases', 'gone_1', { kind: 'drop' }), 'pending'),
      step(5, op('users', 'new_1', { step: 'replace old_1 by new_1 1/2' }), 'done'),
      step(6, op('users', 'old_1', { kind: 'drop', step: 'replace old_1 by new_1 2/2' }), 'pending'),
    ];
    expect(blockerOf(steps, 2)?.number).toBe(1);
    expect(blockerOf(steps, 3)).toBeUndefined();
    expect(blockerOf(steps, 5)).toBeUndefined();
  });

  it('skips a step the target cannot run, or whose change failed, saying why; runs the others', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const steps = [
      step(1, op('cases', 'new_1', { step: 'replace old_1 by new_1 1/2' }), 'failed'),
      step(2, op('cases', 'old_1', { kind: 'drop', step: 'replace old_1 by new_1 2/2' }), 'pending'),
      step(3, op('cases', 'title_text', { unsupported: 'FerretDB 1.x cannot build text indexes' }), 'pending'),
      step(4, op('cases', 'plain_1'), 'pending'),
    ];
    expect(skippedBeforeRun(steps, 1, at)).toMatchObject({
      status: 'skipped',
      blocked_by: 1,
      note: 'not run: it depends on step 1 (create cases.new_1), which failed',
      completed_at: at,
    });
    expect(skippedBeforeRun(steps, 2, at)).toMatchObject({
      status: 'skipped',
      note: 'unsupported: FerretDB 1.x cannot build text indexes',
    });
    expect(skippedBeforeRun(steps, 2, at)?.blocked_by).toBeUndefined();
    expect(skippedBeforeRun(steps, 3, at)).toBeUndefined();
  });

  it('knows a step that finishes a change already begun', () => {
    const steps = [
      step(1, op('cases', 'x_1', { kind: 'drop', step: 'rebuild x_1 1/2: drop' }), 'done'),
      step(2, op('cases', 'x_1', { step: 'rebuild x_1 2/2: create' }), 'pending'),
      step(3, op('cases', 'n_1', { step: 'replace o_1 by n_1 1/2' }), 'pending'),
      step(4, op('cases', 'o_1', { kind: 'drop', step: 'replace o_1 by n_1 2/2' }), 'pending'),
      step(5, op('cases', 'plain_1'), 'pending'),
    ];
    expect([0, 1, 2, 3, 4].map((i) => isLaterStepOfChange(steps, i))).toEqual([false, true, false, true, false]);
    expect([0, 1, 2, 3, 4].map((i) => continuesStartedChange(steps, i))).toEqual([false, true, false, false, false]);
  });

  it('ends partially_failed when some steps failed and others succeeded, failed when none succeeded', () => {
    expect(endStatusOf([{ status: 'done' }, { status: 'skipped' }])).toBe('completed');
    expect(endStatusOf([{ status: 'done' }, { status: 'failed' }, { status: 'skipped' }])).toBe('partially_failed');
    expect(endStatusOf([{ status: 'failed' }, { status: 'skipped' }, { status: 'not_run' }])).toBe('failed');
    expect(endStatusOf([])).toBe('completed');
  });

  it('summarises each failed step with its own error, and what was done, skipped and not done', () => {
    const steps = [
      step(1, op('a', 'x_1'), 'done'),
      step(2, op('a', 'k_1'), 'failed', 'DuplicateKey (11000): E11000 ...'),
      step(3, op('b', 'y_1'), 'skipped'),
      step(4, op('b', 'z_1', { kind: 'drop' }), 'failed', 'boom'),
      step(5, op('c', 'w_1'), 'not_run'),
    ];
    expect(failureSummary(steps)).toBe(
      '2 of 5 steps failed: step 2 (create a.k_1): DuplicateKey (11000): E11000 ...; step 4 (drop b.z_1): boom; done: 1; skipped: 3; not done: 2, 4-5',
    );
    expect(failureSummary([step(1, op('a', 'x'), 'pending')], 'cannot connect')).toBe(
      'cannot connect; done: none; skipped: none; not done: 1',
    );
  });
});
