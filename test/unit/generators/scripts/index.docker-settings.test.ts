/**
 * The container settings (docker/python/docker_settings.py) and the health middleware over existing
 * projects of the shapes users have, with Debian's Django: `check --deploy` with the production
 * environment reports nothing, the probes answer whatever the Host header, readiness fails while the
 * database is down, and the project's own settings still work outside containers.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  asgiOnlyProject,
  settingsPackageFiles,
  srcLayoutProject,
  tutorialProject,
} from '../../../support/e2e-projects.js';
import { HEALTH_PATH, READINESS_PATH } from '../../../support/defaults.js';
import { kustomizeBuild, type K8sObject } from '../../../support/k8s-check.js';
import { envFile, python, pythonSite } from '../../../support/python.js';
import { runGenerator } from '../../../support/run.js';
import { requireTool } from '../../../support/tools.js';
import { fixturePath } from '../../../support/repo.js';

/** Versions of Debian's packages (the ones these tests run on). */
const DEBIAN = {
  versions: {
    python: '3.13.5',
    node: '20.19.2',
    npm: '10.8.2',
    django: '4.2.28',
    gunicorn: '23.0.0',
    whitenoise: '6.8.2',
    psycopg: '3.2.6',
    pytest: '8.3.5',
    pytestDjango: '4.5.2',
  },
};

/** A project of one shape, set up with `yo py-docker --yes` as a new user would. */
async function generated(make: (dir: string) => void): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'py-docker-bridge-'));
  make(dir);
  await runGenerator('app', { cwd: dir, options: { yes: true } });
  return dir;
}

const PROBES = [
  'import django, json',
  'django.setup()',
  'from django.test import Client',
  'c = Client()',
  `live = c.get(${JSON.stringify(HEALTH_PATH)}, HTTP_HOST="not-allowed.invalid")`,
  `ready = c.get(${JSON.stringify(READINESS_PATH)}, HTTP_HOST="not-allowed.invalid")`,
  'print(json.dumps([live.status_code, ready.status_code, ready.content.decode()]))',
].join('\n');

describe('the container settings over existing projects (Debian Django)', function () {
  const shapes: [string, (dir: string) => void][] = [
    [
      'django-admin startproject output (made by Django itself)',
      (dir) => cpSync(fixturePath('startproject'), dir, { recursive: true }),
    ],
    [
      'a tutorial-style flat project (python-dotenv, dj-database-url, hard-coded ALLOWED_HOSTS)',
      (dir) => tutorialProject(DEBIAN, dir),
    ],
    [
      'a settings package reading SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL with django-environ',
      (dir) => settingsPackageFiles(DEBIAN, dir),
    ],
    ['a src/ layout with manage.py at the root', (dir) => srcLayoutProject(DEBIAN, dir)],
    ['an ASGI-only project (asgi.py, no wsgi.py)', (dir) => asgiOnlyProject(DEBIAN, dir)],
  ];
  const appDir = '.';
  for (const [what, make] of shapes) {
    describe(what, () => {
      let dir: string;
      before(async function () {
        this.timeout(120_000);
        dir = await generated(make);
      });

      it('`check --deploy --fail-level WARNING` with env.production reports nothing', function () {
        const site = pythonSite(this);
        const production: Record<string, string> = {
          ...envFile(dir, 'env.production'),
          DJANGO_SECRET_KEY: randomBytes(48).toString('base64url'),
        };
        assert.equal(production.DJANGO_SETTINGS_MODULE, 'docker_settings');
        const out = python(
          site,
          join(dir, appDir),
          ['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'],
          production,
        );
        assert.match(out, /System check identified no issues/);
      });

      it('liveness answers 200 whatever the Host, readiness 503 while the database is down', function () {
        const site = pythonSite(this);
        const down = {
          ...envFile(dir, 'env.production'),
          DJANGO_SECRET_KEY: randomBytes(48).toString('base64url'),
          POSTGRES_HOST: '127.0.0.1',
          POSTGRES_PORT: '9',
        };
        const [live, ready, body] = JSON.parse(
          python(site, join(dir, appDir), ['-c', PROBES], down).split('\n')[0]!,
        ) as [number, number, string];
        assert.equal(live, 200);
        assert.equal(ready, 503, body);
        assert.match(body, /^not ready: default: OperationalError/);
      });

      it("the project's own settings module still loads outside containers, without the bridge", function () {
        const site = pythonSite(this);
        assert.ok(existsSync(join(dir, 'docker', 'python', 'docker_settings.py')));
        // Their own manage.py default, no container variables: Django as the project runs it locally.
        python(site, join(dir, appDir), ['manage.py', 'check'], {
          SECRET_KEY: 'local-only-secret-of-the-project-for-this-test-0123456789',
          DATABASE_URL: 'sqlite:///:memory:',
        });
      });
    });
  }
});

describe('the Kubernetes overlays never start on their placeholder secrets (Debian Django)', function () {
  let dir: string;
  let kubectl: string;
  before(async function () {
    this.timeout(120_000);
    kubectl = requireTool(this, 'kubectl');
    dir = await generated(() => undefined);
  });

  /** What a pod of a build gets: its ConfigMap, then its Secret (the pods' envFrom and secretKeyRefs). */
  const podEnv = (docs: K8sObject[]): Record<string, string> => {
    const secret = docs.find((d) => d.kind === 'Secret')!;
    const data = Object.entries((secret.data ?? {}) as Record<string, string>).map(([k, v]) => [
      k,
      Buffer.from(v, 'base64').toString(),
    ]);
    return {
      ...(docs.find((d) => d.kind === 'ConfigMap')!.data as Record<string, string>),
      ...Object.fromEntries(data),
      ...((secret.stringData ?? {}) as Record<string, string>),
    };
  };

  for (const env of ['staging', 'production']) {
    it(`\`kubectl apply -k k8s/overlays/${env}\` would not start: the settings refuse the placeholder and name k8s/deploy/${env}/secrets.env`, function () {
      const site = pythonSite(this);
      const overlay = podEnv(kustomizeBuild(kubectl, join(dir, `k8s/overlays/${env}`)));
      assert.match(overlay.DJANGO_SECRET_KEY!, /^change-me-/);
      assert.equal(overlay.DJANGO_SETTINGS_MODULE, 'docker_settings');
      assert.throws(
        () => python(site, dir, ['manage.py', 'check'], overlay),
        (error: Error) =>
          /DJANGO_SECRET_KEY is a placeholder/.test(error.message) &&
          error.message.includes(`k8s/deploy/${env}/secrets.env`) &&
          error.message.includes('kubectl apply -k k8s/deploy/<environment>'),
      );
      // The deploy folder, once its secrets.env holds real values, starts.
      const deploy = join(dir, `k8s/deploy/${env}`);
      writeFileSync(
        join(deploy, 'secrets.env'),
        readFileSync(join(deploy, 'secrets.env.example'), 'utf8').replace(
          /^([A-Z_]+)=change-me-.*$/gm,
          (_line, name: string) => `${name}=${randomBytes(48).toString('base64url')}`,
        ),
      );
      assert.match(
        python(site, dir, ['manage.py', 'check'], podEnv(kustomizeBuild(kubectl, deploy))),
        /System check identified no issues/,
      );
    });
  }
});

describe('without PostgreSQL the container settings put the database at DJANGO_SQLITE_PATH (Debian Django)', function () {
  const shapes: [string, (dir: string) => void][] = [
    ['the starter', () => undefined],
    [
      'a settings package reading DATABASE_URL with django-environ',
      (dir) => settingsPackageFiles(DEBIAN, dir),
    ],
  ];
  for (const [what, make] of shapes) {
    it(`${what}: migrate with env.production writes the file on the volume's path, and nothing in the project folder`, async function () {
      this.timeout(180_000);
      const site = pythonSite(this);
      const dir = mkdtempSync(join(tmpdir(), 'py-docker-bridge-'));
      make(dir);
      await runGenerator('app', { cwd: dir, options: { yes: true, postgres: false } });
      const production = envFile(dir, 'env.production');
      assert.equal(production.DJANGO_SQLITE_PATH, '/data/db.sqlite3');
      // The volume's folder, here a temporary one; everything else as env.production has it.
      const data = mkdtempSync(join(tmpdir(), 'py-docker-sqlite-'));
      const env = {
        ...production,
        DJANGO_SECRET_KEY: randomBytes(48).toString('base64url'),
        DJANGO_SQLITE_PATH: join(data, 'db.sqlite3'),
      };
      python(site, dir, ['manage.py', 'migrate', '--noinput'], env);
      const tables = python(
        site,
        dir,
        [
          '-c',
          'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from django_migrations").fetchone()[0])',
          join(data, 'db.sqlite3'),
        ],
        {},
      );
      assert.ok(Number(tables.trim()) > 10, tables);
      assert.equal(existsSync(join(dir, 'db.sqlite3')), false, 'no database in the read-only code folder');
      const seen = python(
        site,
        dir,
        [
          '-c',
          'import django; django.setup(); from django.conf import settings; print(settings.DATABASES["default"]["NAME"])',
        ],
        env,
      );
      assert.equal(seen.trim().split('\n')[0], join(data, 'db.sqlite3'));
    });
  }
});
