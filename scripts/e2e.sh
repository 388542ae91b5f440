#!/usr/bin/env bash
# The end-to-end suite (`npm run test:e2e`): provisions what it needs (scripts/provision/all.sh:
# Docker engine, stand-in images, offline package index), builds, runs test/e2e/*.e2e.ts in real
# containers, then always removes what the suite created and stops the engine and the index server
# it started (one that was already running before is left running). Exits with the suite's code.
#
#   scripts/e2e.sh [mocha options, e.g. --grep dev]
#   E2E_TIMEOUT   whole-suite limit in seconds (default 2400)
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=${PY_DOCKER_CACHE:-$HOME/.cache/py-docker}
started=$(date +%s)
say() { printf '[e2e] %s (%ss)\n' "$*" "$(($(date +%s) - started))" >&2; }

engine_was_up=0
if timeout 10 docker version >/dev/null 2>&1; then engine_was_up=1; fi
index_was_up=0
if bash scripts/provision/wheelhouse.sh status >/dev/null 2>&1; then index_was_up=1; fi

finish() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  if [ -f dist/test/support/e2e-docker.js ] && timeout 10 docker version >/dev/null 2>&1; then
    say "removing what the suite created"
    timeout 900 node --input-type=module \
      -e "const { sweep } = await import('./dist/test/support/e2e-docker.js'); await sweep();"
  fi
  [ "$index_was_up" = 1 ] || bash scripts/provision/wheelhouse.sh stop
  [ "$engine_was_up" = 1 ] || bash scripts/provision/engine.sh stop
  say "done: exit $rc"
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "provisioning (scripts/provision/all.sh)"
bash scripts/provision/all.sh start >/dev/null
# shellcheck source=/dev/null
. "$CACHE/provision.env"
say "building"
npm run build >/dev/null
say "running the suite"
timeout --kill-after=30 "${E2E_TIMEOUT:-2400}" \
  npx esmocha --timeout 1800000 "dist/test/e2e/**/*.e2e.js" "$@"
