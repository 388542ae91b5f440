#!/usr/bin/env bash
# Stand-ins for the official python, node, postgres and redis images, built from Debian 13
# "trixie" packages (no registry is reachable here), tagged with exactly the names the generated
# Dockerfiles and compose files use. Needs a running engine (engine.sh start).
#
#   scripts/provision/images.sh
#
# Tags (env, defaults):
#   PY_IMAGE=python:3.13-slim-trixie    also python:<X.Y.Z>-slim-trixie (trixie's exact python3)
#   NODE_IMAGE=node:20-trixie-slim      also node:<X.Y.Z>-trixie-slim (trixie's nodejs version, built
#                                       by nodejs.org: the official image's layout under /usr/local)
#   POSTGRES_IMAGE=postgres:17-alpine   PostgreSQL 17 with the official image's env contract
#   REDIS_IMAGE=redis:7.4-alpine        Debian's redis-server (its version is printed)
# Base: debootstrap --variant=minbase trixie (rootfs tarball cached in $CACHE/images/; dpkg set to
# force-unsafe-io like the official Debian images), then
# `docker import` as py-docker/debian:trixie-minbase. Each image is rebuilt only when its recipe
# (the files in images/<name>/, the base, the build args) changed: a label records it.
# Output: $CACHE/images.env (tags and exact versions), also printed.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/provision/lib.sh
. "$HERE/lib.sh"

PY_IMAGE=${PY_IMAGE:-python:3.13-slim-trixie}
NODE_IMAGE=${NODE_IMAGE:-node:20-trixie-slim}
POSTGRES_IMAGE=${POSTGRES_IMAGE:-postgres:17-alpine}
REDIS_IMAGE=${REDIS_IMAGE:-redis:7.4-alpine}
BASE_IMAGE=${PY_DOCKER_BASE_IMAGE:-py-docker/debian:trixie-minbase}
IMG_DIR=$CACHE/images
ROOTFS_TAR=$IMG_DIR/trixie-minbase.tar
OUT_ENV=$CACHE/images.env
BUILD_TIMEOUT=${PY_DOCKER_BUILD_TIMEOUT:-900}
mkdir -p "$IMG_DIR"

timeout 15 docker version >/dev/null 2>&1 ||
  die "step check-engine: no Docker engine answers (run scripts/provision/engine.sh start)"
command -v debootstrap >/dev/null || die "step check-tools: debootstrap missing (run scripts/provision/tools.sh)"

label_of() { # label_of IMAGE KEY
  docker image inspect -f "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true
}

# exact_tag IMAGE VERSION: python:3.13-slim-trixie + 3.13.5 -> python:3.13.5-slim-trixie
exact_tag() {
  local repo=${1%:*} tag=${1##*:}
  case "$tag" in
    *-*) printf '%s:%s-%s\n' "$repo" "$2" "${tag#*-}" ;;
    *) printf '%s:%s\n' "$repo" "$2" ;;
  esac
}

# ---------------------------------------------------------------- rootfs and base image
umount_under() {
  local m
  for m in $(findmnt -rn -o TARGET | grep -F "$1/" | sort -r); do umount -l "$m" || true; done
}

# The "slim" variant that python:*-slim and node:*-slim are built on: documentation (but copyright
# files), locales (but the alias list), man and info pages are gone, and a dpkg configuration keeps them
# out of every later install too. Without it, a generated Dockerfile's `apt-get install` leaves more in
# its layer here than on the official images.
SLIM_EXCLUDE=(/usr/share/doc/ /usr/share/groff/ /usr/share/info/ /usr/share/linda/
  /usr/share/lintian/overrides/ /usr/share/locale/ /usr/share/man/)
SLIM_KEEP=('/usr/share/doc/*/copyright' /usr/share/locale/locale.alias)
slim_rootfs() {
  local root=$1 dir kept=()
  {
    echo '# The "slim" variant: files containers do not need stay out of every package install.'
    for dir in "${SLIM_EXCLUDE[@]}"; do echo "path-exclude $dir*"; done
    for dir in "${SLIM_KEEP[@]}"; do echo "path-include $dir"; done
  } >"$root/etc/dpkg/dpkg.cfg.d/docker"
  # what is already there goes the same way: every file under the excludes but the kept ones
  for dir in "${SLIM_KEEP[@]}"; do kept+=(-not -path "$root$dir"); done
  for dir in "${SLIM_EXCLUDE[@]}"; do
    [ -d "$root$dir" ] || continue
    find "$root$dir" -mindepth 1 \( -type f -o -type l \) "${kept[@]}" -delete
    find "$root$dir" -mindepth 1 -depth -type d -empty -delete
  done
}

make_rootfs() {
  local root=$IMG_DIR/rootfs.tmp mirror
  mirror=$(debian_mirror)
  umount_under "$root"
  rm -rf --one-file-system "$root"
  mkdir -p "$IMG_DIR/debootstrap-cache"
  # two stages, so that dpkg skips its fsync()s in the second (as the official images do)
  debootstrap --foreign --variant=minbase --components=main --cache-dir="$IMG_DIR/debootstrap-cache" \
    --keyring=/usr/share/keyrings/debian-archive-keyring.gpg trixie "$root" "$mirror"
  echo force-unsafe-io >"$root/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
  chroot "$root" /debootstrap/debootstrap --second-stage
  umount_under "$root"
  # like the official debian images: apt cleans up after itself, services never start
  cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  echo 'Acquire::Languages "none";' >"$root/etc/apt/apt.conf.d/docker-no-languages"
  echo 'Acquire::GzipIndexes "true";' >"$root/etc/apt/apt.conf.d/docker-gzip-indexes"
  slim_rootfs "$root"
  echo 'Apt::AutoRemove::SuggestsImportant "false";' >"$root/etc/apt/apt.conf.d/docker-autoremove-suggests"
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"
  # the same mirror as the host, trixie main: what the private apt config sees too
  printf 'deb %s trixie main\n' "$mirror" >"$root/etc/apt/sources.list"
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
    "$root"/var/log/*.log "$root"/var/log/apt/* "$root"/tmp/* "$root/etc/resolv.conf" "$root/etc/hostname"
  : >"$root/etc/machine-id"
  tar --numeric-owner -C "$root" --exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/*' \
    -cf "$ROOTFS_TAR.tmp" .
  sha256sum "$ROOTFS_TAR.tmp" | awk '{print $1}' >"$ROOTFS_TAR.sha256"
  mv "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
  rm -rf --one-file-system "$root"
}

base_image() {
  local key # the rootfs is made again when its recipe or the mirror changes
  key=$({ declare -f make_rootfs slim_rootfs; declare -p SLIM_EXCLUDE SLIM_KEEP; debian_mirror; } | sha256sum | cut -d' ' -f1)
  if [ ! -s "$ROOTFS_TAR" ] || [ ! -s "$ROOTFS_TAR.sha256" ] || [ "${PY_DOCKER_REFRESH:-0}" = 1 ] ||
    [ "$(cat "$ROOTFS_TAR.key" 2>/dev/null)" != "$key" ]; then
    log "debootstrap trixie minbase (about a minute)"
    step debootstrap 900 make_rootfs
    printf '%s\n' "$key" >"$ROOTFS_TAR.key"
  fi
  local sha
  sha=$(cat "$ROOTFS_TAR.sha256")
  if [ "$(label_of "$BASE_IMAGE" io.py-docker.rootfs)" != "$sha" ]; then
    step base-import 300 docker import \
      --change "LABEL io.py-docker.rootfs=$sha" \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'CMD ["bash"]' \
      "$ROOTFS_TAR" "$BASE_IMAGE"
  fi
}

# ---------------------------------------------------------------- node inputs
# The official image's Node.js: the nodejs.org binary as the npm registry publishes it (package
# node-linux-<arch>, checked against the registry's integrity by `npm pack`) and npm itself, the
# version that Node.js release bundles (NODE_NPM_VERSION overrides it).
NODE_NPM_VERSION=${NODE_NPM_VERSION:-10.8.2}
# The official images of Node.js 18-24 also carry corepack (bundled by that Node.js release) and yarn
# classic under /opt; the npm registry publishes both.
NODE_COREPACK_VERSION=${NODE_COREPACK_VERSION:-0.32.0}
NODE_YARN_VERSION=${NODE_YARN_VERSION:-1.22.22}
NODE_DIST=$IMG_DIR/node-dist
NODE_CERTS=$IMG_DIR/node-certs
NODE_CA_BUNDLE=""
case "$(uname -m)" in
  x86_64) NODE_ARCH=x64 ;;
  aarch64) NODE_ARCH=arm64 ;;
  *) die "step node-dist: no official Node.js build for $(uname -m)" ;;
esac

node_inputs() {
  local want=("node-linux-$NODE_ARCH-$NODE_APT.tgz" "npm-$NODE_NPM_VERSION.tgz"
    "corepack-$NODE_COREPACK_VERSION.tgz" "yarn-$NODE_YARN_VERSION.tgz") f
  command -v npm >/dev/null || die "step node-dist: npm is needed on the host to fetch Node.js"
  mkdir -p "$NODE_DIST"
  if [ ! -s "$NODE_DIST/${want[0]}" ]; then
    (cd "$NODE_DIST" && step node-dist 600 npm pack --silent "node-linux-$NODE_ARCH@$NODE_APT")
  fi
  if [ ! -s "$NODE_DIST/${want[1]}" ]; then
    (cd "$NODE_DIST" && step npm-dist 300 npm pack --silent "npm@$NODE_NPM_VERSION")
  fi
  if [ ! -s "$NODE_DIST/${want[2]}" ]; then
    (cd "$NODE_DIST" && step corepack-dist 300 npm pack --silent "corepack@$NODE_COREPACK_VERSION")
  fi
  if [ ! -s "$NODE_DIST/${want[3]}" ]; then
    (cd "$NODE_DIST" && step yarn-dist 300 npm pack --silent "yarn@$NODE_YARN_VERSION")
  fi
  for f in "$NODE_DIST"/*.tgz; do # only the ones this build uses (the context is hashed)
    case " ${want[*]} " in *" ${f##*/} "*) ;; *) rm -f "$f" ;; esac
  done
  # Authorities the host trusts on top of Debian's (a proxy's, say): npm in a build then reaches the
  # registry the way the host does. Public certificates only; none: an empty folder.
  rm -rf "$NODE_CERTS"
  mkdir -p "$NODE_CERTS"
  if [ -d /usr/local/share/ca-certificates ]; then
    find /usr/local/share/ca-certificates -name '*.crt' -type f -exec cp {} "$NODE_CERTS/" \;
  fi
  if compgen -G "$NODE_CERTS/*.crt" >/dev/null; then
    NODE_CA_BUNDLE=/usr/local/share/ca-certificates/extra-bundle.pem
  fi
}

# ---------------------------------------------------------------- stand-in images
# recipe NAME ARGS...: hash of the build context, the base image and the build args
# (and of the named contexts in BUILD_CONTEXTS, "name=dir ...")
recipe() {
  local name=$1 c
  shift
  {
    (cd "$HERE/images/$name" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
    for c in ${BUILD_CONTEXTS:-}; do
      printf '%s\n' "${c%%=*}"
      (cd "${c#*=}" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum)
    done
    docker image inspect -f '{{.Id}}' "$BASE_IMAGE"
    printf '%s\n' "$@"
  } | sha256sum | awk '{print $1}'
}

build() { # build NAME TAG BUILD-ARG...; BUILD_CONTEXTS="name=dir ..." adds named contexts
  local name=$1 tag=$2
  shift 2
  local r args=(--build-arg "BASE=$BASE_IMAGE")
  local a
  for a in "$@"; do args+=(--build-arg "$a"); done
  for a in ${BUILD_CONTEXTS:-}; do args+=(--build-context "$a"); done
  r=$(recipe "$name" "$tag" "$@")
  if [ "$(label_of "$tag" io.py-docker.recipe)" = "$r" ]; then
    log "$tag: up to date"
    return 0
  fi
  log "$tag: building (log: $LOGDIR/build-$name.log)"
  step "build-$name" "$BUILD_TIMEOUT" docker build --network=host --progress=plain \
    "${args[@]}" --label "io.py-docker.recipe=$r" --label "io.py-docker.stand-in=$name" \
    -t "$tag" "$HERE/images/$name"
}

trixie_update
# candidate versions of the trixie packages, in one apt-cache call
policy=$(trixie_apt_cache policy python3 nodejs postgresql-17 redis-server 2>/dev/null)
cand() { printf '%s\n' "$policy" | awk -v p="$1:" '$1==p{f=1} f && /Candidate:/{print $2; exit}'; }
PY_MINOR=$(cand python3 | sed -E 's/^([0-9]+\.[0-9]+).*/\1/') # python3 3.13.5-1 -> python3.13
PY_APT=$(upstream_version "$(trixie_version "python$PY_MINOR")")
NODE_APT=$(upstream_version "$(cand nodejs)")
PG_APT=$(upstream_version "$(cand postgresql-17)")
REDIS_APT=$(upstream_version "$(cand redis-server)")
for v in PY_APT NODE_APT PG_APT REDIS_APT; do
  [ -n "${!v}" ] || die "step versions: apt-cache found no trixie version for $v"
done
log "trixie: python $PY_APT, nodejs $NODE_APT, postgresql $PG_APT, redis $REDIS_APT"

base_image

# the four builds run side by side (mostly waiting on downloads)
pids=()
build python "$PY_IMAGE" "PYTHON_VERSION=$PY_APT" & pids+=($!)
node_inputs
BUILD_CONTEXTS="dist=$NODE_DIST certs=$NODE_CERTS" build node "$NODE_IMAGE" "NODE_VERSION=$NODE_APT" \
  "NPM_VERSION=$NODE_NPM_VERSION" "COREPACK_VERSION=$NODE_COREPACK_VERSION" "YARN_VERSION=$NODE_YARN_VERSION" \
  "NODE_ARCH=$NODE_ARCH" "EXTRA_CA_BUNDLE=$NODE_CA_BUNDLE" & pids+=($!)
build postgres "$POSTGRES_IMAGE" "PG_MAJOR=17" "PG_VERSION=$PG_APT" & pids+=($!)
build redis "$REDIS_IMAGE" "REDIS_VERSION=$REDIS_APT" & pids+=($!)
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=1; done
[ "$failed" = 0 ] || die "a stand-in image failed to build (see the errors above)"

# exact versions and checks, read from the images themselves (cached per image id)
facts() { # facts IMAGE SCRIPT: output of SCRIPT run in IMAGE, remembered for that image id
  local id f
  id=$(docker image inspect -f '{{.Id}}' "$1")
  f=$IMG_DIR/facts-${id#sha256:}
  if [ ! -s "$f" ]; then
    timeout 60 docker run --rm --network=none --entrypoint "" "$1" sh -c "$2" >"$f.tmp" ||
      die "step check-image: checks in $1 failed: $(cat "$f.tmp")"
    mv "$f.tmp" "$f"
  fi
  cat "$f"
}
fact() { printf '%s\n' "$1" | awk -v k="$2" '$1==k{print $2; exit}'; }
# shellcheck disable=SC2016 # the scripts run in the images
{
  # pyc first: each python run below writes bytecode into the container
  py_facts=$(facts "$PY_IMAGE" 'echo pyc $(find /usr/lib/python3* /usr/local/lib/python3* -name "*.pyc" 2>/dev/null | wc -l)
    echo python $(python -c "import platform; print(platform.python_version())");
    echo node $(command -v node || echo none); echo pip $(pip --version | cut -d" " -f2)
    echo headers $(python -c "import os, sysconfig; print(os.path.isfile(os.path.join(sysconfig.get_path(\"include\"), \"Python.h\")))")
    echo cc $(command -v cc gcc | head -n 1 || true)
    echo slim $(grep -c "^path-exclude" /etc/dpkg/dpkg.cfg.d/docker 2>/dev/null || echo 0) $(find /usr/share/doc -type f -not -name copyright | wc -l)')
  node_facts=$(facts "$NODE_IMAGE" 'echo node $(node --version | sed s/^v//); echo npm $(npm --version)
    echo layout $(readlink -f "$(command -v node)") $(readlink -f "$(command -v npm)")
    echo corepack $(readlink -f "$(command -v corepack)") $(corepack --version)
    echo yarn $(yarn --version)')
  pg_facts=$(facts "$POSTGRES_IMAGE" 'echo postgres $(postgres --version | cut -d" " -f3);
    echo pg_isready $(command -v pg_isready); echo psql $(command -v psql)')
  redis_facts=$(facts "$REDIS_IMAGE" 'echo redis $(redis-server --version | sed -E "s/.* v=([^ ]+).*/\1/");
    echo redis-cli $(command -v redis-cli)')
}
PYTHON_VERSION=$(fact "$py_facts" python)
NODE_VERSION=$(fact "$node_facts" node)
NPM_VERSION=$(fact "$node_facts" npm)
POSTGRES_VERSION=$(fact "$pg_facts" postgres)
REDIS_VERSION=$(fact "$redis_facts" redis)
[ "$PYTHON_VERSION" = "$PY_APT" ] || log "note: image python $PYTHON_VERSION, apt-cache said $PY_APT"
[ "$NODE_VERSION" = "$NODE_APT" ] || log "note: image node $NODE_VERSION, apt-cache said $NODE_APT"
[ "$(fact "$py_facts" node)" = none ] || die "step check-python: the python stand-in has node"
# the official image's CPython headers, where sysconfig points (a C extension builds once a compiler
# comes in), and no compiler of its own
[ "$(fact "$py_facts" headers)" = True ] || die "step check-python: no Python.h in sysconfig's include dir"
[ -z "$(fact "$py_facts" cc)" ] || die "step check-python: the python stand-in has a compiler"
# no bytecode in the standard library, as the official image (its Dockerfile deletes every .pyc)
[ "$(fact "$py_facts" pyc)" = 0 ] ||
  die "step check-python: the python stand-in has $(fact "$py_facts" pyc) .pyc files in its stdlib and site-packages; the official image has none"
# the slim variant's dpkg excludes, as python:*-slim has them (they decide what apt-get install adds)
[ "$(printf '%s\n' "$py_facts" | awk '$1=="slim"{print ($2 > 0 && $3 == 0)}')" = 1 ] ||
  die "step check-python: the python stand-in is not the slim variant (docs or no dpkg excludes): $py_facts"
# what generated Dockerfiles copy out of the official image
[ "$(printf '%s\n' "$node_facts" | awk '$1=="layout"{print $2, $3}')" = \
  "/usr/local/bin/node /usr/local/lib/node_modules/npm/bin/npm-cli.js" ] ||
  die "step check-node: node and npm are not where the official image has them: $node_facts"
[ "$(printf '%s\n' "$node_facts" | awk '$1=="corepack"{print $2}')" = \
  /usr/local/lib/node_modules/corepack/dist/corepack.js ] ||
  die "step check-node: corepack is not where the official image has it: $node_facts"
if [ -z "$(fact "$pg_facts" pg_isready)" ] || [ -z "$(fact "$pg_facts" psql)" ]; then
  die "step check-postgres: pg_isready or psql not on PATH"
fi
[ -n "$(fact "$redis_facts" redis-cli)" ] || die "step check-redis: redis-cli not on PATH"

# forget the facts of images that are gone
keep=" $(docker image inspect -f '{{.Id}}' "$PY_IMAGE" "$NODE_IMAGE" "$POSTGRES_IMAGE" "$REDIS_IMAGE" | sed 's/^sha256://' | tr '\n' ' ')"
for f in "$IMG_DIR"/facts-*; do
  [ -e "$f" ] || continue
  id=${f##*/facts-}
  case "$keep" in *" ${id%.tmp} "*) ;; *) rm -f "$f" ;; esac
done

PY_IMAGE_EXACT=$(exact_tag "$PY_IMAGE" "$PYTHON_VERSION")
NODE_IMAGE_EXACT=$(exact_tag "$NODE_IMAGE" "$NODE_VERSION")
docker tag "$PY_IMAGE" "$PY_IMAGE_EXACT"
docker tag "$NODE_IMAGE" "$NODE_IMAGE_EXACT"

tmp=$(mktemp "$OUT_ENV.XXXXXX")
{
  echo "# written by scripts/provision/images.sh"
  for v in PY_IMAGE PY_IMAGE_EXACT NODE_IMAGE NODE_IMAGE_EXACT POSTGRES_IMAGE REDIS_IMAGE; do
    printf 'export %s=%q\n' "$v" "${!v}"
  done
  printf 'export PY_DOCKER_BASE_IMAGE=%q\n' "$BASE_IMAGE"
  printf 'export PY_DOCKER_PYTHON_VERSION=%q\n' "$PYTHON_VERSION"
  printf 'export PY_DOCKER_NODE_VERSION=%q\n' "$NODE_VERSION"
  printf 'export PY_DOCKER_NPM_VERSION=%q\n' "$NPM_VERSION"
  printf 'export PY_DOCKER_POSTGRES_VERSION=%q\n' "$POSTGRES_VERSION"
  printf 'export PY_DOCKER_REDIS_VERSION=%q\n' "$REDIS_VERSION"
} >"$tmp"
mv "$tmp" "$OUT_ENV"

cat <<EOF
Built stand-in images (Debian 13 trixie packages):
  $PY_IMAGE  $PY_IMAGE_EXACT   python $PYTHON_VERSION
  $NODE_IMAGE  $NODE_IMAGE_EXACT   node $NODE_VERSION, npm $NPM_VERSION
  $POSTGRES_IMAGE   postgresql $POSTGRES_VERSION
  $REDIS_IMAGE   redis $REDIS_VERSION
  base: $BASE_IMAGE
  env: $OUT_ENV
EOF
