/**
 * Detection of existing projects as they are: startproject output, a tutorial-style flat project, a
 * cookiecutter-django-style layout and a src/ layout (fixtures under test/fixtures/), and each rule over
 * in-memory trees.
 */
import assert from 'node:assert/strict';
import { detectProject } from '../../../lib/detect.js';
import { resolveSettings } from '../../../lib/resolve.js';
import { detectOutDir, rootRelative } from '../../../lib/detect-frontend.js';
import { DiskTree, MemoryTree } from '../../../lib/file-tree.js';
import { type Detection } from '../../../lib/detection.js';
import { sysPathEntries } from '../../../lib/detect-django.js';
import { pythonSpecifier } from '../../../lib/detect-python-version.js';
import { isWatchBuild, pickWatchScript } from '../../../lib/build-scripts.js';
import { fixturePath } from '../../support/repo.js';

const fixture = (name: string): Detection => detectProject(new DiskTree(fixturePath(name)), name);

const detectIn = (files: Record<string, string>): Detection => detectProject(new MemoryTree(files), 'folder');

const MANAGE_PY = (module: string, extra = ''): string =>
  `import os\nimport sys\n${extra}\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "${module}")\n`;

describe('existing projects on fixtures modeled on real ones', () => {
  it('`django-admin startproject mysite .` output: no dependency file, no npm, Django from the settings header', () => {
    const d = fixture('startproject');
    assert.equal(d.django, true);
    assert.deepEqual(d.settingsModule, { value: 'mysite.settings', source: 'manage.py' });
    assert.deepEqual(d.wsgiApplication, {
      value: 'mysite.wsgi:application',
      source: 'mysite/settings.py (WSGI_APPLICATION)',
    });
    assert.deepEqual(d.djangoVersion, {
      value: '5.2.17',
      source: 'mysite/settings.py (django-admin startproject header)',
    });
    assert.deepEqual(d.pythonDeps, { kind: 'none' });
    assert.equal(d.node, undefined);
    assert.equal(d.pythonPath, undefined);
    assert.equal(d.settingsModules, undefined);
    assert.equal(d.problems, undefined);
    assert.deepEqual(d.notes, []);
  });

  it('a tutorial-style flat project: runtime.txt python-3.10.2, Django 5.1 pinned, no npm', () => {
    const d = fixture('tutorial-flat');
    assert.deepEqual(d.settingsModule, { value: 'locallibrary.settings', source: 'manage.py' });
    assert.deepEqual(d.pythonVersion, { value: '3.10.2', source: 'runtime.txt' });
    assert.deepEqual(d.djangoVersion, { value: '5.1.4', source: 'requirements.txt' });
    assert.deepEqual(d.pythonDeps, { kind: 'requirements', file: 'requirements.txt', devFile: undefined });
    for (const name of ['dj-database-url', 'python-dotenv', 'whitenoise', 'psycopg2-binary'])
      assert.ok(d.pythonPackages.has(name), name);
    assert.equal(d.node, undefined);
  });

  it('a cookiecutter-django-style layout: per-environment settings and requirements, the webpack output folder', () => {
    const d = fixture('cookiecutter-layout');
    // manage.py defaults to local; the production image gets production, the tests get test.
    assert.deepEqual(d.settingsModule, {
      value: 'config.settings.production',
      source: 'config/settings/production.py',
    });
    assert.deepEqual(d.settingsModules, {
      development: { value: 'config.settings.local', source: 'manage.py' },
      test: { value: 'config.settings.test', source: 'config/settings/test.py' },
    });
    assert.deepEqual(d.wsgiApplication, {
      value: 'config.wsgi:application',
      source: 'config/settings/base.py (WSGI_APPLICATION)',
    });
    // manage.py appends the inner apps folder to sys.path.
    assert.deepEqual(d.pythonPath, { value: 'shop', source: 'manage.py (sys.path)' });
    assert.deepEqual(d.pythonDeps, {
      kind: 'requirements',
      file: 'requirements/production.txt',
      devFile: 'requirements/local.txt',
    });
    assert.deepEqual(d.djangoVersion, { value: '5.2.8', source: 'requirements/base.txt' });
    for (const name of ['gunicorn', 'django-environ', 'pytest-django'])
      assert.ok(d.pythonPackages.has(name), name);
    assert.equal(d.node?.buildScript, 'build');
    // "dev" is webpack serve, an in-memory dev server: no watch script.
    assert.equal(d.node?.watchScript, undefined);
    // prod.config.js merges common.config.js, whose output.path is relative to webpack/.
    assert.deepEqual(d.node?.outDir, {
      value: 'shop/static/webpack_bundles',
      source: 'webpack/common.config.js (output.path)',
    });
    assert.deepEqual(d.pythonVersion, { value: '3.12', source: '.python-version' });
    assert.deepEqual(d.notes, [
      'settings: config.settings.production for the production image (config/settings/production.py), config.settings.local for development, config.settings.test for tests',
      'requirements: requirements/production.txt for the image, requirements/local.txt for development and tests',
    ]);
  });

  it('a src/ layout with manage.py at the root: python path src, the settings found under it, Vite into a static folder', () => {
    const d = fixture('src-root-manage');
    assert.deepEqual(d.appDir, { value: '.', source: 'manage.py' });
    assert.deepEqual(d.pythonPath, { value: 'src', source: 'manage.py (sys.path)' });
    assert.deepEqual(d.settingsModule, { value: 'shop.settings', source: 'manage.py' });
    assert.deepEqual(d.wsgiApplication, { value: 'shop.wsgi:application', source: 'src/shop/wsgi.py' });
    assert.equal(d.problems, undefined);
    assert.deepEqual(d.pythonDeps, { kind: 'pyproject', file: 'pyproject.toml' });
    assert.deepEqual(d.djangoVersion, { value: '5.2.8', source: 'pyproject.toml' });
    assert.ok(d.pythonPackages.has('django-environ'));
    assert.deepEqual(d.pythonVersion, {
      value: '3.11',
      lowerBound: true,
      source: 'pyproject.toml (requires-python >=3.11)',
    });
    assert.equal(d.node?.buildScript, 'build');
    // "dev" is Vite's dev server; "watch" rebuilds files.
    assert.equal(d.node?.watchScript, 'watch');
    assert.deepEqual(d.node?.outDir, {
      value: 'src/shop/static/dist',
      source: 'vite.config.mjs (build.outDir)',
    });
  });
});

describe('settings modules and the import path', () => {
  const pkg = (leaves: string[], manage: string, extra: Record<string, string> = {}) =>
    detectIn({
      'manage.py': MANAGE_PY(manage),
      'config/__init__.py': '',
      'config/settings/__init__.py': '',
      ...Object.fromEntries(leaves.map((l) => [`config/settings/${l}.py`, ''])),
      ...extra,
    });

  it('manage.py naming production: development is the local/dev module beside it', () => {
    const d = pkg(['base', 'production', 'dev'], 'config.settings.production');
    assert.equal(d.settingsModule?.value, 'config.settings.production');
    assert.deepEqual(d.settingsModules?.development, {
      value: 'config.settings.dev',
      source: 'config/settings/dev.py',
    });
    assert.equal(d.settingsModules?.test, undefined);
  });

  it('"prod" counts as a production module', () => {
    const d = pkg(['base', 'local', 'prod'], 'config.settings.local');
    assert.equal(d.settingsModule?.value, 'config.settings.prod');
    assert.equal(d.settingsModules?.development?.value, 'config.settings.local');
  });

  it('manage.py naming the settings package itself: its production child for the image, the package for development', () => {
    const d = pkg(['base', 'production'], 'config.settings');
    assert.equal(d.settingsModule?.value, 'config.settings.production');
    assert.equal(d.settingsModules?.development?.value, 'config.settings');
  });

  it("no production module beside a local one: wsgi.py's default is used when it names another module", () => {
    const d = pkg(['base', 'local', 'live'], 'config.settings.local', {
      'config/wsgi.py':
        'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.live")\n',
    });
    assert.deepEqual(d.settingsModule, {
      value: 'config.settings.live',
      source: 'config/wsgi.py (DJANGO_SETTINGS_MODULE default)',
    });
    assert.equal(d.settingsModules?.development?.value, 'config.settings.local');
  });

  it('only a local module: it serves production too, and a note says so', () => {
    const d = pkg(['base', 'local'], 'config.settings.local');
    assert.equal(d.settingsModule?.value, 'config.settings.local');
    assert.equal(d.settingsModules, undefined);
    assert.match(
      d.notes.join('\n'),
      /config\.settings\.local \(manage\.py\) looks like a development module/,
    );
  });

  it('a flat project package is no settings package: modules beside settings.py are not environments', () => {
    const d = detectIn({
      'manage.py': MANAGE_PY('mysite.settings'),
      'mysite/__init__.py': '',
      'mysite/settings.py': '',
      'mysite/local.py': '',
      'mysite/production.py': '',
    });
    assert.equal(d.settingsModule?.value, 'mysite.settings');
    assert.equal(d.settingsModules, undefined);
  });

  const sysPathForms: [string, string[]][] = [
    ['sys.path.insert(0, os.path.join(BASE_DIR, "src"))', ['src']],
    ["sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'src'))", ['src']],
    ['sys.path.append(str(BASE_DIR / "src"))', ['src']],
    ['sys.path.insert(0, "src")', ['src']],
    ['sys.path.append(str(Path(__file__).parent / "apps" / "core"))', ['apps/core']],
    ['SRC_DIR = ROOT / "src"\nsys.path.insert(0, str(SRC_DIR))', ['src']],
    ['sys.path.append(os.getcwd())', []],
  ];
  for (const [code, entries] of sysPathForms) {
    it(`sys.path entry of manage.py: ${code.split('\n').at(-1)!}`, () => {
      assert.deepEqual(sysPathEntries(code), entries);
    });
  }

  it('a sys.path entry that is not a folder of the project is left out', () => {
    const d = detectIn({
      'manage.py': MANAGE_PY('shop.settings', 'sys.path.insert(0, "vendor")'),
      'shop/settings.py': '',
    });
    assert.equal(d.pythonPath, undefined);
    assert.equal(d.settingsModule?.value, 'shop.settings');
  });

  it('a settings package under src/ is found through the python path', () => {
    const d = detectIn({
      'manage.py': MANAGE_PY('shop.settings.production', 'sys.path.insert(0, str(BASE_DIR / "src"))'),
      'src/shop/__init__.py': '',
      'src/shop/settings/__init__.py': '',
      'src/shop/settings/production.py': '',
      'src/shop/settings/test.py': '',
      'src/shop/asgi.py':
        'from django.core.asgi import get_asgi_application\napplication = get_asgi_application()\n',
    });
    assert.equal(d.settingsModule?.value, 'shop.settings.production');
    assert.equal(d.settingsModules?.test?.value, 'config.settings.test'.replace('config', 'shop'));
    assert.deepEqual(d.asgiApplication, { value: 'shop.asgi:application', source: 'src/shop/asgi.py' });
  });
});

describe('the Python version the project names', () => {
  const cases: [string, Record<string, string>, Detection['pythonVersion']][] = [
    [
      'runtime.txt python-3.10.2',
      { 'runtime.txt': 'python-3.10.2\n' },
      { value: '3.10.2', source: 'runtime.txt' },
    ],
    [
      '.tool-versions python 3.11.4',
      { '.tool-versions': 'nodejs 20.11.1\npython 3.11.4 3.10.1\n' },
      { value: '3.11.4', source: '.tool-versions' },
    ],
    [
      'Pipfile [requires] python_version',
      { Pipfile: '[packages]\ndjango = "*"\n\n[requires]\npython_version = "3.12"\n' },
      { value: '3.12', source: 'Pipfile' },
    ],
    [
      'Pipfile python_full_version wins over python_version',
      { Pipfile: '[requires]\npython_version = "3.12"\npython_full_version = "3.12.4"\n' },
      { value: '3.12.4', source: 'Pipfile' },
    ],
    [
      'setup.cfg python_requires',
      { 'setup.cfg': '[options]\npython_requires = >=3.10\n' },
      { value: '3.10', lowerBound: true, source: 'setup.cfg (python_requires >=3.10)' },
    ],
    [
      'setup.py python_requires',
      { 'setup.py': 'setup(name="x", python_requires=">=3.11, <4")\n' },
      { value: '3.11', lowerBound: true, source: 'setup.py (python_requires >=3.11, <4)' },
    ],
    [
      '.python-version wins over runtime.txt',
      { '.python-version': '3.13\n', 'runtime.txt': 'python-3.10.2\n' },
      { value: '3.13', source: '.python-version' },
    ],
    [
      'runtime.txt wins over requires-python',
      {
        'runtime.txt': 'python-3.11.9',
        'pyproject.toml': '[project]\nname = "x"\nrequires-python = ">=3.10"\ndependencies = ["django"]\n',
      },
      { value: '3.11.9', source: 'runtime.txt' },
    ],
  ];
  for (const [name, files, hint] of cases) {
    it(name, () => {
      assert.deepEqual(detectIn(files).pythonVersion, hint);
    });
  }

  it('a runtime.txt that is not CPython is ignored with a note', () => {
    const d = detectIn({ 'runtime.txt': 'pypy-3.10\n' });
    assert.equal(d.pythonVersion, undefined);
    assert.deepEqual(d.notes, [
      'runtime.txt: "pypy-3.10" is not a CPython version like 3.12 or 3.12.8; ignored',
    ]);
  });

  it('version specifiers: exact lines and pins, lower bounds', () => {
    assert.deepEqual(pythonSpecifier('==3.12.*'), { value: '3.12' });
    assert.deepEqual(pythonSpecifier('==3.11.4'), { value: '3.11.4' });
    assert.deepEqual(pythonSpecifier('>=3.10,<3.13'), { value: '3.10', lowerBound: true });
    assert.deepEqual(pythonSpecifier('~=3.11'), { value: '3.11', lowerBound: true });
    assert.equal(pythonSpecifier('<3.13'), undefined);
  });

  it("Django's version from startproject's header only when no dependency file pins one", () => {
    const header = '"""\nGenerated by \'django-admin startproject\' using Django 4.2.11.\n"""\n';
    const files = { 'manage.py': MANAGE_PY('site1.settings'), 'site1/settings.py': header };
    assert.equal(detectIn(files).djangoVersion?.value, '4.2.11');
    assert.deepEqual(detectIn({ ...files, 'requirements.txt': 'Django==5.1.2\n' }).djangoVersion, {
      value: '5.1.2',
      source: 'requirements.txt',
    });
    // A settings package keeps the header in base.py.
    const pkg = detectIn({
      'manage.py': MANAGE_PY('site1.settings.production'),
      'site1/settings/__init__.py': '',
      'site1/settings/production.py': 'from .base import *\n',
      'site1/settings/base.py': header,
    });
    assert.deepEqual(pkg.djangoVersion, {
      value: '4.2.11',
      source: 'site1/settings/base.py (django-admin startproject header)',
    });
  });
});

describe('requirement files per environment', () => {
  it('requirements/{base,local,production}.txt: production.txt for the image, local.txt for development', () => {
    const d = detectIn({
      'requirements/base.txt': 'django==5.2.1\n',
      'requirements/local.txt': '-r base.txt\npytest==8.3.5\n',
      'requirements/production.txt': '-r base.txt\ngunicorn==23.0.0\n',
    });
    assert.deepEqual(d.pythonDeps, {
      kind: 'requirements',
      file: 'requirements/production.txt',
      devFile: 'requirements/local.txt',
    });
    assert.equal(d.djangoVersion?.value, '5.2.1');
    assert.ok(d.pythonPackages.has('pytest') && d.pythonPackages.has('gunicorn'));
  });

  it('a root requirements.txt still wins; a dev file wins over a test file', () => {
    const d = detectIn({
      'requirements.txt': 'django\n',
      'requirements/production.txt': 'gunicorn\n',
      'requirements-test.txt': 'pytest\n',
      'requirements-dev.txt': 'ipdb\n',
    });
    assert.deepEqual(d.pythonDeps, {
      kind: 'requirements',
      file: 'requirements.txt',
      devFile: 'requirements-dev.txt',
    });
  });
});

describe('the npm build: build script, watch script, output folder', () => {
  const node = (scripts: Record<string, string>, files: Record<string, string> = {}) =>
    detectIn({ 'package.json': JSON.stringify({ scripts }), 'package-lock.json': '{}', ...files }).node;

  it('build script names in order: build, build:prod, build:assets, compile; an empty script is none', () => {
    assert.equal(node({ compile: 'x', 'build:assets': 'y' })?.buildScript, 'build:assets');
    assert.equal(node({ 'build:prod': 'x', build: 'y' })?.buildScript, 'build');
    assert.equal(node({ build: '' })?.buildScript, undefined);
    assert.equal(node({ start: 'node server.js' })?.buildScript, undefined);
  });

  const watch: [string, string, boolean][] = [
    ['vite build --watch', 'vite build --watch', true],
    ['webpack --watch', 'webpack --mode development --watch', true],
    ['webpack watch', 'webpack watch --config webpack.config.js', true],
    ['esbuild --watch', 'esbuild src/app.js --bundle --outdir=static/js --watch', true],
    ['tailwindcss -w', 'tailwindcss -i src/in.css -o static/out.css -w', true],
    ['npm run build -- --watch', 'npm run build -- --watch', true],
    ['vite (dev server)', 'vite', false],
    ['vite dev', 'vite dev --port 3000', false],
    ['vite --host', 'vite --host 0.0.0.0', false],
    ['webpack serve', 'webpack serve --config webpack/dev.config.js', false],
    ['webpack-dev-server', 'webpack-dev-server --hot', false],
    ['parcel dev server', 'parcel src/index.html', false],
    ['concurrently with runserver', 'concurrently "vite build --watch" "python manage.py runserver"', false],
    ['gulp (no watch)', 'gulp', false],
  ];
  for (const [name, command, expected] of watch) {
    it(`${name} ${expected ? 'is' : 'is not'} a watch build`, () => {
      const scripts = { build: 'vite build', w: command };
      assert.equal(isWatchBuild('w', scripts), expected);
    });
  }

  it('the watch script: a preferred name first, another watch build after; none when only a dev server', () => {
    assert.equal(pickWatchScript({ dev: 'vite', 'assets:watch': 'vite build --watch' }), 'assets:watch');
    assert.equal(pickWatchScript({ watch: 'webpack --watch', dev: 'webpack --watch' }), 'watch');
    assert.equal(pickWatchScript({ dev: 'vite', start: 'vite preview' }), undefined);
    assert.equal(node({ build: 'vite build', dev: 'vite' })?.watchScript, undefined);
  });

  const outDirs: [string, Record<string, string>, Record<string, string>, string | undefined][] = [
    [
      'Vite build.outDir',
      { build: 'vite build' },
      { 'vite.config.js': "export default { build: { outDir: 'static/dist' } }" },
      'static/dist',
    ],
    [
      'Vite default dist under root',
      { build: 'vite build' },
      { 'vite.config.ts': "export default defineConfig({ root: 'assets' })" },
      'assets/dist',
    ],
    [
      'Vite outDir relative to root',
      { build: 'vite build' },
      { 'vite.config.mjs': "export default { root: 'web', build: { outDir: '../static/dist' } }" },
      'static/dist',
    ],
    [
      'Vite fileURLToPath(new URL())',
      { build: 'vite build' },
      {
        'vite.config.mjs':
          "export default { build: { outDir: fileURLToPath(new URL('./app/static/build', import.meta.url)) } }",
      },
      'app/static/build',
    ],
    [
      'Vite outDir set by a variable: unknown',
      { build: 'vite build' },
      { 'vite.config.js': 'export default { build: { outDir: OUT } }' },
      undefined,
    ],
    ['Vite --outDir in the script', { build: 'vite build --outDir public/build' }, {}, 'public/build'],
    [
      'webpack output.path with path.join',
      { build: 'webpack' },
      {
        'webpack.config.js':
          "module.exports = { output: { path: path.join(__dirname, 'static', 'bundles') } }",
      },
      'static/bundles',
    ],
    [
      'webpack config without output.path: unknown',
      { build: 'webpack --config webpack.prod.js' },
      { 'webpack.prod.js': 'module.exports = { mode: "production" }' },
      undefined,
    ],
    [
      'esbuild --outdir=',
      { build: 'esbuild src/main.js --bundle --outdir=app/static/js' },
      {},
      'app/static/js',
    ],
    [
      'esbuild --outfile: its folder',
      { build: 'esbuild src/main.js --bundle --outfile=app/static/js/main.js' },
      {},
      'app/static/js',
    ],
    [
      'parcel --dist-dir',
      { build: 'parcel build src/index.js --dist-dir static/parcel' },
      {},
      'static/parcel',
    ],
    [
      'tailwindcss -o file: its folder',
      { build: 'tailwindcss -i ./src/in.css -o ./static/css/site.css --minify' },
      {},
      'static/css',
    ],
    [
      'followed through npm run',
      { build: 'npm run build:js', 'build:js': 'esbuild a.js --outdir=out' },
      {},
      'out',
    ],
    [
      'two tools into two folders: unknown',
      { build: 'esbuild a.js --outdir=js && tailwindcss -o css/a.css' },
      {},
      undefined,
    ],
    [
      'an output outside the project: unknown',
      { build: 'esbuild a.js --outdir=../elsewhere' },
      {},
      undefined,
    ],
    ['a node script: unknown', { build: 'node build.mjs' }, {}, undefined],
  ];
  for (const [name, scripts, files, expected] of outDirs) {
    it(`output folder: ${name}`, () => {
      assert.equal(node(scripts, files)?.outDir?.value, expected);
    });
  }

  it('a package.json beside manage.py: the output folder is relative to the project root', () => {
    const d = detectIn({
      'web/manage.py': MANAGE_PY('portal.settings'),
      'web/portal/settings.py': '',
      'web/package.json': JSON.stringify({ scripts: { build: 'vite build' } }),
      'web/vite.config.js': "export default { build: { outDir: 'portal/static/dist' } }",
    });
    assert.deepEqual(d.node?.outDir, {
      value: 'web/portal/static/dist',
      source: 'web/vite.config.js (build.outDir)',
    });
    assert.deepEqual(
      detectOutDir(new MemoryTree({}), 'web', 'build', { build: 'esbuild x.js --outdir ./dist' }),
      { value: 'web/dist', source: 'web/package.json (esbuild ./dist)' },
    );
  });

  it('root-relative paths: "..", "./" and absolute paths', () => {
    assert.equal(rootRelative('webpack', '../shop/static/'), 'shop/static');
    assert.equal(rootRelative('.', './dist'), 'dist');
    assert.equal(rootRelative('.', '../x'), undefined);
    assert.equal(rootRelative('.', '/abs'), undefined);
  });
});

describe('the application server (WSGI or ASGI) of a project', () => {
  const manage = (module: string) =>
    `import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "${module}")\n`;

  it('an ASGI-only project (asgi.py, no wsgi.py) is served as ASGI: server uvicorn, its ASGI application', async () => {
    const files = {
      'manage.py': manage('shop.settings'),
      'shop/__init__.py': '',
      'shop/settings.py': 'ASGI_APPLICATION = "shop.asgi.application"\n',
      'shop/asgi.py':
        'from django.core.asgi import get_asgi_application\napplication = get_asgi_application()\n',
    };
    const d = detectIn(files);
    assert.equal(d.wsgiApplication, undefined);
    assert.deepEqual(d.asgiApplication, {
      value: 'shop.asgi:application',
      source: 'shop/settings.py (ASGI_APPLICATION)',
    });
    const { settings } = await resolveSettings({ flags: {}, stored: {}, detection: d, askable: new Set() });
    assert.equal(settings.server, 'uvicorn');
    assert.equal(settings.asgiApplication, 'shop.asgi:application');
  });

  it('an ASGI package that wraps the application in middleware (shop/asgi/__init__.py) is found; an empty one is not', () => {
    const files = {
      'manage.py': manage('shop.settings'),
      'shop/__init__.py': '',
      'shop/settings.py': '',
      'shop/asgi/__init__.py':
        'from .handler import get_asgi_application\nfrom .health import health_check\n\napplication = get_asgi_application()\napplication = health_check(application, "/health/")\n',
      'shop/asgi/handler.py': 'def get_asgi_application(): ...\n',
    };
    assert.deepEqual(detectIn(files).asgiApplication, {
      value: 'shop.asgi:application',
      source: 'shop/asgi/__init__.py',
    });
    const empty = detectIn({ ...files, 'shop/asgi/__init__.py': '' });
    assert.equal(empty.asgiApplication, undefined);
    assert.ok(empty.notes.some((n) => /no WSGI or ASGI application found/.test(n)));
  });

  it('WSGI_APPLICATION naming a module away from the settings (settings/common.py, app/wsgi.py) is found', () => {
    const d = detectIn({
      'manage.py': manage('settings.common'),
      'settings/__init__.py': '',
      'settings/common.py': 'WSGI_APPLICATION = "taiga.wsgi.application"\n',
      'taiga/__init__.py': '',
      'taiga/wsgi.py': 'application = None\n',
    });
    assert.deepEqual(d.wsgiApplication, {
      value: 'taiga.wsgi:application',
      source: 'settings/common.py (WSGI_APPLICATION)',
    });
  });

  it('a WSGI_APPLICATION whose module is not in the project is said, never written', () => {
    const d = detectIn({
      'manage.py': manage('sandbox.settings'),
      'sandbox/__init__.py': '',
      'sandbox/settings.py': 'WSGI_APPLICATION = "sandbox.wsgi.application"\n',
    });
    assert.equal(d.wsgiApplication, undefined);
    assert.ok(
      d.notes.some((n) =>
        /WSGI_APPLICATION names sandbox\.wsgi\.application, but no module sandbox\.wsgi/.test(n),
      ),
      d.notes.join('\n'),
    );
    assert.ok(
      d.notes.some((n) =>
        /no WSGI or ASGI application found .*serves sandbox\.wsgi:application unless --wsgi-application/.test(
          n,
        ),
      ),
      d.notes.join('\n'),
    );
  });
});
