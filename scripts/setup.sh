#!/usr/bin/env bash
# Idempotent local setup: system tools (nats-server, openssl, chromium), npm packages, build, FerretDB and Helm chart checker binaries.
# Quiet when there is nothing to do, so `make start` / `make test` can always call it.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if ! command -v nats-server >/dev/null 2>&1; then
  echo "setup: installing nats-server (apt)"
  sudo_if_needed apt-get update -qq
  sudo_if_needed apt-get install -y -qq nats-server
fi

# openssl makes the NATS certificates of docker compose's bus-init step, which a test runs here.
if ! command -v openssl >/dev/null 2>&1; then
  echo "setup: installing openssl (apt)"
  sudo_if_needed apt-get update -qq
  sudo_if_needed apt-get install -y -qq openssl
fi

# Chromium runs the web console's browser tests (test/console.e2e-spec.ts, through playwright-core):
# Debian's package, never a browser downloaded at run time.
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "setup: installing chromium (apt)"
  sudo_if_needed apt-get update -qq
  sudo_if_needed apt-get install -y -qq chromium
fi

# Go builds the embedded FerretDB (needed when no MongoDB is given) and the tests' Helm chart checker.
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  export PATH="$PATH:/usr/local/go/bin"
fi
if [ -z "${MONGODB_URI:-}" ] && ! command -v go >/dev/null 2>&1; then
  echo "setup: Go >= 1.22 is required to build the local FerretDB (MongoDB stand-in)." >&2
  echo "       Install it from https://go.dev/dl into /usr/local/go, or set MONGODB_URI to a MongoDB." >&2
  exit 1
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  # Not `npm ci`: registries that do not serve every platform's optional native
  # package (such as @swc/core-darwin-arm64) leave them out of the lock file, and
  # npm ci then refuses the lock. `install --no-save` installs exactly the locked
  # versions and never rewrites the lock.
  npm install --no-save --no-audit --no-fund --loglevel=error
  touch node_modules/.package-lock.json
fi

npm run --silent build

if [ -z "${MONGODB_URI:-}" ]; then
  node dist/tools/infra/ferretdb-build.js
fi

# Helm, client-go and KEDA take minutes to compile the first time: done here, not inside a test.
if command -v go >/dev/null 2>&1; then
  node dist/tools/infra/helm-check-build.js
  # Prometheus's rule loader and PromQL parser: about a minute the first time.
  node dist/tools/infra/monitoring-check-build.js
else
  echo "setup: without Go (>= 1.26) the Helm chart test (tools/deploy) cannot build its checker." >&2
fi
