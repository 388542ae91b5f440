/** The pieces the Dockerfile's stages are made of: shell forms, package installs, the wheels-first install, users, guards, cache mounts and COPY steps. */
import type { Model } from '../../lib/model.js';
import { assetsSourceList } from '../../lib/assets-sources.js';
import { dirOf } from '../../lib/paths.js';
import { enabledServices } from '../../lib/services/index.js';

/** A JSON array as Dockerfile exec form is usually written: `["a", "b"]`. */
export function execForm(args: readonly string[]): string {
  return `[${args.map((a) => JSON.stringify(a)).join(', ')}]`;
}

/** SHELL of the image: pipefail (and errexit) for every RUN; busybox ash on Alpine, bash on Debian. */
export function shellJson(m: Model): string {
  const shell = m.s.variant === 'alpine' ? '/bin/ash' : '/bin/bash';
  return execForm([shell, '-e', '-o', 'pipefail', '-c']);
}

/** One RUN body: commands joined with `&&`, one per line. */
export function shellChain(commands: readonly string[]): string {
  return commands.join(' \\\n    && ');
}

/**
 * What apt leaves behind that nothing in an image reads: the package lists, apt's and dpkg's logs, and
 * the copies dpkg and debconf keep of their databases from before the install (status-old,
 * templates.dat-old: most of a small install's layer besides the libraries themselves).
 */
const APT_LEFTOVERS = [
  '/var/lib/apt/lists/*',
  '/var/log/apt/*',
  '/var/log/dpkg.log',
  '/var/lib/dpkg/*-old',
  '/var/cache/debconf/*-old',
];

/** The package install command of the variant (no cache, no recommends, lists and leftovers removed). */
export function installPackages(m: Model, packages: readonly string[]): string[] {
  if (packages.length === 0) return [];
  if (m.s.variant === 'alpine') return [`apk add --no-cache ${packages.join(' ')}`];
  return [
    'apt-get update',
    `apt-get install -y --no-install-recommends ${packages.join(' ')}`,
    `rm -rf ${APT_LEFTOVERS.join(' ')}`,
  ];
}

/** The system packages the services that are on declare: headers to build with, or libraries to run. */
function servicePackages(m: Model, kind: 'build' | 'runtime'): string[] {
  return enabledServices(m, 'imagePackages').flatMap((svc) => svc.imagePackages!(m)[kind]);
}

/** Compilers and headers for Python packages without a wheel: the builder stage only. */
export function buildPackages(m: Model): string[] {
  return [m.s.variant === 'alpine' ? 'build-base' : 'build-essential', ...servicePackages(m, 'build')];
}

/** uv that exports uv.lock; a newer one reads older lockfiles (build arg UV_VERSION overrides it). */
export const UV_VERSION = '0.13.8';
/** Where the builder leaves a wheel of every runtime dependency (downloaded or built). */
export const WHEELS_DIR = '/opt/wheels';
/**
 * The builder's pip alone, without its dist-info: the builder makes the wheels with it and the
 * production stage runs it from a bind mount to install them, so no pip lands in the production venv,
 * and one the project requires is still installed (a pip found on sys.path with metadata would count
 * as installed).
 */
export const INSTALLER_DIR = '/opt/installer';
/** That pip, run by the base image's Python: the builder needs no venv of its own. */
export const INSTALLER_PIP = `PYTHONPATH=${INSTALLER_DIR} python -m pip`;

/**
 * Where the build's own Python runs (pip in the builder and the production stage, collectstatic) keep
 * their bytecode: a cache mount, one per project. The official images ship the standard library and
 * pip without .pyc files (their Dockerfile deletes them) and the image sets PYTHONDONTWRITEBYTECODE,
 * so each such run would compile every module it imports from source: on the starter app that is half
 * of collectstatic's second. In the cache, a rebuild compiles only what changed (Python checks each
 * .pyc against its source's mtime and size), and none of it enters the image. The cache mirrors
 * absolute paths, hence one per project name. Never for a compileall of the venv: with the prefix set
 * its bytecode would go to the cache instead of the image.
 */
export const PYCACHE_DIR = '/root/.cache/pycache';
export const pycacheMount = (projectName: string): string =>
  `--mount=type=cache,id=${projectName}-pycache,target=${PYCACHE_DIR}`;
/** Inline variables of a build-time Python command that reads and writes the cached bytecode. */
export const PYCACHE_ENV = `PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=${PYCACHE_DIR}`;
/** The pinned pip, reading and writing its bytecode in the cache mount. */
export const CACHED_PIP = `${PYCACHE_ENV} ${INSTALLER_PIP}`;

/**
 * Puts pip `version` in INSTALLER_DIR: a copy of the base image's own when it is that release (the
 * common case: nothing to download or unpack), else that release from the index. Not compiled: every
 * run of it (CACHED_PIP) keeps the bytecode of what it imports in the cache mount.
 */
export function installerSetup(version: string): string[] {
  const baseVersion = `python -c 'from importlib.metadata import version; print(version("pip"))' 2>/dev/null`;
  const baseDir = `python -c 'import os, pip; print(os.path.dirname(pip.__file__))'`;
  return [
    `if [ "$(${baseVersion})" = "${version}" ]; then \\
        mkdir -p ${INSTALLER_DIR} && cp -a "$(${baseDir})" ${INSTALLER_DIR}/; \\
    else python -m pip install --no-deps --no-compile --target ${INSTALLER_DIR} "pip==${version}" \\
        && rm -rf ${INSTALLER_DIR}/bin ${INSTALLER_DIR}/pip-*.dist-info; fi`,
  ];
}

/**
 * The builder's wheel step: wheels only first; only when some package has none (pip's error), the
 * toolchain (buildPackages, the system packages' headers) comes in and pip builds what is missing.
 * With unpinned requirements, the first try takes the newest release that has a wheel.
 */
export function wheelsOrBuild(m: Model, toolchain: readonly string[], requirements: string): string {
  const wheel = (extra: string): string =>
    `${CACHED_PIP} wheel${extra} --wheel-dir ${WHEELS_DIR} ${requirements}`;
  const fallback = [
    'echo "A dependency has no wheel for this platform: installing the build toolchain to build it" >&2',
    ...installPackages(m, toolchain),
    wheel(''),
  ];
  const next = ' \\\n        && ';
  return `if ! ${wheel(' --only-binary=:all:')}; then \\\n        ${fallback.join(next)}; fi`;
}

/** pip install of the builder's wheels, from the folder only (no index, nothing downloaded or built). */
export const wheelsInstall = (pip: string): string =>
  `${pip} install --no-cache-dir --no-index --find-links ${WHEELS_DIR} ${WHEELS_DIR}/*.whl`;

/**
 * Byte-compiles every .py file under `dir` on every CPU: the files are dealt round-robin into one list
 * per CPU and one compileall compiles each list. compileall's own `-j 0` hands its workers one file at
 * a time: over the starter's venv it took 1.8-2.5 s against 1.4-2.3 s for the lists, on 2 CPUs. A file that does not compile (some packages
 * ship templates named .py) is reported, not fatal: Python reads it from source, as after pip.
 */
export function compileInParallel(dir: string): string {
  const lists = '/tmp/py-compile';
  return [
    `{ find ${dir} -name '*.py' | awk -v n="$(nproc)" '{ print > ("${lists}." NR % n) }'`,
    `pids=''; for list in ${lists}.*; do [ -e "$list" ] || continue; python -m compileall -q -i "$list" & pids="$pids $!"; done`,
    `failed=''; for pid in $pids; do wait "$pid" || failed=1; done; rm -f ${lists}.*`,
    `if [ -n "$failed" ]; then echo "Some installed files did not byte-compile; Python reads those from source" >&2; fi; }`,
  ].join('; \\\n      ');
}

/**
 * The production install: the wheels unpacked without byte-compiling, then compiled on every CPU
 * (pip compiles one file after another, and Django alone has over a thousand). The wheel folder is
 * the whole closure the builder resolved, one wheel per package, so pip installs the files as they are
 * (--no-deps) without resolving them again, nor checking them again (--no-warn-conflicts).
 */
export function compiledWheelsInstall(pip: string, venv: string): string[] {
  return [
    `${pip} install --no-cache-dir --no-compile --no-deps --no-index --no-warn-conflicts ${WHEELS_DIR}/*.whl`,
    compileInParallel(`${venv}/lib`),
  ];
}

/** Shared libraries the app needs at run time (the services' client libraries load them). */
export function runtimePackages(m: Model): string[] {
  return servicePackages(m, 'runtime');
}

/** The production user: numeric uid/gid, no home, no login shell, no lastlog entry (useradd -l). */
export function productionUser(m: Model): string[] {
  const { uid, gid, user } = m;
  return m.s.variant === 'alpine'
    ? [`addgroup -S -g ${gid} ${user}`, `adduser -S -D -H -u ${uid} -G ${user} -s /sbin/nologin ${user}`]
    : [`groupadd -g ${gid} ${user}`, `useradd -l -u ${uid} -g ${user} -M -s /usr/sbin/nologin ${user}`];
}

/**
 * The development user with the host's uid/gid (build args), so files it writes into the bind mount
 * belong to the developer. A gid the image already has (e.g. 20 on macOS) is reused, not re-created.
 */
export function developmentUser(m: Model): string[] {
  const { user } = m;
  const group = `group=$(awk -F: -v gid="$HOST_GID" '$3 == gid { print $1; exit }' /etc/group)`;
  return m.s.variant === 'alpine'
    ? [
        group,
        `if [ -z "$group" ]; then addgroup -g "$HOST_GID" ${user}; group=${user}; fi`,
        `adduser -D -u "$HOST_UID" -G "$group" -h /home/${user} -s /bin/sh ${user}`,
      ]
    : [
        group,
        `if [ -z "$group" ]; then groupadd -g "$HOST_GID" ${user}; group=${user}; fi`,
        `useradd -l -m -u "$HOST_UID" -g "$group" -d /home/${user} -s /bin/bash ${user}`,
      ];
}

/**
 * An empty PIP_INDEX_URL would leave pip with no index at all (and compose passes empty build args),
 * so empty values are unset before pip runs.
 */
export const PIP_INDEX_GUARD = [
  'if [ -z "${PIP_INDEX_URL:-}" ]; then unset PIP_INDEX_URL; fi',
  'if [ -z "${PIP_TRUSTED_HOST:-}" ]; then unset PIP_TRUSTED_HOST; fi',
];

/** Like PIP_INDEX_GUARD: compose passes empty build args, and corepack reads an empty key list as "no checks". */
export const COREPACK_GUARD = [
  'if [ -z "${COREPACK_NPM_REGISTRY:-}" ]; then unset COREPACK_NPM_REGISTRY; fi',
  'if [ -z "${COREPACK_INTEGRITY_KEYS:-}" ]; then unset COREPACK_INTEGRITY_KEYS; fi',
];

/**
 * The base image's own pip, setuptools and wheel (the system Python's, outside the venv) leave the
 * production image: nothing there runs them, and their old releases fail the pipeline's scan. The venv
 * keeps its upgraded pip (venvToolPins). Runs before the venv is copied in, so `python` is the system's.
 * Only what pip installed (with a RECORD) is removed: a distribution's Python packaged by the system
 * (Debian's python3-pip) is the system package manager's to update.
 */
export const BASE_TOOLS_REMOVAL = [
  `tools=$(python -c 'from importlib import metadata as m; print(*[n for n in ("setuptools", "wheel", "pip") if any(d.read_text("RECORD") for d in m.distributions(name=n))])')`,
  'if [ -n "$tools" ]; then python -m pip uninstall --yes --quiet $tools; fi',
];

/**
 * Drops setuid/setgid bits. Python (/usr/local), headers and docs hold no setuid binary in any base
 * image or package, so the sweep skips them: the binaries that have the bits (su, mount, passwd,
 * unix_chkpwd) live under /usr/bin, /usr/sbin and /usr/lib, which it walks.
 */
export const SETUID_SWEEP =
  'find / -xdev \\( -path /usr/local -o -path /usr/share -o -path /usr/include \\) -prune -o -type f -perm /6000 -exec chmod a-s {} +';

export const PIP_CACHE_MOUNT = '--mount=type=cache,target=/root/.cache/pip';

export const NPM_CACHE_MOUNT = '--mount=type=cache,target=/root/.npm';

/**
 * Prints the requirements of a pyproject.toml, one per line: [project].dependencies, or with group
 * names as arguments those optional-dependencies and dependency-groups. No build backend runs, so a
 * Django project that is not an installable package works, and only pyproject.toml busts the cache.
 * tomllib from Python 3.11, before that the tomli that pip vendors.
 */
export const PYPROJECT_DEPS_SCRIPT = [
  'import sys',
  't = __import__("tomllib") if sys.version_info >= (3, 11) else __import__("pip._vendor.tomli", fromlist=["load"])',
  'd = t.load(open(sys.argv[1], "rb"))',
  'p = d.get("project", {})',
  'g = sys.argv[2:]',
  'r = [x for k in g for x in p.get("optional-dependencies", {}).get(k, []) + d.get("dependency-groups", {}).get(k, [])] if g else p.get("dependencies", [])',
  'print("\\n".join(x for x in r if isinstance(x, str)))',
].join('; ');

/** Folders that hold requirement files only: copied whole, so includes added later keep working. */
const REQUIREMENTS_FOLDER = /(^|\/)(requirements?|reqs?|deps|dependencies)$/i;

/**
 * COPY steps for requirement files: a folder of requirement files (requirements/) is copied whole,
 * other files one by one into their folder (never a whole source folder such as src/, which would
 * rebuild the install layer on every code change). Destinations mirror the context under the workdir,
 * so relative `-r` includes keep working.
 */
export function copySteps(m: Model, files: readonly string[]): CopyStep[] {
  const wholeFolders = [...new Set(files.map(dirOf).filter((d) => REQUIREMENTS_FOLDER.test(d)))].filter(
    (f, _i, all) => !all.some((o) => o !== f && f.startsWith(`${o}/`)),
  );
  const inWhole = (file: string): boolean => wholeFolders.some((f) => file.startsWith(`${f}/`));
  const byFolder = new Map<string, string[]>();
  for (const file of new Set(files)) {
    if (inWhole(file)) continue;
    byFolder.set(dirOf(file), [...(byFolder.get(dirOf(file)) ?? []), file]);
  }
  const dest = (folder: string): string => (folder === '.' ? `${m.workdir}/` : `${m.workdir}/${folder}/`);
  return [
    ...[...byFolder].map(([folder, sources]) => ({ sources, dest: dest(folder) })),
    ...wholeFolders.sort().map((f) => ({ sources: [`${f}/`], dest: dest(f) })),
  ];
}

/**
 * The steps as read-only bind mounts of the build context, where the COPY would put them: a file into
 * `dest`, a folder (written `folder/`, copied as its contents) as `dest` itself.
 */
export function bindMounts(steps: readonly CopyStep[]): string[] {
  return steps.flatMap((s) =>
    s.sources.map((source) =>
      source.endsWith('/')
        ? `--mount=type=bind,source=${source.slice(0, -1)},target=${s.dest.replace(/\/$/, '')}`
        : `--mount=type=bind,source=${source},target=${s.dest}${source.split('/').at(-1)!}`,
    ),
  );
}

/** A RUN's `--mount` flags, one a line. */
export const mountFlags = (mounts: readonly string[]): string => mounts.join(' \\\n    ');

/** `COPY a b dest` text of the steps. */
export function copyLines(steps: readonly CopyStep[], flags = ''): string[] {
  return steps.map((s) => `COPY ${flags}${[...s.sources, s.dest].join(' ')}`);
}

/**
 * One COPY per source, each to the same path under the workdir (a folder keeps its name). "." copies
 * the whole context: then any change, also to Python code, re-runs the npm build.
 */
export function assetsCopy(m: Model): string[] {
  return copyLines(
    assetsSourceList(m.s.assetsSources).map((p) =>
      p === '.' ? { sources: ['.'], dest: `${m.workdir}/` } : { sources: [p], dest: `${m.workdir}/${p}` },
    ),
  );
}

/** `COPY <sources> <dest>` from the build context. */
export interface CopyStep {
  sources: string[];
  dest: string;
}
