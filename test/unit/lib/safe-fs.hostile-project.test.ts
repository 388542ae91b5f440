/**
 * The hostile-project half of the hostile-input suite: attacks through the project's own files and the
 * run itself rather than through flags. Stored records naming paths outside the project, symbolic
 * links, .env files in every form Compose and sh read, bytes that are not UTF-8, runs killed or
 * failing halfway, detected folder names and includes that would inject Dockerfile lines, terminal
 * escapes, two runs at once, and a .dockerignore that lets .env back in. Every run goes through the
 * path `yo` uses (test/support/run.ts: the conflicter is not forced, a question in a --yes run fails
 * it). A refused run rejects (what makes `yo` exit non-zero), names the file, and leaves the project
 * and everything outside it byte-identical.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { envFileNames, hashOf, SIDE_BY_SIDE_SUFFIX, type FileRecords } from '../../../lib/drift.js';
import { LOCK_FILE } from '../../../lib/run-lock.js';
import { printed, runExpectingError, runGenerator, type RunOptions } from '../../support/run.js';
import { requireTool } from '../../support/tools.js';
import { supportModule } from '../../support/repo.js';

/** A sandbox: the project, and a folder beside it that nothing may touch. */
interface Sandbox {
  project: string;
  outside: string;
}

const OUTSIDE_FILES: Record<string, string> = {
  'victim.txt': 'a file of someone else, outside the project\n',
  dotfile: '# a global ignore file of the user\n*.swp\n',
  'secret.json': 'root:$6$not-for-printing$hash:19000:0:99999:7:::\n',
  'k8s/base/worker.yaml': 'kind: NotYours\n',
};

function sandbox(files: Record<string, string | Buffer> = {}): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'py-docker-hostile-project-'));
  const project = join(root, 'project');
  const outside = join(root, 'outside');
  for (const [base, set] of [
    [project, files],
    [outside, OUTSIDE_FILES],
  ] as const) {
    mkdirSync(base, { recursive: true });
    for (const [path, content] of Object.entries(set)) {
      mkdirSync(dirname(join(base, path)), { recursive: true });
      writeFileSync(join(base, path), content);
    }
  }
  return { project, outside };
}

/** Every entry below `dir`, links as links (never followed), files byte for byte. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (folder: string, prefix: string): void => {
    for (const name of readdirSync(folder).sort()) {
      const full = join(folder, name);
      const rel = `${prefix}${name}`;
      const stat = lstatSync(full);
      if (stat.isSymbolicLink()) out[rel] = `link -> ${readlinkSync(full)}`;
      else if (stat.isDirectory()) walk(full, `${rel}/`);
      else out[rel] = `${(stat.mode & 0o7777).toString(8)} ${readFileSync(full).toString('base64')}`;
    }
  };
  walk(dir, '');
  return out;
}

const DJANGO: Record<string, string> = {
  'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n',
  'shop/__init__.py': '',
  'shop/settings.py': '',
};

/** Runs a part that must be refused: the message must match, and nothing anywhere may change. */
async function refused(s: Sandbox, part: string, run: RunOptions, message: RegExp): Promise<Error> {
  const before = { project: tree(s.project), outside: tree(s.outside) };
  const error = await runExpectingError(part, { cwd: s.project, ...run });
  assert.match(error.message, message);
  assert.deepEqual(tree(s.outside), before.outside, 'something outside the project changed');
  assert.deepEqual(tree(s.project), before.project, 'the project changed although the run failed');
  return error;
}

const yes = (options: Record<string, unknown> = {}): RunOptions => ({ options: { yes: true, ...options } });

const yoRc = (settings: Record<string, unknown>): string =>
  JSON.stringify({ 'generator-py-docker': settings }, null, 2);

const recordsOf = (dir: string): FileRecords =>
  (JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8')) as Record<string, { files: FileRecords }>)[
    'generator-py-docker'
  ]!.files;

/** Every record names a file whose bytes have the recorded hash, unless the user changed that file. */
function assertRecordsMatchDisk(dir: string, edited: readonly string[] = []): void {
  for (const [path, record] of Object.entries(recordsOf(dir))) {
    if (edited.includes(path)) continue;
    assert.ok(existsSync(join(dir, path)), `${path} is recorded but not on disk`);
    assert.equal(hashOf(readFileSync(join(dir, path))), record.hash, `${path}: record and file disagree`);
  }
}

const sideBySide = (dir: string): string[] =>
  Object.keys(tree(dir)).filter((path) => path.endsWith(SIDE_BY_SIDE_SUFFIX));

describe('hostile project: stored records in .yo-rc.json', function () {
  const victim = OUTSIDE_FILES['victim.txt']!;
  const record = { hash: hashOf(victim), version: '0.2.0', part: 'k8s' };

  it('a record naming ../outside/victim.txt with its hash: `--force` is refused naming .yo-rc.json and the key, the file outside stays', async () => {
    const s = sandbox({ '.yo-rc.json': yoRc({ files: { '../outside/victim.txt': record } }) });
    await refused(
      s,
      'k8s',
      yes({ force: true }),
      /^\.yo-rc\.json \(generator-py-docker\.files\["\.\.\/outside\/victim\.txt"\]\): "\.\.\/outside\/victim\.txt" leaves the project folder/,
    );
  });

  it('a record naming an absolute path is refused the same way', async () => {
    const s = sandbox();
    writeFileSync(
      join(s.project, '.yo-rc.json'),
      yoRc({ files: { [join(s.outside, 'victim.txt')]: record } }),
    );
    await refused(
      s,
      'app',
      yes({ force: true }),
      /^\.yo-rc\.json \(generator-py-docker\.files\[".*"\]\): ".*" is absolute/,
    );
  });

  it('a record naming .git/config with its hash is refused: the generator never writes there', async () => {
    const config = '[core]\n\trepositoryformatversion = 0\n';
    const s = sandbox({
      '.git/config': config,
      '.yo-rc.json': yoRc({ files: { '.git/config': { ...record, hash: hashOf(config) } } }),
    });
    await refused(
      s,
      'k8s',
      yes({ force: true }),
      /^\.yo-rc\.json \(generator-py-docker\.files\["\.git\/config"\]\): the generator never writes ".git\/config"/,
    );
  });

  it('"files": "abc" is refused naming .yo-rc.json, the key and what is allowed', async () => {
    const s = sandbox({ '.yo-rc.json': yoRc({ files: 'abc' }) });
    await refused(
      s,
      'app',
      yes(),
      /^\.yo-rc\.json \(generator-py-docker\.files\): "abc" is not an object; allowed: /,
    );
  });

  it('"Dockerfile": null is refused naming .yo-rc.json, the key and what is allowed', async () => {
    const s = sandbox({ '.yo-rc.json': yoRc({ files: { Dockerfile: null } }) });
    await refused(
      s,
      'docker',
      yes(),
      /^\.yo-rc\.json \(generator-py-docker\.files\["Dockerfile"\]\): null is not a record; allowed: /,
    );
  });
});

describe('hostile project: symbolic links', function () {
  it('a dangling .env link that leads outside: refused naming .env, no secrets land outside, the target is not printed', async () => {
    const s = sandbox();
    symlinkSync('../outside/fresh.env', join(s.project, '.env'));
    const error = await refused(s, 'env', yes(), /^\.env: is a symbolic link that leads outside the project/);
    assert.equal(existsSync(join(s.outside, 'fresh.env')), false);
    assert.doesNotMatch(error.message, /outside\/|fresh\.env/);
  });

  it('a .gitignore linked to a dotfile outside: refused, the dotfile gets no block', async () => {
    const s = sandbox();
    symlinkSync(join(s.outside, 'dotfile'), join(s.project, '.gitignore'));
    await refused(s, 'env', yes(), /^\.gitignore: is a symbolic link that leads outside the project/);
  });

  it('--dry-run through the same link is refused too, and prints nothing of the dotfile', async () => {
    const s = sandbox();
    symlinkSync(join(s.outside, 'dotfile'), join(s.project, '.gitignore'));
    const error = await refused(
      s,
      'env',
      yes({ 'dry-run': true }),
      /^\.gitignore: is a symbolic link that leads outside the project/,
    );
    assert.doesNotMatch(error.message, /global ignore/);
  });

  it('a k8s folder linked to another folder outside: refused naming the path and the link', async () => {
    const s = sandbox();
    symlinkSync(join(s.outside, 'k8s'), join(s.project, 'k8s'));
    await refused(
      s,
      'k8s',
      yes({ force: true }),
      /^k8s\/[^:]+: runs through k8s, which is a symbolic link that leads outside the project/,
    );
  });

  it('a .yo-rc.json linked to a file outside: refused naming .yo-rc.json before anything is read or written', async () => {
    const s = sandbox();
    writeFileSync(join(s.outside, 'yo-rc.json'), '{}\n');
    symlinkSync(join(s.outside, 'yo-rc.json'), join(s.project, '.yo-rc.json'));
    await refused(s, 'env', yes(), /^\.yo-rc\.json: is a symbolic link that leads outside the project/);
  });

  it('a package.json linked to a system-like file outside: refused naming package.json, none of its bytes printed', async () => {
    const s = sandbox(DJANGO);
    symlinkSync(join(s.outside, 'secret.json'), join(s.project, 'package.json'));
    const error = await refused(
      s,
      'app',
      yes(),
      /^package\.json: is a symbolic link that leads outside the project/,
    );
    assert.doesNotMatch(error.message, /root|not-for-printing/);
  });

  it('a .env linked to a file inside the project: that file gains what it lacks, the link stays, and the run says so', async () => {
    const s = sandbox({ 'config/local.env': 'DJANGO_SECRET_KEY=mine\n' });
    symlinkSync('config/local.env', join(s.project, '.env'));
    const result = await runGenerator('env', { cwd: s.project, ...yes() });
    assert.equal(readlinkSync(join(s.project, '.env')), 'config/local.env');
    const local = readFileSync(join(s.project, 'config/local.env'), 'utf8');
    assert.ok(local.startsWith('DJANGO_SECRET_KEY=mine\n'), local);
    assert.match(local, /^HOST_UID=/m);
    assert.equal(local.match(/DJANGO_SECRET_KEY=/g)?.length, 1);
    assert.match(
      printed(result),
      /\.env is a link to config\/local\.env inside the project; wrote config\/local\.env/,
    );
  });
});

describe('hostile project: removals under --yes, through the conflicter `yo` uses', function () {
  it('--redis --celery, then --no-redis --no-celery: exits 0, removes the files only they needed, drops their records', async () => {
    const first = await runGenerator('app', yes({ redis: true, celery: true }));
    assert.ok(existsSync(join(first.cwd, 'k8s/base/worker.yaml')));
    await runGenerator('app', { cwd: first.cwd, ...yes({ redis: false, celery: false }) });
    assert.equal(existsSync(join(first.cwd, 'k8s/base/worker.yaml')), false);
    assert.equal(recordsOf(first.cwd)['k8s/base/worker.yaml'], undefined);
    assertRecordsMatchDisk(first.cwd);
    assert.deepEqual(sideBySide(first.cwd), []);
  });

  it('--process-manager gunicorn after supervisord: exits 0 and removes docker/supervisord.conf', async () => {
    const first = await runGenerator('scripts', yes({ 'process-manager': 'supervisord' }));
    assert.ok(existsSync(join(first.cwd, 'docker/supervisord.conf')));
    await runGenerator('scripts', { cwd: first.cwd, ...yes({ 'process-manager': 'gunicorn' }) });
    assert.equal(existsSync(join(first.cwd, 'docker/supervisord.conf')), false);
    assertRecordsMatchDisk(first.cwd);
  });
});

describe('hostile project: .env in the forms Compose and sh read', function () {
  /** The .env of a first run, each assignment rewritten in another form a user may write. */
  const rewritten = (env: string): string => {
    const forms = [
      (k: string, v: string) => `export ${k}=${v}`,
      (k: string, v: string) => `${k} = ${v}`,
      (k: string, v: string) => `${k}="${v}"`,
      (k: string, v: string) => `  ${k}='${v}'`,
      (k: string, v: string) => `${k}="${v}\nFAKE_INNER_LINE=1"`,
    ];
    let i = 0;
    return env.replace(/^([A-Z_][A-Z0-9_]*)=(.*)$/gm, (_m, k: string, v: string) =>
      forms[i++ % forms.length]!(k, v),
    );
  };

  it('a re-run adds no variable the file sets in any form: .env stays byte-identical', async () => {
    const first = await runGenerator('env', yes({ postgres: true }));
    const env = rewritten(readFileSync(join(first.cwd, '.env'), 'utf8'));
    assert.match(env, /^export /m);
    assert.match(env, /^[A-Z_]+ = /m);
    writeFileSync(join(first.cwd, '.env'), env);
    await runGenerator('env', { cwd: first.cwd, ...yes({ postgres: true }) });
    assert.equal(readFileSync(join(first.cwd, '.env'), 'utf8'), env);
  });

  it('turning Redis on appends only the Redis variables, and no name is set twice', async () => {
    const first = await runGenerator('env', yes());
    const env = rewritten(readFileSync(join(first.cwd, '.env'), 'utf8'));
    writeFileSync(join(first.cwd, '.env'), env);
    await runGenerator('env', { cwd: first.cwd, ...yes({ redis: true }) });
    const after = readFileSync(join(first.cwd, '.env'), 'utf8');
    assert.ok(after.startsWith(env));
    const added = after.slice(env.length);
    assert.match(added, /^REDIS_URL=/m);
    for (const name of envFileNames(env)) assert.doesNotMatch(added, new RegExp(`^${name}=`, 'm'), name);
  });

  it('Compose reads the value the user wrote for every variable, in every form, after a re-run that turned Redis on', async function () {
    const compose = requireTool(this, 'docker-compose');
    const first = await runGenerator('env', yes());
    const original = readFileSync(join(first.cwd, '.env'), 'utf8');
    const env = rewritten(original);
    writeFileSync(join(first.cwd, '.env'), env);
    await runGenerator('env', { cwd: first.cwd, ...yes({ redis: true }) });
    // What the user meant: the first run's values, the multi-line form with its second line.
    const meant = new Map<string, string>();
    let i = 0;
    for (const [, name, value] of original.matchAll(/^([A-Z_][A-Z0-9_]*)=(.*)$/gm))
      meant.set(name!, i++ % 5 === 4 ? `${value!}\nFAKE_INNER_LINE=1` : value!);
    const names = [...meant.keys()];
    const file = {
      services: {
        probe: { image: 'alpine:3.21', environment: Object.fromEntries(names.map((n) => [n, `\${${n}}`])) },
      },
    };
    writeFileSync(join(first.cwd, 'probe.yml'), JSON.stringify(file));
    const result = spawnSync(compose, ['-f', 'probe.yml', 'config', '--format', 'json'], {
      cwd: first.cwd,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    assert.equal(result.status, 0, result.stderr);
    const seen = (
      JSON.parse(result.stdout) as { services: { probe: { environment: Record<string, string> } } }
    ).services.probe.environment;
    for (const name of names) assert.equal(seen[name], meant.get(name), name);
  });

  it('reads every form as a name, and the lines inside a quoted value as part of it', () => {
    const names = envFileNames(
      [
        'export A=1',
        'B = 2',
        "  C='3'",
        'D="multi',
        'NOT_A_NAME=inside the value"',
        'E: 5',
        'export F',
        '# G=commented out',
        'H="escaped \\" quote"',
        'I=after',
      ].join('\n'),
    );
    assert.deepEqual([...names].sort(), ['A', 'B', 'C', 'D', 'E', 'F', 'H', 'I']);
  });
});

describe('hostile project: bytes that are not UTF-8', function () {
  const user = {
    '.env': Buffer.from('CAFE=caf\xe9\nDJANGO_SECRET_KEY=mine\n', 'latin1'),
    '.gitignore': Buffer.from('caf\xe9/\n\xff\xfe\n', 'latin1'),
    '.dockerignore': Buffer.from('# caf\xe9\nsecret\xff\n', 'latin1'),
  };

  it('.env, .gitignore and .dockerignore keep every byte of the user, and a re-run changes nothing', async () => {
    const s = sandbox(user);
    await runGenerator('env', { cwd: s.project, ...yes() });
    await runGenerator('docker', { cwd: s.project, ...yes() });
    for (const [path, bytes] of Object.entries(user)) {
      const now = readFileSync(join(s.project, path));
      assert.ok(now.length > bytes.length, `${path} gained nothing`);
      assert.ok(now.subarray(0, bytes.length).equals(bytes), `${path} lost bytes of the user`);
    }
    const before = tree(s.project);
    await runGenerator('env', { cwd: s.project, ...yes() });
    await runGenerator('docker', { cwd: s.project, ...yes() });
    assert.deepEqual(tree(s.project), before);
  });
});

describe('hostile project: interrupted and failed runs', function () {
  it('a run that fails partway says which files it changed, and the records match exactly those', async () => {
    const first = await runGenerator('env', yes());
    const before = recordsOf(first.cwd);
    writeFileSync(
      join(first.cwd, 'env.development'),
      `${readFileSync(join(first.cwd, 'env.development'), 'utf8')}MINE=1\n`,
    );
    // While the conflicter asks about the edited file, a folder takes the place of env.production.
    const callback = (answer: unknown, { question }: { question: { name?: string } }): unknown => {
      if (question.name !== 'action') return answer;
      rmSync(join(first.cwd, 'env.production'));
      mkdirSync(join(first.cwd, 'env.production/in-the-way'), { recursive: true });
      return 'write';
    };
    const error = await runExpectingError('env', {
      cwd: first.cwd,
      options: { redis: true },
      answerCallback: callback,
    });
    const message =
      /^env\.production: could not be written \((EISDIR|ENOTEMPTY|EEXIST)\); this run changed (.+) and nothing else/.exec(
        error.message,
      );
    assert.ok(message, error.message);
    const changed = message[2]!.split(', ');
    assert.ok(changed.includes('.yo-rc.json') && changed.includes('.env.example'), error.message);
    assert.ok(!changed.includes('env.production'));
    // A record moved on exactly for the files the run says it changed, and each matches the disk.
    const after = recordsOf(first.cwd);
    for (const path of Object.keys(before)) {
      if (changed.includes(path)) {
        assert.notDeepEqual(after[path], before[path], path);
        assert.equal(hashOf(readFileSync(join(first.cwd, path))), after[path]!.hash, path);
      } else assert.deepEqual(after[path], before[path], path);
    }
    if (!changed.includes('env.development'))
      assert.match(readFileSync(join(first.cwd, 'env.development'), 'utf8'), /^MINE=1$/m);
  });

  it('a read-only folder halfway (EACCES): the run names the file, says what it changed, and the records match exactly those', async function () {
    this.timeout(120_000);
    const first = await runGenerator('k8s', yes());
    const before = recordsOf(first.cwd);
    const locked = 'k8s/overlays/production/patches';
    const lockedBefore = tree(join(first.cwd, locked));
    const again = { cwd: first.cwd, options: { yes: true, 'health-path': '/healthz/' } };
    let message: string;
    if (process.getuid?.() === 0) {
      // Root writes into any folder whatever its mode: the run happens as an unprivileged user.
      const runuser = ['/usr/sbin/runuser', '/sbin/runuser'].find((p) => existsSync(p));
      const runJs = supportModule('run.js');
      if (!runuser || spawnSync(runuser, ['-u', 'nobody', '--', 'test', '-r', runJs.pathname]).status !== 0) {
        if (process.env.CI === 'true') assert.fail('runuser and a dist/ that nobody can read are needed');
        console.log('      skipped: running as root, without runuser or a dist/ that nobody can read');
        this.skip();
      }
      chmodSync(dirname(first.cwd), 0o755);
      spawnSync('chown', ['-R', 'nobody', first.cwd]);
      chmodSync(join(first.cwd, locked), 0o555);
      const script = `
        const { runExpectingError } = await import(${JSON.stringify(runJs.href)});
        const error = await runExpectingError('k8s', JSON.parse(process.argv[1]));
        console.log(error.message);`;
      const child = spawnSync(
        runuser!,
        ['-u', 'nobody', '--', process.execPath, '--input-type=module', '-e', script, JSON.stringify(again)],
        { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: tmpdir() } },
      );
      assert.equal(child.status, 0, child.stderr);
      message = child.stdout.trim().split('\n').at(-1) ?? '';
    } else {
      chmodSync(join(first.cwd, locked), 0o555);
      message = (await runExpectingError('k8s', again)).message;
    }
    chmodSync(join(first.cwd, locked), 0o755);
    const said =
      /^(k8s\/overlays\/production\/[^:]+): could not be written \(EACCES\); this run changed (.+) and nothing else/.exec(
        message,
      );
    assert.ok(said, message);
    const changed = said[2]!.split(', ');
    assert.ok(changed.some((p) => p.startsWith('k8s/base/')) && changed.includes('.yo-rc.json'), message);
    assert.deepEqual(tree(join(first.cwd, locked)), lockedBefore);
    const after = recordsOf(first.cwd);
    for (const path of Object.keys(before)) {
      if (changed.includes(path))
        assert.equal(hashOf(readFileSync(join(first.cwd, path))), after[path]!.hash, path);
      else assert.deepEqual(after[path], before[path], path);
    }
  });

  it('a run killed at any point leaves every file whole and .yo-rc.json valid, and the next run finishes with nothing treated as edited', async function () {
    this.timeout(300_000);
    const first = await runGenerator('app', yes());
    const runJs = supportModule('run.js').href;
    const script = `
      const { runGenerator } = await import(${JSON.stringify(runJs)});
      await runGenerator('app', { cwd: process.argv[1], options: { yes: true, redis: true, celery: true } });`;
    for (const killAt of [1, 4, 12, 30]) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script, first.cwd], {
        stdio: 'ignore',
      });
      let events = 0;
      const watcher = watch(first.cwd, (_event, name) => {
        if (name === LOCK_FILE) return;
        events += 1;
        if (events === killAt) child.kill('SIGKILL');
      });
      await new Promise((done) => child.on('exit', done));
      watcher.close();
      JSON.parse(readFileSync(join(first.cwd, '.yo-rc.json'), 'utf8'));
    }
    await runGenerator('app', { cwd: first.cwd, ...yes({ redis: true, celery: true }) });
    assert.deepEqual(sideBySide(first.cwd), []);
    // .env is never replaced, so its record decides nothing; a kill after its append leaves it older.
    assertRecordsMatchDisk(first.cwd, ['.env']);
    assert.ok(existsSync(join(first.cwd, 'k8s/base/worker.yaml')));
  });
});

describe('hostile project: detected paths that would reach a Dockerfile', function () {
  const NODE = '{"name": "shop", "scripts": {"build": "node build.mjs"}}';

  it('a manage.py folder named "x⏎RUN touch /pwned #" with a package.json: refused naming the file, no Dockerfile', async () => {
    const dir = 'x\nRUN touch /pwned #';
    const files: Record<string, string> = { '.yo-rc.json': yoRc({ appDir: 'src' }), 'src/keep.txt': '' };
    for (const [path, content] of Object.entries({ ...DJANGO, 'package.json': NODE }))
      files[`${dir}/${path}`] = content;
    const s = sandbox(files);
    const error = await refused(
      s,
      'app',
      yes(),
      /^"x\\nRUN touch \/pwned #\/package\.json": its folder .* has characters that are not allowed/,
    );
    assert.doesNotMatch(error.message, /\n/);
  });

  for (const [what, include, message] of [
    [
      '-r --from=evil/x.txt',
      '--from=evil/x.txt',
      /^requirements\.txt: includes "--from=evil\/x\.txt", but .* not allowed/,
    ],
    [
      'an include named $(id).txt',
      '$(id).txt',
      /^requirements\.txt: includes "\$\(id\)\.txt", but .* not allowed/,
    ],
    [
      'an include outside the project',
      '../outside/victim.txt',
      /^requirements\.txt: includes "\.\.\/outside\/victim\.txt", but .* is outside the project/,
    ],
  ] as const) {
    it(`a requirements.txt with ${what}: refused naming requirements.txt`, async () => {
      const s = sandbox({ ...DJANGO, 'requirements.txt': `Django==4.2.20\n-r ${include}\n` });
      await refused(s, 'app', yes(), message);
    });
  }
});

describe('hostile project: one rule for a setting in every part', function () {
  it('`yo py-docker:env --ingress-host *.example.com` is refused like `:k8s` refuses it', async () => {
    const s = sandbox();
    await refused(
      s,
      'env',
      yes({ 'ingress-host': '*.example.com' }),
      /^--ingress-host: "\*\.example\.com" is a wildcard; allowed: /,
    );
  });

  it('a wildcard host stored in .yo-rc.json is refused naming .yo-rc.json, not a flag never given', async () => {
    const s = sandbox({ '.yo-rc.json': yoRc({ ingressHost: '*.example.com' }) });
    await refused(
      s,
      'app',
      yes(),
      /^\.yo-rc\.json \(generator-py-docker\.ingressHost\): "\*\.example\.com" is a wildcard/,
    );
  });
});

describe('hostile project: terminal output', function () {
  it('a .nvmrc with escape sequences and a second line is shown escaped, on one line', async () => {
    const s = sandbox({
      ...DJANGO,
      'package.json': '{"name": "shop"}',
      '.nvmrc': '\x1b]0;owned\x07\x1b[2J18\nsecond line\n',
    });
    const result = await runGenerator('app', { cwd: s.project, ...yes() });
    const output = printed(result);
    assert.match(output, /\.nvmrc: .*\\u001b\]0;owned\\u0007\\u001b\[2J18\\nsecond line/);
    // Only the lines showing the file: the generator's own colours (chalk) may use escapes elsewhere.
    const shown = output.split('\n').filter((line) => line.includes('owned'));
    assert.ok(shown.length > 0);
    for (const line of shown)
      assert.equal(line.includes('\x1b') || line.includes('\x07'), false, `raw escape in: ${line}`);
  });

  it('a folder name with escape sequences is shown escaped in the error', async () => {
    const s = sandbox(Object.fromEntries(Object.entries(DJANGO).map(([p, c]) => [`a\x1b[2Jb/${p}`, c])));
    const error = await runExpectingError('app', { cwd: s.project, ...yes() });
    assert.match(error.message, /\\u001b\[2J/);
    assert.equal(error.message.includes('\x1b'), false, 'a raw escape was printed');
  });
});

describe('hostile project: two runs at once', function () {
  it('the second run in the same folder says another run is in progress; the first finishes and its records match', async () => {
    const s = sandbox();
    const results = await Promise.allSettled([
      runGenerator('env', { cwd: s.project, ...yes() }),
      runGenerator('env', { cwd: s.project, ...yes() }),
    ]);
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(failed.length, 1, 'exactly one of the two runs must stop');
    assert.match(
      (failed[0]!.reason as Error).message,
      /^\.py-docker\.lock: another run of yo py-docker is in progress in this folder \(process [0-9]+\)/,
    );
    assertRecordsMatchDisk(s.project);
    assert.equal(existsSync(join(s.project, LOCK_FILE)), false);
  });

  it('a run in another process holds the lock: this one stops naming that process, and that run finishes with records that match', async function () {
    this.timeout(120_000);
    const s = sandbox();
    const runJs = supportModule('run.js').href;
    const script = `
      const { runGenerator } = await import(${JSON.stringify(runJs)});
      await runGenerator('app', { cwd: process.argv[1], options: { yes: true } });`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, s.project], {
      stdio: 'ignore',
    });
    const exited = new Promise((done) => child.on('exit', done));
    while (!existsSync(join(s.project, LOCK_FILE))) await new Promise((r) => setTimeout(r, 5));
    const error = await runExpectingError('env', { cwd: s.project, ...yes() });
    assert.match(
      error.message,
      new RegExp(`another run of yo py-docker is in progress in this folder \\(process ${child.pid}\\)`),
    );
    await exited;
    assert.equal(child.exitCode, 0);
    assertRecordsMatchDisk(s.project);
    assert.equal(existsSync(join(s.project, LOCK_FILE)), false);
  });

  it('a lock left by a run that was killed is taken over', async () => {
    const s = sandbox();
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((done) => child.on('exit', done));
    writeFileSync(join(s.project, LOCK_FILE), `${child.pid} 0 gone\n`);
    await runGenerator('env', { cwd: s.project, ...yes() });
    assert.equal(existsSync(join(s.project, LOCK_FILE)), false);
    assertRecordsMatchDisk(s.project);
  });
});

describe('hostile project: secrets in the build context', function () {
  it('a .dockerignore that ends with "!.env" is refused naming .dockerignore and the line', async () => {
    const s = sandbox({ '.dockerignore': '.env\nnode_modules\n!.env\n' });
    await refused(
      s,
      'docker',
      yes(),
      /^\.dockerignore: the line "!\.env" puts \.env back into the build context/,
    );
  });
});
