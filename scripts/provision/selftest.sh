#!/usr/bin/env bash
# Proves the provisioned stand-ins work for real (run after all.sh; needs the engine and the
# wheelhouse running):
#   1. a Dockerfile FROM the python stand-in installs Django and gunicorn from the wheelhouse with
#      `docker build --network=host`, keeps a working apt (libpq5) and psycopg finds libpq
#   2. the node stand-in runs node and npm as user node
#   3. on a compose network: the postgres stand-in answers pg_isready, takes a password login with
#      psql from another container (and refuses a wrong password); redis answers PING from
#      another container; both stop promptly on `docker compose stop`
#
#   scripts/provision/selftest.sh
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/provision/lib.sh
. "$HERE/lib.sh"

[ -f "$CACHE/provision.env" ] || die "run scripts/provision/all.sh first"
# shellcheck disable=SC1091
. "$CACHE/provision.env"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/py-docker-selftest.XXXXXX")
PROJECT=py-docker-selftest-$$
cleanup() {
  docker compose -p "$PROJECT" -f "$WORK/compose.yml" down -v --remove-orphans >/dev/null 2>&1 || true
  docker image rm "py-docker-selftest:$$" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

pass() { log "PASS: $*"; }

# ---------------------------------------------------------------- 1. python + wheelhouse
mkdir -p "$WORK/py"
cat >"$WORK/py/Dockerfile" <<EOF
FROM $PY_IMAGE
ARG PIP_INDEX_URL
ARG PIP_TRUSTED_HOST
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv \\
 && /opt/venv/bin/pip install --no-cache-dir "django==$PY_DOCKER_DJANGO_VERSION" gunicorn psycopg celery redis
RUN pip install --no-cache-dir whitenoise supervisor
ENV PATH=/opt/venv/bin:\$PATH
RUN django-admin --version && gunicorn --version && celery --version \\
 && python -c "import psycopg; print('libpq', psycopg.pq.version())" \\
 && python -c "import sys; print(sys.version)" \\
 && /usr/local/bin/python -c "import whitenoise, supervisor" && supervisord --version
EOF
step selftest-python-build 600 docker build --network=host --no-cache --progress=plain \
  --build-arg "PIP_INDEX_URL=$PY_DOCKER_INDEX_URL" --build-arg "PIP_TRUSTED_HOST=$PY_DOCKER_TRUSTED_HOST" \
  -t "py-docker-selftest:$$" "$WORK/py"
out=$(timeout 60 docker run --rm "py-docker-selftest:$$" django-admin --version)
[ "$out" = "$PY_DOCKER_DJANGO_VERSION" ] || die "selftest: django-admin says '$out'"
pass "FROM $PY_IMAGE: pip install django==$PY_DOCKER_DJANGO_VERSION gunicorn psycopg celery from $PY_DOCKER_INDEX_URL, apt-get install libpq5"

# ---------------------------------------------------------------- 2. node
out=$(timeout 60 docker run --rm --user node "$NODE_IMAGE" sh -c 'node -e "console.log(process.version)" && npm --version && id -un')
[ "$(printf '%s\n' "$out" | head -n 1)" = "v$PY_DOCKER_NODE_VERSION" ] || die "selftest: node says '$out'"
pass "$NODE_IMAGE: $(printf '%s' "$out" | tr '\n' ' ')"

# ---------------------------------------------------------------- 3. postgres + redis on compose
cat >"$WORK/compose.yml" <<EOF
services:
  db:
    image: $POSTGRES_IMAGE
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: s3cret
      POSTGRES_DB: appdb
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U app -d appdb"]
      interval: 1s
      timeout: 3s
      retries: 60
  redis:
    image: $REDIS_IMAGE
    healthcheck:
      test: ["CMD", "redis-cli", "ping"]
      interval: 1s
      timeout: 3s
      retries: 60
  client:
    image: $POSTGRES_IMAGE
    profiles: [client]
    entrypoint: []
EOF
dc() { docker compose -p "$PROJECT" -f "$WORK/compose.yml" "$@"; }
step selftest-compose-up 180 dc up -d --wait db redis
out=$(timeout 30 docker compose -p "$PROJECT" -f "$WORK/compose.yml" exec -T db pg_isready -U app -d appdb)
pass "pg_isready: $out"
out=$(timeout 60 docker compose -p "$PROJECT" -f "$WORK/compose.yml" run --rm -T client \
  psql "postgresql://app:s3cret@db:5432/appdb" -tAc 'select current_user, current_database(), version()')
case "$out" in app\|appdb\|PostgreSQL\ 17*) ;; *) die "selftest: psql from another container said '$out'" ;; esac
pass "psql password login from another container: $out"
if timeout 60 docker compose -p "$PROJECT" -f "$WORK/compose.yml" run --rm -T client \
  psql "postgresql://app:wrong@db:5432/appdb" -tAc 'select 1' >/dev/null 2>&1; then
  die "selftest: a wrong password was accepted"
fi
pass "wrong password refused"
out=$(timeout 60 docker compose -p "$PROJECT" -f "$WORK/compose.yml" run --rm -T --entrypoint redis-cli redis -h redis ping)
[ "$out" = PONG ] || die "selftest: redis-cli ping from another container said '$out'"
pass "redis PING from another container: $out"
t=$(date +%s)
step selftest-compose-stop 60 dc stop -t 20 db redis
[ $(($(date +%s) - t)) -lt 15 ] || die "selftest: stopping db and redis took $(($(date +%s) - t))s"
for s in db redis; do
  code=$(docker inspect -f '{{.State.ExitCode}}' "$(dc ps -aq "$s")")
  [ "$code" = 0 ] || die "selftest: $s exited with $code on stop (signal not handled?)"
done
pass "db and redis stop cleanly in $(($(date +%s) - t))s (exit 0)"
log "all checks passed"
