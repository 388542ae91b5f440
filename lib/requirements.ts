/**
 * The Python packages the container itself needs (gunicorn, a PostgreSQL driver, WhiteNoise, Redis and
 * Celery clients, supervisor) and which of them a project's own dependencies lack. The image installs
 * the lacking ones from a generated, pinned file (docker/requirements.txt) after the project's own, so
 * the user's dependency files are never edited.
 */
import { parseRequirement, providedDistributions } from './detect.js';
import type { Settings } from './settings.js';

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
} as const;

export type PinnedPackage = keyof typeof REQUIREMENT_PINS;

export interface Requirement {
  name: string;
  version: string;
  python: string;
}

/** Where the container's own requirements are written (the docker part owns it). */
export const CONTAINER_REQUIREMENTS = 'docker/requirements.txt';

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
};

export const pinned = (name: PinnedPackage): Requirement => ({ name, ...REQUIREMENT_PINS[name] });

/** The PostgreSQL driver a Django release speaks: psycopg (3) from Django 4.2, psycopg2 before. */
export function postgresDriver(djangoVersion: string): 'psycopg' | 'psycopg2-binary' {
  const [major = 0, minor = 0] = djangoVersion.split('.').map(Number);
  return major > 4 || (major === 4 && minor >= 2) ? 'psycopg' : 'psycopg2-binary';
}

/** What the container runs for these settings, whether or not the project has it. */
export function containerNeeds(s: Settings): PinnedPackage[] {
  const needs: PinnedPackage[] = ['gunicorn', 'whitenoise'];
  if (s.postgres) needs.push(postgresDriver(s.djangoVersion));
  if (s.postgres && s.variant === 'alpine' && postgresDriver(s.djangoVersion) === 'psycopg')
    needs.push('psycopg-c');
  if (s.redis) needs.push('redis');
  if (s.celery) needs.push('celery');
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

/** docker/requirements.txt: a header that says why, then one exact pin a line. */
export function containerRequirementsFile(requirements: readonly Requirement[]): string {
  const lines = [
    '# Generated by generator-py-docker (yo py-docker:docker); see README.Docker.md.',
    "# What the container runs and the project's own dependencies lack, pinned exactly. The image",
    "# installs it together with the project's dependencies; add a package to your own files and it",
    '# leaves this list on the next `yo py-docker`.',
    ...(requirements.length === 0 ? ['# (nothing: the project has everything)'] : []),
    ...requirements.map((r) => `${r.name}==${r.version}`),
  ];
  return `${lines.join('\n')}\n`;
}
