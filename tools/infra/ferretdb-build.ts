// Entry for scripts/setup.sh: builds (or finds) the FerretDB binary up front so
// the first `make start` / `make test` does not pause for it.
import { ensureFerretDbBinary } from './ferretdb';

ensureFerretDbBinary().then(
  () => undefined,
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
