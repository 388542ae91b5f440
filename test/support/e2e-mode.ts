/**
 * The one description of how the end-to-end suite runs, from the environment alone (pure: no Docker,
 * no files). Two modes:
 *
 * - stand-ins (default): machines without a container registry or PyPI. scripts/e2e.sh provisions
 *   stand-in images and an offline package index (scripts/provision) and sources provision.env; the
 *   generated projects pin the versions the stand-ins hold, builds use the host network and the index.
 * - real-images (PY_DOCKER_E2E_REAL_IMAGES=1, and only then; the GitHub workflow): the machine's own
 *   Docker, the generator's real defaults, the official images pulled by Docker, PyPI, the normal
 *   build network, and the Alpine variant too.
 *
 * scripts/e2e.sh asks `modeName` which mode it is in, so the script and the suite cannot disagree.
 */
import { emptyDetection } from '../../lib/detect-empty.js';
import { buildModel } from '../../lib/model.js';
import { resolveSettings } from '../../lib/resolve.js';
import { SETTINGS, type SettingKey, type Settings } from '../../lib/settings.js';
import { REQUIREMENT_PINS } from '../../generators/app/starter.js';
import type { Versions } from './e2e-fixtures.js';

export const REAL_IMAGES_VAR = 'PY_DOCKER_E2E_REAL_IMAGES';

export type ModeName = 'stand-ins' | 'real-images';

type Env = Readonly<Record<string, string | undefined>>;
export type Flags = Readonly<Record<string, string | boolean>>;

/** Whether a case runs in this mode; when not, why, in one line the suite prints. */
export type CaseRun = { runs: true } | { runs: false; why: string };

export interface E2eMode {
  name: ModeName;
  /** `local`: the stand-ins scripts/provision built must exist; `pull`: Docker pulls the official images. */
  imageSource: 'local' | 'pull';
  /** Every base image the cases of this mode build on or run (from the generator's own model). */
  images: string[];
  /** Versions the generated projects and the existing-project fixture use. */
  versions: Versions;
  /** `yo py-docker --yes` flags of each kind of project the suite generates. */
  flags: {
    /** A new user's project (slim variant). */
    starter: Flags;
    /** An existing project: what cannot be detected from its files (the fixture adds its own). */
    existing: Flags;
    /** All-in-one: supervisord, Celery and Redis. */
    allInOne: Flags;
    /** The Alpine variant. */
    alpine: Flags;
  };
  /** KEY=VALUE build arguments of every image build (the offline index in stand-in mode). */
  buildArgs: string[];
  /** `docker build --network` value, or undefined for Docker's default. */
  buildNetwork: 'host' | undefined;
  /** The package index that must answer before the suite runs (stand-in mode only). */
  indexUrl: string | undefined;
  cases: { alpine: CaseRun };
}

/** Test-only pins of the existing-project fixture where PyPI is used (releases for Python 3.8+). */
const REAL_TEST_PINS = { pytest: '8.3.5', pytestDjango: '4.5.2' } as const;

/** The mode the environment selects: `1` real images, unset/empty/`0` stand-ins, anything else an error. */
export function modeName(env: Env): ModeName {
  const value = env[REAL_IMAGES_VAR];
  if (value === '1') return 'real-images';
  if (value === undefined || value === '' || value === '0') return 'stand-ins';
  throw new Error(
    `${REAL_IMAGES_VAR}=${JSON.stringify(value)}: allowed: 1 (real images and PyPI), 0 or unset (offline stand-ins)`,
  );
}

const need = (env: Env, name: string): string => {
  const value = env[name];
  if (!value)
    throw new Error(
      `${name} is not set: run the suite with scripts/e2e.sh (it provisions the stand-ins first), or set ${REAL_IMAGES_VAR}=1 where registries are reachable`,
    );
  return value;
};

/** The settings `yo py-docker --yes` resolves from `flags` in an empty folder. */
async function settingsOf(flags: Flags): Promise<Settings> {
  const { settings } = await resolveSettings({
    flags: kebabToKeys(flags),
    stored: {},
    detection: emptyDetection(),
    askable: new Set(),
  });
  return settings;
}

/** The base images a project generated with `flags` asks for (Dockerfile FROMs, compose services). */
export async function imagesFor(flags: Flags): Promise<string[]> {
  const settings = await settingsOf(flags);
  const m = buildModel(settings);
  return [
    m.pythonImage,
    m.nodeImage,
    ...(settings.postgres ? [m.postgresImage] : []),
    ...(settings.redis ? [m.redisImage] : []),
  ];
}

/** Flags (`python-version`) as setting keys (`pythonVersion`), as resolveSettings takes them. */
function kebabToKeys(flags: Flags): Partial<Record<SettingKey, unknown>> {
  return Object.fromEntries(
    Object.entries(flags).map(([flag, value]) => {
      const setting = SETTINGS.find((s) => s.flag === flag);
      if (!setting) throw new Error(`--${flag} is not a flag of yo py-docker`);
      return [setting.key, value];
    }),
  );
}

const ALL_IN_ONE: Flags = { 'process-manager': 'supervisord', celery: true, redis: true };

/** The mode of the environment `env` (process.env in the suite), with everything derived from it. */
export async function e2eMode(env: Env): Promise<E2eMode> {
  const name = modeName(env);
  if (name === 'real-images') {
    const existing: Flags = { variant: 'slim' };
    const starter = existing;
    const alpine: Flags = { variant: 'alpine' };
    const allInOne = { ...starter, ...ALL_IN_ONE };
    const settings = await settingsOf(starter);
    return {
      name,
      imageSource: 'pull',
      images: await unionOfImages([starter, allInOne, alpine]),
      versions: {
        python: settings.pythonVersion,
        node: settings.nodeVersion,
        npm: settings.npmVersion,
        django: settings.djangoVersion,
        gunicorn: REQUIREMENT_PINS.gunicorn.version,
        whitenoise: REQUIREMENT_PINS.whitenoise.version,
        psycopg: REQUIREMENT_PINS.psycopg.version,
        ...REAL_TEST_PINS,
      },
      flags: { starter, existing, allInOne, alpine },
      buildArgs: [],
      buildNetwork: undefined,
      indexUrl: undefined,
      cases: { alpine: { runs: true } },
    };
  }
  const versions: Versions = {
    python: need(env, 'PY_DOCKER_PYTHON_VERSION'),
    node: need(env, 'PY_DOCKER_NODE_VERSION'),
    npm: need(env, 'PY_DOCKER_NPM_VERSION'),
    django: need(env, 'PY_DOCKER_WHEEL_DJANGO_VERSION'),
    gunicorn: need(env, 'PY_DOCKER_WHEEL_GUNICORN_VERSION'),
    whitenoise: need(env, 'PY_DOCKER_WHEEL_WHITENOISE_VERSION'),
    psycopg: need(env, 'PY_DOCKER_WHEEL_PSYCOPG_VERSION'),
    pytest: need(env, 'PY_DOCKER_WHEEL_PYTEST_VERSION'),
    pytestDjango: need(env, 'PY_DOCKER_WHEEL_PYTEST_DJANGO_VERSION'),
  };
  const indexUrl = need(env, 'PY_DOCKER_INDEX_URL');
  // The stand-ins are Debian 13 images of Debian's own Python, Node.js and Django versions.
  // An existing project's Python and Node.js hints resolve to the newest release of their line, which
  // has an official image but no stand-in: the version flags name the stand-ins' own releases.
  const existing: Flags = {
    variant: 'slim',
    'debian-release': 'trixie',
    'python-version': versions.python,
    'node-version': versions.node,
    'npm-version': versions.npm,
  };
  const starter: Flags = { ...existing, 'django-version': versions.django };
  const allInOne = { ...starter, ...ALL_IN_ONE };
  return {
    name,
    imageSource: 'local',
    images: await unionOfImages([starter, allInOne]),
    versions,
    flags: { starter, existing, allInOne, alpine: { variant: 'alpine' } },
    buildArgs: [`PIP_INDEX_URL=${indexUrl}`, `PIP_TRUSTED_HOST=${need(env, 'PY_DOCKER_TRUSTED_HOST')}`],
    buildNetwork: 'host',
    indexUrl,
    cases: {
      alpine: {
        runs: false,
        why: `no Alpine base image or apk package can exist offline here (stand-ins are built from Debian packages); it runs with ${REAL_IMAGES_VAR}=1, in the GitHub workflow's e2e job`,
      },
    },
  };
}

async function unionOfImages(flagSets: Flags[]): Promise<string[]> {
  const all = await Promise.all(flagSets.map(imagesFor));
  return [...new Set(all.flat())];
}

/** `yo py-docker:verify` options of the mode: its build arguments and build network. */
export function verifyOptions(mode: E2eMode): Record<string, string> {
  return {
    ...(mode.buildArgs.length > 0 ? { 'build-arg': mode.buildArgs.join(',') } : {}),
    ...(mode.buildNetwork ? { 'build-network': mode.buildNetwork } : {}),
  };
}

/** `docker build` arguments of the mode (network and build arguments), before the caller's own. */
export function buildFlags(mode: E2eMode, extraArgs: readonly string[] = []): string[] {
  return [
    ...(mode.buildNetwork ? ['--network', mode.buildNetwork] : []),
    ...[...mode.buildArgs, ...extraArgs].flatMap((a) => ['--build-arg', a]),
  ];
}
