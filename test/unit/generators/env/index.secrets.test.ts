/**
 * Secrets in a generated project: the local .env holds fresh random values that no committed file
 * repeats, git and the Docker build context never see it, and no re-run replaces it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isIgnored, parseIgnore } from '../../../../lib/ignore-files.js';
import { runGenerator } from '../../../support/run.js';
import { formatFindings, parseEnvFile, validateProject } from '../../../support/validate-project.js';

const read = (dir: string, file: string): string => readFileSync(join(dir, file), 'utf8');

/** Variables .env.example marks as secrets (placeholders there). */
const secretNames = (dir: string): string[] =>
  Object.entries(parseEnvFile(read(dir, '.env.example')))
    .filter(([, value]) => value.startsWith('change-me-'))
    .map(([name]) => name);

describe('secrets of a generated project', () => {
  const options = { yes: true, 'project-name': 'shop', redis: true, celery: true };
  let first: string;
  let second: string;

  before(async () => {
    first = (await runGenerator('app', { options })).cwd;
    second = (await runGenerator('app', { options })).cwd;
  });

  it('a new user gets a Django secret key of 50+ random characters, not django-insecure-, different on every run', () => {
    const [a, b] = [first, second].map((dir) => parseEnvFile(read(dir, '.env')));
    assert.deepEqual(secretNames(first).sort(), ['DJANGO_SECRET_KEY', 'POSTGRES_PASSWORD']);
    for (const env of [a, b]) {
      const key = env.DJANGO_SECRET_KEY!;
      assert.ok(key.length >= 50, `${key.length} characters`);
      assert.doesNotMatch(key, /^django-insecure-/);
      // Enough different characters to be random, not a repeated pattern.
      assert.ok(new Set(key).size >= 20, key);
    }
    for (const name of secretNames(first))
      assert.notEqual(a[name], b[name], `${name} is the same in two runs`);
  });

  it('no file but .env holds a secret value of .env, or anything shaped like a generated secret', async () => {
    const secrets = secretNames(first).map((name) => parseEnvFile(read(first, '.env'))[name]!);
    const files = execFileSync('find', ['.', '-type', 'f', '!', '-name', '.env'], {
      cwd: first,
      encoding: 'utf8',
    })
      .trim()
      .split('\n');
    assert.ok(files.length > 40, `${files.length} files`);
    for (const file of files)
      for (const secret of secrets) assert.ok(!read(first, file).includes(secret), `${file} holds a secret`);
    const findings = (await validateProject(first, { external: new Set() })).filter(
      (f) => f.check === 'secrets',
    );
    assert.deepEqual(findings, [], formatFindings(findings));
  });

  it('.env is ignored by git and by the Docker build; .env.example and env.production are committed', () => {
    execFileSync('git', ['init', '-q'], { cwd: first });
    const gitIgnores = (path: string): boolean => {
      try {
        execFileSync('git', ['check-ignore', '-q', path], { cwd: first });
        return true;
      } catch {
        return false;
      }
    };
    assert.equal(gitIgnores('.env'), true);
    assert.equal(gitIgnores('.env.example'), false);
    assert.equal(gitIgnores('env.production'), false);
    const docker = parseIgnore(read(first, '.dockerignore'));
    assert.equal(isIgnored(docker, '.env'), true);
    assert.equal(isIgnored(docker, '.env.local'), true);
  });

  it('a re-run never replaces .env, not with --force and other settings, and not after the user edited it', async () => {
    const edited = `${read(second, '.env')}MY_TOKEN=kept\n`;
    writeFileSync(join(second, '.env'), edited);
    await runGenerator('app', {
      cwd: second,
      options: { ...options, force: true, port: '9000', redis: false, celery: false },
    });
    assert.equal(read(second, '.env'), edited);
    await runGenerator('app', { cwd: second, options: { ...options, force: true } });
    assert.equal(read(second, '.env'), edited);
    // The committed files did follow the new settings.
    assert.match(read(second, 'env.development'), /^WAIT_FOR=db:5432,redis:6379$/m);
  });
});
