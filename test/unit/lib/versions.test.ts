/**
 * Version answers: every version setting takes a major, a major.minor line or a full version, a line
 * becomes the full version the data knows (and the run says which), and the structure test expects the
 * Django the project's own pin, lock file or range installs, not the default.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { detectProject } from '../../../lib/detect.js';
import { emptyDetection } from '../../../lib/detect-empty.js';
import { MemoryTree } from '../../../lib/file-tree.js';
import { checkValue, resolveSettings, SettingError, type ResolveInput } from '../../../lib/resolve.js';
import { settingByKey, type SettingKey } from '../../../lib/settings.js';
import { djangoCheck, rangeBounds } from '../../../generators/testing/structure-test.js';
import {
  DJANGO_RELEASES,
  expandLine,
  NODE_RELEASES,
  NPM_RELEASES,
  PYTHON_IMAGES,
} from '../../../lib/versions.js';
import { printed, runExpectingError, runGenerator } from '../../support/run.js';

const resolve = (input: Partial<ResolveInput>) =>
  resolveSettings({ flags: {}, stored: {}, detection: emptyDetection(), askable: new Set(), ...input });

const VERSION_SETTINGS: [SettingKey, string, string, string][] = [
  ['pythonVersion', '3', '3.13', '3.13.1'],
  ['nodeVersion', '22', '22.11', '22.11.0'],
  ['npmVersion', '10', '10.9', '10.9.2'],
  ['djangoVersion', '5', '5.2', '5.2.1'],
];

describe('version answers take the same shapes for every version setting', () => {
  for (const [key, major, line, full] of VERSION_SETTINGS) {
    const def = settingByKey.get(key)!;
    it(`--${def.flag} accepts ${major}, ${line} and ${full}, and refuses "lts" and "${line}.x" naming the shapes`, () => {
      for (const value of [major, line, full]) assert.equal(checkValue(def, value, `--${def.flag}`), value);
      for (const bad of ['lts', `${line}.x`])
        assert.throws(
          () => checkValue(def, bad, `--${def.flag}`),
          (error: unknown) =>
            error instanceof SettingError &&
            /allowed: a major \([0-9]+\), a line \([0-9]+\.[0-9]+\) or a full version/.test(error.problem),
        );
    });
  }

  it('the image releases take the shapes their image tags have: Alpine 3.21.3 is its line 3.21, PostgreSQL 17.2 and Redis 7 are tags', async () => {
    const { settings, notes } = await resolve({
      flags: { alpineVersion: '3.21.3', postgresVersion: '17.2', redisVersion: '7', redis: true },
    });
    assert.equal(settings.alpineVersion, '3.21');
    assert.ok(notes.includes('Alpine Linux 3.21.3 → 3.21 (images are tagged by release line)'));
    assert.equal(settings.postgresVersion, '17.2');
    assert.equal(settings.redisVersion, '7');
    assert.throws(
      () => checkValue(settingByKey.get('alpineVersion')!, '3', 'alpine-version'),
      /not a version/,
    );
  });

  it('a line below the lowest supported one is refused (Python 2, Node.js 14, npm 7, Django 2)', () => {
    for (const [key, value] of [
      ['pythonVersion', '2'],
      ['nodeVersion', '14'],
      ['npmVersion', '7'],
      ['djangoVersion', '2'],
    ] as const) {
      const def = settingByKey.get(key)!;
      assert.throws(() => checkValue(def, value, def.flag), /is not supported/, key);
    }
  });
});

describe('a release line resolves to the full version the data knows, saying which', () => {
  const alpine = { variant: 'alpine', alpineVersion: '3.21' };

  it('Node.js 22 → its newest known release, from the release table', () => {
    assert.deepEqual(expandLine('nodeVersion', '22', alpine), {
      value: NODE_RELEASES['22'],
      note: `Node.js 22 → ${NODE_RELEASES['22']!} (the newest 22 release known here)`,
    });
  });

  it('Python 3.13 → the newest 3.13 release with an image for the chosen base', () => {
    assert.equal(expandLine('pythonVersion', '3.13', alpine).value, PYTHON_IMAGES['alpine3.21']!['3.13']);
    const slim = expandLine('pythonVersion', '3.13', { variant: 'slim', debianRelease: 'trixie' });
    assert.equal(slim.value, PYTHON_IMAGES['slim-trixie']!['3.13']);
    assert.match(slim.note!, /^Python 3\.13 → 3\.13\.[0-9]+ \(.*with an image for slim-trixie\)$/);
  });

  it('a major names its newest line: Python 3, Django 4, npm 11', () => {
    assert.equal(expandLine('pythonVersion', '3', alpine).value, PYTHON_IMAGES['alpine3.21']!['3.14']);
    assert.equal(expandLine('djangoVersion', '4', alpine).value, DJANGO_RELEASES['4.2']);
    assert.equal(expandLine('npmVersion', '11', alpine).value, NPM_RELEASES['11']);
  });

  it('Python 3 with Django 4.2 is the newest 3.x that Django runs on (3.12), not 3.14', () => {
    const python = expandLine('pythonVersion', '3', { ...alpine, djangoVersion: '4.2.20' });
    assert.equal(python.value, PYTHON_IMAGES['alpine3.21']!['3.12']);
    assert.match(python.note!, /with an image for alpine3\.21 that Django 4\.2\.20 runs on\)$/);
  });

  it('a full version stays as it is, with nothing to say', () => {
    assert.deepEqual(expandLine('nodeVersion', '22.11.0', alpine), { value: '22.11.0' });
  });

  it('a line the data does not know stays as given, and says so', () => {
    assert.deepEqual(expandLine('nodeVersion', '25', alpine), {
      value: '25',
      note: 'Node.js 25: no release of that line is known here; kept as 25',
    });
  });

  it('resolution stores the full version of a line given by flag, and its note', async () => {
    const { settings, notes } = await resolve({ flags: { nodeVersion: '22', djangoVersion: '5.2' } });
    assert.equal(settings.nodeVersion, NODE_RELEASES['22']);
    assert.equal(settings.djangoVersion, DJANGO_RELEASES['5.2']);
    assert.ok(notes.includes(`Node.js 22 → ${NODE_RELEASES['22']!} (the newest 22 release known here)`));
  });

  it('an .nvmrc naming a line (v22) is detected, and resolves to its newest known release', async () => {
    const detection = detectProject(
      new MemoryTree({
        'package.json': '{"scripts":{"build":"x"}}',
        'package-lock.json': '{}',
        '.nvmrc': 'v22\n',
      }),
      'shop',
    );
    assert.deepEqual(detection.nodeVersion, { value: '22', source: '.nvmrc' });
    const { settings, notes } = await resolve({ detection });
    assert.equal(settings.nodeVersion, NODE_RELEASES['22']);
    assert.ok(notes.some((n) => n.startsWith('Node.js 22 → ')));
  });

  it('an answer that names a line is told at once, and stored in full', async () => {
    const told: string[] = [];
    const { settings } = await resolve({
      askable: new Set(['nodeVersion']),
      ask: (setting, fallback) => Promise.resolve(setting.key === 'nodeVersion' ? '22' : fallback),
      tell: (note) => told.push(note),
    });
    assert.equal(settings.nodeVersion, NODE_RELEASES['22']);
    assert.deepEqual(told, [`Node.js 22 → ${NODE_RELEASES['22']!} (the newest 22 release known here)`]);
  });

  it('`yo py-docker:docker --yes --node-version 22` builds on that release, and `--node-version lts` stops', async () => {
    const result = await runGenerator('docker', { options: { yes: true, 'node-version': '22' } });
    const dockerfile = readFileSync(join(result.cwd, 'Dockerfile'), 'utf8');
    assert.match(
      dockerfile,
      new RegExp(`FROM node:${NODE_RELEASES['22']!.replace(/\./g, '\\.')}-alpine3\\.21`),
    );
    const error = await runExpectingError('docker', { options: { yes: true, 'node-version': 'lts' } });
    assert.match(error.message, /^--node-version: "lts" is not a version; allowed: a major \(18\)/);
  });

  it('`yo py-docker --yes --node-version 22` says the release it chose once', async () => {
    const result = await runGenerator('app', { options: { yes: true, 'node-version': '22' } });
    const said = printed(result)
      .split('\n')
      .filter((l) => l.includes('Node.js 22 → '));
    assert.equal(said.length, 1, printed(result));
  });
});

/** The Django check of a generated structure test, for a project with these files. */
async function structureDjango(files: Record<string, string>, options: Record<string, unknown> = {}) {
  // On disk: detection reads the folder, not yeoman's in-memory files.
  const cwd = mkdtempSync(join(tmpdir(), 'py-docker-versions-'));
  const all = { 'manage.py': MANAGE, 'shop/__init__.py': '', 'shop/settings.py': '', ...files };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(cwd, path)), { recursive: true });
    writeFileSync(join(cwd, path), text);
  }
  const result = await runGenerator('testing', { cwd, options: { yes: true, ...options } });
  const config = parse(readFileSync(join(result.cwd, 'container-structure-test.yaml'), 'utf8')) as {
    commandTests: { name: string; expectedOutput?: string[] }[];
  };
  return { check: config.commandTests.find((t) => t.name.startsWith('Django'))!, result };
}

const MANAGE = "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\n";

/** Whether a check's pattern matches what `print(django.get_version())` prints for `version`. */
const accepts = (pattern: string, version: string): boolean => new RegExp(pattern).test(`${version}\n`);

describe('the structure test expects the Django the project installs', () => {
  // What each kind of project declaration lets the check accept and refuse, as data.
  const CASES: { declared: string; accepts: string[]; refuses: string[] }[] = [
    { declared: '>=3.2,<4', accepts: ['3.2', '3.2.25', '3.9.1'], refuses: ['4.2.20', '3.1.4', '2.2'] },
    { declared: '~=3.2', accepts: ['3.2.25', '3.10'], refuses: ['4.0', '3.1'] },
    { declared: '~=4.2.0', accepts: ['4.2', '4.2.28'], refuses: ['4.3.0', '4.1.2', '5.2.3'] },
    { declared: '==5.1.*', accepts: ['5.1.10'], refuses: ['5.2.3', '5.0.1'] },
    { declared: '>=4.1,<4.3', accepts: ['4.1.13', '4.2.28'], refuses: ['4.3.1', '4.0.10', '5.2'] },
    { declared: '>=4.2,<6', accepts: ['4.2.28', '5.2.3'], refuses: ['6.0', '3.2.25'] },
    { declared: '>=4.2', accepts: ['4.2.28', '6.1.2', '12.0'], refuses: ['3.2.25'] },
    { declared: '<4', accepts: ['3.2.25', '1.11'], refuses: ['4.2.20'] },
  ];

  for (const { declared, accepts: yes, refuses: no } of CASES) {
    it(`Django${declared}: accepts ${yes.join(', ')}; refuses ${no.join(', ')}`, () => {
      const { pattern, name } = djangoCheck('4.2.20', { spec: declared, source: 'requirements.txt' });
      assert.equal(name, `Django${declared} (requirements.txt)`);
      for (const version of yes) assert.ok(accepts(pattern, version), `${pattern} ${version}`);
      for (const version of no) assert.ok(!accepts(pattern, version), `${pattern} ${version}`);
    });
  }

  it('reads no bounds from a clause it does not understand (then any Django version passes)', () => {
    assert.equal(rangeBounds('>=3.2,<4,foo'), undefined);
    const check = djangoCheck('4.2.20', { spec: '>=3.2,@4', source: 'requirements.txt' });
    assert.ok(accepts(check.pattern, '3.2.25') && accepts(check.pattern, '6.0'));
    assert.ok(!accepts(check.pattern, 'Traceback (most recent call last):'));
  });

  it('an exact pin or a lock file: exactly that version; nothing declared by the project: the setting', () => {
    const pinned = djangoCheck('4.2.20', { version: '3.2.25', source: 'requirements.txt' });
    assert.ok(accepts(pinned.pattern, '3.2.25') && !accepts(pinned.pattern, '3.2.24'));
    const own = djangoCheck('5.2.3', undefined);
    assert.equal(own.name, 'Django 5.2.3');
    assert.ok(accepts(own.pattern, '5.2.3') && !accepts(own.pattern, '4.2.20'));
  });

  it('a project on Django>=3.2,<4 gets a check of 3.x, not of the default 4.2.20', async () => {
    const { check } = await structureDjango({ 'requirements.txt': 'Django>=3.2,<4\n' });
    assert.equal(check.name, 'Django>=3.2,<4 (requirements.txt)');
    assert.ok(accepts(check.expectedOutput![0]!, '3.2.25'));
    assert.ok(!accepts(check.expectedOutput![0]!, '4.2.20'));
    assert.doesNotMatch(check.expectedOutput![0]!, /4\\\.2\\\.20/);
  });

  it('--django-version does not change what a project pinning Django==3.2.25 is checked against', async () => {
    const { check } = await structureDjango(
      { 'requirements.txt': 'Django==3.2.25\n' },
      { 'django-version': '4.2.20' },
    );
    assert.equal(check.name, 'Django 3.2.25 (requirements.txt)');
  });

  it("uv.lock's version wins over pyproject.toml's range", async () => {
    const detection = detectProject(
      new MemoryTree({
        'manage.py': MANAGE,
        'shop/settings.py': '',
        'pyproject.toml': '[project]\nname = "shop"\ndependencies = ["Django>=4.2,<6"]\n',
        'uv.lock':
          'version = 1\n\n[[package]]\nname = "asgiref"\nversion = "3.8.1"\n\n[[package]]\nname = "django"\nversion = "5.1.4"\n',
      }),
      'shop',
    );
    assert.deepEqual(detection.djangoInstall, { version: '5.1.4', source: 'uv.lock' });
    assert.deepEqual(detection.djangoVersion, { value: '5.1.4', source: 'uv.lock' });
  });

  it('a project naming Django bare: the check accepts any Django version and says why', async () => {
    const { check } = await structureDjango({ 'requirements.txt': 'django\ngunicorn==23.0.0\n' });
    assert.equal(check.name, 'Django (requirements.txt names no version it can be checked against)');
    assert.ok(accepts(check.expectedOutput![0]!, '6.0.1'));
  });

  it('a range no known line fits (Django>=7): the question offers 7, not 4.2.20', async () => {
    const detection = detectProject(
      new MemoryTree({ 'manage.py': MANAGE, 'shop/settings.py': '', 'requirements.txt': 'Django>=7\n' }),
      'shop',
    );
    let offered: unknown;
    await resolveSettings({
      flags: {},
      stored: {},
      detection,
      askable: new Set(['djangoVersion']),
      ask: (setting, fallback) => {
        if (setting.key === 'djangoVersion') offered = fallback;
        return Promise.resolve(fallback);
      },
    });
    assert.equal(offered, '7');
  });
});
