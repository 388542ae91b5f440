// Part 1: how fast the generator is. Whole process through the real `yo` CLI next to `yo --version`,
// in process through yeoman-environment (the full set and each part alone), the floor (plain Node
// writing the same bytes; and a bare yeoman generator writing them), and growth with project size.
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { Writable } from 'node:stream';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { createEnv } from 'yeoman-environment';
import * as floor from './floor-generator.mjs';
import { interleave, log, now, ROOT, run, stats, statsOf, version } from './lib.mjs';

const GENERATORS = join(ROOT, 'dist', 'generators');
/** `verify` runs Docker and `app` is the full set: every other part is timed alone. */
const PARTS = readdirSync(GENERATORS)
  .filter((name) => !['app', 'verify'].includes(name))
  .sort();
const FLAGS = ['--yes', '--skip-install'];

const devNull = () => new Writable({ write: (_chunk, _enc, done) => done() });

function freshDir(base, name) {
  const dir = join(base, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o777 });
  chmodSync(dir, 0o777);
  return dir;
}

/** Every file under dir: path, text and mode (what the floor writes back). */
function capture(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else
        out.push({
          path: relative(dir, full),
          content: readFileSync(full, 'utf8'),
          mode: statSync(full).mode,
        });
    }
  };
  walk(dir);
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** One in-process run of a namespace in `dir`, through a fresh environment, output discarded. */
async function inProcess(dir, namespace, args = FLAGS) {
  const env = createEnv({ cwd: dir, stdout: devNull(), stderr: devNull(), skipInstall: true });
  for (const name of readdirSync(GENERATORS)) {
    env.register(join(GENERATORS, name, 'index.js'), { namespace: `py-docker:${name}` });
  }
  env.register(new URL('./floor-generator.mjs', import.meta.url).pathname, { namespace: 'bench:floor' });
  const cwd = process.cwd();
  process.chdir(dir);
  const start = now();
  try {
    await env.run([namespace, ...args]);
  } finally {
    process.chdir(cwd);
  }
  return now() - start;
}

/** The floor: plain Node writing the same bytes to the same paths (folders, files, executable bits). */
function writeFloor(dir, files) {
  const start = now();
  for (const file of files) {
    const target = join(dir, file.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content);
    if (file.mode & 0o111) chmodSync(target, 0o755);
  }
  return now() - start;
}

// ---------------------------------------------------------------- whole process (the yo CLI)

/** Where yo runs: as root it drops privileges and fails, so it runs as `nobody` in world-writable folders. */
function yoSetup(base) {
  const yoCli = join(ROOT, 'node_modules', 'yo', 'lib', 'cli.js');
  if (!existsSync(yoCli)) return { problem: 'yo is not installed (npm install)' };
  if (!existsSync('/usr/bin/time')) {
    if (process.getuid?.() === 0) {
      log('installing /usr/bin/time (apt package "time") for peak memory');
      run('apt-get', ['install', '-y', '--no-install-recommends', 'time'], { check: false });
    }
    if (!existsSync('/usr/bin/time')) return { problem: '/usr/bin/time is missing (apt-get install time)' };
  }
  // The generator is found the way a linked install is: node_modules/generator-py-docker on NODE_PATH.
  const modules = join(base, 'node_modules');
  mkdirSync(modules, { recursive: true });
  symlinkSync(ROOT, join(modules, 'generator-py-docker'));
  const home = freshDir(base, 'home');
  const asUser = process.getuid?.() === 0 ? ['runuser', '-u', 'nobody', '--'] : [];
  const env = [`HOME=${home}`, `NODE_PATH=${modules}`, 'NO_UPDATE_NOTIFIER=1', 'FORCE_COLOR=0'];
  /** One timed yo process: wall ms (our clock) and peak RSS (KiB) from /usr/bin/time. */
  const yo = (cwd, args) => {
    const timeFile = join(cwd, '..', `${relative(base, cwd).replace(/\W/g, '_')}.time`);
    rmSync(timeFile, { force: true });
    writeFileSync(timeFile, '');
    chmodSync(timeFile, 0o666);
    const cmd = [
      ...asUser,
      '/usr/bin/time',
      '-f',
      '%e %M',
      '-o',
      timeFile,
      'env',
      ...env,
      process.execPath,
      yoCli,
    ];
    const res = run(cmd[0], [...cmd.slice(1), ...args], { cwd, check: false });
    const [, peakKiB] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
    return { ...res, peakKiB };
  };
  return { yo, user: asUser.length ? 'nobody (runuser; yo refuses root)' : os.userInfo().username };
}

/**
 * `yo pdfloor`: a bare generator package on the same NODE_PATH that writes the bytes `yo py-docker
 * --yes` wrote (read from a JSON file), so `yo py-docker` minus `yo pdfloor` is the part that is ours:
 * what yo itself costs to find, load and run any generator is in both.
 */
function yoFloorPackage(base, files) {
  const pkg = join(base, 'node_modules', 'generator-pdfloor');
  mkdirSync(join(pkg, 'generators', 'app'), { recursive: true });
  const yeomanGenerator = join(base, 'node_modules', 'yeoman-generator');
  if (!existsSync(yeomanGenerator))
    symlinkSync(join(ROOT, 'node_modules', 'yeoman-generator'), yeomanGenerator);
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({ name: 'generator-pdfloor', version: '0.0.0', type: 'module', files: ['generators'] }),
  );
  writeFileSync(join(pkg, 'files.json'), JSON.stringify(files));
  const source = readFileSync(new URL('./floor-generator.mjs', import.meta.url), 'utf8');
  writeFileSync(
    join(pkg, 'generators', 'app', 'index.js'),
    `${source}\nimport { readFileSync as readFloorFiles } from 'node:fs';\n` +
      `files.push(...JSON.parse(readFloorFiles(new URL('../../files.json', import.meta.url), 'utf8')));\n`,
  );
}

export async function wholeProcess(base, runs) {
  const setup = yoSetup(base);
  if (setup.problem) return { skipped: setup.problem };
  const { yo } = setup;
  const versionRun = yo(freshDir(base, 'v'), ['--version']);
  if (versionRun.status !== 0) return { skipped: `yo --version failed: ${versionRun.stderr.slice(-400)}` };
  const warm = freshDir(base, 'warm-yo');
  const warmRun = yo(warm, ['py-docker', '--yes']);
  if (warmRun.status !== 0)
    throw new Error(`yo py-docker --yes failed:\n${(warmRun.stdout + warmRun.stderr).slice(-2000)}`);
  const written = capture(warm);
  yoFloorPackage(base, written);
  const timed = (r) => ({ ms: r.ms, peakKiB: r.peakKiB });
  const samples = await interleave(runs, {
    version: () => timed(yo(freshDir(base, 'v'), ['--version'])),
    generate: (i) => {
      const r = yo(freshDir(base, `out${i}`), ['py-docker', '--yes']);
      if (r.status !== 0)
        throw new Error(`yo py-docker --yes failed:\n${(r.stdout + r.stderr).slice(-2000)}`);
      return timed(r);
    },
    floor: (i) => {
      const r = yo(freshDir(base, `yofloor${i}`), ['pdfloor']);
      if (r.status !== 0) throw new Error(`yo pdfloor failed:\n${(r.stdout + r.stderr).slice(-2000)}`);
      return timed(r);
    },
  });
  return {
    command: 'yo py-docker --yes (empty folder) vs yo --version and yo running a bare generator',
    user: setup.user,
    yo: version(process.execPath, [join(ROOT, 'node_modules', 'yo', 'lib', 'cli.js'), '--version']),
    filesWritten: written.length,
    version: statsOf(samples.version),
    generate: statsOf(samples.generate),
    floor: statsOf(samples.floor),
  };
}

// ---------------------------------------------------------------- growth fixtures

/** A Django project with `n` apps and `n` requirement files (all included from requirements.txt). */
function growthFixture(dir, n) {
  const files = {
    'manage.py': `#!/usr/bin/env python\nimport os\nimport sys\n\nif __name__ == "__main__":\n    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n    from django.core.management import execute_from_command_line\n\n    execute_from_command_line(sys.argv)\n`,
    'shop/__init__.py': '',
    'shop/settings.py': `INSTALLED_APPS = [${Array.from({ length: n }, (_, i) => `"app${i}"`).join(', ')}]\n`,
    'shop/urls.py': 'urlpatterns = []\n',
    'shop/wsgi.py':
      'from django.core.wsgi import get_wsgi_application\n\napplication = get_wsgi_application()\n',
    'shop/asgi.py':
      'from django.core.asgi import get_asgi_application\n\napplication = get_asgi_application()\n',
    'requirements.txt': Array.from({ length: n }, (_, i) => `-r requirements/part${i}.txt`).join('\n') + '\n',
    'requirements/dev.txt': '-r ../requirements.txt\npytest==8.3.5\n',
    'package.json': JSON.stringify(
      { name: 'shop', private: true, scripts: { build: 'node build.mjs' } },
      null,
      2,
    ),
    'package-lock.json': JSON.stringify({
      name: 'shop',
      lockfileVersion: 3,
      requires: true,
      packages: { '': { name: 'shop' } },
    }),
    'build.mjs': 'console.log("built");\n',
  };
  for (let i = 0; i < n; i += 1) {
    const pins =
      i === 0
        ? ['Django==4.2.28', 'gunicorn==23.0.0', 'psycopg==3.2.6']
        : [`package-${i}-a==1.0.${i}`, `package-${i}-b>=2`];
    files[`requirements/part${i}.txt`] = `# part ${i}\n${pins.join('\n')}\n`;
    files[`app${i}/__init__.py`] = '';
    files[`app${i}/apps.py`] =
      `from django.apps import AppConfig\n\n\nclass App${i}Config(AppConfig):\n    name = "app${i}"\n`;
    files[`app${i}/models.py`] = 'from django.db import models\n';
    files[`app${i}/views.py`] = 'from django.http import HttpResponse\n';
    files[`app${i}/migrations/__init__.py`] = '';
    files[`app${i}/templates/app${i}/index.html`] = '<p>app</p>\n';
  }
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return Object.keys(files).length;
}

async function growth(base, runs, sizes = [1, 10, 100]) {
  const { detectProject } = await import(join(ROOT, 'dist', 'lib', 'detect.js'));
  const { DiskTree } = await import(join(ROOT, 'dist', 'lib', 'file-tree.js'));
  const rows = [];
  for (const n of sizes) {
    const fixture = freshDir(base, `fixture${n}`);
    const files = growthFixture(fixture, n);
    const detection = detectProject(new DiskTree(fixture), 'shop');
    if (!detection.django || detection.pythonDeps.file !== 'requirements.txt')
      throw new Error(`growth fixture ${n}: not detected as a Django project with requirements.txt`);
    // Detection alone is sub-millisecond: more samples for a stable median.
    const detect = [];
    for (let i = 0; i < runs * 4; i += 1) {
      const start = now();
      detectProject(new DiskTree(fixture), 'shop');
      detect.push(now() - start);
    }
    const full = [];
    for (let i = 0; i < runs; i += 1) {
      const dir = join(base, `grow${n}-${i}`);
      rmSync(dir, { recursive: true, force: true });
      cpSync(fixture, dir, { recursive: true });
      full.push(await inProcess(dir, 'py-docker:app'));
    }
    rows.push({
      apps: n,
      requirementFiles: n + 1,
      fixtureFiles: files,
      packagesDetected: detection.pythonPackages.size,
      detect: stats(detect),
      fullRun: stats(full),
    });
  }
  return rows;
}

// ---------------------------------------------------------------- all of part 1

export async function generationBench({ runs }) {
  const base = mkdtempSync(join(os.tmpdir(), 'pdbench-gen-'));
  chmodSync(base, 0o755);
  try {
    log('generation: whole process (yo CLI)');
    const whole = await wholeProcess(base, runs);

    log('generation: a cold process, phase by phase');
    const coldPhases = [];
    for (let i = 0; i < runs; i += 1) {
      const dir = freshDir(base, `phases${i}`);
      const res = run(process.execPath, [new URL('./cold.mjs', import.meta.url).pathname, dir], {
        cwd: ROOT,
      });
      coldPhases.push(JSON.parse(res.stdout.trim().split('\n').at(-1)));
    }

    log('generation: in process');
    // The first run in a process loads every module: reported on its own, then warm runs.
    const coldDir = freshDir(base, 'cold');
    const firstRun = await inProcess(coldDir, 'py-docker:app');
    const written = capture(coldDir).filter((f) => f.path !== '.yo-rc.json');
    floor.files.splice(0, floor.files.length, ...written);
    await inProcess(freshDir(base, 'warm'), 'bench:floor', []);
    writeFloor(freshDir(base, 'warm-floor'), written);

    const full = await interleave(runs, {
      app: (i) => inProcess(freshDir(base, `app${i}`), 'py-docker:app'),
      yeomanFloor: (i) => inProcess(freshDir(base, `yfloor${i}`), 'bench:floor', []),
      nodeFloor: (i) => writeFloor(freshDir(base, `floor${i}`), written),
    });
    const parts = await interleave(
      runs,
      Object.fromEntries(
        PARTS.map((part) => [part, (i) => inProcess(freshDir(base, `${part}${i}`), `py-docker:${part}`)]),
      ),
    );

    log('generation: growth');
    const grow = await growth(base, runs);
    return {
      wholeProcess: whole,
      coldProcess: statsOf(coldPhases),
      inProcess: {
        firstRunInProcessMs: firstRun,
        files: written.length,
        bytes: written.reduce((sum, f) => sum + Buffer.byteLength(f.content), 0),
        app: stats(full.app),
        yeomanFloor: stats(full.yeomanFloor),
        nodeFloor: stats(full.nodeFloor),
        parts: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, stats(v)])),
      },
      growth: grow,
    };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
