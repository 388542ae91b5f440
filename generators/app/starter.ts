/**
 * The minimal Django + npm project `app` writes when the folder holds no Django project: which files,
 * from which template, with which values. Pure (no I/O): the app generator renders the templates of
 * generators/app/templates/starter/ with `m`, `s` and the `data` of each file.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { Model } from '../../lib/model.js';
import type { Settings } from '../../lib/settings.js';
import { pinned, type Requirement } from '../../lib/requirements.js';
import { enabledServices, SERVICES, type BackingService } from '../../lib/services/index.js';
import { under } from '../../lib/paths.js';
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
