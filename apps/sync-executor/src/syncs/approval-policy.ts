import type { PlanOperationView } from '@ir/contracts';

/**
 * Why a plan needs a second person's approval on a protected database: each operation that drops
 * or hides an index (a rebuild drops the old one). Creates and TTL changes need none.
 */
export function approvalReasons(operations: readonly PlanOperationView[]): string[] {
  return operations.flatMap((op) => {
    const where = `${op.collection}.${op.index}`;
    switch (op.kind) {
      case 'drop':
        return [op.done_when ? `drops ${where} (a rebuild)` : `drops ${where}`];
      case 'hide':
        return [`hides ${where}`];
      case 'modify':
        return op.changes?.hidden === true ? [`hides ${where}`] : [];
      case 'create':
        return [];
    }
  });
}
