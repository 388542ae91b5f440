#!/usr/bin/env bash
# A real Docker engine from Debian 13 "trixie" packages, run by hand (no init system needed).
#
#   scripts/provision/engine.sh start    install (once) and start dockerd; no-op when one answers
#   scripts/provision/engine.sh stop     stop the dockerd this script started (by its pid file)
#   scripts/provision/engine.sh status   exit 0 and print versions when an engine answers, else 1
#
# Installs docker.io (26.x), docker-compose (`docker compose` plugin) and docker-buildx from the
# .debs cached by tools.sh with `dpkg -i` (policy-rc.d keeps dpkg from starting it), and Debian's
# docker-cli too when the machine has no docker CLI. The plugins
# land in /usr/libexec/docker/cli-plugins, which any docker CLI (e.g. a newer one in /usr/local/bin)
# searches. dockerd logs to $CACHE/logs/dockerd.log; its pid file is $CACHE/engine/dockerd.pid.
# ENGINE_START_TIMEOUT (default 60) bounds the wait for `docker version` to answer.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/provision/lib.sh
. "$HERE/lib.sh"

PIDFILE=$ENGINE_DIR/dockerd.pid
DLOG=$LOGDIR/dockerd.log
START_TIMEOUT=${ENGINE_START_TIMEOUT:-60}
PLUGIN_DIR=/usr/libexec/docker/cli-plugins

answers() { timeout 10 docker version >/dev/null 2>&1; }

our_pid() { # pid of the dockerd we started, if it still runs
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -d "/proc/$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ] &&
    printf '%s\n' "$pid"
}

deb_version() { dpkg-deb -f "$1" Version; }
installed_version() { dpkg-query -W -f '${db:Status-Status} ${Version}\n' "$1" 2>/dev/null | awk '$1=="installed"{print $2}'; }

install_engine() {
  local need=0 p debs=()
  for p in docker.io docker-compose docker-buildx; do
    if ! compgen -G "$DEB_DIR/${p}_*.deb" >/dev/null; then need=1; fi
  done
  for p in containerd runc tini iptables; do
    [ -n "$(installed_version "$p")" ] || need=1
  done
  if [ "$need" = 1 ]; then
    log "running tools.sh first (debs or dependencies missing)"
    "$HERE/tools.sh" >/dev/null
  fi
  local pkgs=(docker.io docker-compose docker-buildx)
  if ! command -v docker >/dev/null; then # no CLI on this machine: Debian's
    pkgs+=(docker-cli)
    trixie_download docker-cli
  fi
  need=0
  for p in "${pkgs[@]}"; do
    debs+=("$(deb_path "$p")")
    [ "$(installed_version "$p")" = "$(deb_version "${debs[-1]}")" ] || need=1
  done
  if [ "$need" = 1 ]; then
    log "installing ${debs[*]##*/}"
    step engine-install 300 env DEBIAN_FRONTEND=noninteractive dpkg -i --force-confdef --force-confold "${debs[@]}"
  fi
  [ -x /usr/sbin/dockerd ] || die "step engine-install: /usr/sbin/dockerd missing after dpkg -i"
  # the CLI in use (maybe not Debian's) must find the plugins
  local cli_plugins=${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins
  for p in docker-compose docker-buildx; do
    if ! docker "${p#docker-}" version >/dev/null 2>&1; then
      mkdir -p "$cli_plugins"
      ln -sfn "$PLUGIN_DIR/$p" "$cli_plugins/$p"
    fi
  done
}

start() {
  if answers; then
    log "an engine already answers: nothing to do"
    status
    return 0
  fi
  install_engine
  if our_pid >/dev/null; then
    log "dockerd (pid $(our_pid)) runs but does not answer yet: waiting"
  else
    rm -f "$PIDFILE"
    log "starting dockerd (log: $DLOG)"
    printf '\n===== %s: dockerd start\n' "$(date -Is)" >>"$DLOG"
    # own session: it outlives this script and is not hit by signals sent to our process group
    PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH setsid /usr/sbin/dockerd --pidfile "$PIDFILE" \
      >>"$DLOG" 2>&1 </dev/null &
  fi
  local deadline=$(($(date +%s) + START_TIMEOUT))
  until answers; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      tail -n 20 "$DLOG" | sed 's/^/    | /' >&2
      die "step engine-start: dockerd did not answer within ${START_TIMEOUT}s (log: $DLOG)"
    fi
    if [ -f "$PIDFILE" ] && ! our_pid >/dev/null; then
      tail -n 20 "$DLOG" | sed 's/^/    | /' >&2
      die "step engine-start: dockerd exited (log: $DLOG)"
    fi
    sleep 1
  done
  log "engine up (pid $(our_pid || echo '?'))"
  status
}

stop() {
  local pid
  if ! pid=$(our_pid); then
    rm -f "$PIDFILE"
    if answers; then
      log "the engine that answers was not started by this script: left alone"
    else
      log "not running"
    fi
    return 0
  fi
  log "stopping dockerd (pid $pid)"
  kill -TERM "$pid"
  local deadline=$(($(date +%s) + 30))
  while [ -d "/proc/$pid" ]; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "dockerd still running after 30s: KILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 1
      break
    fi
    sleep 0.5
  done
  rm -f "$PIDFILE"
  log "stopped"
}

status() {
  if answers; then
    printf 'engine: %s, cli: %s, compose: %s, buildx: %s\n' \
      "$(docker version -f '{{.Server.Version}}' 2>/dev/null)" \
      "$(docker version -f '{{.Client.Version}}' 2>/dev/null)" \
      "$(docker compose version --short 2>/dev/null || echo missing)" \
      "$(docker buildx version 2>/dev/null | awk '{print $2}' || echo missing)"
    return 0
  fi
  echo "engine: not running"
  return 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) die "usage: $0 start|stop|status" ;;
esac
