/**
 * Pure helpers behind generators/docker/templates/Dockerfile.ejs and the `.dockerignore`: the shell of
 * each base image, package installs per variant, what each dependency mode copies and installs, and
 * the files the build context must (not) contain.
 */
import { gunicornArgs } from '../../lib/commands.js';
import { LOCK_FILE } from '../../lib/run-lock.js';
import { isIgnored, parseIgnore, SECRET_FILES } from '../../lib/ignore-files.js';
import type { Model } from '../../lib/model.js';
import { CONTAINER_DEV_REQUIREMENTS, CONTAINER_REQUIREMENTS, venvToolPins } from '../../lib/requirements.js';
import { systemPackagesFor } from './system-packages.js';
import {
  corepackSetup,
  INSTALLED_LOCKFILE,
  installCommand,
  isBerry,
  LOCKFILES,
  ROOT_CACHES,
  runCommand,
} from '../../lib/package-manager.js';
import { BUILD_ONLY_SECRET_KEY } from '../../lib/names.js';
import { assetsSourceList } from '../../lib/assets-sources.js';

/** Where the project's files are, as far as the Dockerfile cares (from detection; defaults at the root). */
export interface DockerfileInputs {
  /** Folder of package.json and its lockfile, relative to the project root. */
  nodeDir: string;
  /** Folder of pyproject.toml (and uv.lock) in the pyproject and uv modes. */
  pyprojectDir: string;
  /** Runtime requirement files with every file they include (`-r`/`-c`), requirements mode. */
  requirements: readonly string[];
  /** Development requirement files with their includes; empty when there are none. */
  devRequirements: readonly string[];
  /** The image repository was chosen (flag, answer, detection), not the placeholder default. */
  imageRepositoryKnown: boolean;
  /** Distribution names the project depends on (generators/docker/system-packages.ts picks their system libraries). */
  pythonPackages?: ReadonlySet<string>;
}

/** `COPY <sources> <dest>` from the build context. */
export interface CopyStep {
  sources: string[];
  dest: string;
}

const under = (dir: string, path: string): string => (dir === '.' || dir === '' ? path : `${dir}/${path}`);
const dirOf = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '.');

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

/** The package install command of the variant (no cache, no recommends, lists removed). */
export function installPackages(m: Model, packages: readonly string[]): string[] {
  if (packages.length === 0) return [];
  if (m.s.variant === 'alpine') return [`apk add --no-cache ${packages.join(' ')}`];
  return [
    'apt-get update',
    `apt-get install -y --no-install-recommends ${packages.join(' ')}`,
    'rm -rf /var/lib/apt/lists/*',
  ];
}

/** Compilers and headers for Python packages without a wheel: the builder stage only. */
export function buildPackages(m: Model): string[] {
  const alpine = m.s.variant === 'alpine';
  return [alpine ? 'build-base' : 'build-essential', ...(m.s.postgres ? ['libpq-dev'] : [])];
}

/** Where the builder leaves a wheel of every runtime dependency (downloaded or built). */
/** uv that exports uv.lock; a newer one reads older lockfiles (build arg UV_VERSION overrides it). */
export const UV_VERSION = '0.13.8';
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
 * The builder's wheel step: wheels only first; only when some package has none (pip's error), the
 * toolchain (buildPackages, the system packages' headers) comes in and pip builds what is missing.
 * With unpinned requirements, the first try takes the newest release that has a wheel.
 */
export function wheelsOrBuild(m: Model, toolchain: readonly string[], requirements: string): string {
  const wheel = (extra: string): string =>
    `${INSTALLER_PIP} wheel${extra} --wheel-dir ${WHEELS_DIR} ${requirements}`;
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

/** Shared libraries the app needs at run time (psycopg loads libpq). */
export function runtimePackages(m: Model): string[] {
  if (!m.s.postgres) return [];
  return [m.s.variant === 'alpine' ? 'libpq' : 'libpq5'];
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

/** `COPY a b dest` text of the steps. */
export function copyLines(steps: readonly CopyStep[], flags = ''): string[] {
  return steps.map((s) => `COPY ${flags}${[...s.sources, s.dest].join(' ')}`);
}

/**
 * One COPY per source, each to the same path under the workdir (a folder keeps its name). "." copies
 * the whole context: then any change, also to Python code, re-runs the npm build.
 */
function assetsCopy(m: Model): string[] {
  return copyLines(
    assetsSourceList(m.s.assetsSources).map((p) =>
      p === '.' ? { sources: ['.'], dest: `${m.workdir}/` } : { sources: [p], dest: `${m.workdir}/${p}` },
    ),
  );
}

/** Everything the Dockerfile template needs beyond `m` and `s`. */
export interface DockerfileView {
  shell: string;
  /** An npm build (--frontend npm): the assets stage, Node.js in development, built assets copied. */
  npm: boolean;
  /** ENV of the development and production stages, in order. */
  devEnv: [string, string][];
  prodEnv: [string, string][];
  /** Inline variables of the collectstatic RUN: settings that load without the runtime environment. */
  buildEnv: string;
  nodeWorkdir: string;
  /** package.json and the package manager's lockfile, in the node folder. */
  npmManifests: string[];
  /** Commands that make corepack and the pinned yarn/pnpm available (none for npm). */
  managerSetup: string[];
  /** Unsets the empty corepack build args (an empty COREPACK_INTEGRITY_KEYS would turn checks off). */
  corepackGuard: readonly string[];
  installedLockfile: string;
  /** Where corepack keeps the yarn/pnpm it fetched: the development stage takes it along. */
  corepackHome: string;
  /** The install from the lockfile, and the build. */
  managerInstall: string;
  build: string;
  /** The lockfile, copied into node_modules once installed: the assets service installs only when they differ. */
  lockfile: string;
  /** Built assets folder inside the assets stage and the images. */
  assetsPath: string;
  /** COPY instructions of what the npm build reads (--assets-sources), after npm ci. */
  assetsCopy: string[];
  /** node_modules of the assets stage (copied into the development image). */
  nodeModulesPath: string;
  /** Compilers and headers: the builder's fallback when a package has no wheel; always in development. */
  toolchain: string[];
  /** COPY instructions of the runtime dependency manifests. */
  depsCopy: string[];
  /** Commands of the builder's RUN that makes the runtime dependencies' wheels (after the guard). */
  depsInstall: string[];
  /** The development stage's install of those wheels into its venv. */
  wheelsInstall: string;
  /** The production stage's install of the wheels, with the builder's pip from a bind mount. */
  productionInstall: string;
  /** The bind mounts of that RUN: the wheels and the builder's pip. */
  wheelMounts: string;
  /** Installs the pinned pip (the package alone) into INSTALLER_DIR, with the base image's pip. */
  installerSetup: string[];
  installerDir: string;
  /** Whether uv is needed (uv mode). */
  uv: boolean;
  /** pip install of the development venv's pip (and setuptools) at fixed releases, right after it is made. */
  venvTools: string;
  /** The production stage's RUN before the app's layers: runtime packages, user, no setuid, no base pip. */
  productionSetup: string[];
  devCopy: string[];
  devInstall: string[];
  developmentUser: string[];
  cmd: string;
  devCmd: string;
  entrypoint: string;
  healthcheck: string;
  labels: [string, string][];
  /** Context paths the image needs, checked against .dockerignore. */
  required: string[];
  pipCache: string;
  npmCache: string;
  guard: readonly string[];
  uvVersion: string;
  buildSecret: string;
  chain: (commands: readonly string[]) => string;
  install: (packages: readonly string[]) => string[];
}

/** Where corepack keeps the package managers it fetched, in the assets and development stages. */
export const COREPACK_HOME = '/opt/corepack';

/** Source repository URL for the OCI label, when the image repository names a GitHub one. */
export function sourceUrl(imageRepository: string): string | undefined {
  const match = /^ghcr\.io\/([a-z0-9][a-z0-9_.-]*)\/([a-z0-9][a-z0-9_.-]*)$/.exec(imageRepository);
  return match ? `https://github.com/${match[1]}/${match[2]}` : undefined;
}

export function dockerfileView(m: Model, inputs: DockerfileInputs): DockerfileView {
  const { s } = m;
  const nodeWorkdir = inputs.nodeDir === '.' ? m.workdir : `${m.workdir}/${inputs.nodeDir}`;
  const reqPath = (file: string): string => `${m.workdir}/${file}`;
  const depsWorkdir =
    s.pythonDeps !== 'requirements' && inputs.pyprojectDir !== '.'
      ? `${m.workdir}/${inputs.pyprojectDir}`
      : m.workdir;
  let depsCopy: string[];
  // Commands that write the requirement files (pyproject, uv), and pip's `-r` arguments for them.
  let depsPrepare: string[] = [];
  let depsRequirements: string;
  let devCopy: string[] = [];
  let devInstall: string[] = [];
  const pyproject = under(inputs.pyprojectDir, 'pyproject.toml');
  const extract = (groups: string, out: string): string =>
    `python -c '${PYPROJECT_DEPS_SCRIPT}' ${depsWorkdir}/pyproject.toml${groups} > ${out}`;
  switch (s.pythonDeps) {
    case 'pyproject':
      depsCopy = copyLines([{ sources: [pyproject], dest: `${depsWorkdir}/` }]);
      depsPrepare = [extract('', '/tmp/requirements.txt')];
      depsRequirements = '-r /tmp/requirements.txt';
      devInstall = [
        extract(' dev test', '/tmp/requirements-dev.txt'),
        'pip install -r /tmp/requirements-dev.txt',
      ];
      break;
    case 'uv': {
      depsCopy = copyLines([
        { sources: [pyproject, under(inputs.pyprojectDir, 'uv.lock')], dest: `${depsWorkdir}/` },
      ]);
      // uv only reads the lockfile (no network); pip installs, so PIP_INDEX_URL works for uv projects too.
      const exportCmd = (extra: string, out: string): string =>
        `UV_PYTHON_DOWNLOADS=never /opt/uv/bin/uv export --project ${depsWorkdir} --frozen --no-emit-project --no-header${extra} --output-file ${out}`;
      depsPrepare = [exportCmd(' --no-dev', '/tmp/requirements.txt')];
      depsRequirements = '-r /tmp/requirements.txt';
      devInstall = [exportCmd('', '/tmp/requirements-dev.txt'), 'pip install -r /tmp/requirements-dev.txt'];
      break;
    }
    default:
      depsCopy = copyLines(copySteps(m, inputs.requirements));
      depsRequirements = `-r ${reqPath(s.requirementsFile)}`;
      if (s.devRequirementsFile !== 'none') {
        devCopy = copyLines(copySteps(m, inputs.devRequirements));
        devInstall = [`pip install -r ${reqPath(s.devRequirementsFile)}`];
      }
  }
  // The container's own needs (docker/requirements.txt) resolve together with the project's.
  const containerFile = `${m.workdir}/${CONTAINER_REQUIREMENTS}`;
  depsCopy.push(`COPY ${CONTAINER_REQUIREMENTS} ${m.workdir}/${dirOf(CONTAINER_REQUIREMENTS)}/`);
  depsRequirements += ` -r ${containerFile}`;
  const venvTools = venvToolPins(s.pythonVersion);
  const pipPin = venvTools.find((r) => r.name === 'pip')!;
  const toolchain = [
    ...new Set([...buildPackages(m), ...systemPackagesFor(m, inputs.pythonPackages ?? [], 'build')]),
  ];
  // With Celery the development image adds docker/requirements-dev.txt (watchfiles), with the dev deps.
  if (s.celery) {
    devCopy = [
      ...devCopy,
      `COPY ${CONTAINER_DEV_REQUIREMENTS} ${m.workdir}/${dirOf(CONTAINER_DEV_REQUIREMENTS)}/`,
    ];
    const devFile = `-r ${m.workdir}/${CONTAINER_DEV_REQUIREMENTS}`;
    devInstall =
      devInstall.length > 0
        ? [...devInstall.slice(0, -1), `${devInstall.at(-1)!} ${devFile}`]
        : [`pip install ${devFile}`];
  }
  const npm = s.frontend === 'npm';
  const runtime = [
    ...new Set([...runtimePackages(m), ...systemPackagesFor(m, inputs.pythonPackages ?? [], 'runtime')]),
  ];
  const env = (settingsModule: string): [string, string][] => [
    ['PYTHONDONTWRITEBYTECODE', '1'],
    ['PYTHONUNBUFFERED', '1'],
    ['PYTHONPATH', m.pythonPathEnv],
    ['DJANGO_SETTINGS_MODULE', m.bridgeModule],
    ['PROJECT_SETTINGS_MODULE', settingsModule],
    ['PORT', String(s.port)],
    ['HEALTH_PATH', s.healthPath],
    ['READINESS_PATH', m.readinessPath],
    ...(npm ? ([['DJANGO_ASSETS_DIR', `${m.workdir}/${s.assetsDir}`]] as [string, string][]) : []),
  ];
  // What settings commonly need just to load (django-environ's env.db(), env.list()), for collectstatic
  // only: the container settings accept the throwaway key only with PY_DOCKER_BUILD set.
  const buildEnv = [
    'PY_DOCKER_BUILD=1',
    `DJANGO_SECRET_KEY=${BUILD_ONLY_SECRET_KEY}`,
    'DJANGO_DEBUG=false',
    'DJANGO_ALLOWED_HOSTS=localhost',
    'DATABASE_URL=sqlite:////tmp/build.sqlite3',
    ...(s.redis ? ['REDIS_URL=redis://localhost:6379/0'] : []),
  ].join(' ');
  const cmd =
    s.processManager === 'supervisord'
      ? ['supervisord', '-c', `${m.scriptsDir}/supervisord.conf`]
      : gunicornArgs(m);
  const labels: [string, string][] = [
    ['org.opencontainers.image.title', s.projectName],
    ['org.opencontainers.image.description', `${s.projectName}: Django application (production image)`],
    ['org.opencontainers.image.base.name', m.pythonImage],
  ];
  const source = inputs.imageRepositoryKnown ? sourceUrl(s.imageRepository) : undefined;
  if (source) labels.push(['org.opencontainers.image.source', source]);
  return {
    shell: shellJson(m),
    npm,
    devEnv: env(s.devSettingsModule),
    prodEnv: [['VIRTUAL_ENV', m.venv], ['PATH', `${m.venv}/bin:$PATH`], ...env(s.settingsModule)],
    buildEnv,
    nodeWorkdir,
    npmManifests: ['package.json', LOCKFILES[s.packageManager]].map((f) => under(inputs.nodeDir, f)),
    managerSetup: corepackSetup(s),
    corepackGuard: COREPACK_GUARD,
    installedLockfile: INSTALLED_LOCKFILE,
    corepackHome: COREPACK_HOME,
    managerInstall: installCommand(s),
    build: runCommand(s, s.buildScript),
    lockfile: LOCKFILES[s.packageManager],
    assetsPath: `${m.workdir}/${s.assetsDir}`,
    nodeModulesPath: `${nodeWorkdir}/node_modules`,
    assetsCopy: assetsCopy(m),
    toolchain,
    depsCopy,
    depsInstall: [...depsPrepare, wheelsOrBuild(m, toolchain, depsRequirements)],
    wheelsInstall: wheelsInstall('pip'),
    productionInstall: wheelsInstall(`${INSTALLER_PIP} --disable-pip-version-check`),
    wheelMounts: [
      `--mount=type=bind,from=builder,source=${WHEELS_DIR},target=${WHEELS_DIR}`,
      `--mount=type=bind,from=builder,source=${INSTALLER_DIR},target=${INSTALLER_DIR}`,
    ].join(' \\\n    '),
    installerDir: INSTALLER_DIR,
    installerSetup: [
      `python -m pip install --no-deps --target ${INSTALLER_DIR} "pip==${pipPin.version}"`,
      `rm -rf ${INSTALLER_DIR}/bin ${INSTALLER_DIR}/pip-*.dist-info`,
    ],
    uv: s.pythonDeps === 'uv',
    venvTools: `pip install --upgrade ${venvTools.map((r) => `"${r.name}==${r.version}"`).join(' ')}`,
    productionSetup: [
      ...installPackages(m, runtime),
      ...productionUser(m),
      // Without PostgreSQL: the sqlite folder, owned by the app user, so a new volume mounted there is too.
      ...(s.postgres ? [] : [`install -d -o ${m.uid} -g ${m.gid} -m 0750 ${m.dataDir}`]),
      SETUID_SWEEP,
      ...BASE_TOOLS_REMOVAL,
      // The venv the wheels go into, without pip: the builder's runs from a bind mount.
      `python -m venv --without-pip ${m.venv}`,
    ],
    devCopy,
    devInstall,
    developmentUser: developmentUser(m),
    cmd: execForm(cmd),
    devCmd: execForm(['python', m.managePy, 'runserver', `0.0.0.0:${s.port}`]),
    entrypoint: execForm([`${m.scriptsDir}/entrypoint.sh`]),
    healthcheck: execForm([`${m.scriptsDir}/healthcheck.sh`]),
    labels,
    required: [
      ...(s.pythonDeps === 'requirements'
        ? [...inputs.requirements, ...inputs.devRequirements]
        : [pyproject, ...(s.pythonDeps === 'uv' ? [under(inputs.pyprojectDir, 'uv.lock')] : [])]),
      m.managePy,
      'docker/entrypoint.sh',
      'docker/healthcheck.sh',
      'docker/gunicorn.conf.py',
      'docker/wait-for-it.sh',
      CONTAINER_REQUIREMENTS,
      ...(s.celery ? [CONTAINER_DEV_REQUIREMENTS] : []),
      `${m.bridgeDir}/${m.bridgeModule}.py`,
      ...(s.processManager === 'supervisord' ? ['docker/supervisord.conf'] : []),
      ...(npm
        ? [
            under(inputs.nodeDir, 'package.json'),
            under(inputs.nodeDir, LOCKFILES[s.packageManager]),
            ...assetsSourceList(s.assetsSources).filter((p) => p !== '.'),
          ]
        : []),
    ],
    pipCache: PIP_CACHE_MOUNT,
    npmCache:
      s.packageManager === 'npm' || isBerry(s.packageManager, s.packageManagerVersion)
        ? NPM_CACHE_MOUNT
        : `--mount=type=cache,target=${ROOT_CACHES[s.packageManager]}`,
    guard: PIP_INDEX_GUARD,
    uvVersion: UV_VERSION,
    buildSecret: BUILD_ONLY_SECRET_KEY,
    chain: shellChain,
    install: (packages) => installPackages(m, packages),
  };
}

/**
 * What the image never reads (docker init): deployment manifests, the pipeline, the dev container,
 * compose files, Dockerfiles and docs. Out of the context, editing them keeps the COPY and collectstatic
 * layers cached. Docker still reads the Dockerfile it builds when the context leaves it out.
 */
export const NEVER_IN_IMAGE = [
  'k8s',
  '.github',
  '.devcontainer',
  'docker-compose*.yml',
  'docker-compose*.yaml',
  'compose*.yml',
  'compose*.yaml',
  'Dockerfile',
  'Dockerfile.*',
  '*.Dockerfile',
  '.dockerignore',
  'container-structure-test.yaml',
  'README*',
  'docs',
] as const;

/**
 * What `.dockerignore` keeps out of the build context (merged into the user's file, never replacing it).
 * `needed`: paths the image reads (DockerfileView.required, a Python package named docs/): a
 * NEVER_IN_IMAGE pattern that would leave one of them out is not added.
 */
export function dockerignoreLines(m: Model, needed: readonly string[] = []): string[] {
  const { s } = m;
  const neverRead = NEVER_IN_IMAGE.filter(
    (pattern) => !needed.some((path) => isIgnored(parseIgnore(pattern), path)),
  );
  const staticRoot = m.staticRoot.replace(`${m.workdir}/`, '');
  return [
    // Secrets and the repository itself.
    '.git',
    ...SECRET_FILES,
    // Dependencies and caches: the image installs its own.
    '**/node_modules',
    '**/__pycache__',
    '**/*.py[cod]',
    '.venv',
    'venv',
    '**/.venv',
    '.pytest_cache',
    '.mypy_cache',
    '.ruff_cache',
    '.tox',
    '.nox',
    // Test and CI output.
    '.coverage',
    '.coverage.*',
    'htmlcov',
    'coverage.xml',
    'test-results',
    'npm-debug.log*',
    // Local build output: the image builds the assets and collects static files itself.
    ...(s.frontend === 'npm' ? [s.assetsDir] : []),
    staticRoot,
    ...(s.appDir === '.' ? [] : [under(s.appDir, staticRoot)]),
    '*.py-docker-new',
    // A run's lock: only a killed run leaves it behind.
    LOCK_FILE,
    // What the image never reads: a change there rebuilds nothing.
    ...neverRead,
  ];
}
