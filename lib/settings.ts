/**
 * Every setting of the generator, declared once: CLI flag, prompt, default, detection, validation and
 * the parts (sub-generators) that need it. Storage is `.yo-rc.json` under "generator-py-docker", keyed
 * by `key`. Precedence: flag > stored answer > detected value > default.
 */
import { LIFECYCLES } from './lifecycle.js';
import { PARTS, type Part } from './parts.js';
import { satisfies } from './specifiers.js';
import * as v from './validate.js';
import { DEFAULT_MANAGER_VERSIONS, PACKAGE_MANAGERS, type PackageManager } from './package-manager.js';
import {
  expandLine,
  imageBase,
  lineOf,
  MISSION_DJANGO,
  listOf,
  pythonForDjango,
  pythonForSpecs,
  pythonLinesFor,
} from './versions.js';
import { type Detection, type Hint } from './detection.js';
import { pinSpec } from './detect-python-version.js';

export { PARTS, type Part };

export const VARIANTS = ['alpine', 'slim'] as const;
export const DEBIAN_RELEASES = ['bookworm', 'trixie'] as const;
export const PROCESS_MANAGERS = ['gunicorn', 'supervisord'] as const;
export const PYTHON_DEPS = ['requirements', 'pyproject', 'uv'] as const;
export const TLS_MODES = ['none', 'secret', 'cert-manager'] as const;
export const FRONTENDS = ['npm', 'none'] as const;
export const SERVERS = ['gunicorn', 'uvicorn'] as const;

export interface Settings {
  projectName: string;
  variant: (typeof VARIANTS)[number];
  alpineVersion: string;
  debianRelease: (typeof DEBIAN_RELEASES)[number];
  frontend: (typeof FRONTENDS)[number];
  pythonVersion: string;
  nodeVersion: string;
  packageManager: PackageManager;
  packageManagerVersion: string;
  npmVersion: string;
  djangoVersion: string;
  appDir: string;
  settingsModule: string;
  devSettingsModule: string;
  testSettingsModule: string;
  pythonPath: string;
  server: (typeof SERVERS)[number];
  wsgiApplication: string;
  asgiApplication: string;
  pythonDeps: (typeof PYTHON_DEPS)[number];
  requirementsFile: string;
  devRequirementsFile: string;
  buildScript: string;
  assetsDir: string;
  assetsSources: string;
  port: number;
  healthPath: string;
  appUid: number;
  postgres: boolean;
  postgresVersion: string;
  redis: boolean;
  redisVersion: string;
  celery: boolean;
  processManager: (typeof PROCESS_MANAGERS)[number];
  imageRepository: string;
  namespace: string;
  ingressHost: string;
  ingressClass: string;
  tls: (typeof TLS_MODES)[number];
  tlsIssuer: string;
  replicas: number;
  cpuRequest: string;
  cpuLimit: string;
  memoryRequest: string;
  memoryLimit: string;
  registry: string;
  platforms: string;
  deployJob: boolean;
}

export type SettingKey = keyof Settings;
export type SettingType = 'string' | 'integer' | 'boolean';

type Value = Settings[SettingKey];

/** One setting. Values are typed per key in `Settings`; the declaration table is checked by `def`. */
export interface SettingDef {
  key: SettingKey;
  /** kebab-case CLI flag without the dashes. */
  flag: string;
  type: SettingType;
  description: string;
  /** Sub-generators whose output depends on the setting; `app` needs all of them. */
  parts: readonly Part[];
  default: (settings: Partial<Settings>, detection: Detection) => Value;
  /** Why the default is what it is, when that is worth saying (shown in the summary). */
  defaultReason?: (settings: Partial<Settings>, detection: Detection) => string | undefined;
  /** The detected value; `settings` holds the settings declared before this one. */
  detect?: (
    detection: Detection,
    settings: Partial<Settings>,
  ) => { value: Value; source: string } | undefined;
  validate: (value: never) => v.Validation;
  choices?: readonly string[];
  /** Question text; settings without one are flag-only (advanced) and never prompted. */
  prompt?: string;
  /** The setting matters only when this holds (e.g. the PostgreSQL version only with PostgreSQL on). */
  relevant?: (settings: Partial<Settings>) => boolean;
  /** A release line given for a version ("22") as the full version it stands for, with a note saying so. */
  expand?: (value: string, settings: Partial<Settings>) => { value: string; note?: string };
}

/** Declares a setting with its value type tied to its key. */
function def<K extends SettingKey>(
  setting: Omit<SettingDef, 'key' | 'default' | 'detect' | 'validate'> & {
    key: K;
    default: (settings: Partial<Settings>, detection: Detection) => Settings[K];
    detect?: (
      detection: Detection,
      settings: Partial<Settings>,
    ) => { value: Settings[K]; source: string } | undefined;
    validate: v.Validator<Settings[K]>;
  },
): SettingDef {
  return setting as unknown as SettingDef;
}

/** The starter's front-end folder (generators/app/starter.ts writes frontend/build.mjs and frontend/src). */
export const STARTER_FRONTEND = 'frontend';

/** The mission's Python: the default whenever the project's Django runs on it. */
export const MISSION_PYTHON = '3.9.21';

/** A Python for the chosen Django when the mission's does not run it (undefined when it does). */
const pythonForDefault = (s: Partial<Settings>) =>
  s.djangoVersion
    ? pythonForDjango(s.djangoVersion, MISSION_PYTHON, imageBase(s), LIFECYCLES.Python.recommended)
    : undefined;

/**
 * The project's Python as an image version, by the rule for every Python the project names (its pins,
 * requires-python, python_requires, its own Dockerfile's FROM python): the mission default when it
 * satisfies them all, otherwise the newest known release with an image for the chosen base that does
 * (lib/versions.ts pythonForSpecs), saying which and why.
 */
function projectPython(d: Detection, s: Partial<Settings>): { value: string; source: string } | undefined {
  const hint = d.pythonVersion;
  if (!hint) return undefined;
  const base = imageBase(s);
  // A detection that lists no constraints (built by hand) has its hint's.
  const specs = d.pythonConstraints?.length
    ? d.pythonConstraints
    : [{ spec: hint.lowerBound ? `>=${hint.value}` : pinSpec(hint.value), source: hint.source }];
  const djangoLines = s.djangoVersion ? pythonLinesFor(s.djangoVersion) : undefined;
  const pick = pythonForSpecs(specs, { mission: MISSION_PYTHON, base, djangoLines });
  if (!pick) return hintPython(hint, s);
  const [only] = pick.used;
  if (only && pick.used.length === 1 && pick.dropped.length === 0 && !hint.lowerBound) {
    // One pin: its line's release, as the project names it.
    if (pick.version === hint.value) return { value: pick.version, source: hint.source };
    const line = lineOf(pick.version);
    const named = hint.value === line ? `Python ${line}` : hint.value;
    const why =
      pick.version === MISSION_PYTHON
        ? 'the default'
        : `the newest known ${line} release with an image for ${base}`;
    return { value: pick.version, source: `${hint.source}: ${named} as ${pick.version}, ${why}` };
  }
  const named = listOf(pick.used.map((c) => c.source));
  const them = pick.used.length === 1 ? 'it' : 'them all';
  const why =
    pick.version === MISSION_PYTHON
      ? `the default ${MISSION_PYTHON} satisfies ${them}`
      : `${pick.version}, the newest known release with an image for ${base} that satisfies ${them}${pick.django ? ` and runs Django ${s.djangoVersion!}` : ''}`;
  const dropped =
    pick.dropped.length === 0
      ? ''
      : `; not used, as no known release satisfies it with the rest: ${listOf(pick.dropped.map((c) => c.source))}`;
  return { value: pick.version, source: `${named}: ${why}${dropped}` };
}

/**
 * The project's Python hint when no known release satisfies what it names: a range (requires-python
 * >=3.15) as its first line, a pin as the project names it, saying no image is known.
 */
function hintPython(
  hint: Hint & { lowerBound?: boolean },
  s: Partial<Settings>,
): { value: string; source: string } {
  const line = lineOf(hint.value);
  return hint.lowerBound
    ? { value: line, source: hint.source }
    : {
        value: hint.value,
        source: `${hint.source}; no ${line} release with an image for ${imageBase(s)} is known here`,
      };
}

/**
 * The mission's Django, unless the project's own range leaves it out (a range no known line fits, such
 * as Django>=7): then the lowest version the range names, so the question never offers one outside it.
 */
function djangoDefault(d: Detection): string {
  const spec = d.djangoInstall?.spec;
  if (!spec || satisfies(MISSION_DJANGO, spec) !== false) return MISSION_DJANGO;
  const named = [...spec.matchAll(/[0-9]+(?:\.[0-9]+)*/g)].map((m) => m[0]).sort(v.compareVersions);
  return named.find((version) => satisfies(version, spec) === true) ?? MISSION_DJANGO;
}

const slugOrApp = (name: string | undefined): string => name || 'app';
const pyIdent = (name: string): string => name.replace(/-/g, '_');

const ALL: readonly Part[] = PARTS;
const IMAGE_PARTS: readonly Part[] = ['docker', 'compose', 'devcontainer', 'testing', 'k8s', 'ci', 'verify'];

/** The single declaration of every setting, in dependency order (defaults may read earlier settings). */
export const SETTINGS: readonly SettingDef[] = [
  def({
    key: 'projectName',
    flag: 'project-name',
    type: 'string',
    description: 'Project name: compose project, image and Kubernetes object names',
    parts: ALL,
    default: (_s, d) => slugOrApp(d.projectName?.value),
    validate: v.dnsLabel(40),
    prompt: 'Project name (lowercase letters, digits and -)',
  }),
  def({
    key: 'variant',
    flag: 'variant',
    type: 'string',
    description: 'Base image variant: alpine (Alpine Linux) or slim (Debian)',
    parts: IMAGE_PARTS,
    default: () => 'alpine' as const,
    validate: v.oneOf(VARIANTS),
    choices: VARIANTS,
    prompt: 'Base image variant',
  }),
  def({
    key: 'alpineVersion',
    flag: 'alpine-version',
    type: 'string',
    description: 'Alpine Linux release of the alpine variant',
    parts: IMAGE_PARTS,
    default: () => '3.21',
    validate: v.versionInRange(2, 3, '3.21', '3.18', '3.23'),
    // The images are tagged by Alpine release line (python:3.9.21-alpine3.21): a point release names it.
    expand: (value) =>
      value.split('.').length > 2
        ? {
            value: lineOf(value),
            note: `Alpine Linux ${value} → ${lineOf(value)} (images are tagged by release line)`,
          }
        : { value },
    relevant: (s) => s.variant === 'alpine',
    prompt: 'Alpine Linux release',
  }),
  def({
    key: 'debianRelease',
    flag: 'debian-release',
    type: 'string',
    description: 'Debian release of the slim variant',
    parts: IMAGE_PARTS,
    default: () => 'bookworm' as const,
    validate: v.oneOf(DEBIAN_RELEASES),
    choices: DEBIAN_RELEASES,
    relevant: (s) => s.variant === 'slim',
    prompt: 'Debian release',
  }),
  def({
    key: 'frontend',
    flag: 'frontend',
    type: 'string',
    description:
      'Front-end build: npm (an assets stage runs the build script with npm, yarn or pnpm; Node.js in development) or none',
    parts: ['docker', 'compose', 'devcontainer', 'testing', 'ci', 'verify', 'env'],
    // An empty folder gets the starter, which has an npm build; an existing project only when it has one.
    default: (_s, d) => (d.django ? 'none' : 'npm'),
    detect: (d) => {
      if (!d.django) return undefined;
      if (d.node?.buildScript)
        return { value: 'npm', source: `${d.node.dir === '.' ? '' : `${d.node.dir}/`}package.json` };
      return {
        value: 'none',
        source: d.node
          ? `${d.node.dir === '.' ? '' : `${d.node.dir}/`}package.json (no build script)`
          : 'no package.json',
      };
    },
    validate: v.oneOf(FRONTENDS),
    choices: FRONTENDS,
  }),
  def({
    key: 'djangoVersion',
    flag: 'django-version',
    type: 'string',
    description:
      "Django version pinned in a scaffolded requirements.txt (the project's own pin, or startproject's header in settings.py, wins)",
    parts: ['docker', 'testing', 'verify'],
    default: (_s, d) => djangoDefault(d),
    detect: (d) => d.djangoVersion,
    validate: v.versionFrom(1, 3, MISSION_DJANGO, '3.2'),
    expand: (value, s) => expandLine('djangoVersion', value, s),
    prompt: 'Django version',
  }),
  def({
    key: 'pythonVersion',
    flag: 'python-version',
    type: 'string',
    description:
      "Python version of the images (default: the project's, else 3.9.21, or a Python the project's Django runs on)",
    parts: ['docker', 'testing', 'devcontainer', 'ci', 'verify'],
    default: (s) => pythonForDefault(s)?.version ?? MISSION_PYTHON,
    defaultReason: (s) => {
      const pick = pythonForDefault(s);
      return pick
        ? `Django ${s.djangoVersion!} runs on Python ${listOf(pick.allowed)}, not on the default ${MISSION_PYTHON}: the newest known ${pick.line} release with an image for ${imageBase(s)}`
        : undefined;
    },
    detect: (d, s) => projectPython(d, s),
    validate: v.versionFrom(1, 3, MISSION_PYTHON, '3.8'),
    expand: (value, s) => expandLine('pythonVersion', value, s),
    prompt: 'Python version',
  }),
  def({
    key: 'nodeVersion',
    flag: 'node-version',
    type: 'string',
    description: 'Node.js version that builds the front-end assets',
    parts: ['docker', 'compose', 'devcontainer', 'verify'],
    default: () => '18.20.7',
    detect: (d) => d.nodeVersion,
    validate: v.versionFrom(1, 3, '18.20.7', '16'),
    expand: (value, s) => expandLine('nodeVersion', value, s),
    relevant: (s) => s.frontend === 'npm',
    prompt: 'Node.js version',
  }),
  def({
    key: 'packageManager',
    flag: 'package-manager',
    type: 'string',
    description:
      'Package manager of the front-end build: npm, or yarn or pnpm through corepack (from package.json packageManager, else the lockfile)',
    parts: ['docker', 'compose', 'devcontainer', 'verify'],
    default: () => 'npm' as const,
    detect: (d) => d.node?.manager,
    validate: v.oneOf(PACKAGE_MANAGERS),
    choices: PACKAGE_MANAGERS,
    relevant: (s) => s.frontend === 'npm',
  }),
  def({
    key: 'packageManagerVersion',
    flag: 'package-manager-version',
    type: 'string',
    description: `yarn or pnpm version corepack runs (from package.json packageManager; default yarn ${DEFAULT_MANAGER_VERSIONS.yarn}, pnpm ${DEFAULT_MANAGER_VERSIONS.pnpm})`,
    parts: ['docker', 'compose', 'devcontainer', 'verify'],
    default: (s) =>
      s.packageManager === 'pnpm' ? DEFAULT_MANAGER_VERSIONS.pnpm : DEFAULT_MANAGER_VERSIONS.yarn,
    // The version names one manager: a pnpm version is no yarn version.
    detect: (d, s) => (d.node?.manager.value === s.packageManager ? d.node?.managerVersion : undefined),
    validate: v.version(3, 3, DEFAULT_MANAGER_VERSIONS.yarn),
    relevant: (s) => s.frontend === 'npm' && s.packageManager !== 'npm',
  }),
  def({
    key: 'npmVersion',
    flag: 'npm-version',
    type: 'string',
    description: 'npm version installed in the assets and development stages (package manager npm)',
    parts: ['docker', 'devcontainer'],
    default: () => '10.8.2',
    detect: (d) => d.npmVersion,
    validate: v.versionInRange(1, 3, '10.8.2', '8', '12'),
    expand: (value, s) => expandLine('npmVersion', value, s),
    relevant: (s) => s.frontend === 'npm' && s.packageManager === 'npm',
    prompt: 'npm version',
  }),
  def({
    key: 'appDir',
    flag: 'app-dir',
    type: 'string',
    description: 'Folder holding manage.py, relative to the project root',
    parts: ALL,
    default: () => '.',
    detect: (d) => d.appDir,
    validate: (value) => (value === '.' ? true : v.relativePath(value)),
  }),
  def({
    key: 'settingsModule',
    flag: 'settings-module',
    type: 'string',
    description: 'DJANGO_SETTINGS_MODULE of the project',
    parts: ALL,
    default: (s) => `${pyIdent(slugOrApp(s.projectName))}.settings`,
    detect: (d) => d.settingsModule,
    validate: v.pythonModule,
  }),
  def({
    key: 'devSettingsModule',
    flag: 'dev-settings-module',
    type: 'string',
    description:
      'Settings module of the development stack and the dev container (default: the settings module)',
    parts: ALL,
    default: (s) => s.settingsModule ?? 'app.settings',
    detect: (d) => d.settingsModules?.development,
    validate: v.pythonModule,
  }),
  def({
    key: 'testSettingsModule',
    flag: 'test-settings-module',
    type: 'string',
    description: 'Settings module of the test run (default: the settings module)',
    parts: ALL,
    default: (s) => s.settingsModule ?? 'app.settings',
    detect: (d) => d.settingsModules?.test,
    validate: v.pythonModule,
  }),
  def({
    key: 'pythonPath',
    flag: 'python-path',
    type: 'string',
    description:
      'Folders added to the import path (PYTHONPATH), comma-separated, relative to the project root: "src" when manage.py adds src/ to sys.path ("." for none)',
    parts: ALL,
    default: () => '.',
    detect: (d) => d.pythonPath,
    validate: (value) => (value === '.' ? true : v.pathList(value)),
  }),
  def({
    key: 'server',
    flag: 'server',
    type: 'string',
    description:
      "What serves the app: gunicorn (the WSGI application) or uvicorn (the ASGI application, through gunicorn's uvicorn worker)",
    parts: ['docker', 'scripts', 'testing', 'k8s', 'verify'],
    default: () => 'gunicorn' as const,
    // An ASGI-only project (an asgi.py or ASGI_APPLICATION, no WSGI application) is served as ASGI.
    detect: (d) =>
      d.asgiApplication && !d.wsgiApplication
        ? { value: 'uvicorn', source: d.asgiApplication.source }
        : undefined,
    validate: v.oneOf(SERVERS),
    choices: SERVERS,
  }),
  def({
    key: 'wsgiApplication',
    flag: 'wsgi-application',
    type: 'string',
    description: 'WSGI application that gunicorn serves',
    parts: ['docker', 'scripts', 'testing', 'k8s', 'verify'],
    default: (s) => `${(s.settingsModule ?? 'app.settings').split('.')[0]}.wsgi:application`,
    detect: (d) => d.wsgiApplication,
    validate: v.pythonAppRef,
    relevant: (s) => s.server !== 'uvicorn',
  }),
  def({
    key: 'asgiApplication',
    flag: 'asgi-application',
    type: 'string',
    description: 'ASGI application that uvicorn serves (--server uvicorn)',
    parts: ['docker', 'scripts', 'testing', 'k8s', 'verify'],
    default: (s) => `${(s.settingsModule ?? 'app.settings').split('.')[0]}.asgi:application`,
    detect: (d) => d.asgiApplication,
    validate: v.pythonAppRef,
    relevant: (s) => s.server === 'uvicorn',
  }),
  def({
    key: 'pythonDeps',
    flag: 'python-deps',
    type: 'string',
    description: 'How Python dependencies are declared: requirements (pip), pyproject (pip) or uv (uv.lock)',
    parts: ['docker', 'testing', 'devcontainer', 'ci', 'compose'],
    default: () => 'requirements' as const,
    detect: (d) =>
      d.pythonDeps.kind === 'none'
        ? undefined
        : { value: d.pythonDeps.kind, source: d.pythonDeps.file ?? '' },
    validate: v.oneOf(PYTHON_DEPS),
    choices: PYTHON_DEPS,
  }),
  def({
    key: 'requirementsFile',
    flag: 'requirements-file',
    type: 'string',
    description: 'Runtime requirements file (requirements mode)',
    parts: ['docker', 'testing', 'devcontainer', 'ci', 'compose'],
    default: () => 'requirements.txt',
    detect: (d) =>
      d.pythonDeps.kind === 'requirements' && d.pythonDeps.file
        ? { value: d.pythonDeps.file, source: d.pythonDeps.file }
        : undefined,
    validate: v.relativePath,
    relevant: (s) => s.pythonDeps === 'requirements',
  }),
  def({
    key: 'devRequirementsFile',
    flag: 'dev-requirements-file',
    type: 'string',
    description: 'Development/test requirements file (requirements mode; "none" for none)',
    parts: ['docker', 'testing', 'devcontainer', 'ci', 'compose'],
    default: (_s, d) => (d.django ? 'none' : 'requirements-dev.txt'),
    detect: (d) =>
      d.pythonDeps.kind === 'requirements' && d.pythonDeps.devFile
        ? { value: d.pythonDeps.devFile, source: d.pythonDeps.devFile }
        : undefined,
    validate: (value) => (value === 'none' ? true : v.relativePath(value)),
    relevant: (s) => s.pythonDeps === 'requirements',
  }),
  def({
    key: 'buildScript',
    flag: 'build-script',
    type: 'string',
    description:
      'package.json script that builds the front-end assets (detected: build, bundle, build:css, ...)',
    parts: ['docker', 'compose', 'devcontainer'],
    default: () => 'build',
    detect: (d) =>
      d.node?.buildScript
        ? { value: d.node.buildScript, source: `${d.node.dir === '.' ? '' : `${d.node.dir}/`}package.json` }
        : undefined,
    validate: (value) =>
      /^[A-Za-z0-9][A-Za-z0-9:._-]{0,63}$/.test(value)
        ? true
        : `${JSON.stringify(value)} is not an npm script name; allowed: letters, digits, ":", ".", "_" and "-"`,
    relevant: (s) => s.frontend === 'npm',
  }),
  def({
    key: 'assetsDir',
    flag: 'assets-dir',
    type: 'string',
    description: 'Folder the build script writes assets to, relative to the project root',
    parts: ['docker', 'compose', 'env', 'devcontainer'],
    // Most bundlers write dist/ beside package.json; the starter's build does too.
    default: (_s, d) => (d.node && d.node.dir !== '.' ? `${d.node.dir}/dist` : `${STARTER_FRONTEND}/dist`),
    detect: (d) => d.node?.outDir,
    validate: v.relativePath,
    relevant: (s) => s.frontend === 'npm',
    prompt: 'Folder the npm build writes static assets to',
  }),
  def({
    key: 'assetsSources',
    flag: 'assets-sources',
    type: 'string',
    description:
      'What the npm build reads, comma-separated paths copied into the assets stage: "." (the whole project, the default in an existing project) or a narrower list, so a Python change does not re-run the build',
    parts: ['docker'],
    // The starter's build reads only its own folder. In an existing project a build can read anything
    // (templates for Tailwind, a config beside package.json): the whole project unless the user narrows it.
    default: (_s, d) => (d.django ? '.' : STARTER_FRONTEND),
    validate: v.pathList,
    relevant: (s) => s.frontend === 'npm',
  }),
  def({
    key: 'port',
    flag: 'port',
    type: 'integer',
    description: 'Port the app listens on in the container',
    parts: ALL,
    default: () => 8000,
    validate: v.integerRange(1024, 65535),
    prompt: 'App port',
  }),
  def({
    key: 'healthPath',
    flag: 'health-path',
    type: 'string',
    description: 'HTTP path of the health check view',
    parts: ALL,
    default: () => '/health/',
    validate: v.urlPath,
  }),
  def({
    key: 'appUid',
    flag: 'app-uid',
    type: 'integer',
    description: 'Numeric UID and GID of the non-root user in the production image',
    parts: ['docker', 'testing', 'k8s', 'verify'],
    default: () => 10001,
    validate: v.integerRange(10000, 65533),
  }),
  def({
    key: 'postgres',
    flag: 'postgres',
    type: 'boolean',
    description: 'PostgreSQL database service (--no-postgres for none)',
    parts: ['compose', 'env', 'scripts', 'k8s', 'testing', 'devcontainer', 'docker', 'ci'],
    default: () => true,
    validate: () => true,
    prompt: 'Use PostgreSQL?',
  }),
  def({
    key: 'postgresVersion',
    flag: 'postgres-version',
    type: 'string',
    description: 'PostgreSQL version: a major (17) or a minor release (17.2)',
    parts: ['compose', 'testing'],
    default: () => '17',
    // A major (17) or a minor release (17.2): both are tags of the postgres image.
    validate: v.versionInRange(1, 2, '17', '13', '18'),
    relevant: (s) => s.postgres === true,
    prompt: 'PostgreSQL version',
  }),
  def({
    key: 'celery',
    flag: 'celery',
    type: 'boolean',
    description: 'Celery worker and beat services (on when the project depends on celery)',
    parts: ['compose', 'env', 'scripts', 'k8s', 'docker', 'testing'],
    default: () => false,
    detect: (d) =>
      d.pythonPackages.has('celery') ? { value: true, source: 'dependencies (celery)' } : undefined,
    validate: () => true,
    prompt: 'Run Celery worker and beat?',
  }),
  def({
    key: 'redis',
    flag: 'redis',
    type: 'boolean',
    description: 'Redis service (cache and Celery broker; on with Celery)',
    parts: ['compose', 'env', 'scripts', 'k8s', 'testing', 'devcontainer', 'docker'],
    default: (s) => s.celery === true,
    detect: (d) =>
      d.pythonPackages.has('redis') ? { value: true, source: 'dependencies (redis)' } : undefined,
    validate: () => true,
    prompt: 'Use Redis?',
  }),
  def({
    key: 'redisVersion',
    flag: 'redis-version',
    type: 'string',
    description: 'Redis version (image tag)',
    parts: ['compose', 'testing'],
    default: () => '7.4',
    // 7, 7.4 and 7.4.2 are all tags of the redis image.
    validate: v.versionInRange(1, 3, '7.4.2', '6.2', '8.9'),
    relevant: (s) => s.redis === true,
  }),
  def({
    key: 'processManager',
    flag: 'process-manager',
    type: 'string',
    description: 'What the image runs: gunicorn alone, or supervisord (gunicorn + Celery in one container)',
    parts: ['docker', 'scripts', 'testing'],
    default: () => 'gunicorn' as const,
    validate: v.oneOf(PROCESS_MANAGERS),
    choices: PROCESS_MANAGERS,
  }),
  def({
    key: 'imageRepository',
    flag: 'image',
    type: 'string',
    description: 'Image repository without tag (detected from the git remote)',
    parts: ['compose', 'k8s', 'ci', 'testing'],
    default: (s) => `ghcr.io/example/${slugOrApp(s.projectName)}`,
    detect: (d) => d.imageRepository,
    validate: v.imageRepository,
    prompt: 'Image repository (registry/owner/name)',
  }),
  def({
    key: 'namespace',
    // Not plain --namespace: yeoman uses that option for the generator's own namespace.
    flag: 'k8s-namespace',
    type: 'string',
    description: 'Kubernetes namespace prefix (overlays use <namespace>-staging and <namespace>-production)',
    parts: ['k8s', 'ci', 'compose', 'env', 'testing'],
    default: (s) => slugOrApp(s.projectName),
    validate: (value) => {
      const ok = v.namespace(value);
      return ok !== true
        ? ok
        : value.length > 52
          ? `is ${value.length} characters long; allowed: at most 52`
          : true;
    },
  }),
  def({
    key: 'ingressHost',
    flag: 'ingress-host',
    type: 'string',
    description: 'Public host name of the production ingress (staging uses staging.<host>)',
    parts: ['k8s', 'env', 'ci', 'compose', 'testing'],
    default: (s) => `${slugOrApp(s.projectName)}.example.com`,
    validate: v.hostname,
    prompt: 'Public host name',
  }),
  def({
    key: 'ingressClass',
    flag: 'ingress-class',
    type: 'string',
    description: 'Kubernetes IngressClass name',
    parts: ['k8s'],
    default: () => 'nginx',
    validate: v.dnsLabel(63),
  }),
  def({
    key: 'tls',
    flag: 'tls',
    type: 'string',
    description: 'Ingress TLS: cert-manager (issuer annotation), secret (existing TLS secret) or none',
    parts: ['k8s'],
    default: () => 'cert-manager' as const,
    validate: v.oneOf(TLS_MODES),
    choices: TLS_MODES,
  }),
  def({
    key: 'tlsIssuer',
    flag: 'tls-issuer',
    type: 'string',
    description: 'cert-manager ClusterIssuer name',
    parts: ['k8s'],
    default: () => 'letsencrypt',
    validate: v.dnsLabel(63),
    relevant: (s) => s.tls === 'cert-manager',
  }),
  def({
    key: 'replicas',
    flag: 'replicas',
    type: 'integer',
    description: 'Web replicas in production (staging runs 1 to max(1, replicas/2))',
    parts: ['k8s'],
    default: () => 2,
    validate: v.integerRange(2, 50),
  }),
  def({
    key: 'cpuRequest',
    flag: 'cpu-request',
    type: 'string',
    description: 'CPU request of a web pod',
    parts: ['k8s', 'compose'],
    default: () => '250m',
    validate: v.cpuQuantity,
  }),
  def({
    key: 'cpuLimit',
    flag: 'cpu-limit',
    type: 'string',
    description: 'CPU limit of a web pod and of the production web container',
    parts: ['k8s', 'compose'],
    default: () => '1',
    validate: v.cpuQuantity,
  }),
  def({
    key: 'memoryRequest',
    flag: 'memory-request',
    type: 'string',
    description: 'Memory request of a web pod',
    parts: ['k8s', 'compose'],
    default: () => '256Mi',
    validate: v.memoryQuantity,
  }),
  def({
    key: 'memoryLimit',
    flag: 'memory-limit',
    type: 'string',
    description: 'Memory limit of a web pod and of the production web container',
    parts: ['k8s', 'compose'],
    default: () => '512Mi',
    validate: v.memoryQuantity,
  }),
  def({
    key: 'registry',
    flag: 'registry',
    type: 'string',
    description: 'Registry the CI pipeline pushes to (from the image repository when it names one)',
    parts: ['ci'],
    // The registry the image names; one without a registry host ("acme/shop", "a.b") is Docker Hub's.
    default: (s) => v.imageRegistry(s.imageRepository ?? 'ghcr.io/'),
    validate: v.registryHost,
  }),
  def({
    key: 'platforms',
    flag: 'platforms',
    type: 'string',
    description: 'Platforms the CI pipeline builds and pushes',
    parts: ['ci'],
    default: () => 'linux/amd64,linux/arm64',
    validate: v.platforms,
  }),
  def({
    key: 'deployJob',
    flag: 'deploy-job',
    type: 'boolean',
    description: 'CI job that applies the staging overlay after a push to main (behind a GitHub environment)',
    parts: ['ci'],
    default: () => false,
    validate: () => true,
  }),
];

export const settingByKey = new Map(SETTINGS.map((s) => [s.key, s]));

/** Settings whose values depend on one another, checked once all are resolved. */
export function crossCheck(
  settings: Settings,
  detection?: Detection,
): { flag: string; message: string } | undefined {
  const node = detection?.node;
  // A build script package.json lacks would fail only in the image build.
  if (settings.frontend === 'npm' && node && !node.scripts.includes(settings.buildScript)) {
    const file = node.dir === '.' ? 'package.json' : `${node.dir}/package.json`;
    return {
      flag: 'build-script',
      message: `"${settings.buildScript}" is not a script of ${file}; allowed: ${node.scripts.length > 0 ? node.scripts.join(', ') : `none (add a build script to ${file})`}, or --frontend none`,
    };
  }
  if (settings.celery && !settings.redis) {
    return {
      flag: 'redis',
      message: 'Celery needs Redis as its broker; allowed: --redis with --celery, or --no-celery',
    };
  }
  const limits: [SettingKey, SettingKey, (a: string) => number][] = [
    ['cpuRequest', 'cpuLimit', cpuToMilli],
    ['memoryRequest', 'memoryLimit', memoryToBytes],
  ];
  for (const [req, lim, toNumber] of limits) {
    if (toNumber(String(settings[req])) > toNumber(String(settings[lim]))) {
      return {
        flag: settingByKey.get(req)!.flag,
        message: `${settings[req]} is above the limit ${settings[lim]}; allowed: a request at most --${settingByKey.get(lim)!.flag}`,
      };
    }
  }
  return undefined;
}

export function cpuToMilli(value: string): number {
  return value.endsWith('m') ? Number(value.slice(0, -1)) : Math.round(Number(value) * 1000);
}

export function memoryToBytes(value: string): number {
  const units: Record<string, number> = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, k: 1e3, M: 1e6, G: 1e9 };
  const match = /^([0-9]+)([A-Za-z]+)$/.exec(value);
  return match ? Number(match[1]) * (units[match[2]!] ?? 1) : Number(value);
}

/** The settings a part needs (all of them for `app`). */
export function settingsFor(part: Part | 'app'): readonly SettingDef[] {
  return part === 'app' ? SETTINGS : SETTINGS.filter((s) => s.parts.includes(part));
}
