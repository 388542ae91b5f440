# shellcheck shell=bash
# Common helpers for the scripts under scripts/provision/. Sourced, never run.
#
# Everything is cached under ${PY_DOCKER_CACHE:-$HOME/.cache/py-docker}; logs go to $CACHE/logs/.
# The Debian mirror is read from the system's apt sources: no host name is written here.

CACHE=${PY_DOCKER_CACHE:-$HOME/.cache/py-docker}
LOGDIR=$CACHE/logs
TRIXIE_DIR=$CACHE/apt/trixie
DEB_DIR=$CACHE/debs
TOOLS_DIR=$CACHE/tools
ENGINE_DIR=$CACHE/engine
mkdir -p "$CACHE" "$LOGDIR" "$DEB_DIR" "$TOOLS_DIR" "$ENGINE_DIR"

_PROV_NAME=$(basename "${BASH_SOURCE[1]:-$0}" .sh)

log() { printf '[provision:%s] %s\n' "$_PROV_NAME" "$*" >&2; }

die() {
  printf '[provision:%s] ERROR: %s\n' "$_PROV_NAME" "$*" >&2
  exit 1
}

# step NAME SECONDS CMD...: run CMD (a command or a shell function) bounded to SECONDS, its output
# appended to $LOGDIR/NAME.log. CMD runs in its own process group, which is killed whole (TERM,
# then KILL 10 s later) at the deadline. On failure: an error naming the step and the tail of its
# log, then exit 1.
step() {
  local name=$1 secs=$2
  shift 2
  local logf=$LOGDIR/$name.log start rc=0 mark pid wd
  start=$(date +%s)
  mark=$(mktemp -u "$LOGDIR/.timeout.XXXXXX")
  printf '\n===== %s: %s\n' "$(date -Is)" "$*" >>"$logf"
  set -m
  ("$@") >>"$logf" 2>&1 </dev/null &
  pid=$!
  (
    sleep "$secs"
    : >"$mark"
    kill -TERM -- "-$pid" 2>/dev/null
    sleep 10
    kill -KILL -- "-$pid" 2>/dev/null
  ) >/dev/null 2>&1 </dev/null &
  wd=$!
  set +m
  wait "$pid" || rc=$?
  kill -- "-$wd" 2>/dev/null || true
  wait "$wd" 2>/dev/null || true
  if [ -e "$mark" ]; then
    rm -f "$mark"
    printf '[provision:%s] ERROR: step "%s" timed out after %ss (log: %s)\n' "$_PROV_NAME" "$name" "$secs" "$logf" >&2
    tail -n 25 "$logf" | sed 's/^/    | /' >&2
    exit 1
  fi
  if [ "$rc" -ne 0 ]; then
    printf '[provision:%s] ERROR: step "%s" failed with exit %s (log: %s)\n' "$_PROV_NAME" "$name" "$rc" "$logf" >&2
    tail -n 25 "$logf" | sed 's/^/    | /' >&2
    exit 1
  fi
  log "$name: done in $(($(date +%s) - start))s"
}

# The Debian mirror the system's apt uses (first URIs: line of the deb822 sources).
debian_mirror() {
  local m=""
  if [ -r /etc/apt/sources.list.d/debian.sources ]; then
    m=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$m" ] && [ -r /etc/apt/sources.list ]; then
    m=$(awk '$1=="deb"{for(i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' /etc/apt/sources.list)
  fi
  [ -n "$m" ] || die "cannot find the Debian mirror in /etc/apt/sources.list.d/debian.sources"
  printf '%s\n' "${m%/}"
}

# Private apt configuration for Debian 13 "trixie": the system's own sources, lists and caches
# are left alone.
TRIXIE_SOURCES=$TRIXIE_DIR/sources.list
trixie_opts() {
  printf '%s\n' \
    -o "Dir::Etc::SourceList=$TRIXIE_SOURCES" \
    -o "Dir::Etc::SourceParts=/dev/null" \
    -o "Dir::State::Lists=$TRIXIE_DIR/lists" \
    -o "Dir::State::status=$TRIXIE_DIR/status" \
    -o "Dir::Cache=$TRIXIE_DIR/cache" \
    -o "Dir::Cache::Archives=$TRIXIE_DIR/archives" \
    -o "Dir::Cache::pkgcache=pkgcache.bin" \
    -o "Dir::Cache::srcpkgcache=srcpkgcache.bin" \
    -o "Dir::Etc::Preferences=/dev/null" \
    -o "Dir::Etc::PreferencesParts=/dev/null" \
    -o "Acquire::Languages=none"
}

trixie_apt_get() {
  local opts
  mapfile -t opts < <(trixie_opts)
  apt-get "${opts[@]}" "$@"
}

trixie_apt_cache() {
  local opts
  mapfile -t opts < <(trixie_opts)
  apt-cache "${opts[@]}" "$@"
}

# Write the private sources list and run `apt-get update` for trixie, unless done in the last
# PY_DOCKER_APT_MAX_AGE seconds (default 7 days) or PY_DOCKER_REFRESH=1.
trixie_update() {
  local mirror want stamp=$TRIXIE_DIR/updated.stamp max=${PY_DOCKER_APT_MAX_AGE:-604800}
  mirror=$(debian_mirror)
  mkdir -p "$TRIXIE_DIR/lists/partial" "$TRIXIE_DIR/cache" "$TRIXIE_DIR/archives/partial"
  # an empty dpkg status: what the host has installed (from any source) plays no part
  [ -f "$TRIXIE_DIR/status" ] || : >"$TRIXIE_DIR/status"
  want="deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main"
  if [ ! -f "$TRIXIE_SOURCES" ] || [ "$(cat "$TRIXIE_SOURCES")" != "$want" ]; then
    printf '%s\n' "$want" >"$TRIXIE_SOURCES"
    rm -f "$stamp"
  fi
  if [ "${PY_DOCKER_REFRESH:-0}" = 1 ] || [ ! -f "$stamp" ] ||
    [ $(($(date +%s) - $(stat -c %Y "$stamp"))) -gt "$max" ]; then
    step trixie-apt-update 300 trixie_apt_get update
    touch "$stamp"
  fi
}

# Candidate version of a trixie package (Debian version string), empty when unknown.
trixie_version() {
  trixie_apt_cache policy "$1" 2>/dev/null | awk '/Candidate:/{ if ($2 != "(none)") print $2; exit }'
}

# Upstream part of a Debian version: 3:4.2.28-1 -> 4.2.28, 20.19.2+dfsg-1 -> 20.19.2
upstream_version() {
  printf '%s\n' "$1" | sed -E 's/^[0-9]+://; s/-[^-]*$//; s/[+~].*$//'
}

# Download trixie .debs into $DEB_DIR (skipping those already there). Arguments: package names.
trixie_download() {
  local p missing=()
  for p in "$@"; do
    compgen -G "$DEB_DIR/${p}_*.deb" >/dev/null || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  trixie_update
  log "downloading from trixie: ${missing[*]}"
  (cd "$DEB_DIR" && step trixie-download 600 trixie_apt_get download "${missing[@]}")
}

# Path of the newest cached .deb of a package.
deb_path() {
  local f
  f=$(find "$DEB_DIR" -maxdepth 1 -name "${1}_*.deb" | sort -V | tail -n 1)
  [ -n "$f" ] || die "no cached .deb for $1 in $DEB_DIR"
  printf '%s\n' "$f"
}

# env_set FILE KEY VALUE: write `export KEY=VALUE` (shell-quoted) into FILE, replacing KEY's old line.
env_set() {
  local file=$1 key=$2 val=$3 tmp
  touch "$file"
  tmp=$(mktemp "$file.XXXXXX")
  grep -v "^export $key=" "$file" >"$tmp" || true
  printf 'export %s=%q\n' "$key" "$val" >>"$tmp"
  mv "$tmp" "$file"
}
