import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runGenerator } from '../support/run.js';

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
});
