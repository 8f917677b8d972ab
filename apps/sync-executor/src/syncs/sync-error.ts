import { Logger } from '@nestjs/common';
import { DomainError } from '@ir/contracts';
import { describeTargetFailure, isTargetFailure } from '@ir/target-pool';
import { PlanError } from './plan-step';

/** Where errors of syncs that the caller does not see in full are logged. */
export const syncErrorLogger = new Logger('SyncErrors');
const UNEXPECTED = 'unexpected error (the sync-executor log has the details)';

/**
 * What a sync record says about an error, as an operator reads it: ours (a DomainError, a plan's)
 * as they are; a target's in its category, or with its code and cleaned message when the server
 * refused the command. Anything else is a failure of our own, whose text (a TypeError, a cipher's)
 * is for the log only: the record, which callers read, gets a fixed phrase.
 */
export function describeError(error: unknown): string {
  if (error instanceof DomainError || error instanceof PlanError) return error.message;
  if (isTargetFailure(error)) return describeTargetFailure(error);
  syncErrorLogger.error('unexpected error in a sync', error instanceof Error ? error.stack : String(error));
  return UNEXPECTED;
}
