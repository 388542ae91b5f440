#!/usr/bin/env bash
# An offline PEP 503 package index of wheels repacked from Debian 13 "trixie" python3-* packages
# (no PyPI here), served on 127.0.0.1 for `pip install --index-url`.
#
#   scripts/provision/wheelhouse.sh start    build (cached), serve, verify once; prints the index URL
#   scripts/provision/wheelhouse.sh stop     stop the server this script started
#   scripts/provision/wheelhouse.sh status   exit 0 and print the URL when it is served
#   scripts/provision/wheelhouse.sh build    build the wheels and the index only
#
# WHEELHOUSE_PORT (default 3141). The packages: Django (trixie's 4.2.x), gunicorn, psycopg (pure
# Python: needs libpq5 at run time), psycopg-c (psycopg's C implementation, `psycopg[c]`) and
# watchfiles (Celery's reload in development), both compiled and tagged for trixie's Python only,
# whitenoise, redis, celery with its dependencies, supervisor,
# pytest, pytest-django, pip, setuptools, wheel and everything they require (followed
# automatically, for the host's /usr/bin/python3 and trixie's python3);
# WHEELHOUSE_EXTRA="name ..." adds more distributions (Debian package python3-<name>).
# See wheelhouse.py for how the wheels are made.
# Docker builds reach it with `docker build --network=host --build-arg PIP_INDEX_URL=<url>
# --build-arg PIP_TRUSTED_HOST=127.0.0.1`.
# Output: $CACHE/wheelhouse.env (PY_DOCKER_INDEX_URL, PY_DOCKER_TRUSTED_HOST,
# PY_DOCKER_DJANGO_VERSION, PY_DOCKER_WHEEL_<NAME>_VERSION for the main wheels).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/provision/lib.sh
. "$HERE/lib.sh"

WH=$CACHE/wheelhouse
PORT=${WHEELHOUSE_PORT:-3141}
URL=http://127.0.0.1:$PORT/simple/
PIDFILE=$WH/http.pid
HLOG=$LOGDIR/wheelhouse-http.log
OUT_ENV=$CACHE/wheelhouse.env
HOST_PY=/usr/bin/python3
PACKAGES=(Django gunicorn asgiref sqlparse psycopg whitenoise redis
  celery kombu billiard vine amqp click click-didyoumean click-repl click-plugins prompt-toolkit
  wcwidth python-dateutil six tzdata typing-extensions packaging supervisor
  pytest pytest-django iniconfig pluggy pip setuptools wheel
  dj-database-url python-dotenv django-environ uvicorn h11 psycopg-c watchfiles)
# shellcheck disable=SC2206 # a list of names
[ -z "${WHEELHOUSE_EXTRA:-}" ] || PACKAGES+=(${WHEELHOUSE_EXTRA})
mkdir -p "$WH"

manifest_get() { # manifest_get DIST FIELD
  "$HOST_PY" -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m["dists"][sys.argv[2]][sys.argv[3]])' \
    "$WH/manifest.json" "$1" "$2"
}

build() {
  [ -x "$HOST_PY" ] || die "step wheelhouse-build: $HOST_PY missing (run scripts/provision/tools.sh)"
  trixie_update
  local host_v trixie_v opts
  host_v=$("$HOST_PY" -c 'import platform; print(platform.python_version())')
  trixie_v=$(upstream_version "$(trixie_version python3.13)")
  [ -n "$trixie_v" ] || die "step wheelhouse-build: no python3.13 in trixie"
  mapfile -t opts < <(trixie_opts)
  step wheelhouse-build 900 "$HOST_PY" "$HERE/wheelhouse.py" --wheelhouse "$WH" --debs "$DEB_DIR" \
    --python "$host_v" --python "$trixie_v" "${PACKAGES[@]}" -- apt-get "${opts[@]}"
  [ -f "$WH/simple/django/index.html" ] || die "step wheelhouse-build: no index written"
}

answers() { curl -fsS --max-time 5 "$URL" >/dev/null 2>&1; }

our_pid() {
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -d "/proc/$pid" ] && grep -q 'http.server' "/proc/$pid/cmdline" 2>/dev/null &&
    printf '%s\n' "$pid"
}

serve() {
  if our_pid >/dev/null && answers; then
    log "already serving $URL (pid $(our_pid))"
    return 0
  fi
  if answers; then
    die "step wheelhouse-serve: something else already answers on 127.0.0.1:$PORT (set WHEELHOUSE_PORT)"
  fi
  if ss -ltn 2>/dev/null | awk '{print $4}' | grep -qE "(^|:)$PORT\$"; then
    die "step wheelhouse-serve: port $PORT is in use (set WHEELHOUSE_PORT)"
  fi
  printf '\n===== %s: serving %s on 127.0.0.1:%s\n' "$(date -Is)" "$WH" "$PORT" >>"$HLOG"
  setsid "$HOST_PY" -m http.server "$PORT" --bind 127.0.0.1 --directory "$WH" >>"$HLOG" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  local _
  for _ in $(seq 1 50); do
    answers && break
    our_pid >/dev/null || die "step wheelhouse-serve: the server exited (log: $HLOG)"
    sleep 0.2
  done
  answers || die "step wheelhouse-serve: no answer on $URL within 10s (log: $HLOG)"
  log "serving $URL (pid $(our_pid))"
}

verify_install() { # a fresh venv of the host's python installs everything from the index alone
  local venv=$WH/verify-venv django_v=$1
  rm -rf "$venv"
  "$HOST_PY" -m venv "$venv"
  PIP_CONFIG_FILE=/dev/null "$venv/bin/pip" install --no-cache-dir --disable-pip-version-check \
    --index-url "$URL" "django==$django_v" gunicorn psycopg whitenoise celery redis supervisor pytest-django
  PIP_CONFIG_FILE=/dev/null "$venv/bin/pip" install --no-cache-dir --disable-pip-version-check \
    --index-url "$URL" --upgrade pip setuptools wheel
  "$venv/bin/pip" check
  "$venv/bin/python" -c '
import django, gunicorn, psycopg, whitenoise, redis, celery, kombu, click_repl, dateutil.parser
import celery.bin.celery, supervisor.supervisord, pytest_django, tzdata, zoneinfo
print("django", django.get_version(), "psycopg", psycopg.__version__, "libpq", psycopg.pq.version())
zoneinfo.ZoneInfo("Europe/Paris")
'
  "$venv/bin/celery" --version
  "$venv/bin/gunicorn" --version
  "$venv/bin/django-admin" --version
  "$venv/bin/pytest" --version
  "$venv/bin/supervisord" --version
}

verify() {
  local key django_v
  key=$("$HOST_PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["key"])' "$WH/manifest.json")
  key="$key $(sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1)" # the index and this check
  if [ "$(cat "$WH/verified" 2>/dev/null)" = "$key" ]; then
    return 0
  fi
  django_v=$(manifest_get django version)
  log "verifying: pip install from $URL into a fresh venv (log: $LOGDIR/wheelhouse-verify.log)"
  step wheelhouse-verify 300 verify_install "$django_v"
  printf '%s\n' "$key" >"$WH/verified"
}

write_env() {
  local tmp d
  tmp=$(mktemp "$OUT_ENV.XXXXXX")
  {
    echo "# written by scripts/provision/wheelhouse.sh"
    printf 'export PY_DOCKER_INDEX_URL=%q\n' "$URL"
    printf 'export PY_DOCKER_TRUSTED_HOST=127.0.0.1\n'
    printf 'export PY_DOCKER_WHEELHOUSE=%q\n' "$WH/wheels"
    printf 'export PY_DOCKER_DJANGO_VERSION=%q\n' "$(manifest_get django version)"
    for d in django gunicorn celery kombu psycopg psycopg-c whitenoise redis supervisor pytest pytest-django \
      watchfiles pip setuptools; do
      printf 'export PY_DOCKER_WHEEL_%s_VERSION=%q\n' "$(printf '%s' "$d" | tr 'a-z-' 'A-Z_')" "$(manifest_get "$d" version)"
    done
  } >"$tmp"
  mv "$tmp" "$OUT_ENV"
}

summary() {
  "$HOST_PY" -c '
import json, sys
m = json.load(open(sys.argv[1]))
print("wheels: " + ", ".join(d["name"] + " " + d["version"] for _, d in sorted(m["dists"].items())))
' "$WH/manifest.json" >&2
}

stop() {
  local pid
  if ! pid=$(our_pid); then
    rm -f "$PIDFILE"
    log "not running"
    return 0
  fi
  kill -TERM "$pid"
  local _
  for _ in $(seq 1 50); do
    [ -d "/proc/$pid" ] || break
    sleep 0.1
  done
  [ ! -d "/proc/$pid" ] || kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PIDFILE"
  log "stopped (pid $pid)"
}

case "${1:-}" in
  build)
    build
    write_env
    summary
    ;;
  start)
    build
    serve
    verify
    write_env
    summary
    log "Django $(manifest_get django version); env: $OUT_ENV"
    printf '%s\n' "$URL"
    ;;
  stop) stop ;;
  status)
    if our_pid >/dev/null && answers; then
      printf '%s\n' "$URL"
    else
      echo "wheelhouse: not served" >&2
      exit 1
    fi
    ;;
  *) die "usage: $0 start|stop|status|build" ;;
esac
