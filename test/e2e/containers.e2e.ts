/**
 * The generated production image and stacks in real containers: the declared structure tests hold,
 * migrations run once however many web replicas start, and the all-in-one (supervisord) image runs
 * gunicorn and Celery and stops gracefully.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { STOP_GRACE_PERIOD_S } from '../../lib/model.js';
import { INSTALLER_DIR, PYCACHE_DIR, pycacheMount } from '../../generators/docker/dockerfile-steps.js';
import {
  buildImage,
  composeDown,
  copyProject,
  freePort,
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
import { buildFlags } from '../support/e2e-mode.js';
import { runStructureTests } from '../support/structure-test-runner.js';
import { spawnRunner } from '../../generators/verify/runner.js';
import { parseComposePs, type PsEntry } from '../../generators/verify/steps.js';

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

/**
 * Run as the image's user: who it is, how many files /app and /opt/venv hold, those not owned by root,
 * those it may write or cannot read (at most 5 of each), the installers (pip, setuptools, wheel)
 * the venv holds, its modules without bytecode, bytecode outside the venv (the build keeps its own in a
 * cache mount: none in /app, none added to the standard library) and what apt leaves behind.
 */
const OWNERSHIP_CHECK = `
import glob, importlib.util, json, os, sysconfig, importlib.metadata as md
bad = {"notRoot": [], "writable": [], "unreadable": []}
count = 0
site = sysconfig.get_path("purelib") + "/"
sources = []
for top in ("/app", "/opt/venv"):
    for root, dirs, files in os.walk(top):
        for p in [root] + [os.path.join(root, f) for f in files]:
            if os.path.islink(p):
                continue
            count += 1
            if os.stat(p).st_uid != 0: bad["notRoot"].append(p)
            if os.access(p, os.W_OK): bad["writable"].append(p)
            if not os.access(p, os.R_OK): bad["unreadable"].append(p)
            if p.startswith(site) and p.endswith(".py"): sources.append(p)
installers = sorted({d.metadata["Name"].lower() for d in md.distributions()} & {"pip", "setuptools", "wheel"})
uncompiled = [p for p in sources if not os.path.exists(importlib.util.cache_from_source(p))]
outside = sorted(os.path.join(root, f) for top in ("/app", sysconfig.get_path("stdlib"))
    for root, _, files in os.walk(top) for f in files if f.endswith(".pyc") and "-packages" not in root)
leftovers = sorted(p for pattern in ("/var/lib/apt/lists/*", "/var/log/apt/*", "/var/log/dpkg.log",
    "/var/lib/dpkg/*-old", "/var/cache/debconf/*-old") for p in glob.glob(pattern))
print(json.dumps({"uid": os.getuid(), "files": count, **{k: v[:5] for k, v in bad.items()}, "installers": installers,
    "sources": len(sources), "uncompiled": uncompiled[:5], "bytecodeOutsideVenv": outside[:5], "aptLeftovers": leftovers}))
`;

/** `docker compose -p <project> <files> ...` in `dir`, with IMAGE_TAG the image the case built. */
const composeIn =
  (dir: string, project: string, files: string[], tag: string) =>
  (args: string[], timeoutMs = 120_000) =>
    must('docker', ['compose', '-p', project, ...files, ...args], timeoutMs, {
      cwd: dir,
      env: { ...process.env, IMAGE_TAG: tag },
    });

const health = async (container: string): Promise<string> =>
  (
    await must('docker', ['inspect', '--format', '{{.State.Health.Status}}', container], 30_000)
  ).stdout.trim();

/**
 * Starts web of a production stack, waits until it is healthy, and runs `code` in `manage.py shell` there.
 */
async function webShell(
  compose: (args: string[], timeoutMs?: number) => Promise<{ stdout: string }>,
  code: string,
): Promise<{ stdout: string; stderr: string }> {
  await compose(['up', '-d', '--no-build', 'web'], 600_000);
  const id = (await compose(['ps', '-q', 'web'])).stdout.trim();
  await waitFor('web healthy', 180_000, async () => ((await health(id)) === 'healthy' ? true : undefined));
  return must('docker', ['exec', id, 'python', 'manage.py', 'shell', '-c', code], 120_000);
}

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

    // Image hygiene, as the app user: root owns /app and the venv, the user reads all of it and can
    // write none of it; the venv has no pip, setuptools or wheel (nothing there runs them).
    const ownership = await must(
      'docker',
      ['run', '--rm', '--entrypoint', 'python', image, '-c', OWNERSHIP_CHECK],
      120_000,
    );
    const report = JSON.parse(ownership.stdout) as Record<string, unknown>;
    assert.deepEqual(report, {
      uid: Number(stored(dir).appUid ?? 10001),
      files: report.files,
      notRoot: [],
      writable: [],
      unreadable: [],
      installers: [],
      // Every installed module has its bytecode (compiled at build time, not at each start), and apt
      // left no lists, logs or database backups behind.
      sources: report.sources,
      uncompiled: [],
      bytecodeOutsideVenv: [],
      aptLeftovers: [],
    });
    assert.ok((report.files as number) > 50, `${String(report.files)} files under /app and /opt/venv`);
    assert.ok((report.sources as number) > 500, `${String(report.sources)} modules in the venv`);

    // Where the build's bytecode went instead: the project's cache mount holds the standard library's
    // (compiled by collectstatic and pip, the base image ships none) and pip's, for the next build.
    // The probe mounts it as the Dockerfile does (same id and target) and is not built with --no-cache,
    // which hands a RUN a new, empty cache mount; a token of its own keeps its RUN from being cached.
    const base = /^FROM (\S+) AS production$/m.exec(readFileSync(join(dir, 'Dockerfile'), 'utf8'))![1]!;
    const probe = newFolder();
    writeFileSync(
      join(probe, 'Dockerfile'),
      [
        `FROM ${base} AS probe`,
        `RUN ${pycacheMount(projectName(dir))} \\`,
        `    echo ${Date.now()} > /dev/null; \\`,
        `    { find ${PYCACHE_DIR} -path '*/lib/python3.*' -not -path '*-packages*' -name '*.pyc' | wc -l; \\`,
        `      find ${PYCACHE_DIR}${INSTALLER_DIR} -name '*.pyc' | wc -l; } > /counts`,
        'FROM scratch',
        'COPY --from=probe /counts /',
        '',
      ].join('\n'),
    );
    await must('docker', ['build', '-o', `type=local,dest=${join(probe, 'out')}`, probe], 300_000);
    const [stdlib, pip] = readFileSync(join(probe, 'out', 'counts'), 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    assert.ok(stdlib! > 100, `${stdlib} standard library modules' bytecode in the cache`);
    assert.ok(pip! > 50, `${pip} of pip's modules' bytecode in the cache`);
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

  it('all-in-one mode with Celery, base + prod and two web replicas: exactly one container schedules, the beat service (the scheduler logs)', async function () {
    this.timeout(1_500_000);
    const dir = copyProject(await generate(mode.flags.allInOne));
    // Test-only: a periodic task every 2 s (a Celery built-in), so the scheduler logs each send.
    const pkg = stored(dir).settingsModule!.split('.')[0]!;
    const celeryPy = join(dir, pkg, 'celery.py');
    writeFileSync(
      celeryPy,
      `${readFileSync(celeryPy, 'utf8')}\napp.conf.beat_schedule = {"e2e-tick": {"task": "celery.accumulate", "schedule": 2.0, "args": (1,)}}\n`,
    );
    await buildImage(mode, dir, 'production', 'e2e-beat');
    const noPorts = join(newFolder(), 'no-ports.yml');
    writeFileSync(noPorts, 'services:\n  web:\n    ports: !reset []\n');
    const project = `${projectName(dir)}-beat`;
    const files = ['-f', 'docker-compose.yml', '-f', 'docker-compose.prod.yml', '-f', noPorts];
    const compose = composeIn(dir, project, files, 'e2e-beat');
    try {
      await compose(['up', '-d', '--no-build', '--scale', 'web=2'], 600_000);
      await waitFor('two healthy web replicas', 180_000, async () => {
        const ps = parseComposePs((await compose(['ps', '--format', 'json'])).stdout);
        const web = ps.filter((s) => s.Service === 'web');
        return web.length === 2 && web.every((s) => s.Health === 'healthy') ? true : undefined;
      });
      // Logs per container: the sends of one scheduler, and the worker's runs of the task.
      const logsOf = async (): Promise<Map<string, string>> => {
        const ps = parseComposePs((await compose(['ps', '--format', 'json'])).stdout);
        const out = new Map<string, string>();
        for (const c of ps as (PsEntry & { Name: string })[]) {
          const logs = await must('docker', ['logs', c.Name], 30_000);
          out.set(`${c.Service} ${c.Name}`, `${logs.stdout}${logs.stderr}`);
        }
        return out;
      };
      const logs = await waitFor('ten scheduled sends', 180_000, async () => {
        const all = await logsOf();
        const sends = [...all.values()].join('\n').match(/Scheduler: Sending due task e2e-tick/g) ?? [];
        return sends.length >= 10 ? all : undefined;
      });
      const schedulers = [...logs].filter(([, text]) => /beat: Starting\.\.\./.test(text)).map(([k]) => k);
      const senders = [...logs].filter(([, text]) => /Sending due task e2e-tick/.test(text)).map(([k]) => k);
      assert.equal(schedulers.length, 1, `schedulers: ${schedulers.join(', ')}`);
      assert.deepEqual(senders, schedulers);
      assert.match(schedulers[0]!, /^beat /);
      // The web replicas run supervisord with gunicorn and a worker, never beat.
      const webs = [...logs].filter(([k]) => k.startsWith('web '));
      assert.equal(webs.length, 2);
      for (const [name] of webs) {
        const procs = await processes(name.split(' ')[1]!);
        assert.ok(
          procs.some((p) => /\/bin\/celery -A \S+ worker /.test(p)),
          `${name}: no worker\n${procs.join('\n')}`,
        );
        assert.ok(!procs.some((p) => /celery .*\bbeat\b/.test(p)), `${name} runs beat:\n${procs.join('\n')}`);
      }
      // One send per tick: with two schedulers each 2 s tick would be sent twice.
      const beatLog = logs.get(schedulers[0]!)!;
      const stamps = [
        ...beatLog.matchAll(
          /\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),\d+: INFO\/MainProcess\] Scheduler: Sending due task e2e-tick/g,
        ),
      ].map((m) => m[1]);
      assert.ok(stamps.length >= 10, beatLog);
      console.log(
        `        one scheduler: ${schedulers[0]}, ${senders.length} sender, ${stamps.length} sends`,
      );
    } finally {
      await composeDown(project);
    }
  });

  it('a project whose requirements say psycopg[c] gets the C implementation on slim: it installs, migrates and connects', async function () {
    this.timeout(1_500_000);
    const dir = copyProject(await starterProject(mode));
    const requirements = join(dir, 'requirements.txt');
    const before = readFileSync(requirements, 'utf8');
    assert.match(before, /^psycopg==/m);
    writeFileSync(requirements, before.replace(/^psycopg==/m, 'psycopg[c]=='));
    await buildImage(mode, dir, 'production', 'e2e-psycopg-c');
    const project = `${projectName(dir)}-pgc`;
    const files = ['-f', 'docker-compose.yml', '-f', 'docker-compose.prod.yml'];
    const compose = composeIn(dir, project, files, 'e2e-psycopg-c');
    try {
      const probe = await webShell(
        compose,
        'import psycopg; from django.db import connection; c = connection.cursor(); c.execute("select count(*) from django_migrations"); print("impl", psycopg.pq.__impl__, connection.vendor, c.fetchone()[0] > 10)',
      );
      assert.match(probe.stdout, /^impl c postgresql True$/m, probe.stdout + probe.stderr);
    } finally {
      await composeDown(project);
    }
  });

  it('a dependency with no wheel (an sdist with a C extension): the builder brings in the compilers, builds it, and the production image runs it without compilers', async function () {
    this.timeout(1_500_000);
    const dir = copyProject(await starterProject(mode));
    // The sdist, made here: a C extension module on Python's C API (Python.h, a PyModuleDef), which
    // setuptools compiles against the headers the Python image carries where sysconfig points.
    const src = join(newFolder(), 'tinycext-0.1');
    mkdirSync(join(src, 'tinycext'), { recursive: true });
    writeFileSync(join(src, 'PKG-INFO'), 'Metadata-Version: 2.1\nName: tinycext\nVersion: 0.1\n');
    writeFileSync(
      join(src, 'pyproject.toml'),
      '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n',
    );
    writeFileSync(
      join(src, 'setup.py'),
      'from setuptools import Extension, setup\nsetup(name="tinycext", version="0.1", packages=["tinycext"], ext_modules=[Extension("tinycext._native", ["native.c"])])\n',
    );
    writeFileSync(
      join(src, 'native.c'),
      [
        '#define PY_SSIZE_T_CLEAN',
        '#include <Python.h>',
        '',
        'static PyObject *multiply(PyObject *self, PyObject *args) {',
        '  long a, b;',
        '  if (!PyArg_ParseTuple(args, "ll", &a, &b)) return NULL;',
        '  return PyLong_FromLong(a * b);',
        '}',
        '',
        'static PyMethodDef methods[] = {',
        '  {"multiply", multiply, METH_VARARGS, "a * b, in C."},',
        '  {NULL, NULL, 0, NULL},',
        '};',
        '',
        'static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_native", NULL, -1, methods};',
        '',
        'PyMODINIT_FUNC PyInit__native(void) { return PyModule_Create(&module); }',
        '',
      ].join('\n'),
    );
    writeFileSync(join(src, 'tinycext', '__init__.py'), 'from ._native import multiply\n');
    const sdist = join(src, '..', 'tinycext-0.1.tar.gz');
    execFileSync('tar', ['-C', join(src, '..'), '-czf', sdist, 'tinycext-0.1']);
    // An index on 127.0.0.1 that has tinycext as an sdist only and forwards every other request to the
    // offline index (stand-in mode); without one, requirements.txt names the sdist by its URL.
    const upstream = mode.indexUrl ? new URL(mode.indexUrl) : undefined;
    const port = await freePort();
    const server: Server = createServer((req, res) => {
      if (req.url === '/tinycext-0.1.tar.gz') {
        res.writeHead(200, { 'content-type': 'application/gzip' }).end(readFileSync(sdist));
      } else if (req.url === '/simple/tinycext/') {
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end(
            '<!DOCTYPE html><html><body><a href="../../tinycext-0.1.tar.gz">tinycext-0.1.tar.gz</a></body></html>',
          );
      } else if (upstream) {
        get(new URL(req.url ?? '/', upstream.origin), (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        }).on('error', () => res.writeHead(502).end());
      } else res.writeHead(404).end();
    });
    await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
    const requirements = join(dir, 'requirements.txt');
    const own = upstream ? 'tinycext==0.1' : `tinycext @ http://127.0.0.1:${port}/tinycext-0.1.tar.gz`;
    writeFileSync(requirements, `${readFileSync(requirements, 'utf8')}${own}\n`);
    const image = `${projectName(dir)}:e2e-no-wheel`;
    const project = `${projectName(dir)}-nowheel`;
    const compose = composeIn(
      dir,
      project,
      ['-f', 'docker-compose.yml', '-f', 'docker-compose.prod.yml'],
      'e2e-no-wheel',
    );
    try {
      const build = await must(
        'docker',
        [
          'build',
          ...buildFlags(mode, upstream ? [`PIP_INDEX_URL=http://127.0.0.1:${port}/simple/`] : []),
          ...(mode.buildNetwork ? [] : ['--network', 'host']),
          '--progress',
          'plain',
          '--target',
          'production',
          '-t',
          image,
          '.',
        ],
        1_200_000,
        { cwd: dir },
      );
      const log = build.stdout + build.stderr;
      // The wheels-only try failed on tinycext, the toolchain came in, and pip built the wheel.
      // (Output lines only: BuildKit prints them as `#<step> <seconds> <line>`; the RUN's text names
      // the same words.)
      assert.match(log, /^#\d+ [\d.]+ A dependency has no wheel for this platform/m);
      assert.match(log, /^#\d+ [\d.]+ Setting up build-essential/m);
      assert.match(log, /^#\d+ [\d.]+ +Building wheel for tinycext/m);
      // A wheel of this Python's ABI for this platform: the extension module was compiled.
      assert.match(
        log,
        /^#\d+ [\d.]+ +Created wheel for tinycext: filename=tinycext-0\.1-cp3\d+-cp3\d+-linux_\w+\.whl/m,
      );
      // No compiler in the production image, and the compiled module is there.
      const tools = await must(
        'docker',
        [
          'run',
          '--rm',
          '--entrypoint',
          'sh',
          image,
          '-c',
          'for t in gcc cc make ld; do command -v "$t" || true; done',
        ],
        120_000,
      );
      assert.equal(tools.stdout.trim(), '');
      const probe = await webShell(
        compose,
        'import tinycext, tinycext._native as n; print("answer", tinycext.multiply(6, 7), type(n.multiply).__name__, n.__file__.endswith(".so"))',
      );
      // builtin_function_or_method: the function is C code of the module, not Python.
      assert.match(probe.stdout, /^answer 42 builtin_function_or_method True$/m, probe.stdout + probe.stderr);
    } finally {
      server.close();
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
