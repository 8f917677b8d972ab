import type { SupervisionEvent } from './supervised-process';

/** How `make start` tells a supervision event on the terminal: what happened, what comes next, where to look. */
export function describeSupervisionEvent(event: SupervisionEvent): string {
  switch (event.kind) {
    case 'crashed':
      return [
        `${event.reason}; restarting it in ${formatMs(event.restartInMs)} (crash ${event.crashesInWindow} within ${formatMs(event.windowMs)}; at ${event.maxCrashes} it is given up).`,
        quoteLog(event.logFile, event.logTail),
      ].join('\n');
    case 'restarted':
      return `${event.name} is running again (pid ${String(event.pid)}, down ${formatMs(event.downMs)}, restart ${event.restarts}).`;
    case 'gave-up':
      return [
        `${event.reason}. ${event.name} crashed ${event.crashesInWindow} times within ${formatMs(event.windowMs)}: GIVING UP on it.`,
        `The rest keeps running without it. Fix the cause (its log ends below) and run make start again.`,
        quoteLog(event.logFile, event.logTail),
      ].join('\n');
  }
}

function quoteLog(file: string, tail: string): string {
  return `--- last lines of ${file} ---\n${tail}\n---`;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}
