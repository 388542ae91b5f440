/**
 * A `.env` tracked by git (some projects commit theirs) is never written: the generated secrets go to
 * the gitignored `.env.py-docker`, which the compose services read with env_file, while compose keeps
 * reading the project's `.env` for its `${...}` values. Whether git tracks a file is asked of git, or
 * read from the index when git is not there; these tests build the repositories with the real git.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitTracks, indexTracks, parseGitIndex } from '../../../lib/git-tracked.js';
import { isIgnored, parseIgnore } from '../../../lib/ignore-files.js';
import { composeMerged } from '../../support/compose-check.js';
import { fixtureFiles, folderOnDisk, printed, runExpectingError, runGenerator } from '../../support/run.js';
import { missing, requireTool } from '../../support/tools.js';

const SECRETS = '.env.py-docker';
const NO_GIT = { git: join(tmpdir(), 'no-such-git-here') };

const hasGit = (): boolean => spawnSync('git', ['--version']).status === 0;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });
}

/** A git repository with `files`, of which `tracked` are committed. */
function repository(files: Record<string, string>, tracked: string[]): string {
  const dir = folderOnDisk(files);
  git(dir, 'init', '-q');
  if (tracked.length > 0) {
    git(dir, 'add', '--', ...tracked);
    git(dir, 'commit', '-q', '-m', 'the project');
  }
  return dir;
}

/** paperless-ngx keeps a committed `.env` with compose values and no secrets. */
const PROJECT_ENV = 'COMPOSE_PROJECT_NAME=shop-tracked\nWEB_PORT=8123\n';

describe('whether git tracks a file', function () {
  before(function () {
    if (!hasGit()) missing(this, 'git is not installed');
  });

  it('git answers: a committed .env is tracked, an untracked one is not, a folder outside git tracks nothing', () => {
    const repo = repository({ '.env': 'A=1\n', 'other.txt': 'x\n' }, ['.env']);
    assert.equal(gitTracks(repo, '.env'), true);
    assert.equal(gitTracks(repo, 'other.txt'), false);
    assert.equal(gitTracks(folderOnDisk({ '.env': 'A=1\n' }), '.env'), false);
  });

  it('without git, the index is read: the same answers, for a project in a folder of the repository too', () => {
    const repo = repository({ '.env': 'A=1\n', 'site/.env': 'B=2\n', 'site/x.txt': '' }, ['site/.env']);
    assert.equal(gitTracks(repo, '.env', NO_GIT), false);
    assert.equal(gitTracks(join(repo, 'site'), '.env', NO_GIT), true);
    assert.equal(gitTracks(join(repo, 'site'), 'x.txt', NO_GIT), false);
    assert.equal(gitTracks(folderOnDisk({ '.env': '' }), '.env', NO_GIT), false);
    // git init and nothing added yet: there is no index.
    const fresh = folderOnDisk({ '.env': '' });
    git(fresh, 'init', '-q');
    assert.equal(indexTracks(fresh, '.env'), false);
  });

  for (const version of ['2', '3', '4']) {
    it(`the index reader lists what git ls-files lists (index format ${version})`, () => {
      const files: Record<string, string> = { '.env': '', 'a/b/c/deep-name-of-some-length.py': '' };
      for (let i = 0; i < 30; i += 1) files[`pkg/module_${i}/file_${'x'.repeat(i)}.py`] = `${i}\n`;
      const repo = repository(files, Object.keys(files));
      // Version 3 stores extended flags only for entries that need them: an intent-to-add entry.
      writeFileSync(join(repo, 'intent.txt'), 'later\n');
      git(repo, 'add', '-N', 'intent.txt');
      git(repo, 'update-index', '--index-version', version);
      const listed = git(repo, 'ls-files', '-z').split('\0').filter(Boolean).sort();
      const read = parseGitIndex(readFileSync(join(repo, '.git', 'index')));
      assert.ok(read, 'the index was read');
      assert.deepEqual([...read].sort(), listed);
    });
  }

  it('an index it cannot read completely (a split index) is "cannot tell", which counts as tracked', () => {
    const repo = repository({ '.env': '', 'x.txt': '' }, ['x.txt']);
    git(repo, 'update-index', '--split-index');
    assert.equal(parseGitIndex(readFileSync(join(repo, '.git', 'index'))), undefined);
    assert.equal(gitTracks(repo, '.env', NO_GIT), undefined);
    assert.equal(parseGitIndex(Buffer.from('not an index')), undefined);
  });
});

describe('a project whose .env is tracked by git', function () {
  let compose: string;
  before(function () {
    if (!hasGit()) missing(this, 'git is not installed');
    compose = requireTool(this, 'docker-compose');
  });

  it('`yo py-docker --yes` leaves the committed .env byte for byte, and the secrets go to the gitignored .env.py-docker that compose reads', async () => {
    const cwd = repository({ ...fixtureFiles('startproject'), '.env': PROJECT_ENV }, ['.']);
    const result = await runGenerator('app', { cwd, options: { yes: true } });
    assert.equal(readFileSync(join(cwd, '.env'), 'utf8'), PROJECT_ENV);
    assert.equal(git(cwd, 'status', '--porcelain', '--', '.env'), '');
    const secrets = readFileSync(join(cwd, SECRETS), 'utf8');
    const key = /^DJANGO_SECRET_KEY=([A-Za-z0-9_-]{64})$/m.exec(secrets)?.[1];
    const password = /^POSTGRES_PASSWORD=([A-Za-z0-9_-]{32})$/m.exec(secrets)?.[1];
    assert.ok(key && password, secrets);
    // Only secrets: every line of an env_file reaches the containers.
    assert.deepEqual(
      secrets
        .split('\n')
        .filter((l) => /^[A-Z]/.test(l))
        .map((l) => l.split('=')[0]),
      ['DJANGO_SECRET_KEY', 'POSTGRES_PASSWORD'],
    );
    // Ignored by git and by the image build.
    assert.equal(spawnSync('git', ['check-ignore', '-q', SECRETS], { cwd }).status, 0);
    assert.ok(isIgnored(parseIgnore(readFileSync(join(cwd, '.dockerignore'), 'utf8')), SECRETS));
    assert.doesNotMatch(readFileSync(join(cwd, '.gitignore'), 'utf8'), /^\.env$/m);
    // The run says why, and so does README.Docker.md.
    assert.match(
      printed(result),
      /\.env is tracked by git, and secrets never go into a committed file: the secrets are in \.env\.py-docker/,
    );
    const readme = readFileSync(join(cwd, 'README.Docker.md'), 'utf8');
    assert.match(readme, /your `\.env` is tracked by git, and a secret written there would be\s+committed/);
    assert.match(readme, /\| `\.env\.py-docker` \| no \(gitignored\) \|/);

    // Compose: the secrets from .env.py-docker, the project's own values from its .env.
    for (const files of [
      ['docker-compose.yml', 'docker-compose.override.yml'],
      ['docker-compose.yml', 'docker-compose.prod.yml'],
    ]) {
      const merged = composeMerged(compose, cwd, files);
      assert.equal(merged.name, 'shop-tracked');
      const apps = files[1] === 'docker-compose.prod.yml' ? ['web', 'migrate'] : ['web'];
      for (const app of apps) {
        assert.equal(merged.services[app]!.environment!.DJANGO_SECRET_KEY, key, `${app} in ${files[1]}`);
        assert.equal(merged.services[app]!.environment!.POSTGRES_PASSWORD, password);
      }
      assert.equal(merged.services.db!.environment!.POSTGRES_PASSWORD, password);
      assert.equal(merged.services.web!.ports![0]!.published, '8123');
    }

    // A re-run changes neither file.
    await runGenerator('app', { cwd, options: { yes: true } });
    assert.equal(readFileSync(join(cwd, '.env'), 'utf8'), PROJECT_ENV);
    assert.equal(readFileSync(join(cwd, SECRETS), 'utf8'), secrets);
  });

  it('`yo py-docker:env --yes` alone does the same, and a .gitignore line that lets .env.py-docker back in stops it with nothing written', async () => {
    const cwd = repository({ '.env': PROJECT_ENV }, ['.env']);
    await runGenerator('env', { cwd, options: { yes: true } });
    assert.equal(readFileSync(join(cwd, '.env'), 'utf8'), PROJECT_ENV);
    assert.match(readFileSync(join(cwd, SECRETS), 'utf8'), /^DJANGO_SECRET_KEY=/m);

    const other = repository(
      { '.env': PROJECT_ENV, '.gitignore': '.env.*\n.env.py-docker\n!.env.py-docker\n' },
      ['.'],
    );
    const error = await runExpectingError('env', { cwd: other, options: { yes: true } });
    assert.match(error.message, /^\.gitignore: a line puts \.env\.py-docker back/);
    assert.equal(existsSync(join(other, SECRETS)), false);
    assert.equal(existsSync(join(other, 'env.production')), false);
  });

  it('not tracked: today’s behaviour, the .env gains the secrets it lacks and no other file appears', async () => {
    const cwd = repository({ '.env': PROJECT_ENV, 'README.md': 'x\n' }, ['README.md']);
    await runGenerator('env', { cwd, options: { yes: true } });
    const env = readFileSync(join(cwd, '.env'), 'utf8');
    assert.ok(env.startsWith(PROJECT_ENV));
    assert.match(env, /^DJANGO_SECRET_KEY=[A-Za-z0-9_-]{64}$/m);
    assert.equal(existsSync(join(cwd, SECRETS)), false);
    assert.match(readFileSync(join(cwd, '.gitignore'), 'utf8'), /^\.env$/m);
  });
});
