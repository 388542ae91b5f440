/** Detection of the Django project: manage.py, the settings modules per environment, the WSGI/ASGI application, startproject's version. */
import { rootRelative } from './detect-frontend.js';
import { type FileTree } from './file-tree.js';
import { dirOf, under as join } from './paths.js';
import { Detection, Hint, findFiles } from './detection.js';

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

export function detectDjango(tree: FileTree, detection: Detection): string[] {
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
export function detectStartprojectVersion(tree: FileTree, detection: Detection, files: string[]): void {
  if (detection.djangoVersion) return;
  for (const file of files) {
    const version = STARTPROJECT_RE.exec(tree.read(file) ?? '')?.[1];
    if (version) {
      detection.djangoVersion = { value: version, source: `${file} (django-admin startproject header)` };
      return;
    }
  }
}
