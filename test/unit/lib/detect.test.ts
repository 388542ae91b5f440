import assert from 'node:assert/strict';
import { detectProject, imageFromRemote, slugify } from '../../../lib/detect.js';
import { DiskTree, MemoryTree } from '../../../lib/file-tree.js';
import { DetectionError, type Detection } from '../../../lib/detection.js';
import { fixturePath } from '../../support/repo.js';

/** The fixture projects in the source tree (tests run from dist/test/unit). */
const fixture = (name: string): DiskTree => new DiskTree(fixturePath(name));

const MANAGE_PY = (module: string): string =>
  `import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "${module}")\n`;

const detectIn = (files: Record<string, string>, folder = 'folder'): Detection =>
  detectProject(new MemoryTree(files), folder);

const failure = (files: Record<string, string>): DetectionError => {
  try {
    detectIn(files);
  } catch (error) {
    assert.ok(error instanceof DetectionError, `expected a DetectionError, got ${String(error)}`);
    return error;
  }
  assert.fail('detection succeeded, but an error was expected');
};

describe('project detection on fixture projects', () => {
  it('a flat project: manage.py, settings, wsgi/asgi, requirements with celery, package.json, .nvmrc, .python-version', () => {
    const d = detectProject(fixture('flat'), 'flat');
    assert.equal(d.django, true);
    assert.deepEqual(d.appDir, { value: '.', source: 'manage.py' });
    assert.equal(d.settingsModule?.value, 'mysite.settings');
    assert.equal(d.wsgiApplication?.value, 'mysite.wsgi:application');
    assert.equal(d.asgiApplication?.value, 'mysite.asgi:application');
    assert.deepEqual(d.pythonDeps, {
      kind: 'requirements',
      file: 'requirements.txt',
      devFile: 'requirements-dev.txt',
    });
    assert.deepEqual(d.djangoVersion, { value: '4.2.11', source: 'requirements.txt' });
    for (const name of ['django', 'celery', 'whitenoise', 'pytest'])
      assert.ok(d.pythonPackages.has(name), name);
    // `vite build` without a vite.config writes to Vite's default dist/.
    assert.deepEqual(d.node, {
      dir: '.',
      buildScript: 'build',
      watchScript: 'watch',
      scripts: Object.keys(JSON.parse(fixture('flat').read('package.json')!).scripts as object),
      lockfile: true,
      manager: { value: 'npm', source: 'package.json (packageManager)' },
      managerVersion: { value: '10.5.0', source: 'package.json (packageManager)' },
      outDir: { value: 'dist', source: 'Vite default (dist, no vite.config)' },
    });
    assert.deepEqual(d.nodeVersion, { value: '20.11.1', source: '.nvmrc' });
    assert.deepEqual(d.npmVersion, { value: '10.5.0', source: 'package.json (packageManager)' });
    assert.deepEqual(d.pythonVersion, { value: '3.11.9', source: '.python-version' });
    // "@acme/My_Site" from package.json, made a DNS label.
    assert.deepEqual(d.projectName, { value: 'my-site', source: 'package.json' });
    assert.deepEqual(d.notes, []);
  });

  it('a src/ layout: manage.py and package.json in src/, requirements at the root', () => {
    const d = detectProject(fixture('src-layout'), 'src-layout');
    assert.deepEqual(d.appDir, { value: 'src', source: 'src/manage.py' });
    assert.equal(d.settingsModule?.value, 'shop.settings');
    assert.deepEqual(d.wsgiApplication, { value: 'shop.wsgi:application', source: 'src/shop/wsgi.py' });
    assert.equal(d.asgiApplication, undefined);
    assert.deepEqual(d.pythonDeps, { kind: 'requirements', file: 'requirements.txt', devFile: undefined });
    assert.equal(d.djangoVersion?.value, '5.1.4');
    assert.ok(d.pythonPackages.has('redis'));
    // webpack without a config writes to dist/ of the folder it runs in (src/).
    assert.deepEqual(d.node, {
      dir: 'src',
      buildScript: 'build:prod',
      watchScript: 'dev',
      scripts: Object.keys(JSON.parse(fixture('src-layout').read('src/package.json')!).scripts as object),
      lockfile: false,
      manager: { value: 'npm', source: 'src/package.json (no lockfile: npm)' },
      outDir: { value: 'src/dist', source: 'webpack default (dist, no webpack.config)' },
    });
    // engines.node is exact; the .nvmrc alias is not a version, and engines wins without a note.
    assert.deepEqual(d.nodeVersion, { value: '20.11.1', source: 'src/package.json (engines.node)' });
    assert.equal(d.pythonVersion, undefined);
    assert.deepEqual(d.notes, [
      '.python-version: "pypy3.10" is not a CPython version like 3.12 or 3.12.8; ignored',
      'src/package-lock.json is missing: run "npm install" once so the image can install from the lockfile',
    ]);
    assert.equal(d.projectName?.value, 'shop-frontend');
  });

  it('a settings package config/settings/{__init__,base,production}.py with requirements/base.txt and dev.txt', () => {
    const d = detectProject(fixture('settings-package'), 'settings-package');
    assert.equal(d.settingsModule?.value, 'config.settings.production');
    // wsgi.py lives beside the settings package, not inside it.
    assert.deepEqual(d.wsgiApplication, { value: 'config.wsgi:application', source: 'config/wsgi.py' });
    assert.equal(d.asgiApplication?.value, 'config.asgi:application');
    assert.deepEqual(d.pythonDeps, {
      kind: 'requirements',
      file: 'requirements/base.txt',
      devFile: 'requirements/dev.txt',
    });
    assert.deepEqual(d.djangoVersion, { value: '4.2.16', source: 'requirements/base.txt' });
    // coverage from dev.txt; django-debug-toolbar only through dev.txt's `--requirement extras/tools.txt`.
    for (const name of ['django', 'psycopg', 'coverage', 'django-debug-toolbar'])
      assert.ok(d.pythonPackages.has(name), name);
    assert.equal(d.node?.buildScript, 'compile');
    assert.equal(d.node?.watchScript, undefined);
  });

  it('a pyproject.toml project with uv.lock: uv mode, pins, requires-python and the dependency groups', () => {
    const d = detectProject(fixture('pyproject-uv'), 'pyproject-uv');
    assert.deepEqual(d.pythonDeps, { kind: 'uv', file: 'uv.lock' });
    assert.deepEqual(d.djangoVersion, { value: '5.2.1', source: 'pyproject.toml' });
    assert.deepEqual(d.pythonVersion, {
      value: '3.12',
      lowerBound: true,
      source: 'pyproject.toml (requires-python >=3.12)',
    });
    assert.ok(d.pythonPackages.has('celery'), 'dependency-groups are read');
    assert.ok(d.pythonPackages.has('gunicorn'));
    assert.deepEqual(d.projectName, { value: 'blog-engine', source: 'pyproject.toml' });
    assert.equal(d.node, undefined);
  });

  it('a Django project without package.json: no Node.js hints, and the folder name is the project name', () => {
    const d = detectProject(fixture('no-package-json'), 'No Package JSON');
    assert.equal(d.django, true);
    assert.equal(d.node, undefined);
    assert.equal(d.nodeVersion, undefined);
    assert.deepEqual(d.projectName, { value: 'no-package-json', source: 'folder name' });
    assert.equal(d.djangoVersion?.value, '4.2.20');
  });

  it('a package.json in a frontend/ folder is not detected: only the root or the folder of manage.py', () => {
    const d = detectProject(fixture('frontend-folder'), 'frontend-folder');
    assert.deepEqual(d.appDir, { value: 'web', source: 'web/manage.py' });
    assert.equal(d.settingsModule?.value, 'portal.settings');
    assert.equal(d.node, undefined);
    assert.equal(d.pythonDeps.kind, 'none');
  });
});

describe('project detection over in-memory trees', () => {
  it('an empty folder is no Django project and takes its name from the folder', () => {
    const d = detectIn({}, 'My New Shop');
    assert.equal(d.django, false);
    assert.equal(d.pythonDeps.kind, 'none');
    assert.deepEqual(d.projectName, { value: 'my-new-shop', source: 'folder name' });
  });

  it('skips manage.py files inside virtualenvs and node_modules', () => {
    const d = detectIn({
      '.venv/lib/manage.py': MANAGE_PY('nope.settings'),
      'node_modules/x/manage.py': MANAGE_PY('nope.settings'),
    });
    assert.equal(d.django, false);
  });

  it('a package.json without a lockfile notes that `npm ci` needs one', () => {
    const d = detectIn({ 'package.json': '{"scripts":{"build":"x"}}' });
    assert.deepEqual(d.notes, [
      'package-lock.json is missing: run "npm install" once so the image can install from the lockfile',
    ]);
  });

  it('.nvmrc with an exact version wins over engines.node; an alias is ignored with a note', () => {
    const exact = detectIn({
      'package.json': '{"engines":{"node":"18.19.0"}}',
      'package-lock.json': '{}',
      '.nvmrc': '20.12.2\n',
    });
    assert.deepEqual(exact.nodeVersion, { value: '20.12.2', source: '.nvmrc' });
    const alias = detectIn({ 'package.json': '{}', 'package-lock.json': '{}', '.nvmrc': 'lts/hydrogen\n' });
    assert.equal(alias.nodeVersion, undefined);
    assert.deepEqual(alias.notes, [
      'package.json has no build script (no scripts): no assets stage, as with --frontend none; --build-script <name> runs one',
      '.nvmrc: "lts/hydrogen" is not a version like 22 or 18.20.7; ignored',
    ]);
  });

  it('.python-version with major.minor is a hint; a non-CPython entry is ignored with a note', () => {
    assert.deepEqual(detectIn({ '.python-version': '3.12\n' }).pythonVersion, {
      value: '3.12',
      source: '.python-version',
    });
    const ignored = detectIn({ '.python-version': 'system\n' });
    assert.equal(ignored.pythonVersion, undefined);
    assert.deepEqual(ignored.notes, [
      '.python-version: "system" is not a CPython version like 3.12 or 3.12.8; ignored',
    ]);
  });

  it('.python-version wins over requires-python of pyproject.toml', () => {
    const d = detectIn({
      'pyproject.toml': '[project]\nname = "x"\nrequires-python = ">=3.10"\ndependencies = ["django"]\n',
      '.python-version': '3.11.4\n',
    });
    assert.deepEqual(d.pythonVersion, { value: '3.11.4', source: '.python-version' });
    assert.deepEqual(d.pythonDeps, { kind: 'pyproject', file: 'pyproject.toml' });
  });
});

describe('malformed project files stop detection with the file named', () => {
  it('package.json that is not JSON', () => {
    const error = failure({ 'package.json': '{"name": "x",' });
    assert.equal(error.file, 'package.json');
    assert.match(error.message, /^package\.json: invalid JSON/);
  });

  it('package.json that is JSON but not an object', () => {
    const error = failure({ 'package.json': '["a"]' });
    assert.match(error.message, /^package\.json: invalid JSON \(not a JSON object\)/);
  });

  it('pyproject.toml that is not TOML', () => {
    const error = failure({ 'pyproject.toml': '[project\nname = "x"\n' });
    assert.equal(error.file, 'pyproject.toml');
    assert.match(error.message, /^pyproject\.toml: invalid TOML/);
  });
});

describe('settings modules detection cannot work out are recorded, not thrown (a flag may supply them)', () => {
  it('manage.py without a DJANGO_SETTINGS_MODULE default: a problem naming the file and the flag', () => {
    const d = detectIn({ 'src/manage.py': 'print("hello")\n' });
    assert.equal(d.django, true);
    assert.equal(d.settingsModule, undefined);
    assert.equal(d.problems?.settingsModule?.file, 'src/manage.py');
    assert.match(
      d.problems!.settingsModule!.problem,
      /no DJANGO_SETTINGS_MODULE default found.*pass --settings-module$/,
    );
  });

  it('manage.py naming a settings module that does not exist: the files looked for are named', () => {
    const d = detectIn({ 'manage.py': MANAGE_PY('ghost.settings') });
    assert.equal(d.problems?.settingsModule?.file, 'manage.py');
    assert.match(
      d.problems!.settingsModule!.problem,
      /ghost\.settings, but none of ghost\/settings\.py, ghost\/settings\/__init__\.py exists; pass --settings-module/,
    );
  });
});

describe('image repository from the git remote', () => {
  const cases: [string, string | undefined][] = [
    ['git@github.com:Acme/Shop.git', 'ghcr.io/acme/shop'],
    ['https://github.com/acme/shop.git', 'ghcr.io/acme/shop'],
    ['https://github.com/acme/shop', 'ghcr.io/acme/shop'],
    ['ssh://git@github.com/acme/shop.git', 'ghcr.io/acme/shop'],
    ['git@gitlab.com:group/sub/project.git', 'registry.gitlab.com/group/sub/project'],
    ['https://gitlab.com/group/project.git', 'registry.gitlab.com/group/project'],
    ['git@bitbucket.org:acme/shop.git', undefined],
    ['https://git.example.com/acme/shop.git', undefined],
    ['not a url', undefined],
  ];
  for (const [url, image] of cases) {
    it(`${url} -> ${image ?? 'nothing (unknown host)'}`, () => {
      assert.equal(imageFromRemote(url), image);
    });
  }

  it('reads the "origin" remote of .git/config, not another remote', () => {
    const config = [
      '[remote "upstream"]',
      '\turl = git@github.com:other/fork.git',
      '[remote "origin"]',
      '\turl = git@github.com:acme/shop.git',
      '\tfetch = +refs/heads/*:refs/remotes/origin/*',
    ].join('\n');
    assert.deepEqual(detectIn({ '.git/config': config }).imageRepository, {
      value: 'ghcr.io/acme/shop',
      source: '.git/config (remote "origin")',
    });
    assert.equal(
      detectIn({ '.git/config': '[remote "upstream"]\n\turl = git@github.com:a/b.git\n' }).imageRepository,
      undefined,
    );
  });
});

describe('project names', () => {
  it('slugify makes DNS-1123 labels of package names and folder names', () => {
    assert.equal(slugify('@scope/My_Great.App'), 'my-great-app');
    assert.equal(slugify('123 shop'), 'shop');
    assert.equal(slugify('x'.repeat(50)), 'x'.repeat(40));
    assert.equal(slugify('---'), '');
  });
});
