import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { printed, runGenerator } from '../../support/run.js';
import { alpineDriverFindings } from '../../support/validate-project.js';
import { emptyDetection } from '../../../lib/detect-empty.js';
import {
  containerDevRequirements,
  containerNeeds,
  containerRequirements,
  containerRequirementsFile,
  REQUIREMENT_PINS,
  requirementNames,
  venvToolPins,
} from '../../../lib/requirements.js';
import { firstScanLines, newerPatches } from '../../../lib/versions.js';
import { resolveSettings } from '../../../lib/resolve.js';
import type { Settings } from '../../../lib/settings.js';

const settingsWith = async (flags: Partial<Record<keyof Settings, unknown>>): Promise<Settings> =>
  (await resolveSettings({ flags, stored: {}, detection: emptyDetection(), askable: new Set() })).settings;

describe('what the container needs and a project lacks (docker/requirements.txt)', () => {
  it('gunicorn and WhiteNoise always; a PostgreSQL driver, Redis, Celery and supervisor with their settings', async () => {
    assert.deepEqual(containerNeeds(await settingsWith({ postgres: false })), ['gunicorn', 'whitenoise']);
    assert.deepEqual(
      containerNeeds(await settingsWith({ redis: true, celery: true, processManager: 'supervisord' })),
      // The default variant is Alpine: psycopg's C implementation too.
      ['gunicorn', 'whitenoise', 'psycopg', 'psycopg-c', 'redis', 'celery', 'supervisor'],
    );
  });

  it('a project that has a package (or another that does its job) gets no second one', async () => {
    const s = await settingsWith({ redis: true });
    const has = (names: string[]) => (name: string) => names.includes(name);
    assert.deepEqual(
      containerRequirements(s, has(['django', 'gunicorn', 'psycopg2-binary', 'django-redis'])).map(
        (r) => r.name,
      ),
      ['whitenoise'],
    );
    assert.deepEqual(
      containerRequirements(s, has(['django'])).map((r) => `${r.name}==${r.version}`),
      [
        `gunicorn==${REQUIREMENT_PINS.gunicorn.version}`,
        `whitenoise==${REQUIREMENT_PINS.whitenoise.version}`,
        `psycopg==${REQUIREMENT_PINS.psycopg.version}`,
        `psycopg-c==${REQUIREMENT_PINS.psycopg.version}`,
        `redis==${REQUIREMENT_PINS.redis.version}`,
      ],
    );
  });

  it('Django before 4.2 gets psycopg2 (it cannot use psycopg 3), from 4.2 on psycopg', async () => {
    const names = async (django: string) =>
      containerRequirements(await settingsWith({ djangoVersion: django }), () => false).map((r) => r.name);
    assert.ok((await names('3.2.25')).includes('psycopg2-binary'));
    assert.ok(!(await names('3.2.25')).includes('psycopg'));
    assert.ok((await names('4.2.20')).includes('psycopg'));
    assert.ok((await names('6.1')).includes('psycopg'));
  });

  it('reads distribution names from requirement lines, skipping comments, options and includes', () => {
    assert.deepEqual(
      requirementNames(
        '# c\n-r base.txt\n--index-url x\nDjango>=4.2  # web\npsycopg[binary]==3.2.6\nWhite_Noise\n',
      ),
      ['django', 'psycopg', 'psycopg-binary', 'white-noise'],
    );
  });

  it("psycopg's extras count as the implementations they install: psycopg[c,pool] on Alpine adds no psycopg-c", async () => {
    const names = new Set(requirementNames('psycopg[c,pool]==3.3.4\n'));
    assert.ok(names.has('psycopg-c'));
    assert.ok(!names.has('psycopg-pool'), 'only the implementations are named');
    const settings = await settingsWith({ postgres: true, variant: 'alpine', djangoVersion: '5.2.8' });
    assert.ok(containerNeeds(settings).includes('psycopg-c'));
    const added = containerRequirements(settings, (name) => names.has(name)).map((r) => r.name);
    assert.ok(!added.includes('psycopg-c'), added.join(', '));
    assert.ok(
      containerRequirements(settings, (name) => name === 'psycopg').some((r) => r.name === 'psycopg-c'),
      'a plain psycopg still gets its C implementation',
    );
  });

  it('the file pins each package exactly, and says so when there is nothing to add', () => {
    const file = containerRequirementsFile([{ name: 'gunicorn', version: '23.0.0', python: '3.7' }]);
    assert.match(file, /^gunicorn==23\.0\.0$/m);
    assert.equal(file.split('\n').filter((l) => l && !l.startsWith('#')).length, 1);
    assert.match(containerRequirementsFile([]), /nothing: the project has everything/);
  });
});

describe('PostgreSQL on Alpine: the C implementation of psycopg', () => {
  it("Alpine gets psycopg-c at the project's psycopg release; slim, psycopg-binary or psycopg2 need none", async () => {
    const alpine = await settingsWith({ variant: 'alpine' });
    const has = (names: string[]) => (name: string) => names.includes(name);
    const pins = (p: Record<string, string>) => (name: string) => p[name];
    assert.deepEqual(
      containerRequirements(
        alpine,
        has(['django', 'gunicorn', 'whitenoise', 'psycopg']),
        pins({ psycopg: '3.1.18' }),
      ),
      [{ name: 'psycopg-c', version: '3.1.18', python: '3.8' }],
    );
    assert.deepEqual(
      containerRequirements(alpine, has(['django', 'gunicorn', 'whitenoise'])).map(
        (r) => `${r.name}==${r.version}`,
      ),
      ['psycopg==3.2.6', 'psycopg-c==3.2.6'],
    );
    assert.deepEqual(containerRequirements(alpine, has(['gunicorn', 'whitenoise', 'psycopg-binary'])), []);
    const slim = await settingsWith({ variant: 'slim' });
    assert.deepEqual(containerRequirements(slim, has(['gunicorn', 'whitenoise', 'psycopg'])), []);
  });

  it('the validation rule finds a pure psycopg on Alpine and passes the C or binary implementation', () => {
    const alpine = 'FROM python:3.12.12-alpine3.21 AS builder\n';
    assert.equal(
      alpineDriverFindings(alpine, ['Django==5.2\npsycopg==3.2.6\n'])[0]?.check,
      'alpine:ctypes-driver',
    );
    assert.deepEqual(alpineDriverFindings(alpine, ['psycopg==3.2.6\n', 'psycopg-c==3.2.6\n']), []);
    assert.deepEqual(alpineDriverFindings(alpine, ['psycopg[binary]==3.2.6\n']), []);
    assert.deepEqual(alpineDriverFindings(alpine, ['dependencies = ["psycopg[c]>=3.2"]\n']), []);
    assert.deepEqual(alpineDriverFindings('FROM python:3.12-slim-bookworm\n', ['psycopg==3.2.6\n']), []);
  });

  it('a new user runs `yo py-docker --yes` (Alpine, PostgreSQL): the folder passes the rule, and fails it without psycopg-c', async () => {
    const dir = (await runGenerator('app', { options: { yes: true } })).cwd;
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    assert.match(read('docker/requirements.txt'), /^psycopg-c==3\.2\.6$/m);
    assert.deepEqual(
      alpineDriverFindings(read('Dockerfile'), [read('requirements.txt'), read('docker/requirements.txt')]),
      [],
    );
    assert.equal(
      alpineDriverFindings(read('Dockerfile'), [read('requirements.txt')])[0]?.check,
      'alpine:ctypes-driver',
      'the rule can fail',
    );
  });
});

describe('exact pins of everything the generator adds', () => {
  it('docker/requirements.txt and docker/requirements-dev.txt pin every line exactly; watchfiles only in development, only with Celery', async () => {
    const { cwd } = await runGenerator('app', {
      options: { yes: true, celery: true, redis: true, processManager: 'supervisord' },
    });
    for (const file of ['docker/requirements.txt', 'docker/requirements-dev.txt', 'requirements.txt']) {
      const lines = readFileSync(join(cwd, file), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '' && !l.startsWith('#') && !l.startsWith('-r'));
      assert.ok(lines.length > 0, file);
      for (const line of lines)
        assert.match(line, /^[A-Za-z0-9._-]+(\[[a-z,]+\])?==[0-9][0-9.]*$/, `${file}: ${line}`);
    }
    assert.match(readFileSync(join(cwd, 'docker/requirements.txt'), 'utf8'), /^supervisor==4\.2\.5$/m);
    assert.equal(
      readFileSync(join(cwd, 'docker/requirements-dev.txt'), 'utf8')
        .match(/^[a-z].*$/gm)
        ?.join(),
      `watchfiles==${REQUIREMENT_PINS.watchfiles.version}`,
    );
    const { cwd: plain } = await runGenerator('app', { options: { yes: true } });
    assert.throws(() => readFileSync(join(plain, 'docker/requirements-dev.txt')), /ENOENT/);
    assert.equal(
      containerDevRequirements(await settingsWith({ celery: true, redis: true }), (n) => n === 'watchfiles')
        .length,
      0,
      'a project with watchfiles gets no second one',
    );
  });

  it('the venv tools: pip and setuptools at releases with the fixes, by Python line', () => {
    assert.deepEqual(
      venvToolPins('3.9.21').map((r) => `${r.name}==${r.version}`),
      ['pip==25.1.1', 'setuptools==78.1.1'],
    );
    assert.deepEqual(
      venvToolPins('3.13.5').map((r) => r.name),
      ['pip'],
    );
    assert.deepEqual(
      venvToolPins('3.8.20').map((r) => `${r.name}==${r.version}`),
      ['pip==24.3.1', 'setuptools==75.3.0'],
    );
  });
});

describe('the first CI run: the scan gate and the newest patch releases', () => {
  it('names the newest release of each pinned line it knows, and says when a supported line must be checked', async () => {
    const mission = await settingsWith({});
    assert.deepEqual(newerPatches(mission), [
      { product: 'Python', pinned: '3.9.21', newest: '3.9.25' },
      { product: 'Django', pinned: '4.2.20', newest: '4.2.30' },
    ]);
    assert.deepEqual(firstScanLines(newerPatches(mission)), [
      'Python 3.9.21: the newest 3.9 release is 3.9.25',
      'Django 4.2.20: the newest 4.2 release is 4.2.30',
    ]);
    // The newest known patches: nothing to say about them; a supported Django line has no final release.
    assert.deepEqual(newerPatches({ ...mission, pythonVersion: '3.9.25', djangoVersion: '4.2.30' }), []);
    assert.deepEqual(newerPatches({ ...mission, pythonVersion: '3.9.25', djangoVersion: '5.2.8' }), [
      { product: 'Django', pinned: '5.2.8', newest: undefined },
    ]);
    assert.match(
      firstScanLines(newerPatches({ ...mission, djangoVersion: '5.2.8' }))[1]!,
      /check for a newer 5\.2 patch/,
    );
    // The Python table is per image base: slim-bookworm's 3.11 line.
    assert.deepEqual(
      newerPatches({ ...mission, variant: 'slim', debianRelease: 'bookworm', pythonVersion: '3.11.2' })[0],
      {
        product: 'Python',
        pinned: '3.11.2',
        newest: '3.11.16',
      },
    );
  });

  it('a new user runs `yo py-docker --yes` in an empty folder: the summary and README.Docker.md say the first scan fails, keep the gate and name the upgrades', async () => {
    const result = await runGenerator('app', { options: { yes: true } });
    const out = printed(result);
    assert.match(
      out,
      /The first CI run:.*the scan job fails on fixed HIGH\/CRITICAL advisories, and nothing is pushed until it passes/,
    );
    assert.match(out, /Python 3\.9\.21: the newest 3\.9 release is 3\.9\.25/);
    assert.match(out, /Django 4\.2\.20: the newest 4\.2 release is 4\.2\.30/);
    const readme = readFileSync(join(result.cwd, 'README.Docker.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### The first CI run'));
    assert.ok(readme.includes('### The first CI run'), 'README.Docker.md has the section');
    assert.match(section, /fails on every HIGH or CRITICAL advisory that has a fix[\s\S]*That gate stays/);
    assert.match(
      section,
      /- Python 3\.9\.21: the newest 3\.9 release is 3\.9\.25\n- Django 4\.2\.20: the newest 4\.2 release is 4\.2\.30/,
    );
    assert.match(section, /pip 25\.1\.1 and setuptools 78\.1\.1 are upgraded/);
    // The pipeline keeps the gate: the scan still fails on fixed HIGH/CRITICAL findings.
    const workflow = readFileSync(join(result.cwd, '.github/workflows/docker-build.yml'), 'utf8');
    assert.match(workflow, /severity: CRITICAL,HIGH/);
    assert.match(workflow, /exit-code: '?1'?/);
    // With the newest known pins there is nothing to upgrade, and the summary says nothing.
    const fresh = await runGenerator('app', {
      options: { yes: true, pythonVersion: '3.9.25', djangoVersion: '4.2.30' },
    });
    assert.doesNotMatch(printed(fresh), /The first CI run/);
    assert.match(
      readFileSync(join(fresh.cwd, 'README.Docker.md'), 'utf8'),
      /are the newest patch releases this generator knows/,
    );
  });
});
