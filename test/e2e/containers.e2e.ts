/**
 * The generated production image and stacks in real containers: the declared structure tests hold,
 * migrations run once however many web replicas start, and the all-in-one (supervisord) image runs
 * gunicorn and Celery and stops gracefully.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { STOP_GRACE_PERIOD_S } from '../../lib/model.js';
import { parseComposePs, spawnRunner } from '../../lib/verify.js';
import {
  buildImage,
  composeDown,
  generate,
  must,
  newFolder,
  projectName,
  requireEngine,
  run,
  starterProject,
  waitFor,
  type E2eMode,
} from '../support/e2e-docker.js';
import { runStructureTests } from '../support/structure-test-runner.js';

const TAG = 'e2e';

interface Declared {
  metadataTest?: Record<string, unknown>;
  fileExistenceTests?: unknown[];
  fileContentTests?: unknown[];
  commandTests?: unknown[];
}

/** Stored answers of a generated project. */
const stored = (dir: string): Record<string, string> =>
  JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-py-docker'];

/** Command lines of every process in a container (no ps in a slim image: /proc). */
async function processes(container: string): Promise<string[]> {
  const script =
    'for p in /proc/[0-9]*; do [ -r "$p/cmdline" ] && printf "%s %s\\n" "${p#/proc/}" "$(tr "\\0" " " < "$p/cmdline")"; done';
  const out = await must('docker', ['exec', container, 'sh', '-c', script], 30_000);
  return out.stdout.split('\n').filter(Boolean);
}

const health = async (container: string): Promise<string> =>
  (
    await must('docker', ['inspect', '--format', '{{.State.Health.Status}}', container], 30_000)
  ).stdout.trim();

describe('the generated images and stacks in real containers', function () {
  let mode: E2eMode;
  /** IMAGE_TAG for compose: the image built here, never an older one of the same name. */
  const composeEnv = (): NodeJS.ProcessEnv => ({ ...process.env, IMAGE_TAG: TAG });

  before(async function () {
    this.timeout(120_000);
    mode = await requireEngine(this);
  });

  it('each declared test in container-structure-test.yaml holds for the built production image', async function () {
    this.timeout(1_500_000);
    const dir = await starterProject(mode);
    const image = await buildImage(mode, dir, 'production', TAG);
    const yamlText = readFileSync(join(dir, 'container-structure-test.yaml'), 'utf8');
    const spec = parse(yamlText) as Declared;
    const declared =
      (spec.metadataTest ? 1 : 0) +
      (spec.fileExistenceTests?.length ?? 0) +
      (spec.fileContentTests?.length ?? 0) +
      (spec.commandTests?.length ?? 0);
    assert.ok(declared >= 10, `only ${declared} tests declared`);
    const result = await runStructureTests(spawnRunner(dir), image, yamlText);
    assert.deepEqual(result.failures, []);
    assert.equal(result.count, declared);
    // The same evaluation fails on an image that does not match (here: a root user is expected).
    const wrong = stringify({ schemaVersion: '2.0.0', metadataTest: { ...spec.metadataTest, user: '0:0' } });
    const broken = await runStructureTests(spawnRunner(dir), image, wrong);
    assert.equal(broken.failures.length, 1, broken.failures.join('\n'));
    assert.match(broken.failures[0]!, /user/);
  });

  it('migrations run once while two web replicas start (base + prod, `--scale web=2`)', async function () {
    this.timeout(1_200_000);
    const dir = await starterProject(mode);
    await buildImage(mode, dir, 'production', TAG);
    // Test-only: two replicas cannot share the one published host port; nothing else changes.
    const noPorts = join(newFolder(), 'no-ports.yml');
    writeFileSync(noPorts, 'services:\n  web:\n    ports: !reset []\n');
    const project = `${projectName(dir)}-scale`;
    const files = ['-f', 'docker-compose.yml', '-f', 'docker-compose.prod.yml', '-f', noPorts];
    const compose = (args: string[], timeoutMs = 120_000) =>
      must('docker', ['compose', '-p', project, ...files, ...args], timeoutMs, {
        cwd: dir,
        env: composeEnv(),
      });
    try {
      await compose(['up', '-d', '--no-build', '--scale', 'web=2'], 600_000);
      const services = await waitFor('two healthy web replicas', 180_000, async () => {
        const ps = parseComposePs((await compose(['ps', '--all', '--format', 'json'])).stdout);
        const web = ps.filter((s) => s.Service === 'web');
        return web.length === 2 && web.every((s) => s.Health === 'healthy') ? ps : undefined;
      });
      const migrate = services.filter((s) => s.Service === 'migrate');
      assert.equal(migrate.length, 1, 'one migrate container');
      assert.equal(migrate[0]!.State, 'exited');
      assert.equal(migrate[0]!.ExitCode, 0);
      assert.match(
        (await compose(['logs', '--no-color', 'migrate'])).stdout,
        /Applying auth\.0001_initial\.\.\. OK/,
      );

      const webIds = (await compose(['ps', '-q', 'web'])).stdout.split('\n').filter(Boolean);
      assert.equal(webIds.length, 2);
      for (const id of webIds) {
        const envList = JSON.parse(
          (await must('docker', ['inspect', '--format', '{{json .Config.Env}}', id], 30_000)).stdout,
        ) as string[];
        assert.ok(envList.includes('DJANGO_MIGRATE=false'), `web ${id}: DJANGO_MIGRATE is not false`);
        const logs = await must('docker', ['logs', id], 30_000);
        assert.doesNotMatch(
          `${logs.stdout}${logs.stderr}`,
          /Operations to perform|Applying /,
          `web ${id} migrated`,
        );
      }
      // One set of migrations in the database: each applied once, and every one the project has.
      const rows = await compose([
        'exec',
        '-T',
        'db',
        'sh',
        '-c',
        'psql -U "$POSTGRES_USER" -d "$POSTGRES_DB" -tAc "select count(*), count(distinct (app, name)) from django_migrations"',
      ]);
      const [total, distinct] = rows.stdout.trim().split('|').map(Number);
      const plan = await must(
        'docker',
        ['exec', webIds[0]!, 'python', 'manage.py', 'showmigrations', '--plan'],
        60_000,
      );
      const planned = plan.stdout.split('\n').filter((l) => /^\[[X ]\]/.test(l.trim()));
      assert.ok(planned.length > 10, plan.stdout);
      assert.ok(
        planned.every((l) => l.trim().startsWith('[X]')),
        'every migration applied',
      );
      assert.equal(total, planned.length, 'rows in django_migrations');
      assert.equal(distinct, total, 'no migration applied twice');
    } finally {
      await composeDown(project);
    }
  });

  it('all-in-one mode: the image started with supervisord runs gunicorn and a Celery worker, is healthy, and stops gracefully on SIGTERM within the grace period', async function () {
    this.timeout(1_500_000);
    const dir = await generate(mode.flags.allInOne);
    await buildImage(mode, dir, 'production', TAG);
    const project = `${projectName(dir)}-aio`;
    try {
      // The base file: web (the image's own CMD, supervisord) next to db and redis.
      await must(
        'docker',
        ['compose', '-p', project, '-f', 'docker-compose.yml', 'up', '-d', '--no-build', 'web'],
        600_000,
        {
          cwd: dir,
          env: composeEnv(),
        },
      );
      const id = (
        await must(
          'docker',
          ['compose', '-p', project, '-f', 'docker-compose.yml', 'ps', '-q', 'web'],
          60_000,
          {
            cwd: dir,
            env: composeEnv(),
          },
        )
      ).stdout.trim();
      await waitFor('web healthy', 180_000, async () =>
        (await health(id)) === 'healthy' ? true : undefined,
      );

      const procs = await processes(id);
      const pid1 = procs.find((p) => p.startsWith('1 '));
      assert.match(pid1 ?? '', /supervisord -c \/app\/docker\/supervisord\.conf/, procs.join('\n'));
      assert.ok(
        procs.some((p) => /\/bin\/gunicorn --config \/app\/docker\/gunicorn\.conf\.py --bind /.test(p)),
        `no gunicorn:\n${procs.join('\n')}`,
      );
      assert.ok(
        procs.some((p) => /\/bin\/celery -A \S+ worker /.test(p)),
        `no celery worker:\n${procs.join('\n')}`,
      );
      const pkg = stored(dir).settingsModule!.split('.')[0]!;
      // The worker answers once it has connected to the broker (the health check only covers gunicorn).
      await waitFor('the Celery worker answers a ping', 120_000, async () => {
        const ping = await run(
          'docker',
          ['exec', id, 'sh', '-c', `celery -A ${pkg} inspect ping -d "celery@$HOSTNAME" --timeout 5`],
          60_000,
        );
        return /pong/.test(ping.stdout) ? true : undefined;
      });

      const stop = await run(
        'docker',
        ['stop', '--time', String(STOP_GRACE_PERIOD_S), id],
        (STOP_GRACE_PERIOD_S + 30) * 1000,
      );
      assert.equal(stop.code, 0, stop.stderr);
      const code = (
        await must('docker', ['inspect', '--format', '{{.State.ExitCode}}', id], 30_000)
      ).stdout.trim();
      assert.equal(code, '0', 'exit code after docker stop');
      assert.ok(
        stop.duration < STOP_GRACE_PERIOD_S * 1000,
        `stopped after ${stop.duration} ms, grace period ${STOP_GRACE_PERIOD_S} s`,
      );
      console.log(`        all-in-one: stopped with exit 0 after ${(stop.duration / 1000).toFixed(1)} s`);
    } finally {
      await composeDown(project);
    }
  });
});
