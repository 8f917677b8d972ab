// A sync's progress while it is followed: a bar at a terminal (cli-progress), one line per change
// otherwise (CI logs). Both on standard error, so that standard output stays the answer.
import { SingleBar } from 'cli-progress';
import { colors, notice } from './output';

/** What both the first `status` event (a SyncView) and the later facts (SyncFact) tell. */
export interface SyncProgress {
  readonly status: string;
  readonly progress: number;
  readonly steps_done?: number;
  readonly steps_total?: number;
  readonly steps?: { status: string }[];
}

export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['completed', 'partially_failed', 'failed', 'cancelled', 'rejected']);

function stepsOf(update: SyncProgress): string {
  if (update.steps_total !== undefined) return `${update.steps_done ?? 0}/${update.steps_total} steps`;
  if (update.steps)
    return `${update.steps.filter((s) => s.status === 'done' || s.status === 'skipped').length}/${update.steps.length} steps`;
  return '';
}

export interface ProgressDisplay {
  update(update: SyncProgress): void;
  stop(): void;
}

export function progressDisplay(syncId: string, terminal = process.stderr.isTTY === true): ProgressDisplay {
  if (terminal) {
    const bar = new SingleBar({
      format: `sync ${syncId} {bar} {percentage}% | {steps} | {status}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    });
    bar.start(100, 0, { steps: '', status: 'pending' });
    return {
      update: (u) => bar.update(Math.round(u.progress), { steps: stepsOf(u), status: u.status }),
      stop: () => bar.stop(),
    };
  }
  let last = '';
  return {
    update: (u) => {
      const line = `sync ${syncId}: ${u.status} ${Math.round(u.progress)}% ${stepsOf(u)}`.trim();
      if (line !== last) notice(line);
      last = line;
    },
    stop: () => undefined,
  };
}

export function statusColour(status: string): string {
  if (status === 'completed') return colors.green(status);
  if (status === 'awaiting_approval' || status === 'pending' || status === 'running') return colors.yellow(status);
  return colors.red(status);
}
