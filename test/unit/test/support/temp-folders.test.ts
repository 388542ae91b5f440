import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { supportModule } from '../../../support/repo.js';

const PLUGIN = fileURLToPath(supportModule('temp-folders.js'));
const MOCHA = createRequire(import.meta.url).resolve('mocha/bin/mocha.js');

/**
 * A spec of its own, run by mocha with the plugin as `npm test` loads it: each folder it makes is
 * written down in `report/` under a name, so the test can look for it afterwards.
 */
const SCOPE = supportModule('temp-scope.js').href;
const SPEC = `
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { runScoped } from '${SCOPE}';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const make = (name) => {
  const dir = mkdtempSync(join(tmpdir(), 'py-docker-' + name + '-'));
  writeFileSync(join(dir, 'file'), 'x');
  writeFileSync(join(process.env.REPORT, name), dir);
  return dir;
};
make('module');
writeFileSync(join(process.env.REPORT, 'root'), tmpdir());
describe('a suite whose tests pass', () => {
  let shared, made;
  before(() => (shared = make('before')));
  it('makes a folder', () => (made = make('passed')));
  it('still has the folders of the suite and of the test before', () => {
    if (!existsSync(shared) || !existsSync(made)) throw new Error('removed too early');
  });
  describe('a nested suite', () => {
    it('makes one too', () => make('nested'));
  });
});
describe('an outer suite with nested suites only', () => {
  let outer;
  before(() => (outer = make('outer-before')));
  describe('the first', () => {
    it('passes', () => undefined);
  });
  describe('the second', () => {
    it("still has what the outer suite's before hook made", () => {
      if (!existsSync(outer)) throw new Error('removed with the first nested suite');
    });
  });
});
let cached;
describe('a suite that makes a folder the whole run shares (a cache)', () => {
  it('makes it', () => (cached = runScoped(make('run-scoped'))));
});
describe('a later suite', () => {
  it('still has it', () => {
    if (!existsSync(cached)) throw new Error('a folder shared by the run was removed too early');
  });
});
describe('a suite with a failing test', () => {
  it('passes', () => make('passed-beside'));
  it('fails', () => {
    make('failed');
    if (process.env.FAIL) throw new Error('on purpose');
  });
});
`;

function runSpec(fail: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'py-docker-plugin-'));
  const report = join(dir, 'report');
  mkdirSync(report);
  writeFileSync(join(dir, 'spec.mjs'), SPEC);
  const run = spawnSync(process.execPath, [MOCHA, '--require', PLUGIN, join(dir, 'spec.mjs')], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, REPORT: report, ...(fail ? { FAIL: '1' } : {}) },
  });
  const folder = (name: string): string => readFileSync(join(report, name), 'utf8');
  return { dir, run, folder };
}

describe('npm test removes the temporary folders its tests make (test/support/temp-folders.ts)', function () {
  this.timeout(60_000);
  const made: string[] = [];
  after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('a run whose tests pass leaves nothing behind; a suite`s folders live until it ends, shared ones until the run ends', () => {
    const { dir, run, folder } = runSpec(false);
    made.push(dir, folder('root'));
    assert.equal(run.status, 0, run.stdout + run.stderr);
    for (const name of [
      'module',
      'before',
      'passed',
      'nested',
      'outer-before',
      'run-scoped',
      'passed-beside',
      'failed',
    ])
      assert.equal(existsSync(folder(name)), false, `${name}: ${folder(name)} removed`);
    assert.equal(existsSync(folder('root')), false, 'the run`s own temporary folder is removed');
    assert.doesNotMatch(run.stdout, /kept/);
  });

  it('a failing test keeps its folder and those of its suite, with the paths printed; the rest is removed', () => {
    const { dir, run, folder } = runSpec(true);
    made.push(dir, folder('root'));
    assert.equal(run.status, 1, run.stdout + run.stderr);
    for (const name of ['failed', 'module', 'run-scoped']) {
      assert.equal(existsSync(folder(name)), true, `${name} kept`);
      assert.ok(run.stdout.includes(`kept for a look: ${folder(name)}`), `${name} printed:\n${run.stdout}`);
    }
    for (const name of ['before', 'passed', 'nested', 'outer-before', 'passed-beside'])
      assert.equal(existsSync(folder(name)), false, `${name} removed`);
    assert.ok(run.stdout.includes(`temporary folders of this run kept in ${folder('root')}`), run.stdout);
  });
});
