/**
 * The package as a new user installs it: `npm pack`, the tarball installed into a clean prefix with
 * `--ignore-scripts` (with `yo`), and `yo py-docker` run from there as a normal user (yo refuses root),
 * in an empty folder and in an existing project.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { builtinModules } from 'node:module';
import {
  appendFileSync,
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missing } from '../support/tools.js';
import { TODAY } from '../support/run.js';
import { REPO } from '../support/repo.js';

interface PackageJson {
  name: string;
  version: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/** Every file under `dir`, as paths relative to it. */
function walk(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? walk(dir, rel) : [rel];
  });
}

/** The package a bare import specifier names (`@scope/name/sub` -> `@scope/name`), or undefined. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:') || builtinModules.includes(specifier))
    return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The specifiers a built ES module imports at run time (static, side-effect and dynamic imports). */
function importsOf(source: string): string[] {
  const found = [
    ...source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm),
    ...source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm),
    ...source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ];
  return found.map((m) => m[1]!);
}

describe('the package, installed from `npm pack` the way a new user installs it', function () {
  this.timeout(600000);
  let work = '';
  let prefix = '';
  let installed = '';
  let packed: { files: { path: string }[] } = { files: [] };
  const ours = readJson<PackageJson>(join(REPO, 'package.json'));

  /**
   * Runs the installed `yo` in `cwd` as a normal user (nobody, when the tests run as root); stdout holds
   * all it printed, in order (yeoman logs to stderr).
   */
  const yo = (cwd: string, args: string[]): SpawnSyncReturns<string> => {
    const env = [`HOME=${join(work, 'home')}`, `PATH=${join(prefix, 'bin')}:${process.env.PATH ?? ''}`];
    const command = ['env', ...env, 'NO_COLOR=1', 'sh', '-c', 'exec "$@" 2>&1', 'sh', 'yo', ...args];
    const asUser = process.getuid?.() === 0 ? ['runuser', '-u', 'nobody', '--', ...command] : command;
    return spawnSync(asUser[0]!, asUser.slice(1), { cwd, encoding: 'utf8', timeout: 120000 });
  };

  /**
   * `yo` on a real terminal (a tmux pane 120x40), as the user types: `keys(...)` sends keys, `waitFor`
   * polls the screen (with its scrollback) for a pattern, and the exit status is printed after `EXIT=`.
   */
  const terminal = (cwd: string, args: string[]) => {
    const session = `py-docker-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const env = [`HOME=${join(work, 'home')}`, `PATH=${join(prefix, 'bin')}:${process.env.PATH ?? ''}`];
    const user = process.getuid?.() === 0 ? 'runuser -u nobody -- ' : '';
    const line = `${user}env ${env.join(' ')} yo ${args.join(' ')}; echo EXIT=$?; sleep 600`;
    const tmux = (...a: string[]): string => {
      const run = spawnSync('tmux', a, { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      return run.stdout;
    };
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', '-c', cwd, line);
    const screen = (): string => tmux('capture-pane', '-p', '-J', '-S', '-500', '-t', session);
    return {
      screen,
      keys: (...keys: string[]) => tmux('send-keys', '-t', session, ...keys),
      /** The screen once `pattern` is on it (polled; fails after a minute with the screen shown). */
      waitFor: async (pattern: RegExp): Promise<string> => {
        for (let i = 0; i < 600; i += 1) {
          const text = screen();
          if (pattern.test(text)) return text;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        assert.fail(`${pattern} never appeared on the terminal:\n${screen()}`);
      },
      close: () => spawnSync('tmux', ['kill-session', '-t', session]),
    };
  };

  /**
   * Enter on every question of `yo py-docker` in an empty folder (the defaults), the choice questions
   * included, until the run ends: the screen, with its scrollback, at the end.
   */
  const acceptEveryDefault = async (run: ReturnType<typeof terminal>): Promise<string> => {
    await run.waitFor(/Create a starter Django \+ npm project\?/);
    let text = '';
    for (let i = 0; i < 60 && !/EXIT=\d+/.test(text); i += 1) {
      run.keys('Enter');
      await new Promise((resolve) => setTimeout(resolve, 300));
      text = run.screen();
    }
    return run.waitFor(/EXIT=\d+/);
  };

  /** A folder the user running `yo` owns. */
  const userFolder = (name: string): string => {
    const dir = join(work, name);
    mkdirSync(dir, { recursive: true });
    if (process.getuid?.() === 0) spawnSync('chown', ['-R', 'nobody', dir]);
    return dir;
  };

  before(function () {
    if (process.getuid?.() === 0 && spawnSync('runuser', ['--help']).error)
      missing(this, 'runuser is needed to run yo as a normal user (the tests run as root)');
    work = mkdtempSync(join(tmpdir(), 'py-docker-package-'));
    chmodSync(work, 0o755);
    // The tests run against the built dist/ already (pretest builds it): pack it as it is.
    const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
      cwd: REPO,
      encoding: 'utf8',
    });
    assert.equal(pack.status, 0, pack.stderr);
    packed = (JSON.parse(pack.stdout) as { files: { path: string }[]; filename: string }[])[0]!;
    const tarball = join(work, (packed as unknown as { filename: string }).filename);
    const yoVersion = readJson<PackageJson>(join(REPO, 'node_modules', 'yo', 'package.json')).version;
    prefix = join(work, 'prefix');
    const install = spawnSync(
      'npm',
      [
        'install',
        '--global',
        '--prefix',
        prefix,
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        tarball,
        `yo@${yoVersion}`,
      ],
      { encoding: 'utf8' },
    );
    if (install.status !== 0) missing(this, `npm install of the tarball failed: ${install.stderr}`);
    installed = join(prefix, 'lib', 'node_modules', ours.name);
    userFolder('home');
  });

  it('has no install scripts: installing runs nothing, the built dist/ is in the tarball', () => {
    const shipped = readJson<PackageJson>(join(installed, 'package.json'));
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare'])
      assert.equal(shipped.scripts?.[hook], undefined, `scripts.${hook} runs on the user's machine`);
    assert.ok(shipped.scripts?.prepack?.includes('build'), 'prepack builds dist/ before packing');
    assert.ok(existsSync(join(installed, 'dist', 'generators', 'app', 'index.js')));
  });

  it('ships no source maps and no references to maps that are not shipped', () => {
    const paths = packed.files.map((f) => f.path);
    assert.deepEqual(
      paths.filter((p) => p.endsWith('.map')),
      [],
    );
    const js = walk(installed).filter((p) => p.startsWith('dist/') && p.endsWith('.js'));
    assert.ok(js.length > 20, `only ${js.length} built modules shipped`);
    const dangling = js.filter((p) => /sourceMappingURL=/.test(readFileSync(join(installed, p), 'utf8')));
    assert.deepEqual(dangling, []);
  });

  it('imports only its runtime dependencies at run time, and every one of them is used', () => {
    const dependencies = Object.keys(ours.dependencies ?? {});
    const used = new Set<string>();
    for (const file of walk(installed).filter((p) => /^dist\/(generators|lib)\/.*\.js$/.test(p))) {
      for (const specifier of importsOf(readFileSync(join(installed, file), 'utf8'))) {
        const name = packageOf(specifier);
        if (!name) continue;
        assert.ok(dependencies.includes(name), `${file} imports ${specifier}, not a runtime dependency`);
        used.add(name);
      }
    }
    assert.deepEqual(
      dependencies.filter((d) => !used.has(d)),
      [],
      'runtime dependencies nothing imports',
    );
  });

  it('installs none of its devDependencies, except where a runtime dependency needs them itself', () => {
    const modules = join(installed, 'node_modules');
    const needed = new Set<string>();
    for (const path of walk(modules).filter((p) => p.endsWith('/package.json'))) {
      const json = JSON.parse(readFileSync(join(modules, path), 'utf8')) as PackageJson;
      for (const name of Object.keys(json.dependencies ?? {})) needed.add(name);
    }
    const extra = Object.keys(ours.devDependencies ?? {}).filter(
      (name) => existsSync(join(modules, name)) && !needed.has(name),
    );
    assert.deepEqual(extra, []);
  });

  it('a new user runs `yo py-docker --yes` in an empty folder, then again: nothing changed', () => {
    const dir = userFolder('empty');
    const first = yo(dir, ['py-docker', '--yes']);
    assert.equal(first.status, 0, `${first.stdout}\n${first.stderr}`);
    for (const file of ['manage.py', 'Dockerfile', 'docker-compose.yml', 'k8s/base/deployment.yaml'])
      assert.ok(existsSync(join(dir, file)), `${file} was not generated`);
    // A new folder: .yo-rc.json is created, not "force"d (yellow, reads as a warning).
    assert.match(first.stdout, /^\s+create \.yo-rc\.json$/m);
    assert.doesNotMatch(first.stdout, /force \.yo-rc\.json/);
    assert.match(first.stdout, /Generated files by part:/);
    assert.match(first.stdout, /docker-compose\.prod\.yml up -d --build$/m);
    // The file list wraps: no Kubernetes line wider than a terminal.
    const wide = first.stdout.split('\n').filter((l) => l.includes('k8s/') && l.length > 100);
    assert.deepEqual(wide, []);
    assert.doesNotMatch(first.stdout + first.stderr, /An error occured|deprecated/);

    const again = yo(dir, ['py-docker', '--yes']);
    assert.equal(again.status, 0, `${again.stdout}\n${again.stderr}`);
    assert.match(again.stdout, /Nothing changed: every generated file is up to date\./);
    assert.doesNotMatch(again.stdout, /Generated files by part|force \.yo-rc\.json/);
  });

  it('a new user runs `yo py-docker --yes` in an existing project: the detection summary is in words', () => {
    const dir = join(work, 'existing');
    cpSync(join(REPO, 'test', 'fixtures', 'flat'), dir, { recursive: true });
    userFolder('existing');
    const run = yo(dir, ['py-docker', '--yes']);
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    const summary = run.stdout.slice(run.stdout.indexOf('Detected:')).split(/\n(?! {2})/)[0]!;
    assert.match(summary, /DJANGO_SETTINGS_MODULE of the project: mysite\.settings \(from manage\.py\)/);
    assert.match(summary, /Folder holding manage\.py: \. \(from manage\.py\)/);
    assert.match(summary, /Django version: 4\.2\.11 \(from requirements\.txt\)/);
    // No internal keys (settingsModule, appDir, ...) as labels.
    assert.deepEqual(
      summary.split('\n').filter((l) => /^\s+[a-z]+[A-Z]\w*:/.test(l)),
      [],
    );
  });

  it('`yo py-docker --help` shows the command, the flags by part, the sub-generators and examples', () => {
    const run = yo(userFolder('help'), ['py-docker', '--help']);
    assert.equal(run.status, 0, run.stderr);
    const help = run.stdout;
    assert.match(help, /^Usage:\n {2}yo py-docker \[options\]$/m);
    assert.doesNotMatch(help, /py-docker:app/);
    for (const heading of ['Run:', 'Every part:', 'Part docker:', 'Part compose:', 'Part k8s:', 'Part ci:'])
      assert.ok(help.includes(`\n${heading}\n`), heading);
    assert.match(help, /^ {2}--force\s/m);
    for (const hidden of ['--skip-cache', '--skip-install', '--force-install'])
      assert.ok(!help.includes(hidden), `${hidden} is listed`);
    // --ask-answered does what it says now: every question again, the stored answers as defaults.
    assert.match(
      help,
      /^ {2}--ask-answered\s+Ask every question again, with the stored answers as defaults$/m,
    );
    assert.match(help, /^Sub-generators/m);
    for (const part of ['docker', 'compose', 'k8s', 'ci', 'verify'])
      assert.match(help, new RegExp(`^ {2}yo py-docker:${part}\\b`, 'm'));
    assert.match(help, /^Examples:\n {2}yo py-docker /m);
  });

  describe('on a terminal', () => {
    before(function () {
      if (spawnSync('tmux', ['-V']).error)
        missing(this, 'tmux is not installed (run scripts/provision/tools.sh)');
    });

    it('a new user answers every question of `yo py-docker` in an empty folder: no deprecation or force noise', async () => {
      const dir = userFolder('terminal-run');
      const run = terminal(dir, ['py-docker']);
      try {
        const text = await acceptEveryDefault(run);
        assert.match(text, /EXIT=0/);
        assert.match(text, /Base image variant alpine/);
        assert.doesNotMatch(text, /deprecated/i);
        assert.doesNotMatch(text, /force \.yo-rc\.json/);
        assert.match(text, /Done\. Generated files by part:/);
        assert.ok(existsSync(join(dir, '.yo-rc.json')));
      } finally {
        run.close();
      }
    });

    it('a new user runs `yo py-docker` in an empty folder: the end of life shows at the question and once in the summary', async () => {
      const dir = userFolder('terminal-end-of-life');
      const run = terminal(dir, ['py-docker', '--today', TODAY]);
      try {
        const text = await acceptEveryDefault(run);
        assert.match(text, /EXIT=0/);
        const lines = (pattern: RegExp): string[] => text.split('\n').filter((l) => pattern.test(l));
        // At the question, beside the default; the answered question keeps it on the screen.
        assert.equal(
          lines(/Python version \(3\.9\.21: end of life since 2025-10-31; Python 3\.14 is supported\)/)
            .length,
          1,
          text,
        );
        assert.equal(lines(/Alpine Linux release \(3\.21: end of life since 2026-11-01;/).length, 1, text);
        // Once in the summary, however many parts ran; never between the questions.
        assert.equal(lines(/^End of life:$/).length, 1, text);
        for (const product of ['Python 3.9.21', 'Node.js 18.20.7', 'Django 4.2.20', 'Alpine Linux 3.21'])
          assert.equal(lines(new RegExp(`${product} reached its end of life`)).length, 1, product);
        assert.ok(text.indexOf('End of life:') > text.indexOf('Done.'), 'the warnings are in the summary');
      } finally {
        run.close();
      }
    });

    it('Ctrl-C at a question stops with one line, exit status 130, and nothing written', async () => {
      const dir = userFolder('terminal-interrupt');
      const run = terminal(dir, ['py-docker']);
      try {
        await run.waitFor(/Create a starter Django \+ npm project\?/);
        run.keys('Enter');
        await run.waitFor(/\? Project name/);
        run.keys('Enter');
        await run.waitFor(/\? Base image variant/);
        run.keys('C-c');
        const text = await run.waitFor(/EXIT=\d+/);
        assert.match(text, /Stopped at a question; nothing was written\.\nEXIT=130/);
        assert.doesNotMatch(text, /An error occured|force closed|ExitPromptError/);
        assert.deepEqual(readdirSync(dir), []);
      } finally {
        run.close();
      }
    });

    /** Every file of a folder with its bytes, to prove that an interrupted or dry run wrote nothing. */
    const snapshot = (dir: string): Record<string, string> =>
      Object.fromEntries(walk(dir).map((p) => [p, readFileSync(join(dir, p), 'latin1')]));

    /** A folder that `yo py-docker --yes` set up (the starter), ready for a re-run on the terminal. */
    const generated = (name: string): string => {
      const dir = userFolder(name);
      const first = yo(dir, ['py-docker', '--yes']);
      assert.equal(first.status, 0, first.stdout);
      return dir;
    };

    /**
     * A generated folder whose docker-compose.yml the user edited, and `yo py-docker <args>` started
     * there, past "Keep these answers?" (Enter): what the folder held before, and the terminal.
     */
    const editedRun = async (name: string, args: string[]) => {
      const dir = generated(name);
      appendFileSync(join(dir, 'docker-compose.yml'), '# my own change\n');
      const before = snapshot(dir);
      const run = terminal(dir, ['py-docker', ...args]);
      try {
        await run.waitFor(/Keep these answers\?/);
      } catch (error) {
        run.close();
        throw error;
      }
      run.keys('Enter');
      return { dir, before, run };
    };

    /** Enter on every question (their defaults) until the run ends; the screen then. */
    const enterUntilExit = async (run: ReturnType<typeof terminal>): Promise<string> => {
      for (let i = 0; i < 60 && !/EXIT=\d+/.test(run.screen()); i += 1) {
        run.keys('Enter');
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      return run.waitFor(/EXIT=\d+/);
    };

    it('a re-run of `yo py-docker` lists the stored answers in words; Enter keeps them and nothing changes', async () => {
      const dir = generated('terminal-rerun');
      const before = snapshot(dir);
      const run = terminal(dir, ['py-docker']);
      try {
        const asked = await run.waitFor(/Keep these answers\?/);
        assert.match(asked, /^Your answers from the last run \(\.yo-rc\.json\):$/m);
        assert.match(asked, /^ {2}Project name: +terminal-rerun$/m);
        assert.match(asked, /^ {2}Use PostgreSQL: +yes$/m);
        assert.doesNotMatch(asked, /projectName|: true$/m);
        run.keys('Enter');
        const text = await run.waitFor(/EXIT=\d+/);
        assert.match(text, /EXIT=0/);
        assert.match(text, /Nothing changed: every generated file is up to date\./);
        assert.doesNotMatch(text, /Generated files by part|force |\? Project name/);
        assert.deepEqual(snapshot(dir), before);
      } finally {
        run.close();
      }
    });

    it('a re-run answered "no" asks each question with the stored answer as its default, and a changed name reaches the files', async () => {
      const dir = generated('terminal-change');
      const run = terminal(dir, ['py-docker']);
      try {
        await run.waitFor(/Keep these answers\?/);
        run.keys('n', 'Enter');
        // The stored answer is the default on offer; the user types another name over it.
        await run.waitFor(/\? Project name \(lowercase letters, digits and -\) \(terminal-change\)/);
        run.keys('C-u', 'renamed-site', 'Enter');
        await run.waitFor(/✔ Project name .* renamed-site/);
        const text = await enterUntilExit(run);
        assert.match(text, /EXIT=0/);
        assert.match(text, /^ +force docker-compose\.yml$/m);
        const stored = readJson<Record<string, { projectName: string }>>(join(dir, '.yo-rc.json'));
        assert.equal(stored['generator-py-docker']!.projectName, 'renamed-site');
        assert.match(readFileSync(join(dir, 'docker-compose.yml'), 'utf8'), /^name: renamed-site$/m);
      } finally {
        run.close();
      }
    });

    it('a re-run with an edited generated file shows the diff and asks; "n" keeps the file as the user wrote it', async () => {
      const { dir, before, run } = await editedRun('terminal-conflict', ['--redis']);
      try {
        const asked = await run.waitFor(/\? Overwrite docker-compose\.yml\?/);
        assert.match(asked, /docker-compose\.yml has your changes; the new version differs:/);
        assert.match(asked, /^-# my own change$/m);
        run.keys('n', 'Enter');
        const text = await run.waitFor(/EXIT=\d+/);
        assert.match(text, /EXIT=0/);
        assert.match(text, /^ +skip docker-compose\.yml$/m);
        assert.equal(readFileSync(join(dir, 'docker-compose.yml'), 'latin1'), before['docker-compose.yml']);
        assert.match(readFileSync(join(dir, 'env.development'), 'utf8'), /^REDIS_URL=/m);
      } finally {
        run.close();
      }
    });

    it('Ctrl-C at the overwrite question stops with one line and exit status 130; no file, not even .yo-rc.json, changed', async () => {
      const { dir, before, run } = await editedRun('terminal-conflict-interrupt', ['--redis']);
      try {
        await run.waitFor(/\? Overwrite docker-compose\.yml\?/);
        run.keys('C-c');
        const text = await run.waitFor(/EXIT=\d+/);
        assert.match(text, /Stopped at a question; nothing was written\.\nEXIT=130/);
        assert.doesNotMatch(text, /An error occured|force closed|ExitPromptError|Done\.|Nothing changed/);
        // --redis would change many files: none of them was written, and no lock file is left.
        assert.deepEqual(snapshot(dir), before);
      } finally {
        run.close();
      }
    });

    it('`yo py-docker --dry-run` with an edited file marks it as one a real run would ask about, ends with the count, and writes nothing', async () => {
      const { dir, before, run } = await editedRun('terminal-dry-run', ['--dry-run']);
      try {
        const text = await run.waitFor(/EXIT=\d+/);
        assert.match(text, /EXIT=0/);
        assert.match(
          text,
          /^would ask: docker-compose\.yml has your changes; a real run shows this diff and asks before replacing them$/m,
        );
        assert.match(text, /^--- a\/docker-compose\.yml\s+yours$/m);
        assert.match(
          text,
          /^Dry run: 0 files would change, 1 would ask \(docker-compose\.yml: your changes, shown above\), nothing written\.\nEXIT=0/m,
        );
        // Not asked, not written, not summed up as a finished run.
        assert.doesNotMatch(text, /\? Overwrite|Done\.|Nothing changed|Next:/);
        assert.deepEqual(snapshot(dir), before);
      } finally {
        run.close();
      }
    });
  });
});
