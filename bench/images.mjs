// Part 2: how good the generated images are. The starter app, production target, against two baselines
// for the same app: a competent hand-written Dockerfile (bench/Dockerfile.handwritten, in the style of
// `docker init`) and a naive single-stage one. Size and the floor (base image + site-packages + app +
// static, from each image's own files), cold build, rebuilds after a Python, a dependency and a
// front-end change, `up` to healthy, first 200, `docker stop`, idle memory; the three interleaved. Own
// image tags and compose project names (other runs may share the engine); everything created is
// removed at the end, nothing pruned.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { interleave, log, now, ROOT, run, stats, statsOf } from './lib.mjs';

const SIDES = ['generated', 'handwritten', 'naive'];
const TAG = { generated: 'pdbench-gen', handwritten: 'pdbench-hand', naive: 'pdbench-naive' };
const HANDWRITTEN = join(ROOT, 'bench', 'Dockerfile.handwritten');
const FLOOR_SCRIPT = join(ROOT, 'bench', 'floor.py');
/** One variant per side for interleave(): generated, hand-written, naive, in turn. */
const each = (fn) => Object.fromEntries(SIDES.map((s) => [s, () => fn(s)]));

/** The environment scripts/provision/all.sh writes (image tags, exact versions, the package index). */
function provision() {
  const res = run('bash', [join(ROOT, 'scripts', 'provision', 'all.sh'), 'start'], { check: false });
  if (res.status !== 0)
    return { problem: `scripts/provision/all.sh start failed:\n${res.stderr.slice(-1500)}` };
  const file = res.stdout.trim().split('\n').at(-1);
  const dump = run('bash', ['-c', `. "${file}" && env -0`]).stdout;
  const env = Object.fromEntries(
    dump
      .split('\0')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  for (const key of ['PY_IMAGE_EXACT', 'NODE_IMAGE_EXACT', 'PY_DOCKER_INDEX_URL', 'PY_DOCKER_NODE_VERSION'])
    if (!env[key]) return { problem: `${file} does not set ${key}` };
  return { env };
}

/** A naive Dockerfile for the same app: one stage, everything in place, shell-form CMD. */
function naiveDockerfile(env, wsgi) {
  return `# The naive baseline: one stage, the whole context, Node.js in the image, shell-form CMD.
FROM ${env.PY_IMAGE_EXACT}
# The project's container settings (they set STATIC_ROOT); compose's env_file sets the rest.
ENV PYTHONPATH=/app/docker/python DJANGO_SETTINGS_MODULE=docker_settings
COPY --from=${env.NODE_IMAGE_EXACT} /usr/local/bin/node /usr/local/bin/node
COPY --from=${env.NODE_IMAGE_EXACT} /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm
# psycopg needs libpq at run time
RUN apt-get update && apt-get install -y libpq5
ARG PIP_INDEX_URL
ARG PIP_TRUSTED_HOST
WORKDIR /app
COPY . .
RUN pip install -r requirements.txt
RUN npm install && npm run build
RUN DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput
EXPOSE 8000
CMD gunicorn --bind 0.0.0.0:8000 ${wsgi}
`;
}

const UNITS = { B: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9 };
const bytes = (text) => {
  const m = /^([0-9.]+)\s*([kKMG]?B)$/.exec(text.trim());
  return m ? Number(m[1]) * UNITS[m[2]] : NaN;
};
const MEM_UNITS = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, kB: 1e3, MB: 1e6, GB: 1e9 };
const memBytes = (text) => {
  const m = /^([0-9.]+)\s*([KMG]i?B|kB|B)/.exec(text.trim());
  return m ? Number(m[1]) * MEM_UNITS[m[2]] : NaN;
};
/** Docker timestamps carry nanoseconds; Date.parse wants at most milliseconds. */
const time = (iso) => Date.parse(iso.replace(/(\.\d{3})\d*/, '$1'));

/** The status of GET / as a browser behind the TLS proxy sends it (0: no answer). */
const startPageStatus = (port) =>
  new Promise((resolve) => {
    const req = httpGet(
      {
        host: '127.0.0.1',
        port,
        path: '/',
        headers: { Host: 'localhost', 'X-Forwarded-Proto': 'https' },
        timeout: 2000,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function imagesBench({ runs, buildRuns }) {
  const docker = run('docker', ['version', '-f', '{{.Server.Version}}'], { check: false });
  log('images: provisioning (scripts/provision/all.sh start)');
  const prov = provision();
  if (prov.problem) return { skipped: prov.problem };
  if (docker.status !== 0 && run('docker', ['version'], { check: false }).status !== 0)
    return { skipped: 'no Docker engine answers' };
  const env = prov.env;
  const dockerEnv = { PATH: env.PATH };

  const base = mkdtempSync(join(os.tmpdir(), 'pdbench-img-'));
  const app = join(base, 'starter');
  const flags = [
    '--yes',
    '--skip-install',
    '--variant',
    'slim',
    '--debian-release',
    'trixie',
    '--python-version',
    env.PY_DOCKER_PYTHON_VERSION,
    '--node-version',
    env.PY_DOCKER_NODE_VERSION,
    '--npm-version',
    env.PY_DOCKER_NPM_VERSION,
    '--django-version',
    env.PY_DOCKER_DJANGO_VERSION,
  ];
  const projects = [];
  const cleanup = () => {
    for (const project of projects)
      run('docker', ['compose', '-p', project, ...composeFiles, 'down', '-v', '--remove-orphans'], {
        cwd: app,
        env: dockerEnv,
        check: false,
      });
    run('docker', ['image', 'rm', '-f', ...SIDES.map((s) => `starter:${TAG[s]}`)], { check: false });
    rmSync(base, { recursive: true, force: true });
  };
  const composeFiles = ['-f', 'docker-compose.yml', '-f', 'docker-compose.prod.yml'];
  try {
    log('images: generating the starter app');
    run(process.execPath, [join(ROOT, 'scripts', 'example.mjs'), app, '--', ...flags]);
    const wsgi = /"([\w.]+\.wsgi:application)"/.exec(readFileSync(join(app, 'Dockerfile'), 'utf8'))?.[1];
    const naive = naiveDockerfile(env, wsgi ?? 'starter.wsgi:application');
    writeFileSync(join(base, 'Dockerfile.naive'), naive);

    const build = (side, { noCache = false } = {}) => {
      const args = [
        'build',
        '--network',
        'host',
        '--progress',
        'plain',
        '--build-arg',
        `PIP_INDEX_URL=${env.PY_DOCKER_INDEX_URL}`,
        '--build-arg',
        `PIP_TRUSTED_HOST=${env.PY_DOCKER_TRUSTED_HOST ?? '127.0.0.1'}`,
        '-t',
        `starter:${TAG[side]}`,
        ...(noCache ? ['--no-cache'] : []),
        ...{
          generated: ['--target', 'production'],
          handwritten: [
            '-f',
            HANDWRITTEN,
            '--build-arg',
            `PYTHON_IMAGE=${env.PY_IMAGE_EXACT}`,
            '--build-arg',
            `NODE_IMAGE=${env.NODE_IMAGE_EXACT}`,
          ],
          naive: ['-f', join(base, 'Dockerfile.naive')],
        }[side],
        '.',
      ];
      return run('docker', args, { cwd: app, env: dockerEnv }).ms;
    };

    // Each timed step starts with the disk written out: a build leaves up to a few hundred MB of dirty
    // pages, and their writeback would otherwise land on whichever side runs next.
    const settle = () => run('sync', []);
    log(`images: ${buildRuns} cold builds each`);
    const cold = await interleave(
      buildRuns,
      each((s) => build(s, { noCache: true })),
      { settle },
    );

    const size = (image) =>
      Number(run('docker', ['image', 'inspect', '-f', '{{.Size}}', image]).stdout.trim());
    const history = (image) =>
      run('docker', ['history', '--no-trunc', '--format', '{{.Size}}\t{{.CreatedBy}}', image])
        .stdout.trim()
        .split('\n');
    /** The largest layers above the base image (history lists the newest first, the base's last). */
    const layers = (image) =>
      history(image)
        .slice(0, -history(env.PY_IMAGE_EXACT).length)
        .map((line) => {
          const [sizeText, ...rest] = line.split('\t');
          const step = rest
            .join('\t')
            .replace(/^RUN \|\d+ (\S+=\S* )+/, 'RUN ')
            .replace(/\/bin\/(ba)?sh (-e )?(-o pipefail )?-c /, '')
            .replace(/ # buildkit$/, '')
            .replace(/\s+/g, ' ');
          return { size: bytes(sizeText), step: step.length > 90 ? `${step.slice(0, 87)}...` : step };
        })
        .filter((l) => l.size > 0)
        .sort((a, b) => b.size - a.size)
        .slice(0, 6);

    const edits = {
      python: (i) => appendFileSync(join(app, 'starter', 'views.py'), `# bench: a one-line change ${i}\n`),
      dependency: (i) => {
        const extra = [
          'six==1.17.0',
          'typing-extensions==4.13.2',
          'wcwidth==0.2.13',
          'iniconfig==1.1.1',
          'pluggy==1.5.0',
          'vine==5.1.0',
          'click==8.1.8',
        ];
        appendFileSync(join(app, 'requirements.txt'), `${extra[i % extra.length]}\n`);
      },
      asset: (i) =>
        appendFileSync(
          join(app, 'frontend', 'src', 'main.css'),
          `.bench-${i} { color: #${(i % 10).toString().repeat(3)}; }\n`,
        ),
    };
    const rebuilds = {};
    for (const [kind, edit] of Object.entries(edits)) {
      log(`images: ${runs} rebuilds after a ${kind} change`);
      rebuilds[kind] = await interleave(
        runs,
        each((s) => build(s)),
        { before: edit, settle },
      );
    }

    log(`images: ${runs} up/healthy/stop cycles each`);
    const cycle = async (side) => {
      const project = `${TAG[side]}-${process.pid}`;
      if (!projects.includes(project)) projects.push(project);
      const compose = (args, check = true) =>
        run('docker', ['compose', '-p', project, ...composeFiles, ...args], {
          cwd: app,
          env: { ...dockerEnv, IMAGE_TAG: TAG[side], WEB_PORT: String(port), WEB_BIND: '127.0.0.1' },
          check,
        });
      const port = await freePort();
      const t0 = now();
      compose(['up', '-d', '--no-build']);
      const id = compose(['ps', '-q', 'web']).stdout.trim();
      // The first 200 of the start page, polled from the host every 50 ms (wall clock, as StartedAt).
      let ok = NaN;
      while (!Number.isFinite(ok) && now() - t0 < 120000) {
        if ((await startPageStatus(port)) === 200) ok = Date.now();
        else await sleep(50);
      }
      let health = '';
      while (health !== 'healthy' && now() - t0 < 120000) {
        health = run('docker', ['inspect', '-f', '{{.State.Health.Status}}', id], {
          check: false,
        }).stdout.trim();
        if (health !== 'healthy') await sleep(100);
      }
      const upHealthy = health === 'healthy' ? now() - t0 : NaN;
      const state = JSON.parse(run('docker', ['inspect', '-f', '{{json .State}}', id]).stdout);
      const firstHealthy = state.Health?.Log?.find((entry) => entry.ExitCode === 0);
      const startHealthy = firstHealthy ? time(firstHealthy.End) - time(state.StartedAt) : NaN;
      const first200 = ok - time(state.StartedAt);
      await sleep(3000);
      const mem = run('docker', ['stats', '--no-stream', '--format', '{{.MemUsage}}', id]).stdout;
      const stop = run('docker', ['stop', id]).ms;
      const exitCode = Number(run('docker', ['inspect', '-f', '{{.State.ExitCode}}', id]).stdout.trim());
      if (health !== 'healthy')
        log(`${side}: web never became healthy:\n${compose(['logs', '--tail', '30', 'web'], false).stdout}`);
      compose(['down', '-v', '--remove-orphans'], false);
      return { upHealthy, startHealthy, first200, idleMemory: memBytes(mem), stop, exitCode };
    };
    const cycles = await interleave(runs, each(cycle), { settle });

    const baseSize = size(env.PY_IMAGE_EXACT);
    const floorScript = readFileSync(FLOOR_SCRIPT, 'utf8');
    /** bench/floor.py run by the image's own Python (for the generated image: the venv's). */
    const measure = (image, args) =>
      JSON.parse(
        run(
          'docker',
          ['run', '--rm', '-i', '--network', 'none', '--entrypoint', 'python', image, '-', ...args],
          {
            input: floorScript,
          },
        )
          .stdout.trim()
          .split('\n')
          .at(-1),
      );
    /**
     * The floor of an image: the base image, what it adds to site-packages (the base image's own
     * packages and the installer left out), the app and its collected static files.
     */
    const floor = (image) => {
      const workdir = run('docker', [
        'image',
        'inspect',
        '-f',
        '{{.Config.WorkingDir}}',
        image,
      ]).stdout.trim();
      const own = measure(image, [workdir || '/']);
      const inBase = measure(env.PY_IMAGE_EXACT, ['', ...Object.keys(own.site)]);
      const sum = (m, pick) => Object.values(m.site).reduce((total, entry) => total + pick(entry), 0);
      const sitePackages = sum(own, ([all, inst]) => all - inst) - sum(inBase, ([all, inst]) => all - inst);
      const installer = sum(own, ([, inst]) => inst) - sum(inBase, ([, inst]) => inst);
      const total = baseSize + sitePackages + own.app + own.static;
      return {
        base: baseSize,
        sitePackages,
        sitePackagesFolders: Object.keys(own.site),
        app: own.app,
        workdir,
        static: own.static,
        staticRoot: own.staticRoot,
        installer,
        floor: total,
        over: size(image) - total,
      };
    };
    const side = (s) => {
      const c = statsOf(cycles[s]);
      return {
        image: `starter:${TAG[s]}`,
        size: size(`starter:${TAG[s]}`),
        floor: floor(`starter:${TAG[s]}`),
        layers: layers(`starter:${TAG[s]}`),
        cold: stats(cold[s]),
        python: stats(rebuilds.python[s]),
        dependency: stats(rebuilds.dependency[s]),
        asset: stats(rebuilds.asset[s]),
        upHealthy: c.upHealthy,
        startHealthy: c.startHealthy,
        first200: c.first200,
        idleMemory: c.idleMemory,
        stop: c.stop,
        stopExitCodes: cycles[s].map((r) => r.exitCode),
      };
    };
    return {
      generateCommand: `yo py-docker ${flags.filter((f) => f !== '--skip-install').join(' ')}`,
      baseImage: env.PY_IMAGE_EXACT,
      baseSize,
      runs,
      buildRuns,
      handwrittenDockerfile: readFileSync(HANDWRITTEN, 'utf8'),
      naiveDockerfile: naive,
      ...Object.fromEntries(SIDES.map((s) => [s, side(s)])),
    };
  } finally {
    cleanup();
  }
}
