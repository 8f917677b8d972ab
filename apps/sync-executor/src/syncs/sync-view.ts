import type { PlanOperationView, SyncStep, SyncView } from '@ir/contracts';
import { stepsOf, type StoredStep, type SyncDocument } from './sync.model';

export function operationOf(step: Pick<StoredStep, 'operation'>): PlanOperationView {
  return JSON.parse(step.operation) as PlanOperationView;
}

export function stepView(step: StoredStep): SyncStep {
  return {
    number: step.number,
    operation: operationOf(step),
    status: step.status,
    ...(step.error !== undefined && step.error !== null ? { error: step.error } : {}),
    ...(step.note !== undefined && step.note !== null ? { note: step.note } : {}),
    ...(typeof step.blocked_by === 'number' ? { blocked_by: step.blocked_by } : {}),
    attempts: step.attempts,
    ...(typeof step.duration_ms === 'number' ? { duration_ms: step.duration_ms } : {}),
    ...(step.started_at ? { started_at: new Date(step.started_at).toISOString() } : {}),
    ...(step.completed_at ? { completed_at: new Date(step.completed_at).toISOString() } : {}),
  };
}

const iso = (date: Date | null | undefined): string | null => (date ? new Date(date).toISOString() : null);

export function syncView(doc: SyncDocument): SyncView {
  return {
    id: doc._id.toHexString(),
    database_id: doc.database_id,
    ...(doc.project_id !== undefined ? { project_id: doc.project_id } : {}),
    ...(doc.requested_by ? { requested_by: doc.requested_by } : {}),
    ...(doc.collections && doc.collections.length > 0 ? { collections: doc.collections } : {}),
    status: doc.status,
    progress: doc.progress ?? 0,
    dry_run: doc.dry_run,
    options: {
      ...(doc.options?.include && doc.options.include.length > 0 ? { include: doc.options.include } : {}),
      hide_before_drop: doc.options?.hide_before_drop ?? false,
      on_error: doc.options?.on_error ?? 'continue',
    },
    error: doc.error ?? null,
    steps: stepsOf(doc).map(stepView),
    ...(doc.approval
      ? {
          approval: {
            state: doc.approval.state,
            reasons: doc.approval.reasons ?? [],
            ...(doc.approval.decided_by ? { decided_by: doc.approval.decided_by } : {}),
            ...(doc.approval.decided_at ? { decided_at: new Date(doc.approval.decided_at).toISOString() } : {}),
            ...(doc.approval.comment ? { comment: doc.approval.comment } : {}),
          },
        }
      : {}),
    ...(doc.cancellation
      ? {
          cancellation: {
            by: doc.cancellation.by,
            requested_at: new Date(doc.cancellation.requested_at).toISOString(),
            ...(doc.cancellation.comment ? { comment: doc.cancellation.comment } : {}),
          },
        }
      : {}),
    ...(doc.retry_of ? { retry_of: doc.retry_of } : {}),
    ...(doc.retried_by ? { retried_by: doc.retried_by } : {}),
    warnings: doc.warnings ?? [],
    created_at: new Date(doc.created_at).toISOString(),
    started_at: iso(doc.started_at),
    completed_at: iso(doc.completed_at),
    duration_ms: doc.duration_ms ?? null,
  };
}

/** `1-3, 5, 7-8`, or `none`. */
export function numberRanges(numbers: readonly number[]): string {
  const sorted = [...numbers].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j += 1;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/** Steps done or skipped over all steps, 0-100 (100 when there is nothing to do). */
export function progressOf(steps: readonly Pick<StoredStep, 'status'>[]): number {
  if (steps.length === 0) return 100;
  return Math.round((100 * steps.filter((s) => s.status === 'done' || s.status === 'skipped').length) / steps.length);
}
