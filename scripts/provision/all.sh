#!/usr/bin/env bash
# Everything the real (end-to-end) tests need, in one idempotent command.
#
#   scripts/provision/all.sh [start]   tools.sh, engine.sh start, images.sh, wheelhouse.sh start;
#                                      writes $CACHE/provision.env; prints its path
#   scripts/provision/all.sh check     start, then selftest.sh (real builds and containers)
#   scripts/provision/all.sh stop      stop the wheelhouse server and the engine this left running
#
# Then: `. "${PY_DOCKER_CACHE:-$HOME/.cache/py-docker}/provision.env"` exports the image tags
# (PY_IMAGE, PY_IMAGE_EXACT, NODE_IMAGE, NODE_IMAGE_EXACT, POSTGRES_IMAGE, REDIS_IMAGE), the exact
# versions (PY_DOCKER_PYTHON_VERSION, _NODE_, _NPM_, _DJANGO_, _POSTGRES_, _REDIS_VERSION), the
# index (PY_DOCKER_INDEX_URL, PY_DOCKER_TRUSTED_HOST), the tools (PY_DOCKER_COMPOSE,
# PY_DOCKER_KUBECTL, PATH). Each step is time-bounded and logs under $CACHE/logs/.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/provision/lib.sh
. "$HERE/lib.sh"

OUT=$CACHE/provision.env

start() {
  local t0 t
  t0=$(date +%s)
  t=$t0
  lap() { log "$1 ready in $(($(date +%s) - t))s"; t=$(date +%s); }
  "$HERE/tools.sh" >/dev/null
  lap tools
  "$HERE/engine.sh" start >/dev/null
  lap engine
  "$HERE/images.sh" >/dev/null
  lap images
  "$HERE/wheelhouse.sh" start >/dev/null
  lap wheelhouse

  local tmp
  tmp=$(mktemp "$OUT.XXXXXX")
  {
    echo "# written by scripts/provision/all.sh on $(date -Is)"
    printf 'export PY_DOCKER_CACHE=%q\n' "$CACHE"
    grep -h '^export \|^case ' "$TOOLS_DIR/env.sh" "$CACHE/images.env" "$CACHE/wheelhouse.env"
    printf 'export PY_DOCKER_ENGINE_VERSION=%q\n' "$(docker version -f '{{.Server.Version}}' 2>/dev/null)"
  } >"$tmp"
  mv "$tmp" "$OUT"
  log "all ready in $(($(date +%s) - t0))s; env: $OUT"
  grep -v '^#\|^case ' "$OUT" | sed 's/^export /  /' >&2
  printf '%s\n' "$OUT"
}

case "${1:-start}" in
  start) start ;;
  check)
    start >/dev/null
    "$HERE/selftest.sh"
    ;;
  stop)
    "$HERE/wheelhouse.sh" stop
    "$HERE/engine.sh" stop
    ;;
  *) die "usage: $0 [start|check|stop]" ;;
esac
