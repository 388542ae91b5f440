/**
 * What the starter needs of the settings, checked before anything is written: a problem stops the run
 * with the flag to change (a package name that would shadow a module, a file written twice), a warning
 * names a pin that does not install on the chosen Python.
 */
import { buildModel } from '../../lib/model.js';
import { STARTER_FRONTEND, type Settings } from '../../lib/settings.js';
import { compareVersions } from '../../lib/validate.js';
import { missingAssetsSource } from '../../lib/assets-sources.js';
import { starterFiles, starterRequirements } from './starter.js';

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
