/**
 * The view of generators/docker/templates/Dockerfile.ejs: every stage's pieces for the model (the
 * dependency modes' steps are in dependency-steps.ts, the shared shell pieces in dockerfile-steps.ts)
 * and the files the build context must contain.
 */
import { gunicornArgs } from '../../lib/commands.js';
import type { Model } from '../../lib/model.js';
import {
  CONTAINER_DEV_REQUIREMENTS,
  CONTAINER_REQUIREMENTS,
  hasContainerDevRequirements,
  venvToolPins,
} from '../../lib/requirements.js';
import { type DependencyInputs, dependencySteps } from './dependency-steps.js';
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
import { under } from '../../lib/paths.js';
import { enabledServices, usesDatabaseServer } from '../../lib/services/index.js';
import {
  BASE_TOOLS_REMOVAL,
  COREPACK_GUARD,
  INSTALLER_DIR,
  CACHED_PIP,
  compiledWheelsInstall,
  installerSetup,
  NPM_CACHE_MOUNT,
  PIP_CACHE_MOUNT,
  PIP_INDEX_GUARD,
  PYCACHE_ENV,
  pycacheMount,
  SETUID_SWEEP,
  UV_VERSION,
  WHEELS_DIR,
  assetsCopy,
  buildPackages,
  developmentUser,
  execForm,
  installPackages,
  mountFlags,
  productionUser,
  runtimePackages,
  shellChain,
  shellJson,
  wheelsInstall,
  wheelsOrBuild,
} from './dockerfile-steps.js';

/** Where the project's files are, as far as the Dockerfile cares (from detection; defaults at the root). */
export interface DockerfileInputs extends DependencyInputs {
  /** Folder of package.json and its lockfile, relative to the project root. */
  nodeDir: string;
  /** The image repository was chosen (flag, answer, detection), not the placeholder default. */
  imageRepositoryKnown: boolean;
  /** Distribution names the project depends on (generators/docker/system-packages.ts picks their system libraries). */
  pythonPackages?: ReadonlySet<string>;
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
  /** The collectstatic RUN's cache mount of the bytecode its Python compiles, and the command itself. */
  pycacheMount: string;
  collectstatic: string;
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
  /** The wheel step's mounts: pip's cache, the bytecode cache and the runtime dependency manifests. */
  depsMounts: string;
  /** Commands of the builder's RUN that makes the runtime dependencies' wheels (after the guard). */
  depsInstall: string[];
  /** The development stage's install of those wheels into its venv. */
  wheelsInstall: string;
  /** The production stage's install of the wheels, with the builder's pip from a bind mount. */
  productionInstall: string;
  /** The mounts of that RUN: the wheels and the builder's pip (bind mounts), the bytecode cache. */
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
  const { depsMounts, depsPrepare, depsRequirements, devCopy, devInstall, pyproject } = dependencySteps(
    m,
    inputs,
  );
  const venvTools = venvToolPins(s.pythonVersion);
  const pipPin = venvTools.find((r) => r.name === 'pip')!;
  const toolchain = [
    ...new Set([...buildPackages(m), ...systemPackagesFor(m, inputs.pythonPackages ?? [], 'build')]),
  ];
  const npm = s.frontend === 'npm';
  // One bytecode cache for the project's wheel step, production install and collectstatic.
  const pycache = pycacheMount(s.projectName);
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
    ...enabledServices(m, 'buildEnv').flatMap((svc) => svc.buildEnv!(m)),
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
    pycacheMount: pycache,
    collectstatic: `${PYCACHE_ENV} ${buildEnv} python ${m.managePy} collectstatic --noinput`,
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
    depsMounts: mountFlags([PIP_CACHE_MOUNT, pycache, ...depsMounts]),
    depsInstall: [...depsPrepare, wheelsOrBuild(m, toolchain, depsRequirements)],
    wheelsInstall: wheelsInstall('pip'),
    productionInstall: shellChain(compiledWheelsInstall(`${CACHED_PIP} --disable-pip-version-check`, m.venv)),
    wheelMounts: mountFlags([
      `--mount=type=bind,from=builder,source=${WHEELS_DIR},target=${WHEELS_DIR}`,
      `--mount=type=bind,from=builder,source=${INSTALLER_DIR},target=${INSTALLER_DIR}`,
      pycache,
    ]),
    installerDir: INSTALLER_DIR,
    installerSetup: installerSetup(pipPin.version),
    uv: s.pythonDeps === 'uv',
    venvTools: `pip install --upgrade ${venvTools.map((r) => `"${r.name}==${r.version}"`).join(' ')}`,
    productionSetup: [
      ...installPackages(m, runtime),
      ...productionUser(m),
      // Without PostgreSQL: the sqlite folder, owned by the app user, so a new volume mounted there is too.
      ...(usesDatabaseServer(m) ? [] : [`install -d -o ${m.uid} -g ${m.gid} -m 0750 ${m.dataDir}`]),
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
      ...(hasContainerDevRequirements(s) ? [CONTAINER_DEV_REQUIREMENTS] : []),
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
