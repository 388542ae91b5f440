import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { composeCpus, composeMemory } from '../../../../lib/compose.js';
import { GRACEFUL_TIMEOUT_S } from '../../../../lib/model.js';
import {
  COMBINATIONS,
  composeConfigCheck,
  composeMerged,
  interpolatedVariables,
  prodHardeningFindings,
  sharedSqliteFindings,
  startupOrderFindings,
  type MergedCompose,
  type RuleContext,
} from '../../../support/compose-check.js';
import { runGenerator, snapshotFolder } from '../../../support/run.js';
import { requireTool } from '../../../support/tools.js';

const BASE = 'docker-compose.yml';
const OVERRIDE = 'docker-compose.override.yml';
const PROD = 'docker-compose.prod.yml';

/** Runs the env part, then the compose part, in one fresh folder (as `yo py-docker` would). */
async function envAndCompose(options: Record<string, unknown>): Promise<string> {
  const env = await runGenerator('env', { options: { yes: true, ...options } });
  await runGenerator('compose', { cwd: env.cwd, options: { yes: true, ...options } });
  return env.cwd;
}

const dotenvKeys = (text: string): Set<string> =>
  new Set([...text.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]!));

const ctxFor = (merged: MergedCompose): RuleContext => ({
  appServices: ['web', 'worker', 'beat', 'migrate'].filter((s) => s in merged.services),
  backingServices: ['db', 'redis'].filter((s) => s in merged.services),
  gracefulTimeout: GRACEFUL_TIMEOUT_S,
  migrate: 'migrate',
  web: 'web',
});

describe('py-docker:compose', function () {
  let compose: string;
  const dirs = new Map<string, string>();

  before(async function () {
    compose = requireTool(this, 'docker-compose');
    for (const combination of COMBINATIONS)
      dirs.set(combination.label, await envAndCompose(combination.options));
  });

  it('a user runs `yo py-docker:env` and `yo py-docker:compose --yes`: base, base+override and base+prod pass `docker compose config` for every service combination', () => {
    for (const [label, dir] of dirs) {
      for (const files of [[BASE], [BASE, OVERRIDE], [BASE, PROD]]) {
        const finding = composeConfigCheck(compose, dir, files);
        assert.ok(finding.ok, `${label}, ${files.join(' + ')}: ${finding.message}`);
      }
    }
  });

  it('a user with a broken compose file, or without .env, gets an error from the same check', () => {
    const dir = dirs.get(COMBINATIONS[0]!.label)!;
    const original = readFileSync(join(dir, BASE), 'utf8');
    try {
      writeFileSync(join(dir, BASE), original.replace('    healthcheck:\n', '    healthchek:\n'));
      const typo = composeConfigCheck(compose, dir, [BASE]);
      assert.equal(typo.ok, false, 'a misspelled key must be rejected');
      assert.match(typo.message, /healthchek/);
    } finally {
      writeFileSync(join(dir, BASE), original);
    }
    const env = readFileSync(join(dir, '.env'), 'utf8');
    try {
      rmSync(join(dir, '.env'));
      const missing = composeConfigCheck(compose, dir, [BASE, PROD]);
      assert.equal(missing.ok, false, 'secrets are required (${VAR:?})');
      assert.match(missing.message, /(DJANGO_SECRET_KEY|POSTGRES_PASSWORD) is not set: add it to \.env/);
    } finally {
      writeFileSync(join(dir, '.env'), env);
    }
  });

  it('an operator runs base + prod: every container is hardened, migrations run once before the app (checklist.md "Compose")', () => {
    for (const [label, dir] of dirs) {
      const merged = composeMerged(compose, dir, [BASE, PROD]);
      assert.deepEqual(prodHardeningFindings(merged, ctxFor(merged)), [], label);
      assert.deepEqual(startupOrderFindings(merged), [], label);
      assert.equal(merged.services.migrate?.command?.join(' '), 'python manage.py migrate --noinput');
      assert.equal(merged.services.web?.build?.target, 'production');
    }
  });

  it('without PostgreSQL, base + prod keep the sqlite file on one named volume that migrate and every app container share (read-only root filesystem)', () => {
    for (const label of ['no database (--no-postgres)', 'Redis and Celery without PostgreSQL']) {
      const merged = composeMerged(compose, dirs.get(label)!, [BASE, PROD]);
      const apps = ctxFor(merged).appServices;
      assert.deepEqual(
        apps.sort(),
        label.includes('Celery') ? ['beat', 'migrate', 'web', 'worker'] : ['migrate', 'web'],
      );
      assert.deepEqual(sharedSqliteFindings(merged, apps), [], label);
      for (const name of apps) {
        assert.equal(merged.services[name]!.read_only, true, name);
        assert.equal(merged.services[name]!.environment!.DJANGO_SQLITE_PATH, '/data/db.sqlite3', name);
      }
      // Dropping the volume from web, or giving migrate its own, is caught.
      const noVolume = structuredClone(merged);
      noVolume.services.web!.volumes = [];
      assert.deepEqual(sharedSqliteFindings(noVolume, apps), [
        'web: DJANGO_SQLITE_PATH /data/db.sqlite3 is on no named volume',
      ]);
      const own = structuredClone(merged);
      own.volumes = { ...own.volumes, other: {} };
      own.services.migrate!.volumes = [{ type: 'volume', source: 'other', target: '/data' }];
      assert.match(sharedSqliteFindings(own, apps).join('\n'), /do not share one database file/);
    }
    // The development stack keeps the project's own database: nothing is mounted at /data there.
    const dev = composeMerged(compose, dirs.get('no database (--no-postgres)')!, [BASE, OVERRIDE]);
    assert.equal(dev.services.web!.environment!.DJANGO_SQLITE_PATH ?? '', '');
  });

  it('the hardening and startup-order rules catch a weakened production file', () => {
    const dir = dirs.get('PostgreSQL, Redis and Celery')!;
    const merged = composeMerged(compose, dir, [BASE, PROD]);
    const broken = structuredClone(merged);
    const web = broken.services.web!;
    web.privileged = true;
    web.cap_drop = [];
    web.read_only = false;
    web.ports = [{ target: 8000, published: '8000', host_ip: '0.0.0.0' }];
    web.stop_grace_period = '10s';
    broken.services.worker!.volumes = [{ type: 'bind', source: '/var/run/docker.sock', target: '/s' }];
    delete broken.services.migrate!.deploy;
    broken.services.migrate!.restart = 'unless-stopped';
    delete broken.services.db!.healthcheck;
    const findings = prodHardeningFindings(broken, ctxFor(broken));
    for (const expected of [
      'web: privileged',
      'web: capabilities not dropped',
      'web: root filesystem writable',
      'web: port 8000 published on all interfaces',
      'web: stop_grace_period 10s not above 30 s',
      'worker: mounts docker.sock',
      'migrate: no memory limit',
      'migrate: one-shot service restarts (unless-stopped)',
    ]) {
      assert.ok(findings.includes(expected), `missing finding "${expected}" in ${findings.join('; ')}`);
    }
    assert.ok(startupOrderFindings(broken).some((f) => /waits for db to be healthy/.test(f)));
  });

  it('a developer runs `docker compose up`: development target with host ids, bind mount, runserver, assets watcher, health-ordered start', () => {
    for (const [label, dir] of dirs) {
      const merged = composeMerged(compose, dir, [BASE, OVERRIDE]);
      assert.deepEqual(startupOrderFindings(merged), [], label);
      const web = merged.services.web!;
      const env = readFileSync(join(dir, '.env'), 'utf8');
      const uid = /^HOST_UID=(.*)$/m.exec(env)![1]!;
      assert.equal(web.build?.target, 'development', label);
      assert.equal(web.build?.args?.HOST_UID, uid, `${label}: HOST_UID from .env`);
      assert.deepEqual(web.command, ['python', 'manage.py', 'runserver', '0.0.0.0:8000']);
      assert.ok(web.volumes?.some((v) => v.type === 'bind' && v.source === dir && v.target === '/app'));
      assert.ok(web.develop?.watch?.some((w) => w.action === 'rebuild' && /requirements\.txt$/.test(w.path)));
      assert.equal(web.environment?.DJANGO_DEBUG, 'true', `${label}: env.development is read`);
      const assets = merged.services.assets!;
      assert.match(assets.image ?? '', /^node:18\.20\.7-alpine/);
      assert.match(
        (assets.command ?? []).join(' '),
        /if ! cmp -s package-lock\.json node_modules\/\.py-docker-lockfile; then npm ci .*; fi; exec npm run .*build/,
      );
      assert.equal(assets.user, `${uid}:${/^HOST_GID=(.*)$/m.exec(env)![1]}`);
      for (const port of web.ports ?? []) assert.equal(port.host_ip, '127.0.0.1');
      const db = merged.services.db;
      if (db)
        assert.match(
          db.healthcheck?.test?.join(' ') ?? '',
          /pg_isready -U "\$\$POSTGRES_USER" -d "\$\$POSTGRES_DB"/,
        );
      if (merged.services.redis)
        assert.deepEqual(merged.services.redis.healthcheck?.test, ['CMD', 'redis-cli', 'ping']);
      assert.deepEqual(web.healthcheck?.test, ['CMD', '/app/docker/healthcheck.sh']);
    }
  });

  it('the compose project, service hosts and the database credentials agree between web and db', () => {
    const dir = dirs.get('PostgreSQL, Redis and Celery')!;
    const merged = composeMerged(compose, dir, [BASE, PROD]);
    assert.match(merged.name, /^py-docker-[a-z0-9-]+$/, 'the project name from the folder');
    const web = merged.services.web!.environment!;
    const db = merged.services.db!.environment!;
    for (const key of ['POSTGRES_DB', 'POSTGRES_USER', 'POSTGRES_PASSWORD'])
      assert.equal(web[key], db[key], key);
    // env.production names Kubernetes hosts; in compose the service names win.
    assert.equal(web.POSTGRES_HOST, 'db');
    assert.equal(web.REDIS_URL, 'redis://redis:6379/0');
    assert.equal(web.CELERY_BROKER_URL, 'redis://redis:6379/1');
    assert.equal(web.WAIT_FOR, 'db:5432,redis:6379');
    assert.deepEqual(merged.services.worker!.command?.slice(0, 4), [
      'celery',
      '-A',
      // The project's package (the container settings import the project's own module).
      merged.services.web!.environment!.PROJECT_SETTINGS_MODULE!.split('.')[0],
      'worker',
    ]);
    assert.equal(merged.networks?.backend?.internal, true);
    assert.deepEqual(Object.keys(merged.services.db!.networks ?? {}), ['backend']);
  });

  it('every ${VAR} the compose files read is documented in .env.example', () => {
    for (const [label, dir] of dirs) {
      const documented = dotenvKeys(readFileSync(join(dir, '.env.example'), 'utf8'));
      for (const file of [BASE, OVERRIDE, PROD]) {
        const used = interpolatedVariables(readFileSync(join(dir, file), 'utf8'));
        assert.ok(used.length > 0, file);
        const missing = used.filter((name) => !documented.has(name));
        assert.deepEqual(missing, [], `${label}, ${file}: not in .env.example`);
      }
    }
    // The check itself: a variable nobody documents is reported.
    assert.deepEqual(interpolatedVariables('a: ${NOT_DOCUMENTED:-x} $${LITERAL}'), ['NOT_DOCUMENTED']);
  });

  it('a user picks --port 9000: every published port, the WEB_PORT default and runserver follow', async () => {
    const dir = await envAndCompose({ port: 9000 });
    for (const files of [
      [BASE, OVERRIDE],
      [BASE, PROD],
    ]) {
      const merged = composeMerged(compose, dir, files, {});
      const web = merged.services.web!;
      assert.ok(
        web.ports?.some((p) => p.target === 9000 && p.published === '9000'),
        files.join('+'),
      );
      assert.ok(web.ports?.every((p) => p.target !== 8000));
    }
    assert.match(readFileSync(join(dir, OVERRIDE), 'utf8'), /runserver\n\s+- 0\.0\.0\.0:9000/);
    assert.match(readFileSync(join(dir, '.env.example'), 'utf8'), /^WEB_PORT=9000$/m);
  });

  it('the files are strict YAML (no duplicate keys) with comments, and a re-run leaves them identical', async () => {
    for (const dir of dirs.values()) {
      for (const file of [BASE, OVERRIDE, PROD]) {
        const text = readFileSync(join(dir, file), 'utf8');
        const docs = parseAllDocuments(text, { uniqueKeys: true, strict: true });
        assert.ok(!Array.isArray(docs) || docs.every((d) => d.errors.length === 0), file);
        assert.match(text, /^# /, `${file} starts with a comment`);
        assert.doesNotMatch(text, /latest|privileged|docker\.sock/, file);
      }
    }
    const dir = dirs.get('PostgreSQL, Redis and Celery')!;
    const before = snapshotFolder(dir);
    await runGenerator('compose', { cwd: dir, options: { yes: true } });
    const after = snapshotFolder(dir);
    for (const file of [BASE, OVERRIDE, PROD])
      assert.equal(after[file]!.content, before[file]!.content, file);
  });

  it('the development assets service runs the project`s watch script when package.json has one', async () => {
    const result = await runGenerator('compose', {
      options: { yes: true },
      files: {
        'package.json': JSON.stringify({
          name: 'x',
          scripts: { build: 'vite build', dev: 'vite build --watch' },
        }),
      },
    });
    assert.match(readFileSync(join(result.cwd, OVERRIDE), 'utf8'), /; exec npm run dev\n/);
  });
});

describe('compose resource quantities', () => {
  it('Kubernetes CPU and memory quantities become compose values of the same size', () => {
    assert.equal(composeCpus('250m'), 0.25);
    assert.equal(composeCpus('1'), 1);
    assert.equal(composeCpus('1.5'), 1.5);
    assert.equal(composeMemory('512Mi'), '512m');
    assert.equal(composeMemory('1Gi'), '1g');
    assert.equal(composeMemory('1536Mi'), '1536m');
    assert.equal(composeMemory('64Ki'), '64k');
    // Decimal units are not binary ones: 500M is 500000000 bytes, not 500 MiB.
    assert.equal(composeMemory('500M'), '500000000b');
  });
});
