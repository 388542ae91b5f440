import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from 'yeoman-test';
import { printed, runGenerator, snapshotFolder } from '../../support/run.js';
import { fixturePath } from '../../support/repo.js';

// eslint-disable-next-line no-control-regex
const plain = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, '');
/**
 * The last lines a run printed with the plain log (what ends the run on the terminal; `printed` groups
 * the info and status lines after it), without trailing blank ones.
 */
const lastLines = (result: RunResult, n: number): string[] => {
  const log = result.env.adapter.log as unknown as { mock: { calls: { arguments: unknown[] }[] } };
  const text = log.mock.calls.map((call) => call.arguments.map(String).join(' ')).join('\n');
  return plain(text).trimEnd().split('\n').slice(-n);
};

/** A copy of the fixture project `flat` on disk (Django, npm build, requirements), with or without its lockfile. */
function flatProject(lockfile = true): string {
  const dir = mkdtempSync(join(tmpdir(), 'py-docker-end-'));
  cpSync(fixturePath('flat'), dir, { recursive: true });
  if (!lockfile) rmSync(join(dir, 'package-lock.json'));
  return dir;
}

describe('the end of a run tells the truth', function () {
  this.timeout(120_000);

  it('a new user runs `yo py-docker --yes` in a project without package-lock.json: the last lines say to fix it, and the next command is the fix', async () => {
    const result = await runGenerator('app', { cwd: flatProject(false), options: { yes: true } });
    const out = plain(printed(result));
    assert.deepEqual(lastLines(result, 4), [
      'Fix first: the image does not build or start until then.',
      '  package-lock.json is missing: run "npm install" once, the image runs "npm ci"',
      'Next:',
      '  npm install',
    ]);
    assert.doesNotMatch(out, /Done\./);
    // The usual commands are there, for once it is fixed, before the fix.
    const summary = out.slice(out.lastIndexOf('Generated files by part:'));
    assert.match(summary, /^Once fixed:\n {2}docker compose up --build/m);
    assert.ok(summary.indexOf('Once fixed:') < summary.indexOf('Fix first:'));
  });

  it('a new user runs `yo py-docker --yes` in a project with everything the image needs: "Done." and docker compose up', async () => {
    const result = await runGenerator('app', { cwd: flatProject(), options: { yes: true } });
    const out = plain(printed(result));
    assert.match(out, /^Done\. Generated files by part:$/m);
    assert.match(out, /^Next:\n {2}docker compose up --build {2,}development/m);
    assert.doesNotMatch(out, /Fix first|Once fixed/);
    assert.match(lastLines(result, 1)[0]!, /README\.Docker\.md +testing, debugging and deploying/);
    // The detection summary in words: yes/no, never true/false.
    assert.match(out, /^ {2}Celery worker and beat services: yes \(from /m);
    assert.doesNotMatch(out.slice(out.indexOf('Detected:'), out.indexOf('Done.')), /: (true|false) \(from /);
  });

  describe('`--dry-run` after the user edited a generated file', () => {
    let dir = '';
    const EDITED = 'docker-compose.prod.yml';
    beforeEach(async () => {
      dir = (await runGenerator('app', { cwd: flatProject(), options: { yes: true } })).cwd;
      appendFileSync(join(dir, EDITED), '# my change\n');
    });

    it('`yo py-docker --yes --port 9000 --dry-run` ends with the count, shows the edited file kept with the new version beside it, and writes nothing', async () => {
      const before = snapshotFolder(dir);
      const result = await runGenerator('app', {
        cwd: dir,
        options: { yes: true, port: '9000', 'dry-run': true },
      });
      assert.deepEqual(snapshotFolder(dir), before);
      const out = plain(printed(result));
      const last = lastLines(result, 1)[0]!;
      const count = /^Dry run: (\d+) files would change, 0 would ask, nothing written\.$/.exec(last);
      assert.ok(count, last);
      // Every file with a diff is counted: the diffs' +++ lines.
      assert.equal(Number(count[1]), out.match(/^\+\+\+ b\//gm)!.length);
      assert.match(
        out,
        new RegExp(
          `^${EDITED} has your changes; a real run keeps them and writes the new version to ${EDITED}\\.py-docker-new:$`,
          'm',
        ),
      );
      assert.match(
        out,
        new RegExp(`^--- a/${EDITED}\\tyours\\n\\+\\+\\+ b/${EDITED}\\.py-docker-new\\tnew$`, 'm'),
      );
      // Never as if their file were replaced in place.
      assert.doesNotMatch(out, new RegExp(`^\\+\\+\\+ b/${EDITED}\\t?$`, 'm'));
    });

    it('`yo py-docker --port 9000 --dry-run` (interactive) marks the edited file as one a real run would ask about', async () => {
      const before = snapshotFolder(dir);
      const result = await runGenerator('app', { cwd: dir, options: { port: '9000', 'dry-run': true } });
      assert.deepEqual(snapshotFolder(dir), before);
      const out = plain(printed(result));
      assert.match(
        out,
        new RegExp(
          `^would ask: ${EDITED} has your changes; a real run shows this diff and asks before replacing them$`,
          'm',
        ),
      );
      assert.match(out, new RegExp(`^--- a/${EDITED}\\tyours\\n\\+\\+\\+ b/${EDITED}\\tnew$`, 'm'));
      assert.match(out, /^-# my change$/m);
      assert.match(
        lastLines(result, 1)[0]!,
        new RegExp(
          `^Dry run: \\d+ files would change, 1 would ask \\(${EDITED}: your changes, shown above\\), nothing written\\.$`,
        ),
      );
      assert.equal(readFileSync(join(dir, EDITED), 'utf8').endsWith('# my change\n'), true);
    });

    it('a dry run that finds nothing to change says so', async () => {
      const result = await runGenerator('app', {
        cwd: dir,
        options: { yes: true, 'dry-run': true, force: false },
      });
      // Only the edited file differs, kept with the new version beside it.
      assert.match(
        lastLines(result, 1)[0]!,
        /^Dry run: 1 file would change, 0 would ask, nothing written\.$/,
      );
      const clean = (await runGenerator('app', { cwd: flatProject(), options: { yes: true } })).cwd;
      const again = await runGenerator('app', { cwd: clean, options: { yes: true, 'dry-run': true } });
      assert.equal(lastLines(again, 1)[0], 'Dry run: nothing would change, nothing written.');
    });
  });
});
