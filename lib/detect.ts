/**
 * Project detection: pure functions over a FileTree. Everything here reads, nothing writes; a file that
 * exists but is malformed raises a DetectionError naming the file, never a stack trace.
 */
import { parse as parseToml } from 'smol-toml';
import { SKIPPED_DIRS, type FileTree } from './file-tree.js';

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

export type PythonDepsKind = 'requirements' | 'pyproject' | 'uv' | 'none';

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
  pythonVersion?: Hint;
  djangoVersion?: Hint;
  /** package.json, when there is one at the root or beside manage.py. */
  node?: {
    dir: string;
    buildScript?: string;
    /** A script that rebuilds into the assets folder on change (never an in-memory dev server). */
    watchScript?: string;
    lockfile: boolean;
    /** Where the build writes, relative to the project root (Vite build.outDir, webpack output.path, --outdir). */
    outDir?: Hint;
  };
  nodeVersion?: Hint;
  npmVersion?: Hint;
  imageRepository?: Hint;
  projectName?: Hint;
  /** Things worth telling the user that are not errors (ignored hints and the like). */
  notes: string[];
}

const join = (dir: string, name: string): string => (dir === '.' || dir === '' ? name : `${dir}/${name}`);
const dirOf = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '.');

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

function detectDjango(tree: FileTree, detection: Detection): void {
  const managePy = findFiles(tree, 'manage.py')[0];
  if (!managePy) return;
  detection.django = true;
  const appDir = dirOf(managePy);
  detection.appDir = { value: appDir, source: managePy };
  const source = tree.read(managePy) ?? '';
  const match = SETTINGS_RE.exec(source);
  if (!match) {
    throw new DetectionError(
      managePy,
      'no DJANGO_SETTINGS_MODULE default found (expected os.environ.setdefault("DJANGO_SETTINGS_MODULE", "...")); pass --settings-module',
    );
  }
  const settingsModule = match[1]!;
  const modulePath = settingsModule.replace(/\./g, '/');
  if (
    tree.read(join(appDir, `${modulePath}.py`)) === undefined &&
    tree.read(join(appDir, `${modulePath}/__init__.py`)) === undefined
  ) {
    throw new DetectionError(
      managePy,
      `names the settings module ${settingsModule}, but neither ${join(appDir, `${modulePath}.py`)} nor ${join(appDir, `${modulePath}/__init__.py`)} exists; pass --settings-module`,
    );
  }
  detection.settingsModule = { value: settingsModule, source: managePy };
  // wsgi.py/asgi.py live beside settings (settings.py) or beside the settings package (settings/).
  const parts = settingsModule.split('.');
  for (let i = parts.length - 1; i >= 1; i -= 1) {
    const pkg = parts.slice(0, i).join('.');
    const pkgPath = join(appDir, pkg.replace(/\./g, '/'));
    if (!detection.wsgiApplication && tree.read(`${pkgPath}/wsgi.py`) !== undefined) {
      detection.wsgiApplication = { value: `${pkg}.wsgi:application`, source: `${pkgPath}/wsgi.py` };
    }
    if (!detection.asgiApplication && tree.read(`${pkgPath}/asgi.py`) !== undefined) {
      detection.asgiApplication = { value: `${pkg}.asgi:application`, source: `${pkgPath}/asgi.py` };
    }
  }
}

/** Distribution name and exact pin (if any) of one requirement line. */
export function parseRequirement(line: string): { name: string; pin?: string } | undefined {
  const clean = line.replace(/\s+#.*$/, '').trim();
  if (!clean || clean.startsWith('#') || clean.startsWith('-')) return undefined;
  const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(==\s*([0-9][0-9A-Za-z.]*))?/.exec(clean);
  if (!match) return undefined;
  return { name: match[1]!.toLowerCase().replace(/[._]+/g, '-'), pin: match[4] };
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
    detection.pythonPackages.add(req.name);
    if (req.name === 'django' && req.pin && !detection.djangoVersion) {
      detection.djangoVersion = { value: req.pin, source: file };
    }
  }
}

const DEV_NAMES = /(^|[-_/])(dev|develop|development|test|tests|local)\.txt$/;
const PROD_NAMES = /(^|[-_/])(base|prod|production|common|main)\.txt$/;

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
  const dev = files.filter((f) => DEV_NAMES.test(f));
  const runtime =
    files.find((f) => f.endsWith('/requirements.txt') || f === 'requirements.txt') ??
    files.find((f) => PROD_NAMES.test(f)) ??
    files.find((f) => !dev.includes(f));
  if (!runtime) return;
  detection.pythonDeps = { kind: 'requirements', file: runtime, devFile: dev[0] };
  const seen = new Set<string>();
  for (const file of [runtime, ...dev]) readRequirements(tree, file, detection, seen);
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
    detection.pythonPackages.add(req.name);
    if (req.name === 'django' && req.pin && !detection.djangoVersion)
      detection.djangoVersion = { value: req.pin, source: file };
  }
  if (detection.pythonDeps.kind === 'none' && deps.length > 0) {
    const uvLock = join(dirOf(file), 'uv.lock');
    detection.pythonDeps =
      tree.read(uvLock) !== undefined ? { kind: 'uv', file: uvLock } : { kind: 'pyproject', file };
  }
  if (typeof project.name === 'string' && !detection.projectName)
    detection.projectName = { value: project.name, source: file };
  const requires = typeof project['requires-python'] === 'string' ? project['requires-python'] : undefined;
  const min = requires ? /(?:>=|~=|==)\s*(3\.[0-9]+)/.exec(requires) : null;
  if (min && !detection.pythonVersion)
    detection.pythonVersion = { value: min[1]!, source: `${file} (requires-python)` };
}

const FULL_VERSION = /^v?([0-9]+\.[0-9]+\.[0-9]+)$/;

function detectPythonVersion(tree: FileTree, detection: Detection, appDir: string): void {
  for (const file of new Set(['.python-version', join(appDir, '.python-version')])) {
    const text = tree.read(file)?.trim().split(/\s+/)[0];
    if (!text) continue;
    if (/^3\.[0-9]+(\.[0-9]+)?$/.test(text)) {
      detection.pythonVersion = { value: text, source: file };
      return;
    }
    detection.notes.push(`${file}: "${text}" is not a CPython version like 3.12 or 3.12.8; ignored`);
  }
}

function detectNode(tree: FileTree, detection: Detection, appDir: string): void {
  const file = [...new Set(['package.json', join(appDir, 'package.json')])].find(
    (f) => tree.read(f) !== undefined,
  );
  if (!file) return;
  let pkg: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(tree.read(file)!);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not a JSON object');
    pkg = parsed as Record<string, unknown>;
  } catch (error) {
    throw new DetectionError(file, `invalid JSON (${(error as Error).message})`);
  }
  const dir = dirOf(file);
  const scripts = (typeof pkg.scripts === 'object' && pkg.scripts !== null ? pkg.scripts : {}) as Record<
    string,
    unknown
  >;
  const pick = (...names: string[]): string | undefined => names.find((n) => typeof scripts[n] === 'string');
  detection.node = {
    dir,
    buildScript: pick('build', 'build:prod', 'build:assets', 'compile'),
    watchScript: pick('watch', 'dev', 'start'),
    lockfile: tree.read(join(dir, 'package-lock.json')) !== undefined,
  };
  if (!detection.node.lockfile) {
    detection.notes.push(
      `${join(dir, 'package-lock.json')} is missing: run "npm install" once so the image can use "npm ci"`,
    );
  }
  const nvmrc = tree.read(join(dir, '.nvmrc'))?.trim();
  const engines = (typeof pkg.engines === 'object' && pkg.engines !== null ? pkg.engines : {}) as Record<
    string,
    unknown
  >;
  const nvm = nvmrc ? FULL_VERSION.exec(nvmrc) : null;
  const engine = typeof engines.node === 'string' ? FULL_VERSION.exec(engines.node.replace(/^=/, '')) : null;
  if (nvm) detection.nodeVersion = { value: nvm[1]!, source: join(dir, '.nvmrc') };
  else if (engine) detection.nodeVersion = { value: engine[1]!, source: `${file} (engines.node)` };
  else if (nvmrc)
    detection.notes.push(`${join(dir, '.nvmrc')}: "${nvmrc}" is not an exact version like 18.20.7; ignored`);
  const pm =
    typeof pkg.packageManager === 'string' ? /^npm@([0-9]+\.[0-9]+\.[0-9]+)/.exec(pkg.packageManager) : null;
  if (pm) detection.npmVersion = { value: pm[1]!, source: `${file} (packageManager)` };
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
  detectDjango(tree, detection);
  const appDir = detection.appDir?.value ?? '.';
  detectRequirements(tree, detection, appDir);
  detectPyproject(tree, detection, appDir);
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
