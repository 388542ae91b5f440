/**
 * A part run alone, in a folder with no Django project and no answers of an earlier `yo py-docker`, would
 * write files for a project that does not exist: it stops before any question, says what it found and
 * what to run, exits non-zero, and writes nothing. A Django project, a `.yo-rc.json` or --settings-module
 * lets it run.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { PARTS } from '../../../../lib/settings.js';
import { fixtureFiles, folderOnDisk, runExpectingError, runGenerator } from '../../../support/run.js';

const REFUSAL =
  /^yo py-docker:k8s: no Django project here \(no manage\.py found\) and no \.yo-rc\.json of an earlier `yo py-docker`; it would write files for a project that does not exist \(settings module [a-z_0-9]+\.settings\), so nothing was written\. Run `yo py-docker` first: it finds your project, or creates a starter one in an empty folder/;

describe('a part run alone, in a folder with no project', () => {
  it('`yo py-docker:k8s --yes` in an empty folder stops with what it found and what to run, and writes nothing', async () => {
    const cwd = folderOnDisk({});
    const error = await runExpectingError('k8s', { cwd, options: { yes: true }, alone: true });
    assert.match(error.message, REFUSAL);
    assert.deepEqual(readdirSync(cwd), []);
  });

  it('interactive `yo py-docker:k8s` asks nothing before it stops, in a folder that holds other files', async () => {
    const cwd = folderOnDisk({ 'README.md': '# notes\n', 'notes/todo.txt': 'x\n' });
    const asked: unknown[] = [];
    const error = await runExpectingError('k8s', {
      cwd,
      alone: true,
      answerCallback: (answer, { question }) => {
        asked.push(question.name);
        return answer;
      },
    });
    assert.match(error.message, REFUSAL);
    assert.deepEqual(asked, []);
    assert.deepEqual(readdirSync(cwd).sort(), ['README.md', 'notes']);
  });

  for (const part of PARTS.filter((p) => p !== 'verify')) {
    it(`\`yo py-docker:${part} --yes\` refuses the empty folder too`, async () => {
      const cwd = folderOnDisk({});
      const error = await runExpectingError(part, { cwd, options: { yes: true }, alone: true });
      assert.match(error.message, new RegExp(`^yo py-docker:${part}: no Django project here`));
      assert.deepEqual(readdirSync(cwd), []);
    });
  }

  it('in a Django project it runs', async () => {
    const cwd = folderOnDisk(fixtureFiles('startproject'));
    const result = await runGenerator('k8s', { cwd, options: { yes: true }, alone: true });
    result.assertFile('k8s/base/kustomization.yaml');
  });

  it('where `yo py-docker` ran before (its .yo-rc.json) it runs', async () => {
    const first = await runGenerator('app', { options: { yes: true } });
    const result = await runGenerator('k8s', { cwd: first.cwd, options: { yes: true }, alone: true });
    result.assertFile('k8s/base/kustomization.yaml');
  });

  it('--settings-module names a project detection did not find, and it runs', async () => {
    const cwd = folderOnDisk({});
    const result = await runGenerator('k8s', {
      cwd,
      options: { yes: true, 'settings-module': 'shop.settings' },
      alone: true,
    });
    result.assertFileContent('k8s/base/kustomization.yaml', /- PROJECT_SETTINGS_MODULE=shop\.settings$/m);
  });
});
