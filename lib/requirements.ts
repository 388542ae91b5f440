/**
 * The Python packages the container itself needs (gunicorn, a PostgreSQL driver, WhiteNoise, Redis and
 * Celery clients, supervisor) and which of them a project's own dependencies lack. The image installs
 * the lacking ones from a generated, pinned file (docker/requirements.txt) after the project's own, so
 * the user's dependency files are never edited.
 */
import { SERVICES } from './services/index.js';
import type { Model } from './model.js';
import { dirOf, normalize, under } from './paths.js';
import type { Settings } from './settings.js';
import { firstScanLines, newerPatches } from './versions.js';
import { parseRequirement, providedDistributions } from './detect-python.js';

/**
 * Exact pins of what the generator installs or scaffolds. One table; the versions are PyPI releases that
 * Debian 13 also packages, so the offline end-to-end tests install exactly these from their wheelhouse.
 * `python`: the lowest Python that release installs on (from its python_requires).
 */
export const REQUIREMENT_PINS = {
  gunicorn: { version: '23.0.0', python: '3.7' },
  whitenoise: { version: '6.8.2', python: '3.9' },
  psycopg: { version: '3.2.6', python: '3.8' },
  // The C implementation, built in the builder against libpq: on Alpine (musl) pure-Python psycopg
  // cannot find libpq (ctypes.util.find_library needs gcc or ld; docker-library/python#111). Its version
  // is always psycopg's own.
  'psycopg-c': { version: '3.2.6', python: '3.8' },
  // Django before 4.2 speaks psycopg2 only; the binary wheels include libpq (glibc and musl).
  'psycopg2-binary': { version: '2.9.10', python: '3.8' },
  redis: { version: '6.1.0', python: '3.9' },
  celery: { version: '5.5.2', python: '3.8' },
  supervisor: { version: '4.2.5', python: '3.7' },
  uvicorn: { version: '0.32.0', python: '3.8' },
  // Development only: Celery worker and beat restart on code changes (docker/requirements-dev.txt).
  watchfiles: { version: '0.24.0', python: '3.8' },
} as const;

export type PinnedPackage = keyof typeof REQUIREMENT_PINS;

export interface Requirement {
  name: string;
  version: string;
  python: string;
}

/** Where the container's own requirements are written (the docker part owns it). */
export const CONTAINER_REQUIREMENTS = 'docker/requirements.txt';
/** What only the development image adds (with Celery: watchfiles, for the reloading worker and beat). */
export const CONTAINER_DEV_REQUIREMENTS = 'docker/requirements-dev.txt';

/**
 * pip and setuptools of the image's virtualenv, upgraded from the old releases `python -m venv` bundles
 * (setuptools before 78.1.1 has fixed HIGH advisories, CVE-2024-6345 and CVE-2025-47273, which fail the
 * pipeline's scan). Both need Python 3.9: Python 3.8 gets the last releases for it. From Python 3.12 the
 * venv has no setuptools, and none is added.
 */
export function venvToolPins(pythonVersion: string): Requirement[] {
  const [major = 3, minor = 0] = pythonVersion.split('.').map(Number);
  const old = major === 3 && minor < 9;
  const tools: Requirement[] = [
    { name: 'pip', version: old ? '24.3.1' : '25.1.1', python: old ? '3.8' : '3.9' },
  ];
  if (major === 3 && minor < 12)
    tools.push({ name: 'setuptools', version: old ? '75.3.0' : '78.1.1', python: old ? '3.8' : '3.9' });
  return tools;
}

/** Distributions that already provide what each pinned package is there for. */
const PROVIDED_BY: Record<PinnedPackage, readonly string[]> = {
  gunicorn: ['gunicorn'],
  whitenoise: ['whitenoise'],
  psycopg: ['psycopg', 'psycopg-binary', 'psycopg-c', 'psycopg2', 'psycopg2-binary'],
  'psycopg2-binary': ['psycopg2', 'psycopg2-binary'],
  'psycopg-c': ['psycopg-c', 'psycopg-binary', 'psycopg2', 'psycopg2-binary'],
  redis: ['redis', 'django-redis'],
  celery: ['celery'],
  supervisor: ['supervisor'],
  uvicorn: ['uvicorn'],
  watchfiles: ['watchfiles'],
};

export const pinned = (name: PinnedPackage): Requirement => ({ name, ...REQUIREMENT_PINS[name] });

export { postgresDriver } from './services/postgres.js';

/** What the container runs for these settings, whether or not the project has it. */
export function containerNeeds(s: Settings): PinnedPackage[] {
  const needs: PinnedPackage[] = ['gunicorn', 'whitenoise'];
  for (const service of SERVICES) {
    if (service.enabled(s))
      needs.push(...((service.containerRequirements ?? service.requirements)?.(s) ?? []));
  }
  if (s.processManager === 'supervisord') needs.push('supervisor');
  if (s.server === 'uvicorn') needs.push('uvicorn');
  return needs;
}

/** The pinned packages the container needs and `has` (the project's dependencies) lacks, in file order. */
export function containerRequirements(
  s: Settings,
  has: (name: string) => boolean,
  projectPin: (name: string) => string | undefined = () => undefined,
): Requirement[] {
  return containerNeeds(s)
    .filter((name) => !PROVIDED_BY[name].some(has))
    .map((name) => {
      const requirement = pinned(name);
      // psycopg-c must be the project's psycopg release exactly.
      const psycopg = name === 'psycopg-c' ? projectPin('psycopg') : undefined;
      return psycopg ? { ...requirement, version: psycopg } : requirement;
    });
}

/**
 * Whether the development image has its own requirement file (CONTAINER_DEV_REQUIREMENTS): when a
 * service that is on adds development requirements (Celery: watchfiles for the reloading worker).
 */
export const hasContainerDevRequirements = (s: Settings): boolean =>
  SERVICES.some((service) => service.devRequirements !== undefined && service.enabled(s));

/** What the development image adds and the project's dependencies (`has`) lack. */
export function containerDevRequirements(s: Settings, has: (name: string) => boolean): Requirement[] {
  const needs = SERVICES.filter((service) => service.enabled(s)).flatMap(
    (service) => service.devRequirements?.(s) ?? [],
  );
  return needs.filter((name) => !PROVIDED_BY[name].some(has)).map(pinned);
}

/** Exact pins (`name==version`) of requirement lines, by lower-cased distribution name. */
export function requirementPins(text: string): Map<string, string> {
  const pins = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const req = parseRequirement(line);
    if (req?.pin) pins.set(req.name, req.pin);
  }
  return pins;
}

/** Lower-cased distribution names of requirement lines, with what their extras install (comments, options and includes skipped). */
export function requirementNames(text: string): string[] {
  return text.split(/\r?\n/).flatMap((line) => {
    const req = parseRequirement(line);
    return req ? providedDistributions(req) : [];
  });
}

/** docker/requirements.txt (or, `dev`, docker/requirements-dev.txt): a header that says why, then one exact pin a line. */
export function containerRequirementsFile(requirements: readonly Requirement[], dev = false): string {
  const lines = [
    '# Generated by generator-py-docker (yo py-docker:docker); see README.Docker.md.',
    dev
      ? "# What the development image adds (Celery's reload on code changes) and the project's own"
      : "# What the container runs and the project's own dependencies lack, pinned exactly. The image",
    dev
      ? '# dependencies lack, pinned exactly; only the development target installs it. Add a package'
      : "# installs it together with the project's dependencies; add a package to your own files and it",
    dev
      ? '# to your own files and it leaves this list on the next `yo py-docker`.'
      : '# leaves this list on the next `yo py-docker`.',
    ...(requirements.length === 0 ? ['# (nothing: the project has everything)'] : []),
    ...requirements.map((r) => `${r.name}==${r.version}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** What README.Docker.md says beyond the settings: the first scan's findings, the venv's tools. */
export function readmeFacts(s: Settings): { firstScan: string[]; venvTools: Requirement[] } {
  return { firstScan: firstScanLines(newerPatches(s)), venvTools: venvToolPins(s.pythonVersion) };
}

/**
 * Follows `-r`/`-c` includes from `file` with `read` (undefined: no such file); `file` comes first.
 * `onInclude` sees each include as written, with the file it is in, before it is followed.
 */
export function requirementClosure(
  read: (path: string) => string | undefined,
  file: string,
  onInclude?: (from: string, include: string) => void,
): string[] {
  const seen: string[] = [];
  const visit = (path: string): void => {
    const normalized = normalize(path);
    if (seen.includes(normalized)) return;
    seen.push(normalized);
    const text = read(normalized);
    if (text === undefined) return;
    for (const line of text.split(/\r?\n/)) {
      const include = /^\s*(?:-r|-c|--requirement|--constraint)(?:\s+|=)(\S+)/.exec(line);
      if (!include) continue;
      onInclude?.(normalized, include[1]!);
      visit(under(dirOf(normalized), include[1]!));
    }
  };
  visit(file);
  return seen;
}

/**
 * requirements.txt for an existing project that declares no dependencies (a fresh `django-admin
 * startproject`): its Django, pinned. What the container adds besides comes from docker/requirements.txt.
 */
export function djangoRequirementsFile(s: Settings): string {
  return [
    '# Written by generator-py-docker because the project declared no dependencies: its Django, pinned.',
    '# Add your own dependencies here; the images install this file.',
    `Django==${s.djangoVersion}`,
    '',
  ].join('\n');
}

/**
 * Requirement files of the project that declare pytest (following `-r` includes). Only files the images
 * install count: requirements mode, the runtime file and the dev file (unless "none").
 */
export function pytestInstalled(m: Model, read: (path: string) => string | undefined): boolean {
  const { s } = m;
  if (s.pythonDeps !== 'requirements') return false;
  const seen = new Set<string>();
  const declares = (file: string): boolean => {
    if (seen.has(file)) return false;
    seen.add(file);
    return (read(file) ?? '').split(/\r?\n/).some((line) => {
      const include = /^\s*(?:-r|--requirement)\s+(\S+)/.exec(line);
      if (include) return declares(under(dirOf(file), include[1]!));
      return parseRequirement(line)?.name === 'pytest';
    });
  };
  const files = [s.requirementsFile, ...(s.devRequirementsFile === 'none' ? [] : [s.devRequirementsFile])];
  return files.some(declares);
}
