import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runGenerator, snapshotFolder } from '../support/run.js';

const read = (dir: string, file: string): string => readFileSync(join(dir, file), 'utf8');

describe('safe re-runs on a real folder', () => {
  it('updates a file the user never touched, without a question', async () => {
    const first = await runGenerator('env', { options: { yes: true, port: '8000' } });
    await runGenerator('env', { cwd: first.cwd, options: { yes: true, port: '9000' } });
    assert.match(read(first.cwd, 'env.development'), /localhost:9000/);
    assert.equal(existsSync(join(first.cwd, 'env.development.py-docker-new')), false);
  });

  it('keeps a file the user edited under --yes and writes the new version next to it', async () => {
    const first = await runGenerator('env', { options: { yes: true } });
    const edited = `${read(first.cwd, 'env.development')}MY_SETTING=1\n`;
    writeFileSync(join(first.cwd, 'env.development'), edited);
    await runGenerator('env', { cwd: first.cwd, options: { yes: true, port: '9000' } });
    assert.equal(read(first.cwd, 'env.development'), edited);
    assert.match(read(first.cwd, 'env.development.py-docker-new'), /localhost:9000/);
  });

  it('--force overwrites an edited file but never .env', async () => {
    const first = await runGenerator('env', { options: { yes: true } });
    const env = `${read(first.cwd, '.env')}EXTRA=kept\n`;
    writeFileSync(join(first.cwd, '.env'), env);
    writeFileSync(join(first.cwd, 'env.production'), 'edited\n');
    await runGenerator('env', { cwd: first.cwd, options: { yes: true, force: true } });
    assert.equal(read(first.cwd, '.env'), env);
    assert.match(read(first.cwd, 'env.production'), /^DJANGO_DEBUG=false$/m);
  });

  it('does not recreate a file the user deleted, unless --restore', async () => {
    const first = await runGenerator('env', { options: { yes: true } });
    rmSync(join(first.cwd, 'env.staging'));
    await runGenerator('env', { cwd: first.cwd, options: { yes: true } });
    assert.equal(existsSync(join(first.cwd, 'env.staging')), false);
    await runGenerator('env', { cwd: first.cwd, options: { yes: true, restore: true } });
    assert.equal(existsSync(join(first.cwd, 'env.staging')), true);
  });

  it('--dry-run leaves the folder byte-identical', async () => {
    const first = await runGenerator('env', { options: { yes: true } });
    const before = snapshotFolder(first.cwd);
    await runGenerator('env', { cwd: first.cwd, options: { yes: true, port: '9000', 'dry-run': true } });
    assert.deepEqual(snapshotFolder(first.cwd), before);
  });

  it('turning Redis on and off again returns the env files to their previous content', async () => {
    const first = await runGenerator('env', { options: { yes: true } });
    const before = snapshotFolder(first.cwd);
    await runGenerator('env', { cwd: first.cwd, options: { yes: true, redis: true } });
    assert.match(read(first.cwd, '.env.example'), /^REDIS_URL=/m);
    await runGenerator('env', { cwd: first.cwd, options: { yes: true, redis: false } });
    const after = snapshotFolder(first.cwd);
    delete before['.yo-rc.json'];
    delete after['.yo-rc.json'];
    assert.deepEqual(after, before);
  });
});
