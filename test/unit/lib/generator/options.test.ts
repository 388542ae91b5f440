import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEnv } from 'yeoman-environment';
import { emptyDetection } from '../../../../lib/detect-empty.js';
import { SETTINGS } from '../../../../lib/settings.js';
import { BAD_VALUES } from '../../../fixtures/bad-values.js';
import { generatorPath, runExpectingError, snapshotFolder } from '../../../support/run.js';

/** A folder holding one file of the user's, so "nothing written" is checked against real content. */
function userFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'py-docker-flags-'));
  writeFileSync(join(dir, 'notes.txt'), 'the user was here\n');
  return dir;
}

describe('bad flag values on `yo py-docker --yes`', () => {
  for (const setting of SETTINGS) {
    const bad = BAD_VALUES[setting.flag]!;
    it(`--${setting.flag} ${JSON.stringify(bad)} exits with "--${setting.flag}: ..." and writes nothing`, async () => {
      const dir = userFolder();
      const before = snapshotFolder(dir);
      // yeoman turns any value of a boolean option into true/false before the generator sees it, so a
      // bad boolean can only come from the command line: pass those as raw tokens, like `yo` does.
      const error = await runExpectingError('app', {
        cwd: dir,
        ...(setting.type === 'boolean'
          ? { options: { yes: true }, args: [`--${setting.flag}`, bad] }
          : { options: { yes: true, [setting.flag]: bad } }),
      });
      assert.ok(error.message.startsWith(`--${setting.flag}: `), error.message);
      assert.match(error.message, /allowed|must/);
      assert.deepEqual(snapshotFolder(dir), before);
    });
  }

  it('`--postgres=maybe` (minimist would read it as true) fails too', async () => {
    const error = await runExpectingError('app', { options: { yes: true }, args: ['--postgres=maybe'] });
    assert.equal(
      error.message,
      '--postgres: "maybe" is not a yes/no value; allowed: --postgres or --no-postgres',
    );
  });

  it('settings that contradict each other fail the same way: --celery --no-redis', async () => {
    const dir = userFolder();
    const before = snapshotFolder(dir);
    const error = await runExpectingError('app', {
      cwd: dir,
      options: { yes: true, celery: true, redis: false },
    });
    assert.match(error.message, /^--redis: Celery needs Redis/);
    assert.deepEqual(snapshotFolder(dir), before);
  });

  it('a starter that cannot exist fails before writing: --python-deps uv in an empty folder', async () => {
    const dir = userFolder();
    const before = snapshotFolder(dir);
    const error = await runExpectingError('app', { cwd: dir, options: { yes: true, 'python-deps': 'uv' } });
    assert.match(error.message, /^--python-deps: "uv" needs an existing project/);
    assert.deepEqual(snapshotFolder(dir), before);
  });

  it('a project name that would shadow a Python module fails before writing: --project-name email', async () => {
    const dir = userFolder();
    const before = snapshotFolder(dir);
    const error = await runExpectingError('app', {
      cwd: dir,
      options: { yes: true, 'project-name': 'email' },
    });
    assert.match(
      error.message,
      /^--settings-module: the starter package "email" would shadow Python's standard module/,
    );
    assert.deepEqual(snapshotFolder(dir), before);
  });
});

describe('`yo py-docker --help`', () => {
  let help = '';
  before(async () => {
    const env = createEnv({ cwd: userFolder() });
    env.register(generatorPath('app'), { namespace: 'py-docker:app' });
    const generator = (await env.create('py-docker:app', {
      generatorArgs: [],
      generatorOptions: { help: true },
    } as never)) as unknown as { help(): string };
    help = generator.help();
  });

  it('lists every setting flag with its default', () => {
    const lines = help.split('\n');
    for (const setting of SETTINGS) {
      const line = lines.find((l) => new RegExp(`^\\s+(-\\w,\\s+)?--${setting.flag}\\s`).test(l));
      assert.ok(line, `--${setting.flag} is not in --help`);
      const fallback = String(setting.default({}, emptyDetection()));
      assert.ok(line.includes(`(default: ${fallback})`), `--${setting.flag}: ${line.trim()}`);
    }
  });

  it('lists the switches --yes, --dry-run, --restore and --starter', () => {
    for (const flag of ['--yes', '--dry-run', '--restore', '--starter']) assert.ok(help.includes(flag), flag);
  });
});
