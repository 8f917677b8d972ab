// Entry for scripts/setup.sh: builds (or finds) the Helm chart checker up front, so the first
// `make test` does not pause minutes for it.
import { ensureHelmCheckBinary } from './helm-check';

ensureHelmCheckBinary().then(
  () => undefined,
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
