#!/usr/bin/env bash
# Install the tools the tests need, offline-friendly and idempotent.
#
#   scripts/provision/tools.sh            install, then print the `bin` dir
#   eval "$(scripts/provision/tools.sh --env)"   ... and export its variables in the caller
#
# 1. Debian (bookworm) packages with the system's apt: shellcheck busybox dash supervisor yamllint
#    debootstrap containerd runc tini iptables python3-pip python3-setuptools python3-wheel
#    python3-venv (apt-get update runs only when one of them is missing).
# 2. From Debian 13 "trixie", with a private apt configuration that leaves the system's alone:
#    the .debs of docker.io docker-compose docker-buildx kubectl are downloaded into the cache;
#    docker-compose (Compose v2) and kubectl (kustomize v5) are unpacked with `dpkg -x` into
#    $CACHE/tools/ and linked into $CACHE/tools/bin (docker-compose, kubectl).
# Output: $CACHE/tools/env.sh exports PATH (bin dir first), PY_DOCKER_COMPOSE, PY_DOCKER_KUBECTL,
# PY_DOCKER_TOOLS_BIN. Cache: ${PY_DOCKER_CACHE:-$HOME/.cache/py-docker}.
set -euo pipefail
# shellcheck source=scripts/provision/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

APT_TOOLS=(shellcheck busybox dash netcat-openbsd supervisor yamllint debootstrap containerd runc tini iptables
  python3-pip python3-setuptools python3-wheel python3-venv tmux)
TRIXIE_DEBS=(docker.io docker-compose docker-buildx kubectl)

want_env=0
case "${1:-}" in
  --env) want_env=1 ;;
  "") ;;
  *) die "usage: $0 [--env]" ;;
esac

installed() { dpkg-query -W -f '${db:Status-Status}\n' "$1" 2>/dev/null | grep -qx installed; }

apt_tools() {
  local p missing=()
  for p in "${APT_TOOLS[@]}"; do installed "$p" || missing+=("$p"); done
  if [ "${#missing[@]}" -eq 0 ]; then
    log "Debian tools already installed"
    return 0
  fi
  step apt-update 300 apt-get update
  local unknown=()
  for p in "${missing[@]}"; do
    apt-cache show "$p" >/dev/null 2>&1 || unknown+=("$p")
  done
  [ "${#unknown[@]}" -eq 0 ] || die "step apt-install: not in the Debian archive: ${unknown[*]}"
  log "installing: ${missing[*]}"
  step apt-install 600 env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=120 "${missing[@]}"
}

unpack() { # unpack PKG: dpkg -x its cached .deb into $TOOLS_DIR/PKG (once per .deb version)
  local pkg=$1 deb dest=$TOOLS_DIR/$1
  deb=$(deb_path "$pkg")
  if [ "$(cat "$dest/.deb" 2>/dev/null)" = "$(basename "$deb")" ]; then return 0; fi
  rm -rf "$dest"
  mkdir -p "$dest"
  step "unpack-$pkg" 120 dpkg -x "$deb" "$dest"
  basename "$deb" >"$dest/.deb"
}

trixie_tools() {
  local p
  for p in "${TRIXIE_DEBS[@]}"; do
    # fails with a clear message when the private trixie lists do not know a package
    if ! compgen -G "$DEB_DIR/${p}_*.deb" >/dev/null; then
      trixie_update
      [ -n "$(trixie_version "$p")" ] || die "step trixie-download: $p is not in trixie"
    fi
  done
  trixie_download "${TRIXIE_DEBS[@]}"
  unpack docker-compose
  unpack kubectl

  local compose kubectl bin=$TOOLS_DIR/bin
  compose=$(find "$TOOLS_DIR/docker-compose" -type f -name docker-compose -perm -u+x | head -n 1)
  kubectl=$(find "$TOOLS_DIR/kubectl" -type f -name kubectl -perm -u+x | head -n 1)
  [ -n "$compose" ] || die "step unpack-docker-compose: no docker-compose binary in the .deb"
  [ -n "$kubectl" ] || die "step unpack-kubectl: no kubectl binary in the .deb"
  mkdir -p "$bin"
  ln -sfn "$compose" "$bin/docker-compose"
  ln -sfn "$kubectl" "$bin/kubectl"

  # smoke checks: Compose v2 runs standalone without an engine, kubectl has kustomize v5
  local tmp
  tmp=$(mktemp -d)
  printf 'name: smoke\nservices:\n  a:\n    image: busybox:1\n' >"$tmp/compose.yml"
  "$bin/docker-compose" -f "$tmp/compose.yml" config -q ||
    die "step check-compose: '$bin/docker-compose -f compose.yml config -q' failed"
  rm -rf "$tmp"
  local cv kv
  cv=$("$bin/docker-compose" version --short 2>/dev/null) || die "step check-compose: version failed"
  case "$cv" in 2.* | v2.*) ;; *) die "step check-compose: expected Compose v2, got '$cv'" ;; esac
  kv=$("$bin/kubectl" version --client 2>/dev/null | awk '/Kustomize Version/{print $3}')
  case "$kv" in v5.*) ;; *) die "step check-kubectl: expected kustomize v5, got '$kv'" ;; esac

  local envf=$TOOLS_DIR/env.sh tmpf
  tmpf=$(mktemp "$envf.XXXXXX")
  {
    echo "# written by scripts/provision/tools.sh"
    printf 'export PY_DOCKER_TOOLS_BIN=%q\n' "$bin"
    # shellcheck disable=SC2016 # $PATH is expanded when env.sh is sourced
    printf 'case ":$PATH:" in *":%s:"*) ;; *) export PATH=%q:"$PATH" ;; esac\n' "$bin" "$bin"
    printf 'export PY_DOCKER_COMPOSE=%q\n' "$compose"
    printf 'export PY_DOCKER_KUBECTL=%q\n' "$kubectl"
    printf 'export PY_DOCKER_COMPOSE_VERSION=%q\n' "${cv#v}"
    printf 'export PY_DOCKER_KUSTOMIZE_VERSION=%q\n' "$kv"
  } >"$tmpf"
  mv "$tmpf" "$envf"
  log "docker-compose $cv, kubectl with kustomize $kv in $bin"
}

apt_tools
trixie_tools
if [ "$want_env" = 1 ]; then
  cat "$TOOLS_DIR/env.sh"
else
  log "env file: $TOOLS_DIR/env.sh"
  printf '%s\n' "$TOOLS_DIR/bin"
fi
