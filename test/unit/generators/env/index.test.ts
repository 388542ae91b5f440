import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeLines } from '../../../../lib/ignore-files.js';
import { runGenerator } from '../../../support/run.js';
import { requireTool } from '../../../support/tools.js';

describe('py-docker:env', () => {
  it('a new user runs `yo py-docker:env --yes` in a folder where `yo py-docker` ran before and gets every env file', async () => {
    const result = await runGenerator('env', { options: { yes: true } });
    result.assertFile([
      '.env',
      '.env.example',
      'env.development',
      'env.staging',
      'env.production',
      '.gitignore',
    ]);
    const env = readFileSync(join(result.cwd, '.env'), 'utf8');
    assert.match(env, /^DJANGO_SECRET_KEY=[A-Za-z0-9_-]{64}$/m);
  });

  it('a project whose .gitignore already un-ignores .env.example above the appended .env.* keeps .env.example committed (git check-ignore)', async function () {
    const git = requireTool(this, 'git');
    const theirs = '# Environments\n.env\n.venv\nenv/\n!.env.example\n';
    const dir = mkdtempSync(join(tmpdir(), 'py-docker-gitignore-'));
    writeFileSync(join(dir, '.gitignore'), theirs);
    spawnSync(git, ['init', '-q'], { cwd: dir });
    const result = await runGenerator('env', { cwd: dir, options: { yes: true } });
    const gitignore = readFileSync(join(result.cwd, '.gitignore'), 'utf8');
    assert.ok(gitignore.startsWith(theirs), 'their lines stay first, unchanged');
    const ignored = (path: string): boolean =>
      spawnSync(git, ['check-ignore', '-q', path], { cwd: result.cwd }).status === 0;
    assert.ok(!ignored('.env.example'), `.env.example is ignored by:\n${gitignore}`);
    for (const path of ['.env', '.env.local', 'k8s/deploy/production/secrets.env'])
      assert.ok(ignored(path), path);
    assert.equal(
      mergeLines(gitignore, ['.env', '.env.*', '!.env.example']),
      gitignore,
      'a re-run adds nothing',
    );
  });
});
