/**
 * Which Python a Django release runs on, and which Python releases have an official image, as data
 * beside the lifecycle data (lib/lifecycle.ts; checked on the same day, LIFECYCLE_CHECKED).
 *
 * Sources: Django's FAQ "What Python version can I use with Django?"
 * (docs.djangoproject.com/en/stable/faq/install/#what-python-version-can-i-use-with-django) and the
 * "Python compatibility" section of each release's notes (6.1: 3.12, 3.13 and 3.14); the Python image
 * tags from the history of the official image library (docker-library/official-images, library/python,
 * read up to its 2026-08 state): a tag once published stays pullable, so the newest release per base is
 * the newest tag that base ever had.
 */
import { satisfies } from './specifiers.js';
import { compareVersions } from './validate.js';

/** The mission's Django: the default, kept whenever a project's range allows it. */
export const MISSION_DJANGO = '4.2.20';

/** Python lines each Django feature release supports; `since`: the patch release that added a line. */
export const DJANGO_PYTHON: Record<string, { python: string[]; since?: Record<string, string> }> = {
  '3.2': { python: ['3.6', '3.7', '3.8', '3.9', '3.10'], since: { '3.10': '3.2.9' } },
  '4.0': { python: ['3.8', '3.9', '3.10'] },
  '4.1': { python: ['3.8', '3.9', '3.10', '3.11'], since: { '3.11': '4.1.3' } },
  '4.2': { python: ['3.8', '3.9', '3.10', '3.11', '3.12'], since: { '3.12': '4.2.8' } },
  '5.0': { python: ['3.10', '3.11', '3.12'] },
  '5.1': { python: ['3.10', '3.11', '3.12', '3.13'], since: { '3.13': '5.1.3' } },
  '5.2': { python: ['3.10', '3.11', '3.12', '3.13', '3.14'], since: { '3.14': '5.2.8' } },
  '6.0': { python: ['3.12', '3.13', '3.14'] },
  '6.1': { python: ['3.12', '3.13', '3.14'] },
};

/**
 * The newest Python release of each line that has an official image for a base: `alpine3.21`,
 * `slim-bookworm`, ... (the image tag is `python:<release>-<base>`).
 */
export const PYTHON_IMAGES: Record<string, Record<string, string>> = {
  'alpine3.18': { '3.8': '3.8.19', '3.9': '3.9.19', '3.10': '3.10.14', '3.11': '3.11.9', '3.12': '3.12.3' },
  'alpine3.19': {
    '3.8': '3.8.20',
    '3.9': '3.9.21',
    '3.10': '3.10.16',
    '3.11': '3.11.11',
    '3.12': '3.12.8',
    '3.13': '3.13.1',
  },
  'alpine3.20': {
    '3.8': '3.8.20',
    '3.9': '3.9.22',
    '3.10': '3.10.17',
    '3.11': '3.11.12',
    '3.12': '3.12.10',
    '3.13': '3.13.3',
  },
  'alpine3.21': {
    '3.9': '3.9.25',
    '3.10': '3.10.19',
    '3.11': '3.11.14',
    '3.12': '3.12.12',
    '3.13': '3.13.10',
    '3.14': '3.14.1',
  },
  'alpine3.22': {
    '3.9': '3.9.25',
    '3.10': '3.10.20',
    '3.11': '3.11.15',
    '3.12': '3.12.13',
    '3.13': '3.13.13',
    '3.14': '3.14.5',
  },
  'alpine3.23': {
    '3.10': '3.10.21',
    '3.11': '3.11.16',
    '3.12': '3.12.14',
    '3.13': '3.13.15',
    '3.14': '3.14.7',
  },
  'slim-bookworm': {
    '3.8': '3.8.20',
    '3.9': '3.9.25',
    '3.10': '3.10.21',
    '3.11': '3.11.16',
    '3.12': '3.12.14',
    '3.13': '3.13.15',
    '3.14': '3.14.7',
  },
  'slim-trixie': {
    '3.9': '3.9.25',
    '3.10': '3.10.21',
    '3.11': '3.11.16',
    '3.12': '3.12.14',
    '3.13': '3.13.15',
    '3.14': '3.14.7',
  },
};

/** "3.10.2" -> "3.10"; "6.1" -> "6.1". */
export const lineOf = (version: string): string => version.split('.').slice(0, 2).join('.');

/** The image base a variant uses: "alpine3.21" or "slim-bookworm". */
export function imageBase(s: { variant?: string; alpineVersion?: string; debianRelease?: string }): string {
  return s.variant === 'slim'
    ? `slim-${s.debianRelease ?? 'bookworm'}`
    : `alpine${s.alpineVersion ?? '3.21'}`;
}

/** The newest known release of a Python line with an image for `base`, or undefined. */
export function newestPython(line: string, base: string): string | undefined {
  return PYTHON_IMAGES[base]?.[line];
}

/**
 * The Python lines a Django version supports, or undefined when the data does not know that Django
 * line (newer than the data). A line added in a patch release counts only from that patch on; a bare
 * "5.1" counts as its newest patch.
 */
export function pythonLinesFor(django: string): string[] | undefined {
  const entry = DJANGO_PYTHON[lineOf(django)];
  if (!entry) return undefined;
  const patchGiven = django.split('.').length > 2;
  return entry.python.filter((py) => {
    const since = entry.since?.[py];
    return !since || !patchGiven || compareVersions(django, since) >= 0;
  });
}

/** "3.10, 3.11 and 3.12" */
export const listOf = (items: readonly string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)!}`;

export type Fit =
  | { fits: true }
  /** `tooOld`: below Django's lowest Python, which pip refuses to install it on (a newer one often works). */
  | { fits: false; allowed: string[]; tooOld: boolean }
  /** The Django line is newer than the data: nothing is known to be wrong. */
  | { fits: 'unknown' };

/** Whether a Python version runs the Django version, by the table. */
export function pythonFitsDjango(python: string, django: string): Fit {
  const lines = pythonLinesFor(django);
  if (!lines) return { fits: 'unknown' };
  if (lines.includes(lineOf(python))) return { fits: true };
  return { fits: false, allowed: lines, tooOld: compareVersions(lineOf(python), lines[0]!) < 0 };
}

/** Whether Django cannot be installed on the Python at all (older than its lowest supported line). */
export const pythonTooOldFor = (python: string, django: string): boolean => {
  const fit = pythonFitsDjango(python, django);
  return fit.fits === false && fit.tooOld;
};

/**
 * A Python release for a Django version when `current` does not fit it: the `preferred` line when
 * Django supports it, else the supported line nearest below it (else the newest supported), at that
 * line's newest release with an image for `base`. Undefined when `current` fits or nothing is known.
 */
export function pythonForDjango(
  django: string,
  current: string,
  base: string,
  preferred: string,
): { version: string; line: string; allowed: string[] } | undefined {
  const fit = pythonFitsDjango(current, django);
  if (fit.fits !== false) return undefined;
  const withImage = fit.allowed.filter((line) => newestPython(line, base));
  if (withImage.length === 0) return undefined;
  const line =
    (withImage.includes(preferred) ? preferred : undefined) ??
    [...withImage].reverse().find((l) => compareVersions(l, preferred) <= 0) ??
    withImage.at(-1)!;
  return { version: newestPython(line, base)!, line, allowed: fit.allowed };
}

/**
 * The last patch release of each Django line past its end of life (no more come; the release notes
 * index, docs.djangoproject.com/en/stable/releases/). Lines still supported are not listed: their
 * newest patch changes every month.
 */
export const DJANGO_FINAL_RELEASES: Record<string, string> = {
  '3.2': '3.2.25',
  '4.0': '4.0.10',
  '4.1': '4.1.13',
  '4.2': '4.2.30',
  '5.0': '5.0.14',
  '5.1': '5.1.15',
};

export interface NewerPatch {
  product: 'Python' | 'Django';
  pinned: string;
  /** The newest patch release of the pinned line the data knows (undefined: a supported Django line). */
  newest: string | undefined;
}

/**
 * The pinned lines the production image scan meets (generators/ci/workflow.ts fails on fixed HIGH/CRITICAL
 * advisories) that have a newer patch release: Python from the image tags of the base, Django from
 * its last releases. A supported Django line is listed with no number (check its newest patch).
 */
export function newerPatches(s: {
  pythonVersion: string;
  djangoVersion: string;
  variant?: string;
  alpineVersion?: string;
  debianRelease?: string;
}): NewerPatch[] {
  const out: NewerPatch[] = [];
  const python = newestPython(lineOf(s.pythonVersion), imageBase(s));
  if (python && compareVersions(python, s.pythonVersion) > 0)
    out.push({ product: 'Python', pinned: s.pythonVersion, newest: python });
  const django = DJANGO_FINAL_RELEASES[lineOf(s.djangoVersion)];
  if (!django || compareVersions(django, s.djangoVersion) > 0)
    out.push({ product: 'Django', pinned: s.djangoVersion, newest: django });
  return out;
}

/** The lines the generation summary and README.Docker.md say about the first CI run's scan. */
export function firstScanLines(patches: readonly NewerPatch[]): string[] {
  return patches.map((p) =>
    p.newest
      ? `${p.product} ${p.pinned}: the newest ${lineOf(p.pinned)} release is ${p.newest}`
      : `${p.product} ${p.pinned}: check for a newer ${lineOf(p.pinned)} patch release`,
  );
}

/** A Python version specifier of the project and where it is written (lib/detect.ts). */
export interface PythonSpec {
  spec: string;
  source: string;
}

export interface ConstrainedPython {
  version: string;
  /** The specifiers it satisfies, and those dropped because no known release satisfies them with the rest. */
  used: PythonSpec[];
  dropped: PythonSpec[];
  /** It is also one of the Pythons the project's Django runs on. */
  django: boolean;
}

/**
 * The images' Python under the project's specifiers: the mission default when it satisfies every one,
 * otherwise the newest known release with an image for `base` that does. An exact pin no image has
 * (3.10.2) counts as its line. The Django's Pythons (`djangoLines`) join the specifiers where a release
 * satisfies them all; specifiers no release satisfies with the rest are dropped from the weakest (the
 * last) on. Undefined when no known release satisfies even the strongest.
 */
export function pythonForSpecs(
  specs: readonly PythonSpec[],
  opts: { mission: string; base: string; djangoLines?: readonly string[] },
): ConstrainedPython | undefined {
  const releases = Object.values(PYTHON_IMAGES[opts.base] ?? {}).sort((a, b) => compareVersions(b, a));
  const line = (spec: string): string => spec.replace(/^==\s*([0-9]+\.[0-9]+)\.[0-9]+$/, '==$1.*');
  for (let n = specs.length; n > 0; n -= 1) {
    const used = specs.slice(0, n);
    for (const exact of [true, false]) {
      const texts = used.map((s) => (exact ? s.spec : line(s.spec)));
      // An unreadable specifier (satisfies: undefined) constrains nothing.
      const fits = (v: string): boolean => texts.every((t) => satisfies(v, t) !== false);
      for (const django of opts.djangoLines ? [opts.djangoLines, undefined] : [undefined]) {
        const ok = (v: string): boolean => fits(v) && (!django || django.includes(lineOf(v)));
        const version = ok(opts.mission) ? opts.mission : releases.find(ok);
        if (version) return { version, used, dropped: specs.slice(n), django: Boolean(django) };
      }
    }
  }
  return undefined;
}

/**
 * The newest release of each Node.js line known here (data checked on LIFECYCLE_CHECKED), chosen among
 * releases that have official images for the alpine3.21 and bookworm-slim bases the defaults use. A line
 * the table does not know stays as given (the image tag `node:<line>-...` follows that line).
 */
export const NODE_RELEASES: Record<string, string> = {
  '18': '18.20.8',
  '20': '20.19.2',
  '22': '22.16.0',
  '23': '23.11.1',
  '24': '24.1.0',
};

/** The newest release of each npm major (the npm registry's own list, read on LIFECYCLE_CHECKED). */
export const NPM_RELEASES: Record<string, string> = {
  '8': '8.19.4',
  '9': '9.9.4',
  '10': '10.9.9',
  '11': '11.21.2',
};

/**
 * The newest patch release of each Django feature line known here (the release notes index, read on
 * LIFECYCLE_CHECKED): the lines past their end of life are final, the supported ones move. Lines missing
 * (newer ones) stay as given: pip reads `Django==6.0` as 6.0.0.
 */
export const DJANGO_RELEASES: Record<string, string> = {
  ...DJANGO_FINAL_RELEASES,
  '5.2': '5.2.17',
};

/** The version settings whose answers may name a release line ("22", "3.13", "5.2"). */
export type LineSetting = 'pythonVersion' | 'nodeVersion' | 'npmVersion' | 'djangoVersion';

const PRODUCT_NAMES: Record<LineSetting, string> = {
  pythonVersion: 'Python',
  nodeVersion: 'Node.js',
  npmVersion: 'npm',
  djangoVersion: 'Django',
};

/** How many numbers a full version of each has: a value with fewer names a line. */
const FULL_PARTS: Record<LineSetting, number> = {
  pythonVersion: 3,
  nodeVersion: 3,
  npmVersion: 3,
  djangoVersion: 3,
};

/**
 * The newest entry of `table` whose line is `line` or starts with `line.` ("3" -> "3.14"), among the
 * `allowed` lines when given.
 */
function newestIn(table: Record<string, string>, line: string, allowed?: string[]): string | undefined {
  const keys = Object.keys(table).filter(
    (k) => (k === line || k.startsWith(`${line}.`)) && (!allowed || allowed.includes(k)),
  );
  const newest = keys.sort((a, b) => compareVersions(b, a))[0];
  return newest === undefined ? undefined : table[newest];
}

/**
 * A release line ("22", "3.13", "5.2") as the full version the images use, from the tables above and
 * PYTHON_IMAGES (for the image base of `s`); with the note that says which. A full version, or a line
 * the data does not know, is kept as given (`note` says so for the latter).
 */
export function expandLine(
  key: LineSetting,
  value: string,
  s: { variant?: string; alpineVersion?: string; debianRelease?: string; djangoVersion?: string },
): { value: string; note?: string } {
  if (value.split('.').length >= FULL_PARTS[key]) return { value };
  const product = PRODUCT_NAMES[key];
  const base = imageBase(s);
  const table =
    key === 'pythonVersion'
      ? (PYTHON_IMAGES[base] ?? {})
      : key === 'nodeVersion'
        ? NODE_RELEASES
        : key === 'npmVersion'
          ? NPM_RELEASES
          : DJANGO_RELEASES;
  const where = key === 'pythonVersion' ? ` with an image for ${base}` : '';
  // Python 3 is the newest 3.x the chosen Django runs on, when one has an image.
  const runsDjango = key === 'pythonVersion' && s.djangoVersion ? pythonLinesFor(s.djangoVersion) : undefined;
  const forDjango = runsDjango ? newestIn(table, value, runsDjango) : undefined;
  const full = forDjango ?? newestIn(table, value);
  if (!full)
    return {
      value,
      note: `${product} ${value}: no release of that line${where} is known here; kept as ${value}`,
    };
  return {
    value: full,
    note: `${product} ${value} → ${full} (the newest ${value} release known here${where}${forDjango && lineOf(forDjango) !== value ? ` that Django ${s.djangoVersion!} runs on` : ''})`,
  };
}
