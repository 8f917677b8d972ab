import { DomainError, ErrorCode, STALE_CAPTURE_EPOCH } from '@ir/contracts';
import type { PoolClient } from 'pg';

/** The lease's row: one capture lease for the whole system. */
export const CAPTURE_LEASE = 'entity-capture';

/**
 * Refuses, inside the writer's transaction, a write whose epoch is not the lease's current one: a capture
 * that lost the lease (paused, partitioned) cannot write after another took it over. FOR KEY SHARE makes
 * a take (which locks the row FOR UPDATE) wait until this transaction ends, so no write of the old epoch
 * commits after the new one was handed out; renewals (plain updates of non-key columns) do not wait.
 */
export async function assertCaptureEpoch(client: PoolClient, epoch: number): Promise<void> {
  const result = await client.query<{ epoch: string }>('SELECT epoch FROM capture_lease WHERE name = $1 FOR KEY SHARE', [CAPTURE_LEASE]);
  const current = Number(result.rows[0]?.epoch ?? 0);
  if (current === epoch) return;
  throw new DomainError(
    ErrorCode.conflict,
    `capture epoch ${epoch} is not the current one (${current}): another capture holds the lease`,
    undefined,
    { reason: STALE_CAPTURE_EPOCH, epoch, current_epoch: current },
  );
}
