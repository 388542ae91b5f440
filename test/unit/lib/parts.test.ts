import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { ALL_GENERATORS, generatorPath, runGenerator, snapshotFolder } from '../../support/run.js';

/** Bookkeeping every part writes: not a generated file. */
const SHARED = new Set(['.yo-rc.json']);

describe('file ownership across parts', () => {
  it('each part run alone writes its own files: no two parts write the same path', async function () {
    // Every built part except `app` (it composes the others) and `verify` (writes nothing).
    const parts = ALL_GENERATORS.filter((p) => p !== 'app' && p !== 'verify' && existsSync(generatorPath(p)));
    const owner = new Map<string, string>();
    const clashes: string[] = [];
    for (const part of parts) {
      const result = await runGenerator(part, { options: { yes: true, redis: true, celery: true } });
      for (const file of Object.keys(snapshotFolder(result.cwd))) {
        if (SHARED.has(file)) continue;
        const first = owner.get(file);
        if (first) clashes.push(`${file}: ${first} and ${part}`);
        else owner.set(file, part);
      }
    }
    assert.deepEqual(clashes, []);
    // The parts of this task own what they should.
    const expected: Record<string, string[]> = {
      compose: ['docker-compose.yml', 'docker-compose.override.yml', 'docker-compose.prod.yml'],
      testing: ['Dockerfile.test', 'docker-compose.test.yml', 'container-structure-test.yaml'],
      devcontainer: [
        '.devcontainer/devcontainer.json',
        '.devcontainer/post-create.sh',
        '.devcontainer/post-start.sh',
      ],
    };
    for (const [part, files] of Object.entries(expected)) {
      const owned = [...owner]
        .filter(([, p]) => p === part)
        .map(([f]) => f)
        .sort();
      assert.deepEqual(owned, [...files].sort(), part);
    }
  });
});
