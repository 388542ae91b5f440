#!/usr/bin/env bash
# The end-to-end suite (`npm run test:e2e`): builds, runs test/e2e/*.e2e.ts in real containers, then
# always removes what the run created. Two modes (test/support/e2e-mode.ts decides, this script asks it):
#
#   stand-ins (default)            provisions what it needs (scripts/provision/all.sh: Docker engine,
#                                  stand-in images, offline package index) and stops the engine and the
#                                  index server it started (one already running is left running)
#   PY_DOCKER_E2E_REAL_IMAGES=1    the machine's own Docker (Compose v2 and buildx), nothing provisioned,
#                                  started or stopped; the suite pulls the official images and builds
#                                  with PyPI; a missing engine is a failure
#
#   scripts/e2e.sh [mocha options, e.g. --grep dev]
#   E2E_TIMEOUT       whole-suite limit in seconds (default 2400)
#   E2E_PULL_TIMEOUT  limit of each image pull in real-images mode, seconds (default 600)
set -euo pipefail
# The suite hands project folders to other user ids (a developer's checkout), which only root can do;
# provisioning needs root too. Not root: run again under passwordless sudo (a GitHub runner), or stop.
if [ "$(id -u)" != 0 ]; then
  if sudo -n true 2>/dev/null; then
    exec sudo -n --preserve-env env "PATH=$PATH" bash "$0" "$@"
  fi
  echo "[e2e] error: the end-to-end suite needs root (it hands project folders to other user ids): run it as root or with passwordless sudo" >&2
  exit 1
fi
cd "$(dirname "$0")/.."
CACHE=${PY_DOCKER_CACHE:-$HOME/.cache/py-docker}
started=$(date +%s)
# Names of everything this run creates carry the id (test/support/e2e-docker.ts): the final sweep
# removes this run's leftovers only, never another run's on the same engine.
E2E_RUN_ID=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
export E2E_RUN_ID
say() { printf '[e2e] %s (%ss)\n' "$*" "$(($(date +%s) - started))" >&2; }
fail() {
  say "error: $*"
  exit 1
}

engine_answers() { timeout 10 docker version >/dev/null 2>&1; }
# Set once the mode is known: whether this run owns (and so stops) the engine and the index server.
stop_engine=0
stop_index=0

finish() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  if [ -f dist/test/support/e2e-docker.js ] && engine_answers; then
    say "removing what the suite created"
    timeout 900 node --input-type=module \
      -e "const { sweep } = await import('./dist/test/support/e2e-docker.js'); await sweep();"
  fi
  [ "$stop_index" = 0 ] || bash scripts/provision/wheelhouse.sh stop
  [ "$stop_engine" = 0 ] || bash scripts/provision/engine.sh stop
  say "done: exit $rc"
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "building"
npm run build
mode=$(node --input-type=module \
  -e "const { modeName } = await import('./dist/test/support/e2e-mode.js'); console.log(modeName(process.env));") ||
  fail "no end-to-end mode (see the message above)"
say "mode: $mode"

case "$mode" in
  real-images)
    # The runner's Docker, as a user has it: nothing is installed, started or stopped here.
    engine_answers ||
      fail "PY_DOCKER_E2E_REAL_IMAGES=1 uses the machine's Docker, and no Docker engine answers (docker version)"
    timeout 30 docker compose version >/dev/null 2>&1 || fail "Docker Compose v2 (docker compose) is missing"
    timeout 30 docker buildx version >/dev/null 2>&1 || fail "docker buildx is missing"
    say "engine $(docker version --format '{{.Server.Version}}'), $(docker compose version --short 2>/dev/null | sed 's/^/compose /')"
    ;;
  stand-ins)
    engine_answers || stop_engine=1
    bash scripts/provision/wheelhouse.sh status >/dev/null 2>&1 || stop_index=1
    say "provisioning (scripts/provision/all.sh)"
    bash scripts/provision/all.sh start >/dev/null
    # shellcheck source=/dev/null
    . "$CACHE/provision.env"
    ;;
  *) fail "unknown mode: $mode" ;;
esac

say "running the suite"
timeout --kill-after=30 "${E2E_TIMEOUT:-2400}" \
  npx esmocha --timeout 1800000 "dist/test/e2e/**/*.e2e.js" "$@"
