/** Detection of the Python side: requirements files, pyproject.toml and uv.lock, and every constraint on the Python version. */
import { parse as parseToml } from 'smol-toml';
import { LIFECYCLES } from './lifecycle.js';
import { versionForSpec } from './specifiers.js';
import { MISSION_DJANGO } from './versions.js';
import { type FileTree } from './file-tree.js';
import { dirOf, under as join } from './paths.js';
import { Detection, DetectionError, Hint, PythonConstraint } from './detection.js';

/** Distribution name and exact pin (if any) of one requirement line. */
export function parseRequirement(
  line: string,
): { name: string; pin?: string; spec?: string; extras: string[] } | undefined {
  const clean = line.replace(/\s+#.*$/, '').trim();
  if (!clean || clean.startsWith('#') || clean.startsWith('-')) return undefined;
  const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(==\s*([0-9][0-9A-Za-z.]*)(?![.*]))?/.exec(
    clean,
  );
  if (!match) return undefined;
  // The specifier of a range (">=6.0,<6.1", "~=5.2"), up to a marker or the line's end.
  const spec = /^[A-Za-z0-9._-]+\s*(?:\[[^\]]*\])?\s*([<>=!~][^;]*)/.exec(clean)?.[1]?.trim();
  const extras = (match[2] ?? '')
    .slice(1, -1)
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  return { name: match[1]!.toLowerCase().replace(/[._]+/g, '-'), pin: match[4], spec, extras };
}

/**
 * The distributions a requirement installs that matter here: its own, and psycopg's implementations
 * its extras pull in (`psycopg[c]` is psycopg-c, `psycopg[binary]` psycopg-binary).
 */
export function providedDistributions(req: { name: string; extras?: readonly string[] }): string[] {
  const fromExtras =
    req.name === 'psycopg'
      ? (req.extras ?? []).filter((e) => e === 'c' || e === 'binary').map((e) => `psycopg-${e}`)
      : [];
  return [req.name, ...fromExtras];
}

/** Django's version from a pin, or from a range (the mission default when it fits, else the newest line). */
function djangoHint(req: { pin?: string; spec?: string }, file: string): Hint | undefined {
  if (req.pin) return { value: req.pin, source: file };
  if (!req.spec) return undefined;
  const lines = LIFECYCLES.Django.cycles.map((c) => c.cycle);
  const version = versionForSpec(req.spec, MISSION_DJANGO, lines);
  return version ? { value: version, source: `${file} (Django${req.spec})` } : undefined;
}

/** The first Django requirement the project's files name: the version it hints at and what gets installed. */
function noteDjango(detection: Detection, req: { pin?: string; spec?: string }, file: string): void {
  detection.djangoInstall ??= req.pin
    ? { version: req.pin, source: file }
    : { ...(req.spec ? { spec: req.spec } : {}), source: file };
  detection.djangoVersion ??= djangoHint(req, file);
}

/** The version a TOML lock file (uv.lock, poetry.lock) records for a package, if any. */
export function lockedVersion(lock: string | undefined, name: string): string | undefined {
  if (!lock) return undefined;
  for (const block of lock.split(/^\[\[package\]\]\s*$/m).slice(1)) {
    const pkg = /^name\s*=\s*"([^"]+)"/m.exec(block)?.[1];
    if (pkg?.toLowerCase().replace(/[._]+/g, '-') !== name) continue;
    return /^version\s*=\s*"([0-9][0-9A-Za-z.]*)"/m.exec(block)?.[1];
  }
  return undefined;
}

function readRequirements(tree: FileTree, file: string, detection: Detection, seen: Set<string>): void {
  if (seen.has(file)) return;
  seen.add(file);
  const text = tree.read(file);
  if (text === undefined) return;
  for (const line of text.split(/\r?\n/)) {
    const include = /^\s*(?:-r|--requirement)\s+(\S+)/.exec(line);
    if (include) {
      readRequirements(tree, join(dirOf(file), include[1]!), detection, seen);
      continue;
    }
    const req = parseRequirement(line);
    if (!req) continue;
    for (const name of providedDistributions(req)) detection.pythonPackages.add(name);
    if (req.name === 'django') noteDjango(detection, req, file);
  }
}

// In order of preference: a per-environment layout (requirements/{base,local,production}.txt) gives the
// image production.txt (which includes base.txt) and development local.txt.
const RUNTIME_NAMES = [
  /(^|\/)requirements\.txt$/,
  /(^|[-_/])(production|prod)\.txt$/,
  /(^|[-_/])(base|common|main)\.txt$/,
];
const DEV_NAMES = [
  /(^|[-_/])(dev|development|develop)\.txt$/,
  /(^|[-_/])local\.txt$/,
  /(^|[-_/])(test|tests)\.txt$/,
];

const firstMatch = (files: string[], patterns: RegExp[]): string | undefined =>
  patterns.map((re) => files.find((f) => re.test(f))).find(Boolean);

export function detectRequirements(tree: FileTree, detection: Detection, appDir: string): void {
  const candidates = new Set<string>();
  for (const dir of new Set(['.', appDir])) {
    for (const entry of tree.list(dir)) {
      if (/^requirements.*\.txt$/.test(entry)) candidates.add(join(dir, entry));
    }
    for (const entry of tree.list(join(dir, 'requirements'))) {
      if (entry.endsWith('.txt')) candidates.add(join(join(dir, 'requirements'), entry));
    }
  }
  const files = [...candidates].sort();
  if (files.length === 0) return;
  const devFile = firstMatch(files, DEV_NAMES);
  const dev = files.filter((f) => DEV_NAMES.some((re) => re.test(f)));
  const others = files.filter((f) => !dev.includes(f));
  const runtime = firstMatch(others, RUNTIME_NAMES) ?? others[0];
  if (!runtime) return;
  detection.pythonDeps = { kind: 'requirements', file: runtime, devFile };
  if (/(production|prod)\.txt$/.test(runtime) && others.length > 1)
    detection.notes.push(
      `requirements: ${runtime} for the image${devFile ? `, ${devFile} for development and tests` : ''}`,
    );
  const seen = new Set<string>();
  for (const file of [runtime, ...(devFile ? [devFile] : []), ...dev])
    readRequirements(tree, file, detection, seen);
}

export function detectPyproject(tree: FileTree, detection: Detection, appDir: string): void {
  const file = ['pyproject.toml', join(appDir, 'pyproject.toml')].find((f) => tree.read(f) !== undefined);
  if (!file) return;
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(tree.read(file)!) as Record<string, unknown>;
  } catch (error) {
    throw new DetectionError(file, `invalid TOML (${(error as Error).message.split('\n')[0]})`);
  }
  const project = (doc.project ?? {}) as Record<string, unknown>;
  const deps: unknown[] = Array.isArray(project.dependencies) ? project.dependencies : [];
  const groups = [
    ...Object.values((project['optional-dependencies'] ?? {}) as Record<string, unknown>),
    ...Object.values((doc['dependency-groups'] ?? {}) as Record<string, unknown>),
  ];
  for (const dep of [...deps, ...groups.flatMap((g) => (Array.isArray(g) ? g : []))]) {
    if (typeof dep !== 'string') continue;
    const req = parseRequirement(dep);
    if (!req) continue;
    for (const name of providedDistributions(req)) detection.pythonPackages.add(name);
    if (req.name === 'django') noteDjango(detection, req, file);
  }
  const uvLock = join(dirOf(file), 'uv.lock');
  const locked = lockedVersion(tree.read(uvLock), 'django');
  if (locked && detection.djangoInstall) {
    // The lock file says exactly what uv installs, whatever range pyproject.toml gives.
    detection.djangoInstall = { version: locked, source: uvLock };
    detection.djangoVersion = { value: locked, source: uvLock };
  }
  if (detection.pythonDeps.kind === 'none' && deps.length > 0) {
    detection.pythonDeps =
      tree.read(uvLock) !== undefined ? { kind: 'uv', file: uvLock } : { kind: 'pyproject', file };
  }
  if (typeof project.name === 'string' && !detection.projectName)
    detection.projectName = { value: project.name, source: file };
  const requires = typeof project['requires-python'] === 'string' ? project['requires-python'] : undefined;
  const hint = requires ? pythonSpecifier(requires) : undefined;
  if (hint && !detection.pythonVersion)
    detection.pythonVersion = { ...hint, source: `${file} (requires-python ${requires!.trim()})` };
  if (hint) addConstraint(detection, requires!.trim(), `${file} requires-python ${requires!.trim()}`);
}

/**
 * The Python a version specifier names: `==3.12.*` or `==3.11.4` exactly, `>=3.10` / `~=3.11` as a lower
 * bound (the line the range starts at).
 */
export function pythonSpecifier(spec: string): { value: string; lowerBound?: boolean } | undefined {
  const exact = /==\s*(3\.[0-9]+)(\.[0-9]+|\.\*)?/.exec(spec);
  if (exact) return { value: exact[2] && exact[2] !== '.*' ? `${exact[1]}${exact[2]}` : exact[1]! };
  const min = /(?:>=|~=|>)\s*(3\.[0-9]+)/.exec(spec);
  return min ? { value: min[1]!, lowerBound: true } : undefined;
}

export const FULL_VERSION = /^v?([0-9]+\.[0-9]+\.[0-9]+)$/;
/** An .nvmrc names a full version or a line ("22", "v20.11"): resolution takes the line's newest release. */
export const NVMRC_VERSION = /^v?([0-9]+(?:\.[0-9]+){0,2})$/;

const CPYTHON = /^3\.[0-9]+(\.[0-9]+)?$/;

/**
 * The project's Python, from the files that pin one (first found wins): .python-version, runtime.txt
 * (`python-3.10.2`), .tool-versions (`python 3.11.4`), Pipfile ([requires] python_full_version or
 * python_version); then the ranges requires-python (read with pyproject.toml) and python_requires of
 * setup.cfg / setup.py.
 */
export function detectPythonVersion(tree: FileTree, detection: Detection, appDir: string): void {
  const dirs = [...new Set(['.', appDir])];
  const readers: [string, (text: string) => string | undefined][] = [
    ['.python-version', (t) => t.trim().split(/\s+/)[0]],
    ['runtime.txt', (t) => /^\s*python-(\S+)/.exec(t)?.[1] ?? t.trim()],
    ['.tool-versions', (t) => /^\s*python\s+(\S+)/m.exec(t)?.[1]],
    ['Pipfile', (t) => pipfilePython(t)],
  ];
  const pins: PythonConstraint[] = [];
  let pin: Hint | undefined;
  for (const [name, read] of readers) {
    for (const file of dirs.map((d) => join(d, name))) {
      const text = tree.read(file);
      if (text === undefined) continue;
      const value = read(text);
      if (!value) continue;
      if (CPYTHON.test(value)) {
        pin ??= { value, source: file };
        pins.push({ spec: pinSpec(value), source: `${file} ${value}` });
        continue;
      }
      detection.notes.push(`${file}: "${value}" is not a CPython version like 3.12 or 3.12.8; ignored`);
    }
  }
  // Pins first: the strongest of the project's constraints; requires-python (read with pyproject.toml) next.
  detection.pythonConstraints = [...pins, ...(detection.pythonConstraints ?? [])];
  if (pin) detection.pythonVersion = pin;
  for (const file of dirs.flatMap((d) => [join(d, 'setup.cfg'), join(d, 'setup.py')])) {
    const spec = /python_requires\s*=\s*['"]?([^'"\n]+)/.exec(tree.read(file) ?? '')?.[1]?.trim();
    const hint = spec ? pythonSpecifier(spec) : undefined;
    if (!hint) continue;
    detection.pythonVersion ??= { ...hint, source: `${file} (python_requires ${spec!})` };
    addConstraint(detection, spec!, `${file} python_requires ${spec!}`);
  }
  // Last: the Python the project's own Dockerfile builds on (FROM python:3.12-slim); never ours.
  const dockerfile = tree.read('Dockerfile');
  if (!dockerfile || dockerfile.startsWith('# Generated by generator-py-docker')) return;
  const from = dockerfilePython(dockerfile);
  if ('problem' in from) {
    if (from.problem) detection.notes.push(`Dockerfile: ${from.problem}; its Python is not used`);
    return;
  }
  detection.pythonVersion ??= { value: from.version, source: 'Dockerfile (FROM python)' };
  addConstraint(detection, pinSpec(from.version), `Dockerfile FROM ${from.image}`);
}

/** `3.12` -> `==3.12.*`, `3.12.4` -> `==3.12.4`. */
export const pinSpec = (version: string): string =>
  version.split('.').length === 2 ? `==${version}.*` : `==${version}`;

function addConstraint(detection: Detection, spec: string, source: string): void {
  (detection.pythonConstraints ??= []).push({ spec, source });
}

/**
 * The Python of a Dockerfile's last stage on the official Python image (`FROM python:3.12-slim`, a
 * stage built on such a stage, `FROM python:${PYTHON_VERSION}` with the ARG's default before the
 * first FROM), as the image it names; `problem` when a FROM names one this cannot read (empty: the
 * Dockerfile builds on no Python image).
 */
export function dockerfilePython(text: string): { version: string; image: string } | { problem: string } {
  // Instructions, with continuation lines joined and comment lines dropped.
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .filter((l) => !/^\s*#/.test(l));
  const args = new Map<string, string>();
  const stages = new Map<string, { version: string; image: string }>();
  let found: { version: string; image: string } | undefined;
  let problem = '';
  let seenFrom = false;
  for (const line of lines) {
    const arg = /^\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)(?:=("[^"]*"|'[^']*'|\S*))?/i.exec(line);
    // Only the ARGs before the first FROM are in scope for FROM lines.
    if (arg && !seenFrom) {
      if (arg[2] !== undefined) args.set(arg[1]!, arg[2].replace(/^(["'])(.*)\1$/, '$2'));
      continue;
    }
    const from = /^\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (!from) continue;
    seenFrom = true;
    let unresolved = '';
    const image = from[1]!.replace(
      /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
      (_m, braced?: string, fallback?: string, bare?: string) => {
        const name = (braced ?? bare)!;
        const value = args.get(name) || fallback;
        if (value === undefined || value === '') unresolved = name;
        return value ?? '';
      },
    );
    // uv's images name their Python in the tag (ghcr.io/astral-sh/uv:0.8-python3.12-bookworm-slim).
    const official =
      /^(?:docker\.io\/)?(?:library\/)?python:([0-9][^\s@-]*)/i.exec(image) ??
      /^(?:ghcr\.io\/)?astral-sh\/uv:(?:[^\s@]*-)?python([0-9][^\s@-]*)/i.exec(image);
    let stage: { version: string; image: string } | undefined;
    if (unresolved && /python/i.test(from[1]!)) {
      problem = `FROM ${from[1]!}: ${unresolved} has no default (ARG ${unresolved}=... before the first FROM)`;
    } else if (official && CPYTHON.test(official[1]!)) stage = { version: official[1]!, image };
    else if (official)
      problem = `FROM ${image}: "${official[1]!}" is not a CPython version like 3.12 or 3.12.8`;
    else stage = stages.get(image.toLowerCase());
    if (from[2]) {
      if (stage) stages.set(from[2].toLowerCase(), stage);
      else stages.delete(from[2].toLowerCase());
    }
    if (stage) found = stage;
  }
  return found ?? { problem };
}

/** The Python of a Pipfile's [requires] section; undefined when it has none or is not TOML. */
function pipfilePython(text: string): string | undefined {
  try {
    const requires = (parseToml(text).requires ?? {}) as Record<string, unknown>;
    const value = requires.python_full_version ?? requires.python_version;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
