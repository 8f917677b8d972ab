// Entry for scripts/setup.sh: builds (or finds) the alert rules and dashboard checker up front, so
// the first `make test` does not pause for it.
import { ensureMonitoringCheckBinary } from './monitoring-check';

ensureMonitoringCheckBinary().then(
  () => undefined,
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
