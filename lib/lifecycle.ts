/**
 * End-of-life dates of what the generated images run, as data. Sources: endoflife.date and the projects'
 * own release pages (python.org PEP 596/619/664/693/719/745, nodejs/Release, djangoproject.com
 * download#supported-versions, alpinelinux.org/releases, postgresql.org/support/versioning,
 * wiki.debian.org/DebianReleases). Update this table when a release line is added, and the date below
 * with it: a version newer than the table knows gets a warning naming that date, never a stop.
 */
import { compareVersions } from './validate.js';

/** The day the tables here and in lib/versions.ts were last checked against their sources. */
export const LIFECYCLE_CHECKED = '2026-12-01';

export type Product = 'Python' | 'Node.js' | 'Django' | 'Alpine Linux' | 'PostgreSQL' | 'Debian';

interface Cycle {
  /** Release line, matched against the chosen version's leading parts ("3.9", "18", "4.2", "bookworm"). */
  cycle: string;
  /** Last day of security support, ISO date. */
  eol: string;
}

export const LIFECYCLES: Record<Product, { cycles: Cycle[]; recommended: string }> = {
  Python: {
    recommended: '3.14',
    cycles: [
      { cycle: '3.8', eol: '2024-10-07' },
      { cycle: '3.9', eol: '2025-10-31' },
      { cycle: '3.10', eol: '2026-10-31' },
      { cycle: '3.11', eol: '2027-10-31' },
      { cycle: '3.12', eol: '2028-10-31' },
      { cycle: '3.13', eol: '2029-10-31' },
      { cycle: '3.14', eol: '2030-10-31' },
      // Released 2026-10-09 (PEP 790).
      { cycle: '3.15', eol: '2031-10-31' },
    ],
  },
  'Node.js': {
    recommended: '24',
    cycles: [
      { cycle: '16', eol: '2023-09-11' },
      { cycle: '18', eol: '2025-04-30' },
      { cycle: '20', eol: '2026-04-30' },
      { cycle: '22', eol: '2027-04-30' },
      { cycle: '23', eol: '2025-06-01' },
      { cycle: '24', eol: '2028-04-30' },
      { cycle: '25', eol: '2026-06-01' },
      { cycle: '26', eol: '2029-04-30' },
    ],
  },
  Django: {
    recommended: '5.2',
    cycles: [
      { cycle: '3.2', eol: '2024-04-01' },
      { cycle: '4.0', eol: '2023-04-01' },
      { cycle: '4.1', eol: '2023-12-01' },
      { cycle: '4.2', eol: '2026-04-30' },
      { cycle: '5.0', eol: '2025-04-30' },
      { cycle: '5.1', eol: '2025-12-31' },
      { cycle: '5.2', eol: '2028-04-30' },
      { cycle: '6.0', eol: '2027-04-30' },
      // Released 2026-08-05.
      { cycle: '6.1', eol: '2027-12-31' },
    ],
  },
  'Alpine Linux': {
    recommended: '3.22',
    cycles: [
      { cycle: '3.18', eol: '2025-05-09' },
      { cycle: '3.19', eol: '2025-11-01' },
      { cycle: '3.20', eol: '2026-04-01' },
      { cycle: '3.21', eol: '2026-11-01' },
      { cycle: '3.22', eol: '2027-05-01' },
      { cycle: '3.23', eol: '2027-11-01' },
    ],
  },
  PostgreSQL: {
    recommended: '17',
    cycles: [
      { cycle: '13', eol: '2025-11-13' },
      { cycle: '14', eol: '2026-11-12' },
      { cycle: '15', eol: '2027-11-11' },
      { cycle: '16', eol: '2028-11-09' },
      { cycle: '17', eol: '2029-11-08' },
      { cycle: '18', eol: '2030-11-14' },
    ],
  },
  Debian: {
    recommended: 'trixie',
    cycles: [
      { cycle: 'bookworm', eol: '2026-06-10' },
      { cycle: 'trixie', eol: '2028-08-09' },
    ],
  },
};

/** How close to the end of life a warning starts. */
export const NEAR_EOL_DAYS = 180;

export interface LifecycleWarning {
  product: Product;
  version: string;
  /** The end-of-life date; empty when the version is newer than the data (`newer`). */
  eol: string;
  past: boolean;
  /** The version's release line is newer than every line the data knows. */
  newer?: boolean;
  message: string;
}

function cycleOf(product: Product, version: string): Cycle | undefined {
  const { cycles } = LIFECYCLES[product];
  return cycles.find(
    (c) => c.cycle === version || (/^[0-9.]+$/.test(c.cycle) && version.startsWith(`${c.cycle}.`)),
  );
}

/** Whether `version` belongs to a release line newer than every line the data knows. */
export function newerThanData(product: Product, version: string): boolean {
  const numeric = LIFECYCLES[product].cycles.map((c) => c.cycle).filter((c) => /^[0-9.]+$/.test(c));
  if (numeric.length === 0 || !/^[0-9]+(\.[0-9]+)*$/.test(version)) return false;
  const newest = numeric.reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b));
  const line = version.split('.').slice(0, newest.split('.').length).join('.');
  return compareVersions(line, newest) > 0;
}

/**
 * A warning when `version` is past its end of life, or within NEAR_EOL_DAYS of it, on `today`; or when
 * it is newer than the data (a release after LIFECYCLE_CHECKED), which is a warning and never a stop.
 */
export function checkLifecycle(product: Product, version: string, today: Date): LifecycleWarning | undefined {
  const cycle = cycleOf(product, version);
  if (!cycle) {
    if (!newerThanData(product, version)) return undefined;
    return {
      product,
      version,
      eol: '',
      past: false,
      newer: true,
      message: `${product} ${version} is newer than the release data of this generator, last checked on ${LIFECYCLE_CHECKED}: its end of life${product === 'Django' ? ' and the Python versions it supports are' : ' is'} not known here.`,
    };
  }
  const eol = new Date(`${cycle.eol}T23:59:59Z`);
  const days = Math.floor((eol.getTime() - today.getTime()) / 86_400_000);
  if (days > NEAR_EOL_DAYS) return undefined;
  const past = days < 0;
  const alternative = alternativeTo(product, cycle.cycle);
  const message = past
    ? `${product} ${version} reached its end of life on ${cycle.eol} and gets no security fixes; consider ${alternative}.`
    : `${product} ${version} reaches its end of life on ${cycle.eol} (in ${days} days); plan a move to ${alternative}.`;
  return { product, version, eol: cycle.eol, past, message };
}

/** What to move to from a release line: the recommended line, or "a newer release line" past it. */
function alternativeTo(product: Product, cycle: string): string {
  const { recommended } = LIFECYCLES[product];
  return /^[0-9.]+$/.test(recommended) && compareVersions(recommended, cycle) <= 0
    ? 'a newer release line'
    : `${product} ${recommended}`;
}

/** The product whose lifecycle each version setting follows (settings not named here have none). */
export const LIFECYCLE_OF: Readonly<Record<string, Product>> = {
  pythonVersion: 'Python',
  nodeVersion: 'Node.js',
  djangoVersion: 'Django',
  alpineVersion: 'Alpine Linux',
  debianRelease: 'Debian',
  postgresVersion: 'PostgreSQL',
};

/**
 * What a question says beside a value past or near its end of life, e.g. "3.9.21: end of life since
 * 2025-10-31; Python 3.14 is supported"; undefined for a supported value (or a setting with no
 * lifecycle, or one newer than the data: the summary says that).
 */
export function questionNote(key: string, value: string, today: Date): string | undefined {
  const product = LIFECYCLE_OF[key];
  const warning = product ? checkLifecycle(product, value, today) : undefined;
  const cycle = product ? cycleOf(product, value) : undefined;
  if (!product || !warning || !cycle) return undefined;
  const when = warning.past ? `end of life since ${warning.eol}` : `end of life on ${warning.eol}`;
  const alternative = alternativeTo(product, cycle.cycle);
  return `${value}: ${when}; ${alternative === 'a newer release line' ? alternative : `${alternative} is supported`}`;
}

/**
 * The end-of-life lines of a run's summary, one per chosen version that is past, near or newer than the
 * data, each naming the flag that changes it. `used`: the settings the run's output depends on.
 */
export function endOfLifeLines(used: { key: string; flag: string; value: string }[], today: Date): string[] {
  return used.flatMap(({ key, flag, value }) => {
    const product = LIFECYCLE_OF[key];
    const warning = product ? checkLifecycle(product, value, today) : undefined;
    return warning ? [`${warning.message.replace(/\.$/, '')} (--${flag})`] : [];
  });
}

export interface LifecycleInput {
  pythonVersion: string;
  nodeVersion: string;
  djangoVersion: string;
  variant: 'alpine' | 'slim';
  alpineVersion: string;
  debianRelease: string;
  postgres: boolean;
  postgresVersion: string;
}

/** Every warning for a set of chosen versions. */
export function lifecycleWarnings(s: LifecycleInput, today: Date): LifecycleWarning[] {
  const checks: [Product, string | undefined][] = [
    ['Python', s.pythonVersion],
    ['Node.js', s.nodeVersion],
    ['Django', s.djangoVersion],
    ['Alpine Linux', s.variant === 'alpine' ? s.alpineVersion : undefined],
    ['Debian', s.variant === 'slim' ? s.debianRelease : undefined],
    ['PostgreSQL', s.postgres ? s.postgresVersion : undefined],
  ];
  return checks.flatMap(([product, version]) => {
    const warning = version ? checkLifecycle(product, version, today) : undefined;
    return warning ? [warning] : [];
  });
}
