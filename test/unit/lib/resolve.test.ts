/**
 * Resolution for existing projects: a flag supplies what detection could not work out, the Python of the
 * images follows the project (its hint resolved to a release with an image, or a Python its Django runs
 * on), a Python and a Django chosen by flags that do not fit stop the run, and versions newer than the
 * data pass with a warning. The Python/Django table is checked against the lifecycle data on a fixed clock.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { detectProject } from '../../../lib/detect.js';
import { emptyDetection } from '../../../lib/detect-empty.js';
import { DiskTree, MemoryTree } from '../../../lib/file-tree.js';
import { checkLifecycle, lifecycleWarnings, LIFECYCLES } from '../../../lib/lifecycle.js';
import { resolveSettings, SettingError, type ResolveInput } from '../../../lib/resolve.js';
import {
  DJANGO_PYTHON,
  newestPython,
  PYTHON_IMAGES,
  pythonFitsDjango,
  pythonForDjango,
  pythonLinesFor,
} from '../../../lib/versions.js';
import { runExpectingError, runGenerator, TODAY } from '../../support/run.js';
import { type Detection } from '../../../lib/detection.js';
import { fixturePath } from '../../support/repo.js';

const today = new Date(`${TODAY}T12:00:00Z`);

const fixture = (name: string): Detection => detectProject(new DiskTree(fixturePath(name)), name);

const resolve = (input: Partial<ResolveInput>) =>
  resolveSettings({ flags: {}, stored: {}, detection: emptyDetection(), askable: new Set(), ...input });

const NO_DEFAULT = { 'manage.py': 'import sys\nprint(sys.argv)\n', 'shop/settings.py': '' };

/** A project folder on disk (detection reads the disk, not yeoman's in-memory files). */
function projectOnDisk(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'py-docker-existing-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('a flag supplies what detection could not work out', () => {
  const detection = detectProject(new MemoryTree(NO_DEFAULT), 'shop');

  it('without a flag, resolution fails naming manage.py and --settings-module', async () => {
    await assert.rejects(
      resolve({ detection }),
      (error: unknown) =>
        error instanceof SettingError &&
        error.where === 'manage.py' &&
        /no DJANGO_SETTINGS_MODULE default found.*pass --settings-module$/.test(error.problem),
    );
  });

  it('--settings-module supplies it, and the WSGI application follows it', async () => {
    const { settings, origins } = await resolve({ detection, flags: { settingsModule: 'shop.settings' } });
    assert.equal(settings.settingsModule, 'shop.settings');
    assert.equal(origins.settingsModule, 'flag');
    assert.equal(settings.wsgiApplication, 'shop.wsgi:application');
    assert.equal(settings.devSettingsModule, 'shop.settings');
  });

  it('a stored answer supplies it too (a re-run after the flag was given once)', async () => {
    const { settings } = await resolve({ detection, stored: { settingsModule: 'shop.settings' } });
    assert.equal(settings.settingsModule, 'shop.settings');
  });

  it('`yo py-docker:env --yes` with manage.py naming no module: fails naming the file and the flag, writes nothing', async () => {
    const cwd = projectOnDisk(NO_DEFAULT);
    const error = await runExpectingError('env', { options: { yes: true }, cwd });
    assert.match(
      error.message,
      /^manage\.py: no DJANGO_SETTINGS_MODULE default found.*pass --settings-module$/,
    );
    assert.deepEqual(readdirSync(cwd).sort(), ['manage.py', 'shop']);
  });

  it('`yo py-docker:env --yes --settings-module shop.settings` runs in the same project', async () => {
    const cwd = projectOnDisk(NO_DEFAULT);
    await runGenerator('env', { options: { yes: true, 'settings-module': 'shop.settings' }, cwd });
    assert.ok(existsSync(join(cwd, '.env.example')));
  });
});

describe('per-environment settings and the import path reach the settings', () => {
  it('a cookiecutter-django-style layout: production, local and test modules, production/local requirements', async () => {
    const { settings, sources } = await resolve({ detection: fixture('cookiecutter-layout') });
    assert.equal(settings.settingsModule, 'config.settings.production');
    assert.equal(settings.devSettingsModule, 'config.settings.local');
    assert.equal(settings.testSettingsModule, 'config.settings.test');
    assert.equal(settings.requirementsFile, 'requirements/production.txt');
    assert.equal(settings.devRequirementsFile, 'requirements/local.txt');
    assert.equal(settings.pythonPath, 'shop');
    assert.equal(settings.frontend, 'npm');
    assert.equal(settings.assetsDir, 'shop/static/webpack_bundles');
    assert.equal(sources.assetsDir, 'webpack/common.config.js (output.path)');
  });

  it('a src/ layout with manage.py at the root: python path src, the project at the root', async () => {
    const { settings } = await resolve({ detection: fixture('src-root-manage') });
    assert.equal(settings.appDir, '.');
    assert.equal(settings.pythonPath, 'src');
    assert.equal(settings.settingsModule, 'shop.settings');
    assert.equal(settings.wsgiApplication, 'shop.wsgi:application');
    assert.equal(settings.assetsDir, 'src/shop/static/dist');
  });

  it('no package.json, or one without a build script: frontend none', async () => {
    assert.equal((await resolve({ detection: fixture('startproject') })).settings.frontend, 'none');
    const noBuild = detectProject(
      new MemoryTree({
        'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "a.settings")\n',
        'a/settings.py': '',
        'package.json': '{"scripts":{"lint":"eslint ."}}',
        'package-lock.json': '{}',
      }),
    );
    const { settings, sources } = await resolve({ detection: noBuild });
    assert.equal(settings.frontend, 'none');
    assert.equal(sources.frontend, 'package.json (no build script)');
  });
});

describe('the Python of the images follows the project', () => {
  it('runtime.txt python-3.10.2 (no image any more): the newest known 3.10 release with an image, saying which', async () => {
    const { settings, origins, sources, notes } = await resolve({ detection: fixture('tutorial-flat') });
    assert.equal(settings.pythonVersion, '3.10.19');
    assert.equal(origins.pythonVersion, 'detected');
    assert.equal(
      sources.pythonVersion,
      'runtime.txt: 3.10.2 as 3.10.19, the newest known 3.10 release with an image for alpine3.21',
    );
    assert.equal(settings.djangoVersion, '5.1.4');
    assert.deepEqual(notes, []);
  });

  it('the slim variant takes the newest release with a Debian image', async () => {
    const { settings } = await resolve({ detection: fixture('tutorial-flat'), flags: { variant: 'slim' } });
    assert.equal(settings.pythonVersion, '3.10.21');
  });

  it("startproject's Django 5.2.17 and no Python named: not the default 3.9.21, a Python Django 5.2 runs on, saying why", async () => {
    const { settings, origins, sources } = await resolve({ detection: fixture('startproject') });
    assert.equal(settings.djangoVersion, '5.2.17');
    assert.equal(settings.pythonVersion, '3.14.1');
    assert.equal(origins.pythonVersion, 'default');
    assert.equal(
      sources.pythonVersion,
      'Django 5.2.17 runs on Python 3.10, 3.11, 3.12, 3.13 and 3.14, not on the default 3.9.21: the newest known 3.14 release with an image for alpine3.21',
    );
  });

  it('Django 5.1.2 (before 3.13 support came in 5.1.3): the newest line below the recommended one it supports', async () => {
    const detection = { ...emptyDetection(), djangoVersion: { value: '5.1.2', source: 'requirements.txt' } };
    assert.equal((await resolve({ detection })).settings.pythonVersion, '3.12.12');
  });

  it('the mission default stays when the Django runs on it (4.2), with no reason given', async () => {
    const { settings, sources } = await resolve({});
    assert.equal(settings.pythonVersion, '3.9.21');
    assert.equal(sources.pythonVersion, undefined);
  });

  it('--django-version 6.0 alone picks a Python for it too', async () => {
    const { settings } = await resolve({ flags: { djangoVersion: '6.0' } });
    assert.equal(settings.pythonVersion, '3.14.1');
  });

  it('requires-python >=3.11 with Django 6.0: the newest known release inside the range that Django runs on', async () => {
    const detection: Detection = {
      ...emptyDetection(),
      pythonVersion: { value: '3.11', lowerBound: true, source: 'pyproject.toml (requires-python >=3.11)' },
      djangoVersion: { value: '6.0.3', source: 'pyproject.toml' },
    };
    const { settings, notes } = await resolve({ detection });
    assert.equal(settings.pythonVersion, '3.14.1');
    assert.deepEqual(notes, []);
  });

  it('a line with no known image release (3.15) stays as the project names it, saying so', async () => {
    const detection = { ...emptyDetection(), pythonVersion: { value: '3.15', source: '.python-version' } };
    const { settings, sources } = await resolve({ detection });
    assert.equal(settings.pythonVersion, '3.15');
    assert.equal(
      sources.pythonVersion,
      '.python-version; no 3.15 release with an image for alpine3.21 is known here',
    );
  });

  it('a flag always wins over the project hint', async () => {
    const { settings } = await resolve({
      detection: fixture('tutorial-flat'),
      flags: { pythonVersion: '3.12.8' },
    });
    assert.equal(settings.pythonVersion, '3.12.8');
  });
});

describe('a Python and a Django that do not fit together', () => {
  it('both chosen by flags: the run stops, naming both flags and what is allowed', async () => {
    await assert.rejects(
      resolve({ flags: { pythonVersion: '3.9.21', djangoVersion: '5.1' } }),
      (error: unknown) =>
        error instanceof SettingError &&
        error.message ===
          // The line 5.1 stands for its newest known release (lib/versions.ts DJANGO_RELEASES).
          '--python-version: Python 3.9.21 cannot run Django 5.1.15 (--django-version); allowed with Django 5.1: Python 3.10, 3.11, 3.12 and 3.13',
    );
  });

  it('`yo py-docker:docker --yes --python-version 3.9.21 --django-version 6.0` exits with that message', async () => {
    const error = await runExpectingError('docker', {
      options: { yes: true, 'python-version': '3.9.21', 'django-version': '6.0' },
    });
    assert.match(
      error.message,
      /^--python-version: Python 3\.9\.21 cannot run Django 6\.0 \(--django-version\)/,
    );
  });

  it("a flag against the project's own pin: a note, not a stop (the project's pin wins)", async () => {
    const { settings, notes } = await resolve({
      detection: fixture('tutorial-flat'),
      flags: { pythonVersion: '3.9.21' },
    });
    assert.equal(settings.djangoVersion, '5.1.4');
    assert.deepEqual(notes, [
      'Python 3.9.21 (flag) is not among the Pythons Django 5.1.4 (requirements.txt) supports, and pip will not install it there; allowed with Django 5.1: Python 3.10, 3.11, 3.12 and 3.13 (--python-version changes it)',
    ]);
  });

  it('both flags, but a Python newer than the Django lists (3.13 with 4.2): a note, not a stop (pip installs it)', async () => {
    const { settings, notes } = await resolve({
      flags: { pythonVersion: '3.13.5', djangoVersion: '4.2.28' },
    });
    assert.equal(settings.pythonVersion, '3.13.5');
    assert.deepEqual(notes, [
      'Python 3.13.5 (flag) is not among the Pythons Django 4.2.28 (flag) supports; it may work, but is not supported; allowed with Django 4.2: Python 3.8, 3.9, 3.10, 3.11 and 3.12 (--python-version changes it)',
    ]);
  });

  it('fitting flags pass', async () => {
    const { settings, notes } = await resolve({ flags: { pythonVersion: '3.13.1', djangoVersion: '5.2.8' } });
    assert.equal(settings.pythonVersion, '3.13.1');
    assert.deepEqual(notes, []);
  });
});

describe('versions newer than the data', () => {
  it('a project pinning Django 6.1 resolves (no stop), and gets no lifecycle warning', async () => {
    const detection = { ...emptyDetection(), djangoVersion: { value: '6.1', source: 'requirements.txt' } };
    const { settings } = await resolve({ detection });
    assert.equal(settings.djangoVersion, '6.1');
    assert.equal(settings.pythonVersion, '3.14.1');
    assert.equal(checkLifecycle('Django', settings.djangoVersion, today), undefined);
  });

  it('a project pinning Django 6.2: its pin wins, the run goes on, and a warning names the data date', async () => {
    const detection = { ...emptyDetection(), djangoVersion: { value: '6.2.0', source: 'requirements.txt' } };
    const { settings, notes } = await resolve({ detection });
    assert.equal(settings.djangoVersion, '6.2.0');
    assert.deepEqual(notes, []);
    const warnings = lifecycleWarnings(
      { ...settings, pythonVersion: '3.14.1', nodeVersion: '24.1.0' },
      today,
    );
    assert.ok(warnings.some((w) => w.newer && w.product === 'Django'));
  });

  it('--django-version 6.1 and --python-version 3.16.0 are accepted; older than supported are not', async () => {
    const { settings } = await resolve({ flags: { djangoVersion: '6.1.2', nodeVersion: '28.0.0' } });
    assert.equal(settings.djangoVersion, '6.1.2');
    await assert.rejects(
      resolve({ flags: { djangoVersion: '3.1' } }),
      /--django-version: "3\.1" is not supported; allowed: 3\.2 or newer/,
    );
    await assert.rejects(
      resolve({ flags: { pythonVersion: '3.7.9' } }),
      /--python-version: "3\.7\.9" is not supported/,
    );
  });
});

describe(`the Python/Django table against the lifecycle data on ${TODAY}`, () => {
  it('knows every Django line of the lifecycle data, and only Python lines the lifecycle knows', () => {
    const djangoLines = LIFECYCLES.Django.cycles.map((c) => c.cycle);
    assert.deepEqual(Object.keys(DJANGO_PYTHON), djangoLines);
    const pythonLines = new Set(LIFECYCLES.Python.cycles.map((c) => c.cycle));
    for (const base of Object.values(PYTHON_IMAGES))
      for (const [line, release] of Object.entries(base)) {
        assert.ok(pythonLines.has(line), line);
        assert.ok(release.startsWith(`${line}.`), release);
      }
  });

  it('a line added in a patch release counts from that patch (Django 4.2.8 and Python 3.12)', () => {
    assert.ok(!pythonLinesFor('4.2.7')!.includes('3.12'));
    assert.ok(pythonLinesFor('4.2.8')!.includes('3.12'));
    assert.ok(pythonLinesFor('4.2')!.includes('3.12'));
    assert.equal(pythonLinesFor('7.0'), undefined);
    assert.deepEqual(pythonFitsDjango('3.15.0', '6.1'), {
      fits: false,
      allowed: ['3.12', '3.13', '3.14'],
      tooOld: false,
    });
    assert.deepEqual(pythonFitsDjango('3.11.9', '6.1'), {
      fits: false,
      allowed: ['3.12', '3.13', '3.14'],
      tooOld: true,
    });
    assert.deepEqual(pythonFitsDjango('3.9.21', '7.0'), { fits: 'unknown' });
  });

  it('the Python picked for each supported Django is itself supported on the fixed date', () => {
    for (const django of ['5.0', '5.1', '5.2', '6.0', '6.1']) {
      const pick = pythonForDjango(django, '3.9.21', 'slim-trixie', LIFECYCLES.Python.recommended);
      assert.ok(pick, django);
      assert.equal(pythonFitsDjango(pick.version, django).fits, true, `${django}: ${pick.version}`);
      assert.equal(checkLifecycle('Python', pick.version, today), undefined, `${django}: ${pick.version}`);
    }
    // The tutorial's Python 3.10 line reached its end of life on 2026-10-31.
    assert.equal(checkLifecycle('Python', newestPython('3.10', 'alpine3.21')!, today)?.past, true);
  });
});
