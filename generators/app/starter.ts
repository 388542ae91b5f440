/**
 * The minimal Django + npm project `app` writes when the folder holds no Django project: which files,
 * from which template, with which values. Pure (no I/O): the app generator renders the templates of
 * generators/app/templates/starter/ with `m`, `s` and the `data` of each file.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { buildModel, type Model } from '../../lib/model.js';
import { STARTER_FRONTEND, type Settings } from '../../lib/settings.js';
import { compareVersions } from '../../lib/validate.js';
import { pinned, type Requirement } from '../../lib/requirements.js';
import { enabledServices, SERVICES, type BackingService } from '../../lib/services/index.js';
import { under } from '../../lib/paths.js';
import { missingAssetsSource } from '../../lib/assets-sources.js';
export type { Requirement } from '../../lib/requirements.js';

export { REQUIREMENT_PINS } from '../../lib/requirements.js';

/** Lowest Python of each Django release line (docs.djangoproject.com faq/install). */
const DJANGO_PYTHON: Record<string, string> = {
  '3.2': '3.6',
  '4.0': '3.8',
  '4.1': '3.8',
  '4.2': '3.8',
  '5.0': '3.10',
  '5.1': '3.10',
  '5.2': '3.10',
  '6.0': '3.12',
};

/** File names the build writes into the assets folder and home.html loads with {% static %}. */
export const ASSET_FILES = ['main.js', 'main.css'] as const;

/** The pinned runtime requirements of the starter for these settings, in file order. */
export function starterRequirements(
  s: Settings,
  services: readonly BackingService[] = SERVICES,
): Requirement[] {
  const djangoLine = s.djangoVersion.split('.').slice(0, 2).join('.');
  const list: Requirement[] = [
    { name: 'Django', version: s.djangoVersion, python: DJANGO_PYTHON[djangoLine] ?? '3.8' },
  ];
  const add = (name: Parameters<typeof pinned>[0]): void => {
    list.push(pinned(name));
  };
  add('gunicorn');
  add('whitenoise');
  for (const service of services) if (service.enabled(s)) service.requirements?.(s).forEach(add);
  return list;
}

/** Pins that do not install on the chosen Python, as warnings the user sees before anything runs. */
export function starterWarnings(s: Settings): string[] {
  const python = s.pythonVersion.split('.').slice(0, 2).join('.');
  return starterRequirements(s)
    .filter((r) => compareVersions(python, r.python) < 0)
    .map(
      (r) =>
        `${r.name}==${r.version} in the starter requirements needs Python ${r.python} or newer, but --python-version is ${s.pythonVersion}; choose a newer Python or change the pin`,
    );
}

// Top-level modules of Python's standard library (sys.stdlib_module_names, lowercase, public): a
// starter package with one of these names would shadow it for Django itself.
const STDLIB = new Set(
  (
    'abc aifc antigravity argparse array ast asynchat asyncio asyncore atexit audioop base64 bdb binascii ' +
    'bisect builtins bz2 calendar cgi cgitb chunk cmath cmd code codecs codeop collections colorsys ' +
    'compileall concurrent configparser contextlib contextvars copy copyreg crypt csv ctypes curses ' +
    'dataclasses datetime dbm decimal difflib dis distutils doctest email encodings ensurepip enum errno ' +
    'faulthandler fcntl filecmp fileinput fnmatch fractions ftplib functools gc genericpath getopt getpass ' +
    'gettext glob graphlib grp gzip hashlib heapq hmac html http idlelib imaplib imghdr imp importlib ' +
    'inspect io ipaddress itertools json keyword lib2to3 linecache locale logging lzma mailbox mailcap ' +
    'marshal math mimetypes mmap modulefinder msilib msvcrt multiprocessing netrc nis nntplib nt ntpath ' +
    'nturl2path numbers opcode operator optparse os ossaudiodev pathlib pdb pickle pickletools pipes ' +
    'pkgutil platform plistlib poplib posix posixpath pprint profile pstats pty pwd py_compile pyclbr ' +
    'pydoc pydoc_data pyexpat queue quopri random re readline reprlib resource rlcompleter runpy sched ' +
    'secrets select selectors shelve shlex shutil signal site smtpd smtplib sndhdr socket socketserver ' +
    'spwd sqlite3 sre_compile sre_constants sre_parse ssl stat statistics string stringprep struct ' +
    'subprocess sunau symtable sys sysconfig syslog tabnanny tarfile telnetlib tempfile termios textwrap ' +
    'this threading time timeit tkinter token tokenize tomllib trace traceback tracemalloc tty turtle ' +
    'turtledemo types typing unicodedata unittest urllib uu uuid venv warnings wave weakref webbrowser ' +
    'winreg winsound wsgiref xdrlib xml xmlrpc zipapp zipfile zipimport zlib zoneinfo'
  ).split(' '),
);
const KEYWORDS = new Set(
  (
    'false none true and as assert async await break class continue def del elif else except finally ' +
    'for from global if import in is lambda nonlocal not or pass raise return try while with yield'
  ).split(' '),
);
/** Distributions the starter installs, by import name. */
const DEPENDENCIES = new Set(['django', 'gunicorn', 'whitenoise', 'psycopg', 'redis', 'celery', 'kombu']);

/**
 * Why the starter cannot be written with these settings (as `{ flag, message }` for a `--flag: ...`
 * error), or undefined. Checked before anything is written.
 */
export function starterProblem(s: Settings): { flag: string; message: string } | undefined {
  if (s.pythonDeps !== 'requirements') {
    return {
      flag: 'python-deps',
      message: `${JSON.stringify(s.pythonDeps)} needs an existing project; the starter declares its dependencies in requirements files; allowed: requirements`,
    };
  }
  // The starter has one settings module, and its packages sit beside manage.py.
  for (const [flag, value] of [
    ['dev-settings-module', s.devSettingsModule],
    ['test-settings-module', s.testSettingsModule],
  ] as const) {
    if (value !== s.settingsModule)
      return {
        flag,
        message: `${JSON.stringify(value)} is not a module of the starter, which has one settings module; allowed: ${s.settingsModule} (or an existing project's own module)`,
      };
  }
  if (s.pythonPath !== '.')
    return {
      flag: 'python-path',
      message: `${JSON.stringify(s.pythonPath)}: the starter's packages sit beside manage.py; allowed: "." (or an existing project's import folders)`,
    };
  const modules = [s.settingsModule, s.wsgiApplication.split(':')[0]!];
  for (const module of modules) {
    for (const [index, part] of module.split('.').entries()) {
      const lower = part.toLowerCase();
      // Only the top-level package is importable on its own, so only it can shadow another module.
      const why = KEYWORDS.has(lower)
        ? 'is a Python keyword'
        : index > 0
          ? undefined
          : STDLIB.has(lower)
            ? "would shadow Python's standard module of that name"
            : DEPENDENCIES.has(lower)
              ? 'would shadow a package the starter depends on'
              : undefined;
      if (why) {
        const flag = module === s.settingsModule ? 'settings-module' : 'wsgi-application';
        return {
          flag,
          message: `the starter package ${JSON.stringify(part)} ${why}; allowed: another --project-name or --${flag}`,
        };
      }
    }
  }
  if (s.settingsModule.split('.').length < 2) {
    return {
      flag: 'settings-module',
      message: `${JSON.stringify(s.settingsModule)} is not inside a package; allowed: package.module, e.g. shop.settings`,
    };
  }
  const wsgiModule = s.wsgiApplication.split(':')[0]!;
  if (wsgiModule.split('.').length < 2 || wsgiModule.split('.')[0] !== s.settingsModule.split('.')[0]) {
    return {
      flag: 'wsgi-application',
      message: `${JSON.stringify(s.wsgiApplication)} is outside the starter package ${s.settingsModule.split('.')[0]}; allowed: ${s.settingsModule.split('.')[0]}.<module>:<name>`,
    };
  }
  const paths = starterFiles(buildModel(s)).map((f) => f.path);
  const outside = missingAssetsSource(s.assetsSources, (src) =>
    paths.some((p) => p === src || p.startsWith(`${src}/`)),
  );
  if (outside) {
    return {
      flag: 'assets-sources',
      message: `${JSON.stringify(outside)} is not a file or folder of the starter project; allowed: "." or starter paths such as ${STARTER_FRONTEND}`,
    };
  }
  const twice = paths.find((p, i) => paths.indexOf(p) !== i);
  if (twice) {
    const requirements = twice === s.requirementsFile;
    return {
      flag: requirements ? 'dev-requirements-file' : 'wsgi-application',
      message: requirements
        ? `is the runtime requirements file ${twice} too; allowed: another file, or none`
        : `the starter would write ${twice} twice (the WSGI module must be a module of its own); allowed: ${s.settingsModule.split('.')[0]}.wsgi:application`,
    };
  }
  return undefined;
}

export interface StarterFile {
  /** Destination, relative to the project root. */
  path: string;
  /** Template under generators/app/templates/starter/, or the finished `content` (JSON files). */
  template?: string;
  content?: string;
  executable?: boolean;
  /** Extra values for the template (besides `m`, `s` and the shared context `c`). */
  data?: Record<string, unknown>;
}

/** Values the starter templates share, derived from the settings. Strings are Python/JS-literal safe. */
export interface StarterContext {
  /** Top-level package ("shop" for shop.settings). */
  pkg: string;
  /** Folder of the package relative to the project root. */
  pkgDir: string;
  /** Index into Path(__file__).resolve().parents that gives the folder of manage.py. */
  baseDirParent: number;
  /** Python expression of the project root (package.json, assets) built from BASE_DIR. */
  projectRootExpr: string;
  /** Python expression of the built assets folder. */
  assetsDirExpr: string;
  /** Routes (Django path() strings) of the health view and the home page. */
  healthRoute: string;
  /** SECRET_KEY of the plain settings: a django-insecure- key for local use, derived from the names. */
  localSecretKey: string;
  homeRoute: string;
  homePath: string;
  /** WSGI_APPLICATION (dotted) and the attribute wsgi.py defines. */
  wsgiSetting: string;
  wsgiAttribute: string;
  requirements: Requirement[];
  /** Relative path from the dev requirements file to the runtime one (for `-r`). */
  devInclude: string;
  assetFiles: readonly string[];
  /** The build's output folder relative to the project root (build.mjs writes there). */
  assetsDir: string;
  /** JSON string literal (valid in Python and JS) of a value. */
  lit: (value: string) => string;
}

export function starterContext(m: Model): StarterContext {
  const { s } = m;
  const pkg = m.pythonPackage;
  const depth = s.appDir === '.' ? 0 : s.appDir.split('/').length;
  const projectRootExpr = `BASE_DIR${'.parent'.repeat(depth)}`;
  const lit = (value: string): string => JSON.stringify(value);
  const healthRoute = s.healthPath.replace(/^\//, '');
  const homePath = healthRoute === '' ? '/home/' : '/';
  const [wsgiModule, wsgiAttribute] = s.wsgiApplication.split(':') as [string, string];
  const devFile = s.devRequirementsFile;
  return {
    pkg,
    pkgDir: under(s.appDir, pkg),
    baseDirParent: s.settingsModule.split('.').length - 1,
    projectRootExpr,
    assetsDirExpr: [projectRootExpr, ...s.assetsDir.split('/').map(lit)].join(' / '),
    healthRoute,
    localSecretKey: `django-insecure-${createHash('sha256').update(`${s.projectName}:${s.settingsModule}`).digest('hex').slice(0, 50)}`,
    homeRoute: homePath.replace(/^\//, ''),
    homePath,
    wsgiSetting: `${wsgiModule}.${wsgiAttribute}`,
    wsgiAttribute,
    requirements: starterRequirements(s),
    devInclude:
      devFile === 'none'
        ? ''
        : posix.relative(posix.dirname(devFile), s.requirementsFile) || s.requirementsFile,
    assetFiles: ASSET_FILES,
    assetsDir: s.assetsDir,
    lit,
  };
}

/** Every file of the starter for these settings (the caller writes them; paths are unique). */
export function starterFiles(m: Model): StarterFile[] {
  const { s } = m;
  const app = (path: string): string => under(s.appDir, path);
  const modulePath = (module: string): string => app(`${module.replace(/\./g, '/')}.py`);
  const [wsgiModule] = s.wsgiApplication.split(':') as [string];
  const pkg = m.pythonPackage;
  const files: StarterFile[] = [
    { path: app('manage.py'), template: 'manage.py.ejs', executable: true },
    { path: modulePath(`${pkg}.__init__`), template: 'package_init.py.ejs' },
  ];
  // Intermediate packages of a nested settings or WSGI module (config/settings/production.py).
  const packages = new Set<string>();
  for (const module of [s.settingsModule, wsgiModule]) {
    const parts = module.split('.');
    for (let i = 2; i < parts.length; i += 1) packages.add(parts.slice(0, i).join('.'));
  }
  for (const p of [...packages].sort()) {
    files.push({
      path: modulePath(`${p}.__init__`),
      template: 'subpackage_init.py.ejs',
      data: { module: p },
    });
  }
  files.push(
    { path: modulePath(s.settingsModule), template: 'settings.py.ejs' },
    { path: modulePath(`${pkg}.urls`), template: 'urls.py.ejs' },
    { path: modulePath(wsgiModule), template: 'wsgi.py.ejs' },
    { path: modulePath(`${pkg}.asgi`), template: 'asgi.py.ejs' },
    { path: modulePath(`${pkg}.views`), template: 'views.py.ejs' },
    { path: modulePath(`${pkg}.tests`), template: 'tests.py.ejs' },
    { path: app(`${pkg}/templates/home.html`), template: 'home.html.ejs' },
  );
  for (const service of enabledServices(m)) {
    for (const own of service.starterModules?.(pkg) ?? [])
      files.push({ path: modulePath(own.module), template: own.template });
  }
  files.push(
    { path: s.requirementsFile, template: 'requirements.txt.ejs' },
    ...(s.devRequirementsFile === 'none'
      ? []
      : [{ path: s.devRequirementsFile, template: 'requirements-dev.txt.ejs' }]),
    { path: 'package.json', content: json(packageJson(m)) },
    { path: 'package-lock.json', content: json(packageLock(m)) },
    { path: 'frontend/build.mjs', template: 'frontend/build.mjs.ejs' },
    { path: 'frontend/src/main.js', template: 'frontend/src/main.js.ejs' },
    { path: 'frontend/src/main.css', template: 'frontend/src/main.css.ejs' },
  );
  return files;
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** npm scripts of the starter: the build script the settings name, and a watch script for development. */
export function starterScripts(s: Settings): Record<string, string> {
  return {
    [s.buildScript]: 'node frontend/build.mjs',
    [s.buildScript === 'watch' ? 'watch:assets' : 'watch']: 'node frontend/build.mjs --watch',
  };
}

/** package.json: private, no dependencies, so `npm ci` needs no registry. */
export function packageJson(m: Model): Record<string, unknown> {
  return {
    name: m.s.projectName,
    version: '0.1.0',
    private: true,
    description: `Front-end assets of ${m.s.projectName}`,
    scripts: starterScripts(m.s),
    engines: { node: `>=${m.nodeMajor}` },
  };
}

/** The lockfile npm itself writes for that package.json (lockfileVersion 3, no packages). */
export function packageLock(m: Model): Record<string, unknown> {
  const pkg = packageJson(m);
  return {
    name: pkg.name,
    version: pkg.version,
    lockfileVersion: 3,
    requires: true,
    packages: { '': { name: pkg.name, version: pkg.version, engines: pkg.engines } },
  };
}
