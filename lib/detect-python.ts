/** Detection of the Python dependencies: requirements files, pyproject.toml and uv.lock, and the Django they install. */
import { parse as parseToml } from 'smol-toml';
import { LIFECYCLES } from './lifecycle.js';
import { versionForSpec } from './specifiers.js';
import { MISSION_DJANGO } from './versions.js';
import { type FileTree } from './file-tree.js';
import { dirOf, under as join } from './paths.js';
import { Detection, DetectionError, Hint } from './detection.js';
import { addConstraint, pythonSpecifier } from './detect-python-version.js';

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
