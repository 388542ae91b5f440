import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { RunResult } from 'yeoman-test';
import { secretVars } from '../../../../lib/env-vars.js';
import { buildModel } from '../../../../lib/model.js';
import { resolveSettings } from '../../../../lib/resolve.js';
import { emptyDetection } from '../../../../lib/detect-empty.js';
import { starterProblem } from '../../../../generators/app/starter-checks.js';
import { REQUIREMENT_PINS, starterFiles, starterRequirements } from '../../../../generators/app/starter.js';
import type { Settings } from '../../../../lib/settings.js';
import { HEALTH_PATH } from '../../../support/defaults.js';
import { fixtureFiles, runGenerator, snapshotFolder } from '../../../support/run.js';
import { requireTool } from '../../../support/tools.js';
import { envFile, python, pythonSite } from '../../../support/python.js';
import { BUILD_ONLY_SECRET_KEY } from '../../../../lib/names.js';

const read = (dir: string, file: string): string => readFileSync(join(dir, file), 'utf8');

/** A temporary folder holding these files on disk (yeoman-test's `files` only reach its in-memory fs). */
function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'py-docker-starter-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const settingsFor = async (flags: Partial<Record<keyof Settings, unknown>>): Promise<Settings> =>
  (await resolveSettings({ flags, stored: {}, detection: emptyDetection(), askable: new Set() })).settings;

/** Values of the secrets in a generated .env (what must never appear in a committed file). */
function secretValues(env: string, names: string[]): string[] {
  return names.map((name) => {
    const value = new RegExp(`^${name}=(.*)$`, 'm').exec(env)?.[1] ?? '';
    assert.ok(value.length >= 16, `${name} has no real value in .env`);
    return value;
  });
}

describe('the starter project', () => {
  describe('a new user runs `yo py-docker --yes` in an empty folder', () => {
    let first: RunResult;
    let dir: string;
    before(async () => {
      first = await runGenerator('app', { options: { yes: true, 'project-name': 'my-shop' } });
      dir = first.cwd;
    });

    it('gets manage.py, the my_shop package, package.json with its lockfile, and pinned requirements', () => {
      first.assertFile([
        'manage.py',
        'my_shop/__init__.py',
        'my_shop/settings.py',
        'my_shop/urls.py',
        'my_shop/wsgi.py',
        'my_shop/asgi.py',
        'my_shop/views.py',
        'my_shop/tests.py',
        'my_shop/templates/home.html',
        'package.json',
        'package-lock.json',
        'frontend/build.mjs',
        'frontend/src/main.js',
        'frontend/src/main.css',
        'requirements.txt',
        'requirements-dev.txt',
        'README.Docker.md',
      ]);
      first.assertNoFile('my_shop/celery.py');
      assert.deepEqual(first.askedQuestions, [], '--yes asked a question');
      assert.equal(statSync(join(dir, 'manage.py')).mode & 0o111, 0o111, 'manage.py is executable');
      assert.equal(
        read(dir, 'requirements.txt'),
        '# Runtime dependencies, pinned exactly so every image build installs the same versions.\n' +
          'Django==4.2.20\ngunicorn==23.0.0\nwhitenoise==6.8.2\npsycopg==3.2.6\n',
      );
      assert.match(read(dir, 'requirements-dev.txt'), /^-r requirements\.txt$/m);
    });

    it('the starter is what detection then finds: the settings module, WSGI app and build script agree', () => {
      assert.match(read(dir, 'manage.py'), /"DJANGO_SETTINGS_MODULE", "my_shop\.settings"/);
      const pkg = JSON.parse(read(dir, 'package.json')) as Record<string, unknown>;
      assert.equal(pkg.name, 'my-shop');
      assert.equal(pkg.private, true);
      assert.deepEqual(pkg.scripts, {
        build: 'node frontend/build.mjs',
        watch: 'node frontend/build.mjs --watch',
      });
      assert.equal(pkg.dependencies, undefined);
      const settings = read(dir, 'my_shop/settings.py');
      assert.match(settings, /^WSGI_APPLICATION = "my_shop\.wsgi\.application"$/m);
      assert.match(settings, /^ROOT_URLCONF = "my_shop\.urls"$/m);
    });

    it('settings.py is plain Django settings; the container settings read the catalogue variables', () => {
      const settings = read(dir, 'my_shop/settings.py');
      assert.doesNotMatch(settings, /os\.environ|getenv/, 'the starter settings read no environment');
      assert.match(settings, /^SECRET_KEY = "django-insecure-[0-9a-f]{50}"$/m);
      assert.match(settings, /^DEBUG = True$/m);
      const bridge = read(dir, 'docker/python/docker_settings.py');
      const names = new Set([...bridge.matchAll(/_(?:env|bool|list)\("([A-Z_]+)"/g)].map((m) => m[1]));
      for (const name of [
        'DJANGO_SECRET_KEY',
        'DJANGO_DEBUG',
        'DJANGO_ALLOWED_HOSTS',
        'DJANGO_CSRF_TRUSTED_ORIGINS',
        'DJANGO_SECURE_SSL_REDIRECT',
        'DJANGO_LOG_LEVEL',
        'POSTGRES_HOST',
        'POSTGRES_PORT',
        'REDIS_URL',
        'CELERY_BROKER_URL',
      ])
        assert.ok(names.has(name), name);
      assert.match(bridge, /^PROJECT_SETTINGS_MODULE = .* or "my_shop\.settings"$/m);
    });

    it('README.Docker.md explains running, testing, debugging, deploying and every environment variable', () => {
      const readme = read(dir, 'README.Docker.md');
      assert.ok(readme.includes('docker compose up --build'));
      assert.ok(readme.includes('docker compose -f docker-compose.yml -f docker-compose.prod.yml up -d'));
      for (const heading of ['## Run it', '## Test', '## Debug', '## Deploy', '## Environment files'])
        assert.ok(readme.includes(heading), heading);
      for (const name of [
        'DJANGO_SECRET_KEY',
        'DJANGO_ALLOWED_HOSTS',
        'POSTGRES_PASSWORD',
        'WAIT_FOR',
        'HOST_UID',
      ])
        assert.match(readme, new RegExp(`^\\| \`${name}\` \\|`, 'm'), name);
      assert.match(readme, /^\| `DJANGO_SECRET_KEY` \| yes \|/m);
      assert.ok(readme.includes('## The starter project'));
    });

    it('no secret value of .env appears in .env.example or any other file', async () => {
      const names = secretVars(buildModel(await settingsFor({ projectName: 'my-shop' }))).map((v) => v.name);
      assert.deepEqual(names, ['DJANGO_SECRET_KEY', 'POSTGRES_PASSWORD']);
      const secrets = secretValues(read(dir, '.env'), names);
      for (const [path, { content }] of Object.entries(snapshotFolder(dir))) {
        if (path === '.env') continue;
        for (const secret of secrets) assert.ok(!content.includes(secret), `${path} holds a secret of .env`);
      }
    });

    it('a second run changes nothing, and .env keeps its secrets', async () => {
      const before = snapshotFolder(dir);
      await runGenerator('app', { cwd: dir, options: { yes: true } });
      const after = snapshotFolder(dir);
      assert.equal(after['.env']?.content, before['.env']?.content);
      assert.deepEqual(Object.keys(after).sort(), Object.keys(before).sort());
      for (const path of Object.keys(before)) assert.equal(after[path]!.content, before[path]!.content, path);
    });

    it('a re-run keeps a view the user edited, without a side-by-side copy, and never deletes the starter', async () => {
      const views = `${read(dir, 'my_shop/views.py')}\n# my own view\n`;
      writeFileSync(join(dir, 'my_shop/views.py'), views);
      await runGenerator('app', { cwd: dir, options: { yes: true, starter: false } });
      assert.equal(read(dir, 'my_shop/views.py'), views);
      assert.equal(existsSync(join(dir, 'my_shop/views.py.py-docker-new')), false);
      first.assertFile(['manage.py', 'my_shop/settings.py', 'package.json']);
    });

    it('turning Celery on later adds celery.py and updates the untouched __init__.py and settings.py', async () => {
      await runGenerator('app', { cwd: dir, options: { yes: true, celery: true, redis: true } });
      assert.match(read(dir, 'my_shop/celery.py'), /app = Celery\("my_shop"\)/);
      assert.match(read(dir, 'my_shop/__init__.py'), /from \.celery import app as celery_app/);
      assert.match(read(dir, 'my_shop/settings.py'), /^CELERY_TASK_ACKS_LATE = True$/m);
      // The broker and the cache come from the environment, through the container settings.
      assert.match(read(dir, 'env.development'), /^CELERY_BROKER_URL=redis:\/\/redis:6379\/1$/m);
      assert.match(read(dir, 'requirements.txt'), /^redis==6\.1\.0\ncelery==5\.5\.2$/m);
    });
  });

  it('an existing Django project gets no starter files, only the container setup', async () => {
    const result = await runGenerator('app', {
      options: { yes: true },
      cwd: folderWith(fixtureFiles('flat')),
    });
    result.assertFile('README.Docker.md');
    result.assertNoFile(['mysite/views.py', 'mysite/tests.py', 'frontend/build.mjs', 'app/settings.py']);
    assert.equal(read(result.cwd, 'package.json'), fixtureFiles('flat')['package.json']);
    assert.equal(read(result.cwd, 'requirements.txt'), fixtureFiles('flat')['requirements.txt']);
    assert.ok(!read(result.cwd, 'README.Docker.md').includes('## The starter project'));
  });

  it('interactive: the user declines the starter and gets only the container setup', async () => {
    const result = await runGenerator('app', { options: { yes: false }, answers: { starter: false } });
    assert.ok(result.askedQuestions.some((q) => q.name === 'starter'));
    result.assertNoFile(['manage.py', 'package.json', 'requirements.txt']);
    result.assertFile('README.Docker.md');
  });

  it('interactive: the user accepts the starter', async () => {
    const result = await runGenerator('app', { options: { yes: false }, answers: { starter: true } });
    result.assertFile(['manage.py', 'package.json', 'requirements.txt']);
  });

  it('files the user already has (a requirements.txt of their own) are kept, not replaced', async () => {
    const mine = 'Django==5.1.4\n';
    const result = await runGenerator('app', {
      options: { yes: true },
      cwd: folderWith({ 'requirements.txt': mine }),
    });
    assert.equal(read(result.cwd, 'requirements.txt'), mine);
    result.assertFile('manage.py');
    result.assertNoFile('requirements.txt.py-docker-new');
  });

  it('a src/ layout with a nested settings module puts every file where the settings say', async () => {
    const s = await settingsFor({
      projectName: 'shop',
      appDir: 'src',
      settingsModule: 'config.settings.production',
      requirementsFile: 'requirements/base.txt',
      devRequirementsFile: 'requirements/dev.txt',
    });
    const paths = starterFiles(buildModel(s)).map((f) => f.path);
    for (const path of [
      'src/manage.py',
      'src/config/__init__.py',
      'src/config/settings/__init__.py',
      'src/config/settings/production.py',
      'src/config/wsgi.py',
      'src/config/templates/home.html',
      'requirements/base.txt',
      'requirements/dev.txt',
      'package.json',
    ])
      assert.ok(paths.includes(path), path);
    assert.equal(new Set(paths).size, paths.length, 'a path is written twice');
  });

  it('refuses settings the starter cannot honour, naming the flag', async () => {
    assert.equal(starterProblem(await settingsFor({ projectName: 'shop' })), undefined);
    assert.equal(starterProblem(await settingsFor({ projectName: 'django' }))?.flag, 'settings-module');
    assert.equal(starterProblem(await settingsFor({ projectName: 'class' }))?.flag, 'settings-module');
    assert.equal(starterProblem(await settingsFor({ settingsModule: 'settings' }))?.flag, 'settings-module');
    // Below the top-level package a standard module name shadows nothing.
    assert.equal(starterProblem(await settingsFor({ settingsModule: 'shop.settings.test' })), undefined);
    assert.equal(
      starterProblem(await settingsFor({ projectName: 'shop', wsgiApplication: 'other.wsgi:application' }))
        ?.flag,
      'wsgi-application',
    );
    assert.equal(
      starterProblem(await settingsFor({ projectName: 'shop', wsgiApplication: 'shop.urls:application' }))
        ?.flag,
      'wsgi-application',
    );
    assert.equal(starterProblem(await settingsFor({ pythonDeps: 'pyproject' }))?.flag, 'python-deps');
    assert.equal(
      starterProblem(await settingsFor({ devRequirementsFile: 'requirements.txt' }))?.flag,
      'dev-requirements-file',
    );
  });

  it('pins one version per library in one table, Django from --django-version', async () => {
    const reqs = starterRequirements(await settingsFor({ djangoVersion: '5.2.3', celery: true }));
    assert.deepEqual(
      reqs.map((r) => `${r.name}==${r.version}`),
      [
        'Django==5.2.3',
        `gunicorn==${REQUIREMENT_PINS.gunicorn.version}`,
        `whitenoise==${REQUIREMENT_PINS.whitenoise.version}`,
        `psycopg==${REQUIREMENT_PINS.psycopg.version}`,
        `redis==${REQUIREMENT_PINS.redis.version}`,
        `celery==${REQUIREMENT_PINS.celery.version}`,
      ],
    );
  });
});

describe('the starter project works for real', function () {
  // Generated through `app` like a user would, in the variants the tools here can run.
  const variants: [string, Record<string, unknown>][] = [
    ['sqlite', { 'project-name': 'plain', postgres: false }],
    [
      'postgres + redis + celery in a src/ layout',
      {
        'project-name': 'full',
        'app-dir': 'src',
        'settings-module': 'config.settings',
        'assets-dir': 'static/build',
        celery: true,
        'health-path': '/healthz',
      },
    ],
  ];
  const dirs: Record<string, string> = {};
  before(async () => {
    for (const [name, options] of variants)
      dirs[name] = (await runGenerator('app', { options: { yes: true, ...options } })).cwd;
  });

  it('`npm ci` succeeds offline and `npm run build` writes the assets with a banner', function () {
    for (const [name, options] of variants) {
      const dir = dirs[name]!;
      execFileSync('npm', ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'pipe' });
      execFileSync('npm', ['run', 'build'], { cwd: dir, stdio: 'pipe' });
      const out = String(options['assets-dir'] ?? 'frontend/dist');
      for (const asset of ['main.js', 'main.css']) {
        const built = read(dir, `${out}/${asset}`);
        assert.match(built, /^\/\*! .*: built from frontend\/src\/main\.(js|css) by frontend\/build\.mjs/);
        assert.ok(built.endsWith(read(dir, `frontend/src/${asset}`)), `${name}: ${asset} is not the source`);
      }
    }
  });

  it('`npm run watch` rebuilds on a change and stops at once on SIGTERM', async () => {
    const dir = dirs.sqlite!;
    const { spawn } = await import('node:child_process');
    const child = spawn('node', ['frontend/build.mjs', '--watch'], { cwd: dir, stdio: 'pipe' });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const waitFor = async (check: () => boolean, what: string): Promise<void> => {
      for (let i = 0; i < 100 && !check(); i += 1) await new Promise((r) => setTimeout(r, 50));
      assert.ok(check(), `${what}; output: ${output}`);
    };
    try {
      await waitFor(() => output.includes('watching'), 'never started watching');
      writeFileSync(join(dir, 'frontend/src/main.js'), `${read(dir, 'frontend/src/main.js')}// changed\n`);
      await waitFor(() => read(dir, 'frontend/dist/main.js').endsWith('// changed\n'), 'not rebuilt');
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('every Python file is valid Python 3.8 (the oldest Python the settings allow)', function () {
    const py = requireTool(this, 'python3');
    for (const dir of Object.values(dirs)) {
      const files = Object.keys(snapshotFolder(dir)).filter((f) => f.endsWith('.py'));
      const script =
        'import ast, sys\nfor f in sys.argv[1:]:\n    ast.parse(open(f).read(), f, feature_version=(3, 8))\n';
      execFileSync(py, ['-c', script, ...files], { cwd: dir, stdio: 'pipe' });
    }
  });

  it('`manage.py test` passes and `check --deploy` is clean with env.production (SQLite)', function () {
    const site = pythonSite(this);
    const dir = dirs.sqlite!;
    const test = envFile(dir, 'env.development');
    const out = python(site, dir, ['manage.py', 'test', '-v', '2'], { ...test, DJANGO_DEBUG: 'false' });
    assert.match(out, /test_home_page_renders_with_the_built_assets/);
    python(
      site,
      dir,
      ['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'],
      envFile(dir, 'env.production'),
    );
  });

  it('`check --deploy` is clean with PostgreSQL, Redis and Celery; liveness answers with any Host and readiness fails while the database is down', function () {
    const site = pythonSite(this);
    const dir = join(dirs['postgres + redis + celery in a src/ layout']!, 'src');
    // No PostgreSQL runs here: POSTGRES_HOST names a closed port, so the database is down.
    const production: Record<string, string> = {
      ...envFile(join(dir, '..'), 'env.production'),
      POSTGRES_HOST: '127.0.0.1',
      POSTGRES_PORT: '9',
    };
    python(site, dir, ['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'], production);
    // The log lines of the refused Host come on stderr, after the printed result.
    const probes = JSON.parse(
      python(
        site,
        dir,
        [
          '-c',
          [
            'import django, json',
            'django.setup()',
            'from django.test import Client',
            'c = Client()',
            'live = c.get("/healthz", HTTP_HOST="not-an-allowed-host.invalid")',
            'ready = c.get("/healthz/ready", HTTP_HOST="not-an-allowed-host.invalid")',
            'other = c.get("/", HTTP_HOST="not-an-allowed-host.invalid")',
            'print(json.dumps([live.status_code, live.content.decode(), ready.status_code, ready.content.decode(), other.status_code]))',
          ].join('\n'),
        ],
        production,
      ).split('\n')[0]!,
    ) as [number, string, number, string, number];
    assert.deepEqual(probes.slice(0, 2), [200, 'ok\n'], 'liveness: 200 whatever the Host');
    assert.equal(probes[2], 503, `readiness with the database down: ${probes[3]}`);
    assert.match(probes[3], /^not ready: default: OperationalError/);
    assert.equal(probes[4], 400, 'any other path still goes through the host check');
    const celery = python(
      site,
      dir,
      [
        '-c',
        'import django; django.setup(); from config import celery_app; print(celery_app.conf.broker_url)',
      ],
      production,
    );
    assert.equal(celery.trim(), production.CELERY_BROKER_URL);
  });

  it('the container settings refuse a missing, short, placeholder or build-only secret key in production, and load in development', function () {
    const site = pythonSite(this);
    const dir = dirs.sqlite!;
    const production = envFile(dir, 'env.production');
    const refused: [string, RegExp][] = [
      // The starter's own settings hold a django-insecure- key: without DJANGO_SECRET_KEY it is used.
      ['', /DJANGO_SECRET_KEY is a placeholder \(django-insecure-/],
      ['short-key', /DJANGO_SECRET_KEY is too short/],
      ['change-me-django-secret-key'.padEnd(60, 'x'), /DJANGO_SECRET_KEY is a placeholder/],
      [BUILD_ONLY_SECRET_KEY, /DJANGO_SECRET_KEY is the image build's throwaway key/],
    ];
    for (const [key, message] of refused)
      assert.throws(
        () => python(site, dir, ['manage.py', 'check'], { ...production, DJANGO_SECRET_KEY: key }),
        message,
        JSON.stringify(key),
      );
    // The build passes PY_DOCKER_BUILD with the throwaway key, for collectstatic only.
    python(site, dir, ['manage.py', 'check'], {
      ...production,
      DJANGO_SECRET_KEY: BUILD_ONLY_SECRET_KEY,
      PY_DOCKER_BUILD: '1',
    });
    python(site, dir, ['manage.py', 'check'], { ...envFile(dir, 'env.development'), DJANGO_SECRET_KEY: '' });
  });

  it('the production settings serve the built assets compressed, answer the health path over plain HTTP and redirect the rest', function () {
    const site = pythonSite(this);
    const dir = dirs.sqlite!;
    const env = {
      ...envFile(dir, 'env.production'),
      DJANGO_STATIC_ROOT: join(dir, 'staticfiles'),
      DATABASE_URL: `sqlite:///${join(dir, 'prod.sqlite3')}`,
      DJANGO_ASSETS_DIR: join(dir, 'frontend', 'dist'),
    };
    execFileSync('node', ['frontend/build.mjs'], { cwd: dir, stdio: 'pipe' });
    // Debian's Django leaves the admin's vendored JavaScript out: collect only our assets here.
    python(site, dir, ['manage.py', 'collectstatic', '--noinput', '-i', 'admin'], env);
    assert.ok(existsSync(join(dir, 'staticfiles', 'main.js.gz')), 'WhiteNoise compressed the assets');
    python(site, dir, ['manage.py', 'migrate', '-v', '0'], env);
    const script = [
      'import django, json',
      'django.setup()',
      'from django.test import Client',
      'c = Client()',
      'home = c.get("/", HTTP_HOST="localhost", secure=True)',
      'asset = c.get("/static/main.js", HTTP_HOST="localhost", secure=True)',
      `health = c.get(${JSON.stringify(HEALTH_PATH)}, HTTP_HOST="localhost")`,
      'plain = c.get("/", HTTP_HOST="localhost")',
      'print(json.dumps({"home": home.status_code, "body": home.content.decode(), "asset": asset.status_code,',
      '  "health": health.status_code, "healthBody": health.content.decode(), "plain": plain.status_code,',
      '  "location": plain.get("Location")}))',
    ].join('\n');
    const result = JSON.parse(python(site, dir, ['-c', script], env)) as {
      home: number;
      body: string;
      asset: number;
      health: number;
      healthBody: string;
      plain: number;
      location: string;
    };
    assert.equal(result.home, 200);
    assert.match(result.body, /href="\/static\/main\.css"/);
    assert.match(result.body, /src="\/static\/main\.js"/);
    assert.equal(result.asset, 200, 'WhiteNoise serves the collected file');
    assert.equal(result.health, 200);
    assert.equal(result.healthBody, 'ok\n');
    assert.equal(result.plain, 301);
    assert.equal(result.location, 'https://localhost/');
  });
});
