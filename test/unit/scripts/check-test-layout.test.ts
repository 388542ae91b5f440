/**
 * The layout check of `npm run lint`: a unit test sits at the path under test/unit/ that mirrors the
 * module it tests. The rule is a pure function over a file list; the script itself runs on this
 * repository and on a small repository holding one misplaced test.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoPath } from '../../support/repo.js';
import { folderOnDisk } from '../../support/run.js';
import { requireTool } from '../../support/tools.js';

interface Misplaced {
  file: string;
  why: string;
}

const SCRIPT = repoPath('scripts', 'check-test-layout.mjs');
// The script is plain JavaScript outside the TypeScript build, so it is imported from the repository.
const { misplacedTests } = (await import(pathToFileURL(SCRIPT).href)) as {
  misplacedTests: (files: string[]) => Misplaced[];
};
const misplaced = (files: string[]): string[] => misplacedTests(files).map((m) => m.file);

describe('scripts/check-test-layout.mjs: unit tests mirror the source tree', () => {
  it('accepts a test at the mirrored path of its module: X/Y.ts, X/Y/index.ts, X/Y.mjs or the file X/Y itself', () => {
    const files = [
      'lib/yaml.ts',
      'test/unit/lib/yaml.test.ts',
      'lib/services/index.ts',
      'test/unit/lib/services.test.ts',
      'test/unit/lib/services/index.test.ts',
      'scripts/check-test-layout.mjs',
      'test/unit/scripts/check-test-layout.test.ts',
      'README.md',
      'test/unit/README.md.test.ts',
      'test/support/temp-folders.ts',
      'test/unit/test/support/temp-folders.test.ts',
      'test/e2e/verify.e2e.ts',
      'test/fixtures/bad-values.ts',
    ];
    assert.deepEqual(misplacedTests(files), []);
  });

  it('accepts a further test file of a module named <module>.<aspect>.test.ts', () => {
    assert.deepEqual(
      misplaced([
        'lib/drift.ts',
        'test/unit/lib/drift.test.ts',
        'test/unit/lib/drift.rerun.test.ts',
        'generators/app/index.ts',
        'test/unit/generators/app/index.golden.test.ts',
      ]),
      [],
    );
  });

  it('names a test with no module at its mirrored path, and says what it looked for', () => {
    const found = misplacedTests([
      'lib/yaml.ts',
      'test/unit/yaml.test.ts',
      'test/unit/lib/yaml.test.ts',
      'test/unit/lib/yml.test.ts',
    ]);
    assert.deepEqual(
      found.map((m) => m.file),
      ['test/unit/yaml.test.ts', 'test/unit/lib/yml.test.ts'],
    );
    assert.match(found[1]!.why, /lib\/yml\.ts, lib\/yml\/index\.ts/);
  });

  it('an aspect needs its module, and one aspect is the most a name takes', () => {
    assert.deepEqual(
      misplaced([
        'test/unit/lib/drift.rerun.test.ts',
        'lib/yaml.ts',
        'test/unit/lib/yaml.quoting.edge.test.ts',
      ]),
      ['test/unit/lib/drift.rerun.test.ts', 'test/unit/lib/yaml.quoting.edge.test.ts'],
    );
  });

  it('a folder of the same name is no module: test/unit/lib.test.ts is misplaced', () => {
    assert.deepEqual(misplaced(['lib/yaml.ts', 'test/unit/lib.test.ts']), ['test/unit/lib.test.ts']);
  });

  it('names a helper left in test/unit/ and a unit test outside test/unit/', () => {
    const found = misplacedTests([
      'lib/yaml.ts',
      'test/unit/lib/yaml-helpers.ts',
      'test/support/run.ts',
      'test/support/run.test.ts',
      'test/yaml.test.ts',
    ]);
    assert.deepEqual(
      found.map((m) => m.file),
      ['test/unit/lib/yaml-helpers.ts', 'test/support/run.test.ts', 'test/yaml.test.ts'],
    );
    assert.match(found[0]!.why, /test\/support\//);
  });

  describe('the script, as `npm run lint` runs it', () => {
    it('passes on this repository', () => {
      const run = spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
    });

    it('fails on a repository with a misplaced test, naming the file', function () {
      const git = requireTool(this, 'git');
      const dir = folderOnDisk({
        'lib/yaml.ts': 'export {};\n',
        'test/unit/lib/yaml.test.ts': 'export {};\n',
        'test/unit/yaml.test.ts': 'export {};\n',
      });
      mkdirSync(join(dir, 'scripts'));
      copyFileSync(SCRIPT, join(dir, 'scripts', 'check-test-layout.mjs'));
      execFileSync(git, ['init', '-q'], { cwd: dir });
      const run = spawnSync(process.execPath, [join(dir, 'scripts', 'check-test-layout.mjs')], {
        encoding: 'utf8',
      });
      assert.equal(run.status, 1);
      assert.match(run.stderr, /^test\/unit\/yaml\.test\.ts: no source module at the mirrored path/m);
      assert.doesNotMatch(run.stderr, /lib\/yaml\.test\.ts/);
    });
  });
});
