import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { parse, parseAllDocuments } from 'yaml';
import type { RunResult } from 'yeoman-test';
import { missingEnvEntries, SIDE_BY_SIDE_SUFFIX } from '../../../lib/drift.js';
import { buildModel } from '../../../lib/model.js';
import type { Settings } from '../../../lib/settings.js';
import { printed, runGenerator, snapshotFolder } from '../../support/run.js';
import { formatFindings, parseEnvFile, validateProject } from '../../support/validate-project.js';

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
    // .env only grows: the REDIS_URL it gained stays (it may hold the user's own value by now).
    assert.ok(after['.env']!.content.startsWith(before['.env']!.content));
    for (const file of ['.yo-rc.json', '.env']) {
      delete before[file];
      delete after[file];
    }
    assert.deepEqual(after, before);
  });
});

describe('a kept .env gains the variables it lacks (lib/drift missingEnvEntries)', () => {
  const rendered = '# head\n\n# The key\nA=1\n\n# Redis\n# (two comment lines)\nREDIS_URL=redis://r\n';

  it('appends each missing entry with its comments, after every line of the user', () => {
    const theirs = '# mine\nA=secret\nMINE=1';
    const { names, text: added } = missingEnvEntries(theirs, rendered);
    assert.deepEqual(names, ['REDIS_URL']);
    assert.match(added, /^\n\n# Added by a later run of yo py-docker/);
    assert.ok(added.endsWith('\n# Redis\n# (two comment lines)\nREDIS_URL=redis://r\n'));
    assert.doesNotMatch(added, /^A=/m);
  });

  it('adds nothing when every variable is there, whatever its value', () => {
    assert.deepEqual(missingEnvEntries('A=x\nREDIS_URL=elsewhere\n', rendered), { names: [], text: '' });
  });
});

const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A copy of a generated folder, to run a story on without changing the original. */
function copyOfFolder(dir: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'py-docker-copy-'));
  cpSync(dir, copy, { recursive: true });
  return copy;
}

const stored = (dir: string): Settings =>
  (JSON.parse(read(dir, '.yo-rc.json')) as Record<string, Settings>)['generator-py-docker']!;

type Services = { postgres: boolean; redis: boolean; celery: boolean };

/**
 * Which services each artifact reflects, read from the files themselves. README.Docker.md: the version
 * the generator wrote (next to the user's edited one when there is one).
 */
function reflected(dir: string): Record<string, Partial<Services>> {
  const svc = buildModel(stored(dir)).services;
  const yaml = (file: string): Record<string, unknown> => parse(read(dir, file)) as Record<string, unknown>;
  const compose = Object.keys(yaml('docker-compose.yml').services as object);
  const envFile = (file: string): Partial<Services> => {
    const vars = parseEnvFile(read(dir, file));
    return {
      postgres: 'POSTGRES_HOST' in vars,
      redis: 'REDIS_URL' in vars,
      celery: 'CELERY_BROKER_URL' in vars,
    };
  };
  const resources = yaml('k8s/base/kustomization.yaml').resources as string[];
  const components = resources.flatMap((file) =>
    parseAllDocuments(read(dir, `k8s/base/${file}`)).map(
      (doc) =>
        (doc.toJS() as { metadata?: { labels?: Record<string, string> } }).metadata?.labels?.[
          'app.kubernetes.io/component'
        ],
    ),
  );
  const configmap = Object.fromEntries(
    (yaml('k8s/base/kustomization.yaml').configMapGenerator as { literals: string[] }[])[0]!.literals.map(
      (l) => l.split('=') as [string, string],
    ),
  );
  const devcontainer = (parseJsonc(read(dir, '.devcontainer/devcontainer.json')) as { runServices: string[] })
    .runServices;
  const readmeFile = existsSync(join(dir, `${README}${SIDE_BY_SIDE_SUFFIX}`))
    ? `${README}${SIDE_BY_SIDE_SUFFIX}`
    : README;
  const composeRow = read(dir, readmeFile)
    .split('\n')
    .find((line) => line.startsWith('| `docker-compose.yml`'))!;
  return {
    'docker-compose.yml': {
      postgres: compose.includes(svc.db),
      redis: compose.includes(svc.redis),
      celery: compose.includes(svc.worker) && compose.includes(svc.beat),
    },
    ...Object.fromEntries(ENV_FILES.map((file) => [file, envFile(file)])),
    k8s: {
      postgres: 'POSTGRES_HOST' in configmap,
      redis: 'REDIS_URL' in configmap,
      celery: components.includes(svc.worker) && components.includes(svc.beat),
    },
    devcontainer: { postgres: devcontainer.includes(svc.db), redis: devcontainer.includes(svc.redis) },
    [README]: {
      postgres: composeRow.includes(`\`${svc.db}\``),
      redis: composeRow.includes(`\`${svc.redis}\``),
      celery: composeRow.includes(`\`${svc.worker}\``),
    },
  };
}

const README = 'README.Docker.md';
const ENV_FILES = ['.env.example', 'env.development', 'env.staging', 'env.production'];

async function assertValid(dir: string): Promise<void> {
  const findings = await validateProject(dir);
  assert.deepEqual(findings, [], formatFindings(findings));
}

function assertServices(dir: string, expected: Services): void {
  for (const [artifact, services] of Object.entries(reflected(dir)))
    for (const [service, on] of Object.entries(services))
      assert.equal(
        on,
        expected[service as keyof Services],
        `${artifact}: ${service} should be ${expected[service as keyof Services] ? 'on' : 'off'}`,
      );
  // .env only grows (see drift.ts): it has what the services need, and may keep more.
  const local = parseEnvFile(read(dir, '.env'));
  if (expected.redis) assert.ok('REDIS_URL' in local, '.env lacks REDIS_URL');
  if (expected.postgres) assert.ok('POSTGRES_PASSWORD' in local, '.env lacks POSTGRES_PASSWORD');
}

/** Two snapshots without the files a story compares on its own; [] when the rest is byte-identical. */
function differingFiles(a: Snapshot, b: Snapshot, except: readonly string[]): string[] {
  return Object.keys({ ...a, ...b })
    .filter((f) => !except.includes(f))
    .filter((f) => a[f]?.content !== b[f]?.content || a[f]?.mode !== b[f]?.mode)
    .sort();
}

type Snapshot = ReturnType<typeof snapshotFolder>;

describe('a user adds and removes services on a generated project with `yo py-docker`', () => {
  const NOTE = '\n## Our notes\n\nStaging runs on the shared cluster.\n';
  const ASIDE = `${README}${SIDE_BY_SIDE_SUFFIX}`;
  /** The files the user's README edit and .env's growth set apart; each is asserted on its own. */
  const APART = ['.yo-rc.json', '.env', README, ASIDE];
  let dir: string;
  let generatedReadme: string;
  let beforeOn: Snapshot;
  let afterOn: Snapshot;
  let beforePostgresOff: Snapshot;

  it('a new user runs `yo py-docker --yes` in an empty folder and edits README.Docker.md', async () => {
    dir = (await runGenerator('app', { options: { yes: true } })).cwd;
    await assertValid(dir);
    assertServices(dir, { postgres: true, redis: false, celery: false });
    generatedReadme = read(dir, README);
    writeFileSync(join(dir, README), generatedReadme + NOTE);
    beforeOn = snapshotFolder(dir);
  });

  it('then `--redis --celery` adds Redis and Celery everywhere, keeping their README with the new one next to it', async () => {
    await runGenerator('app', { cwd: dir, options: { yes: true, redis: true, celery: true } });
    await assertValid(dir);
    assertServices(dir, { postgres: true, redis: true, celery: true });
    assert.equal(read(dir, README), generatedReadme + NOTE);
    assert.ok(read(dir, '.env').startsWith(beforeOn['.env']!.content), '.env lost lines');
    afterOn = snapshotFolder(dir);
  });

  it('then `--no-redis --no-celery` returns every file to what it was before', async () => {
    await runGenerator('app', { cwd: dir, options: { yes: true, redis: false, celery: false } });
    await assertValid(dir);
    assertServices(dir, { postgres: true, redis: false, celery: false });
    const after = snapshotFolder(dir);
    // Files only Celery needed (the Kubernetes worker and beat) are gone again.
    assert.ok(
      differingFiles(beforeOn, afterOn, APART).some((f) => !(f in beforeOn)),
      'no file was added',
    );
    assert.deepEqual(differingFiles(beforeOn, after, APART), []);
    assert.equal(read(dir, README), generatedReadme + NOTE);
    assert.equal(read(dir, ASIDE), generatedReadme);
    assert.ok(read(dir, '.env').startsWith(beforeOn['.env']!.content), '.env lost lines');
    beforePostgresOff = after;
  });

  it('then `--no-postgres` drops the database everywhere', async () => {
    await runGenerator('app', { cwd: dir, options: { yes: true, postgres: false } });
    await assertValid(dir);
    assertServices(dir, { postgres: false, redis: false, celery: false });
    assert.equal(read(dir, README), generatedReadme + NOTE);
  });

  it('then `--postgres` brings every file back as it was', async () => {
    await runGenerator('app', { cwd: dir, options: { yes: true, postgres: true } });
    await assertValid(dir);
    assertServices(dir, { postgres: true, redis: false, celery: false });
    const after = snapshotFolder(dir);
    assert.deepEqual(differingFiles(beforePostgresOff, after, ['.yo-rc.json', '.env']), []);
    // .env only gains (README): every line it had is kept, and what it gained while PostgreSQL was off
    // is the sqlite path, blank for local use.
    const lines = (snap: Record<string, { content: string }>): string[] => snap['.env']!.content.split('\n');
    const gained = lines(after).filter((l) => !lines(beforePostgresOff).includes(l));
    assert.ok(lines(beforePostgresOff).every((l) => lines(after).includes(l)));
    assert.deepEqual(
      gained.filter((l) => !l.startsWith('#') && l !== ''),
      ['DJANGO_SQLITE_PATH='],
    );
  });

  it('turning Celery off removes the files only it needed when untouched, and keeps (and says so) the ones they edited', async () => {
    const copy = copyOfFolder(dir);
    await runGenerator('app', { cwd: copy, options: { yes: true, redis: true, celery: true } });
    const onlyCelery = Object.keys(snapshotFolder(copy)).filter((f) => !(f in beforePostgresOff));
    assert.ok(onlyCelery.length >= 2, `files only Celery needs: ${onlyCelery.join(', ')}`);
    const [edited, ...untouched] = onlyCelery;
    const theirs = `${read(copy, edited!)}# ours: more replicas on Fridays\n`;
    writeFileSync(join(copy, edited!), theirs);
    const off = await runGenerator('app', { cwd: copy, options: { yes: true, redis: false, celery: false } });
    for (const file of untouched) assert.equal(existsSync(join(copy, file)), false, `${file} was left`);
    assert.equal(read(copy, edited!), theirs);
    assert.match(
      printed(off),
      new RegExp(`^${escaped(edited!)} is no longer generated but has your changes; kept it$`, 'm'),
    );
  });
});

describe('a user who edited a generated file re-runs `yo py-docker` interactively', () => {
  const EDITED = 'docker-compose.yml';
  const EDIT = '# ours: the staging host reads this file too\n';
  let base: string;

  before(async () => {
    base = (await runGenerator('app', { options: { yes: true } })).cwd;
    writeFileSync(join(base, EDITED), read(base, EDITED) + EDIT);
  });

  /** `yo py-docker --redis` without --yes; the conflicter really asks (force: false, as for a user). */
  const interactiveRun = async (answer: 'skip' | 'write'): Promise<{ dir: string; result: RunResult }> => {
    const dir = copyOfFolder(base);
    const result = await runGenerator('app', {
      cwd: dir,
      options: { redis: true },
      answers: { action: answer },
      envOptions: { force: false },
    });
    return { dir, result };
  };

  const assertShownAndAsked = (result: RunResult, answer: string): void => {
    const out = printed(result);
    assert.match(out, new RegExp(`${escaped(EDITED)} has your changes; the new version differs:`));
    assert.match(out, new RegExp(`^--- a/${escaped(EDITED)}\\tyours$`, 'm'));
    assert.match(out, new RegExp(`^-${EDIT.trim()}$`, 'm'), 'the diff does not show their line');
    assert.match(out, /^\+ {2}redis:$/m, 'the diff does not show the new service');
    const asked = result.askedQuestions.filter((q) => q.name === 'action');
    assert.deepEqual(asked, [{ name: 'action', answer }], 'the overwrite question was not asked once');
  };

  it('sees the diff, answers "do not overwrite", and keeps their file', async () => {
    const { dir, result } = await interactiveRun('skip');
    assertShownAndAsked(result, 'skip');
    assert.equal(read(dir, EDITED), read(base, EDITED));
    assert.equal(existsSync(join(dir, `${EDITED}${SIDE_BY_SIDE_SUFFIX}`)), false);
    // The rest of the run went through: Redis is in the env files.
    assert.match(read(dir, 'env.development'), /^REDIS_URL=/m);
  });

  it('sees the diff, answers "overwrite", and gets the new version', async () => {
    const { dir, result } = await interactiveRun('write');
    assertShownAndAsked(result, 'write');
    assert.ok(!read(dir, EDITED).includes(EDIT), 'their line is still there');
    assert.ok('redis' in (parse(read(dir, EDITED)) as { services: object }).services);
  });
});

describe('a user previews a change with `yo py-docker --redis --dry-run`', () => {
  it('sees a unified diff naming each file that would change, and the folder stays byte-identical', async () => {
    const dir = (await runGenerator('app', { options: { yes: true } })).cwd;
    const before = snapshotFolder(dir);
    const result = await runGenerator('app', {
      cwd: dir,
      options: { yes: true, redis: true, 'dry-run': true },
    });
    assert.deepEqual(snapshotFolder(dir), before);
    const out = printed(result);
    for (const file of [
      'docker-compose.yml',
      'env.development',
      '.env.example',
      'k8s/base/kustomization.yaml',
      README,
      '.env',
    ])
      assert.match(
        out,
        new RegExp(`^--- a/${escaped(file)}\\t?\\n\\+\\+\\+ b/${escaped(file)}\\t?$`, 'm'),
        file,
      );
    assert.match(out, /^\+ {2}redis:$/m);
    assert.match(out, /^\+REDIS_URL=/m);
    // .env would gain REDIS_URL; none of its existing lines (secrets) is printed as context.
    const envDiff = out.slice(out.indexOf('--- a/.env')).split(/^={3,}$/m)[0]!;
    assert.match(envDiff, /^\+REDIS_URL=/m);
    assert.deepEqual(
      envDiff.split('\n').filter((line) => line.startsWith(' ')),
      [],
    );
  });
});
