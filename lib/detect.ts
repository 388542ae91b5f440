/**
 * Project detection: pure functions over a FileTree. Everything here reads, nothing writes; a file that
 * exists but is malformed raises a DetectionError naming the file, never a stack trace.
 */
import { parse as parseToml } from 'smol-toml';
import { LIFECYCLES } from './lifecycle.js';
import { versionForSpec } from './specifiers.js';
import { MISSION_DJANGO } from './versions.js';
import { detectOutDir, pickBuildScript, pickWatchScript, rootRelative } from './detect-frontend.js';
import { detectManager, LOCKFILES, type PackageManager } from './package-manager.js';
import { SKIPPED_DIRS, type FileTree } from './file-tree.js';
import type { SettingKey } from './settings.js';
import { dirOf, under as join } from './paths.js';

export class DetectionError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'DetectionError';
  }
}

export interface Hint {
  value: string;
  /** The file the value came from, shown in the detection summary. */
  source: string;
}

/** Something detection could not work out for a setting: resolution fails with it only when no flag or
 * stored answer supplies the setting, and the message names the file and the flag. */
export interface DetectionProblem {
  file: string;
  problem: string;
}

export type PythonDepsKind = 'requirements' | 'pyproject' | 'uv' | 'none';

/** A Python version specifier of the project (`==3.12.*`, `>=3.10,<3.13`) and where it is written. */
export interface PythonConstraint {
  spec: string;
  /** The file and what it says, for the summary: `.python-version 3.12`, `Dockerfile FROM python:3.12-slim`. */
  source: string;
}

export interface Detection {
  /** A manage.py was found. */
  django: boolean;
  /** Folder holding manage.py, relative to the root ("." for a flat project, "src" for a src/ layout). */
  appDir?: Hint;
  settingsModule?: Hint;
  /** Per-environment settings modules beside the production one (config.settings.local, ...test). */
  settingsModules?: { development?: Hint; test?: Hint };
  /** Folders manage.py puts on sys.path ("src"), comma-separated, relative to the project root. */
  pythonPath?: Hint;
  wsgiApplication?: Hint;
  asgiApplication?: Hint;
  pythonDeps: { kind: PythonDepsKind; file?: string; devFile?: string };
  /** Lower-cased distribution names the project depends on (runtime and dev). */
  pythonPackages: Set<string>;
  /** A Python version or line the project names; `lowerBound`: from a range (requires-python >=3.10). */
  pythonVersion?: Hint & { lowerBound?: boolean };
  /**
   * Every Python the project names, strongest first (pins, then ranges, then its own Dockerfile's
   * FROM python), as version specifiers: the images' Python satisfies them all where a release does.
   */
  pythonConstraints?: PythonConstraint[];
  djangoVersion?: Hint;
  /**
   * What the project's own files say about the Django its images install: a lock file's or an exact
   * pin's version, or a range; neither when it names Django bare (pip installs the newest).
   */
  djangoInstall?: { version?: string; spec?: string; source: string };
  /**
   * package.json of the front-end build: at the root, beside manage.py, or in a subfolder with a
   * lockfile (project-static/, src-ui/, frontend/).
   */
  node?: {
    dir: string;
    buildScript?: string;
    /** A script that rebuilds into the assets folder on change (never an in-memory dev server). */
    watchScript?: string;
    /** Names of the scripts package.json defines. */
    scripts: string[];
    /** The lockfile of the package manager exists. */
    lockfile: boolean;
    manager: Hint & { value: PackageManager };
    /** The manager's version from package.json `packageManager`. */
    managerVersion?: Hint;
    /** yarn.lock is a Yarn 2+ lockfile. */
    berryLockfile?: boolean;
    /** Where the build writes, relative to the project root (Vite build.outDir, webpack output.path, --outdir). */
    outDir?: Hint;
  };
  nodeVersion?: Hint;
  npmVersion?: Hint;
  imageRepository?: Hint;
  projectName?: Hint;
  /** Things worth telling the user that are not errors (ignored hints and the like). */
  notes: string[];
  /** Settings detection could not work out, by setting (see DetectionProblem). */
  problems?: Partial<Record<SettingKey, DetectionProblem>>;
}

/** Finds files by name down to `depth` folders, skipping virtualenvs, node_modules and the like. */
export function findFiles(tree: FileTree, name: string, depth = 2, dir = '.'): string[] {
  const found: string[] = [];
  for (const entry of tree.list(dir)) {
    if (entry === name) found.push(join(dir, entry));
    else if (
      entry.endsWith('/') &&
      depth > 0 &&
      !SKIPPED_DIRS.has(entry.slice(0, -1)) &&
      !entry.startsWith('.')
    ) {
      found.push(...findFiles(tree, name, depth - 1, join(dir, entry.slice(0, -1))));
    }
  }
  return found.sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
}

const SETTINGS_RE = /DJANGO_SETTINGS_MODULE['"]\s*,\s*['"]([A-Za-z_][\w.]*)['"]/;

/**
 * Folders a manage.py puts on sys.path, relative to its own folder: `sys.path.insert(0, "src")`,
 * `sys.path.append(str(BASE_DIR / "src"))`, `os.path.join(BASE_DIR, "apps")`, or a name assigned such a
 * path first (`SRC = ROOT / "src"` ... `sys.path.insert(0, str(SRC))`).
 */
export function sysPathEntries(source: string): string[] {
  const literals = (expr: string): string[] => [...expr.matchAll(/(['"])([^'"]*)\1/g)].map((m) => m[2]!);
  const entries: string[] = [];
  for (const match of source.matchAll(/sys\.path\.(?:insert\(\s*[-0-9]+\s*,|append\()\s*([^\n]+)/g)) {
    const expr = match[1]!;
    let parts = literals(expr);
    const name = /^(?:str\(\s*)?([A-Za-z_]\w*)\s*\)*\s*$/.exec(expr.trim())?.[1];
    if (parts.length === 0 && name) {
      const assigned = new RegExp(`^\\s*${name}\\s*=\\s*([^\\n]+)`, 'm').exec(source);
      if (assigned) parts = literals(assigned[1]!);
    }
    const path = parts.join('/');
    if (path && /^[A-Za-z0-9._/-]+$/.test(path)) entries.push(path);
  }
  return [...new Set(entries)];
}

/** The file of a dotted module under one of `roots`: `{ root, file, pkg }` (pkg: it is a package). */
function findModule(
  tree: FileTree,
  roots: string[],
  module: string,
): { root: string; file: string; pkg: boolean } | undefined {
  const rel = module.replace(/\./g, '/');
  for (const root of roots) {
    if (tree.read(join(root, `${rel}.py`)) !== undefined)
      return { root, file: join(root, `${rel}.py`), pkg: false };
    if (tree.read(join(root, `${rel}/__init__.py`)) !== undefined)
      return { root, file: join(root, `${rel}/__init__.py`), pkg: true };
  }
  return undefined;
}

const PROD_LEAVES = ['production', 'prod'];
const DEV_LEAVES = ['local', 'development', 'dev', 'develop'];
const TEST_LEAVES = ['test', 'tests', 'testing'];

/**
 * Per-environment modules of a settings package (config/settings/{base,local,production,test}.py, as
 * cookiecutter-django lays them out): the modules beside manage.py's default, or inside it when the
 * default is the package itself.
 */
function environmentModules(
  tree: FileTree,
  root: string,
  module: string,
  isPackage: boolean,
): Record<'production' | 'development' | 'test', { module: string; file: string } | undefined> {
  const parts = module.split('.');
  const pkg = isPackage ? module : parts.slice(0, -1).join('.');
  const pkgDir = join(root, pkg.replace(/\./g, '/'));
  // Only a settings package: a project package (mysite/) beside settings.py holds urls.py and the like.
  const settingsPackage =
    pkg !== '' && /settings/.test(pkg.split('.').at(-1)!) && tree.read(`${pkgDir}/__init__.py`) !== undefined;
  const find = (leaves: string[]) => {
    if (!settingsPackage) return undefined;
    const leaf = leaves.find((l) => tree.read(`${pkgDir}/${l}.py`) !== undefined);
    return leaf ? { module: `${pkg}.${leaf}`, file: `${pkgDir}/${leaf}.py` } : undefined;
  };
  return { production: find(PROD_LEAVES), development: find(DEV_LEAVES), test: find(TEST_LEAVES) };
}

/** The settings module a wsgi.py sets by default (cookiecutter-django: the production module). */
function wsgiDefault(tree: FileTree, file: string | undefined): string | undefined {
  return file ? SETTINGS_RE.exec(tree.read(file) ?? '')?.[1] : undefined;
}

function detectDjango(tree: FileTree, detection: Detection): string[] {
  const managePy = findFiles(tree, 'manage.py')[0];
  if (!managePy) return [];
  detection.django = true;
  const appDir = dirOf(managePy);
  detection.appDir = { value: appDir, source: managePy };
  const source = tree.read(managePy) ?? '';
  const pythonPath: string[] = [];
  for (const entry of sysPathEntries(source)) {
    const folder = rootRelative(appDir, entry);
    if (folder && folder !== appDir && folder !== '.' && tree.list(folder).length > 0)
      pythonPath.push(folder);
  }
  if (pythonPath.length > 0)
    detection.pythonPath = { value: pythonPath.join(','), source: `${managePy} (sys.path)` };
  const roots = [appDir, ...pythonPath];
  const problem = (text: string): string[] => {
    detection.problems = {
      ...detection.problems,
      settingsModule: { file: managePy, problem: `${text}; pass --settings-module` },
    };
    return [];
  };
  const match = SETTINGS_RE.exec(source);
  if (!match)
    return problem(
      'no DJANGO_SETTINGS_MODULE default found (expected os.environ.setdefault("DJANGO_SETTINGS_MODULE", "..."))',
    );
  const managed = match[1]!;
  const found = findModule(tree, roots, managed);
  if (!found) {
    const rel = managed.replace(/\./g, '/');
    const tried = roots.flatMap((r) => [join(r, `${rel}.py`), join(r, `${rel}/__init__.py`)]);
    return problem(`names the settings module ${managed}, but none of ${tried.join(', ')} exists`);
  }
  const wsgiFile = (module: string, root: string): string | undefined => {
    const parts = module.split('.');
    for (let i = parts.length - 1; i >= 1; i -= 1) {
      const file = `${join(root, parts.slice(0, i).join('/'))}/wsgi.py`;
      if (tree.read(file) !== undefined) return file;
    }
    return undefined;
  };
  const env = environmentModules(tree, found.root, managed, found.pkg);
  const leaf = managed.split('.').at(-1)!;
  const fromWsgi = wsgiDefault(tree, wsgiFile(managed, found.root));
  const wsgiModule =
    fromWsgi && fromWsgi !== managed && findModule(tree, roots, fromWsgi) ? fromWsgi : undefined;
  let production: Hint = { value: managed, source: managePy };
  if (!PROD_LEAVES.includes(leaf) && env.production)
    production = { value: env.production.module, source: env.production.file };
  else if (!PROD_LEAVES.includes(leaf) && wsgiModule)
    production = {
      value: wsgiModule,
      source: `${wsgiFile(managed, found.root)!} (DJANGO_SETTINGS_MODULE default)`,
    };
  detection.settingsModule = production;
  // manage.py's default is what the developers run; the production image gets the production module.
  const development =
    production.value !== managed
      ? { value: managed, source: managePy }
      : env.development && env.development.module !== managed
        ? { value: env.development.module, source: env.development.file }
        : undefined;
  const test = env.test ? { value: env.test.module, source: env.test.file } : undefined;
  if (development || test) detection.settingsModules = { development, test };
  if (production.value !== managed || development || test) {
    detection.notes.push(
      `settings: ${production.value} for the production image (${production.source}), ${development?.value ?? production.value} for development${test ? `, ${test.value} for tests` : ''}`,
    );
  } else if (DEV_LEAVES.includes(leaf)) {
    detection.notes.push(
      `settings: ${managed} (${managePy}) looks like a development module, and no production module (${PROD_LEAVES.join(', ')}) is beside it; the production image uses it too (--settings-module changes that)`,
    );
  }
  // WSGI_APPLICATION / ASGI_APPLICATION of the settings, when they name a module of the project.
  const settingsTexts = [production, development, test, { value: managed }]
    .flatMap((h) => (h ? [findModule(tree, roots, h.value)?.file] : []))
    .filter((f): f is string => f !== undefined);
  const baseFiles = settingsTexts.flatMap((f) =>
    ['base.py', 'common.py', '__init__.py'].map((n) => join(dirOf(f), n)),
  );
  for (const file of [...new Set([...settingsTexts, ...baseFiles])]) {
    const text = tree.read(file);
    if (!text) continue;
    for (const [key, kind] of [
      ['WSGI_APPLICATION', 'wsgiApplication'],
      ['ASGI_APPLICATION', 'asgiApplication'],
    ] as const) {
      const match = new RegExp(`^${key}\\s*=\\s*["']([A-Za-z_][\\w.]*)\\.([A-Za-z_]\\w*)["']`, 'm').exec(
        text,
      );
      if (!match || detection[kind]) continue;
      const module = findModule(tree, roots, match[1]!);
      if (module) detection[kind] = { value: `${match[1]}:${match[2]}`, source: `${file} (${key})` };
      else
        detection.notes.push(
          `${file}: ${key} names ${match[1]}.${match[2]}, but no module ${match[1]} is in the project; ignored`,
        );
    }
  }
  // wsgi.py/asgi.py live beside settings (settings.py) or beside the settings package (settings/).
  const parts = production.value.split('.');
  const root = findModule(tree, roots, production.value)?.root ?? found.root;
  for (let i = parts.length - 1; i >= 1; i -= 1) {
    const pkg = parts.slice(0, i).join('.');
    const pkgPath = join(root, pkg.replace(/\./g, '/'));
    // A module (wsgi.py) or a package (asgi/__init__.py, where a project wraps the app in middleware).
    for (const [kind, name] of [
      ['wsgiApplication', 'wsgi'],
      ['asgiApplication', 'asgi'],
    ] as const) {
      const file = [`${pkgPath}/${name}.py`, `${pkgPath}/${name}/__init__.py`].find((f) =>
        definesApplication(tree.read(f), name),
      );
      if (!detection[kind] && file) detection[kind] = { value: `${pkg}.${name}:application`, source: file };
    }
  }
  if (!detection.wsgiApplication && !detection.asgiApplication)
    detection.notes.push(
      `no WSGI or ASGI application found (no wsgi.py or asgi.py beside ${production.value}, no WSGI_APPLICATION): the image serves ${parts[0]}.wsgi:application unless --wsgi-application (or --server uvicorn --asgi-application) says otherwise`,
    );
  // The files that may carry startproject's header (the Django version of a project without pins).
  const settingsFiles = [
    found.file,
    ...[production, development, test].flatMap((h) =>
      h ? [findModule(tree, roots, h.value)?.file ?? ''] : [],
    ),
  ];
  const pkgDir = dirOf(found.file);
  if (/settings/.test(pkgDir.split('/').at(-1) ?? '')) settingsFiles.push(join(pkgDir, 'base.py'));
  return [...new Set(settingsFiles.filter(Boolean))];
}

/**
 * A wsgi.py/asgi.py module as startproject writes it, or a package whose __init__ builds the
 * application (calls get_<kind>_application or assigns `application`): an empty package is not one.
 */
function definesApplication(text: string | undefined, kind: 'wsgi' | 'asgi'): boolean {
  if (text === undefined) return false;
  return new RegExp(`get_${kind}_application|^application\\s*[:=]`, 'm').test(text);
}

const STARTPROJECT_RE = /Generated by 'django-admin startproject' using Django ([0-9]+\.[0-9]+(?:\.[0-9]+)?)/;

/** Django's version from startproject's header in settings.py, for a project that pins none. */
function detectStartprojectVersion(tree: FileTree, detection: Detection, files: string[]): void {
  if (detection.djangoVersion) return;
  for (const file of files) {
    const version = STARTPROJECT_RE.exec(tree.read(file) ?? '')?.[1];
    if (version) {
      detection.djangoVersion = { value: version, source: `${file} (django-admin startproject header)` };
      return;
    }
  }
}

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

function detectRequirements(tree: FileTree, detection: Detection, appDir: string): void {
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

function detectPyproject(tree: FileTree, detection: Detection, appDir: string): void {
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

const FULL_VERSION = /^v?([0-9]+\.[0-9]+\.[0-9]+)$/;
/** An .nvmrc names a full version or a line ("22", "v20.11"): resolution takes the line's newest release. */
const NVMRC_VERSION = /^v?([0-9]+(?:\.[0-9]+){0,2})$/;

const CPYTHON = /^3\.[0-9]+(\.[0-9]+)?$/;

/**
 * The project's Python, from the files that pin one (first found wins): .python-version, runtime.txt
 * (`python-3.10.2`), .tool-versions (`python 3.11.4`), Pipfile ([requires] python_full_version or
 * python_version); then the ranges requires-python (read with pyproject.toml) and python_requires of
 * setup.cfg / setup.py.
 */
function detectPythonVersion(tree: FileTree, detection: Detection, appDir: string): void {
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

/** package.json parsed, or a DetectionError naming the file. */
function readPackageJson(tree: FileTree, file: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(tree.read(file)!);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not a JSON object');
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw new DetectionError(file, `invalid JSON (${(error as Error).message})`);
  }
}

/** The string-valued, non-empty scripts of a package.json. */
function scriptsOf(pkg: Record<string, unknown>): Record<string, string> {
  const scripts = (typeof pkg.scripts === 'object' && pkg.scripts !== null ? pkg.scripts : {}) as Record<
    string,
    unknown
  >;
  return Object.fromEntries(
    Object.entries(scripts).filter(
      (e): e is [string, string] => typeof e[1] === 'string' && e[1].trim() !== '',
    ),
  );
}

const hasLockfile = (tree: FileTree, dir: string): boolean =>
  Object.values(LOCKFILES).some((f) => tree.read(join(dir, f)) !== undefined);

/**
 * The package.json of the front-end build: at the root or beside manage.py; else one in a subfolder
 * (down to three levels) that a package manager installed (a lockfile beside it), since vendored
 * libraries under static/ carry package.json files too. Among subfolders, one with a build script
 * first, then the shallowest.
 */
function findPackageJson(tree: FileTree, detection: Detection, appDir: string): string | undefined {
  const near = [...new Set(['package.json', join(appDir, 'package.json')])].find(
    (f) => tree.read(f) !== undefined,
  );
  if (near) return near;
  const candidates = findFiles(tree, 'package.json', 3).filter((f) => hasLockfile(tree, dirOf(f)));
  if (candidates.length === 0) return undefined;
  const builds = (f: string): boolean => {
    try {
      return pickBuildScript(scriptsOf(readPackageJson(tree, f))).script !== undefined;
    } catch {
      return false;
    }
  };
  const ranked = [...candidates.filter(builds), ...candidates.filter((f) => !builds(f))];
  if (ranked.length > 1)
    detection.notes.push(
      `front-end build: ${ranked[0]} (also found ${ranked.slice(1).join(', ')}); the build runs in ${dirOf(ranked[0]!)}`,
    );
  return ranked[0];
}

function detectNode(tree: FileTree, detection: Detection, appDir: string): void {
  const file = findPackageJson(tree, detection, appDir);
  if (!file) return;
  const pkg = readPackageJson(tree, file);
  const dir = dirOf(file);
  const commands = scriptsOf(pkg);
  const { script: buildScript, others } = pickBuildScript(commands);
  const managed = detectManager(
    file,
    pkg.packageManager,
    (name) => tree.read(join(dir, name)),
    (name) => join(dir, name),
  );
  detection.notes.push(...managed.notes);
  const manager = managed.manager.value;
  detection.node = {
    dir,
    buildScript,
    watchScript: pickWatchScript(commands),
    scripts: Object.keys(commands),
    lockfile: tree.read(join(dir, LOCKFILES[manager])) !== undefined,
    manager: managed.manager,
    ...(managed.version ? { managerVersion: managed.version } : {}),
    ...(managed.berryLockfile ? { berryLockfile: true } : {}),
  };
  if (buildScript && others.length > 0)
    detection.notes.push(
      `${file}: "${buildScript}" builds the assets; ${others.map((o) => `"${o}"`).join(', ')} too? --build-script names the one script that builds everything`,
    );
  if (!buildScript)
    detection.notes.push(
      `${file} has no build script (${Object.keys(commands).length > 0 ? `scripts: ${Object.keys(commands).join(', ')}` : 'no scripts'}): no assets stage, as with --frontend none; --build-script <name> runs one`,
    );
  const outDir = buildScript ? detectOutDir(tree, dir, buildScript, commands) : undefined;
  if (outDir) detection.node.outDir = outDir;
  const install = { npm: 'npm install', yarn: 'yarn install', pnpm: 'pnpm install' }[manager];
  if (!detection.node.lockfile) {
    detection.notes.push(
      `${join(dir, LOCKFILES[manager])} is missing: run "${install}" once so the image can install from the lockfile`,
    );
  }
  if (managed.berryLockfile && !managed.version && buildScript)
    (detection.problems ??= {}).packageManagerVersion = {
      file: join(dir, LOCKFILES.yarn),
      problem:
        'a Yarn 2+ lockfile, and package.json names no packageManager version; pass --package-manager-version (e.g. 4.9.2) or add "packageManager": "yarn@<version>" to package.json',
    };
  const nvmrc = tree.read(join(dir, '.nvmrc'))?.trim();
  const engines = (typeof pkg.engines === 'object' && pkg.engines !== null ? pkg.engines : {}) as Record<
    string,
    unknown
  >;
  const nvm = nvmrc ? NVMRC_VERSION.exec(nvmrc) : null;
  const engine = typeof engines.node === 'string' ? FULL_VERSION.exec(engines.node.replace(/^=/, '')) : null;
  if (nvm) detection.nodeVersion = { value: nvm[1]!, source: join(dir, '.nvmrc') };
  else if (engine) detection.nodeVersion = { value: engine[1]!, source: `${file} (engines.node)` };
  else if (nvmrc)
    detection.notes.push(`${join(dir, '.nvmrc')}: "${nvmrc}" is not a version like 22 or 18.20.7; ignored`);
  if (manager === 'npm' && managed.version) detection.npmVersion = managed.version;
  if (typeof pkg.name === 'string' && !detection.projectName)
    detection.projectName = { value: pkg.name, source: file };
}

/** Image repository from the git remote "origin": GitHub -> ghcr.io, GitLab -> registry.gitlab.com. */
export function imageFromRemote(url: string): string | undefined {
  const match = /^(?:[a-z+]+:\/\/)?(?:[^@/]+@)?([^/:]+)[:/]+(?:[0-9]+\/)?([^/]+)\/(.+?)(?:\.git)?\/?$/i.exec(
    url.trim(),
  );
  if (!match) return undefined;
  const [, host, owner, repo] = match;
  const registry = { 'github.com': 'ghcr.io', 'gitlab.com': 'registry.gitlab.com' }[host!.toLowerCase()];
  if (!registry) return undefined;
  return `${registry}/${owner}/${repo}`.toLowerCase();
}

function detectGitRemote(tree: FileTree, detection: Detection): void {
  const config = tree.read('.git/config');
  if (!config) return;
  const section = /\[remote "origin"\]([^[]*)/.exec(config);
  const url = section ? /^\s*url\s*=\s*(.+)$/m.exec(section[1]!) : null;
  const image = url ? imageFromRemote(url[1]!) : undefined;
  if (image) detection.imageRepository = { value: image, source: '.git/config (remote "origin")' };
}

/** Reads the project. `folderName` is the base name of the project folder (a fallback project name). */
export function detectProject(tree: FileTree, folderName = ''): Detection {
  const detection: Detection = {
    django: false,
    pythonDeps: { kind: 'none' },
    pythonPackages: new Set(),
    notes: [],
  };
  const settingsFiles = detectDjango(tree, detection);
  const appDir = detection.appDir?.value ?? '.';
  detectRequirements(tree, detection, appDir);
  detectPyproject(tree, detection, appDir);
  detectStartprojectVersion(tree, detection, settingsFiles);
  detectPythonVersion(tree, detection, appDir);
  detectNode(tree, detection, appDir);
  detectGitRemote(tree, detection);
  if (!detection.projectName && folderName)
    detection.projectName = { value: folderName, source: 'folder name' };
  if (detection.projectName) {
    const slug = slugify(detection.projectName.value);
    detection.projectName = slug ? { ...detection.projectName, value: slug } : undefined;
  }
  return detection;
}

/** Lowercase DNS-1123 label from any name ("My_Shop" -> "my-shop"), at most 40 characters. */
export function slugify(name: string): string {
  return name
    .replace(/^@[^/]+\//, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}
