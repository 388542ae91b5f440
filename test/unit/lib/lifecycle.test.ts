import assert from 'node:assert/strict';
import {
  checkLifecycle,
  LIFECYCLE_CHECKED,
  LIFECYCLES,
  newerThanData,
  lifecycleWarnings,
  NEAR_EOL_DAYS,
  type LifecycleInput,
  type Product,
} from '../../../lib/lifecycle.js';
import { runGenerator, TODAY } from '../../support/run.js';

/** The fixed clock of these tests (the same date the generator runs use). */
const today = new Date(`${TODAY}T12:00:00Z`);
const day = 86_400_000;

const defaults: LifecycleInput = {
  pythonVersion: '3.9.21',
  nodeVersion: '18.20.7',
  djangoVersion: '4.2.20',
  variant: 'alpine',
  alpineVersion: '3.21',
  debianRelease: 'bookworm',
  postgres: true,
  postgresVersion: '14',
};

describe(`lifecycle warnings on ${TODAY}`, () => {
  const past: [Product, string, string, string][] = [
    ['Python', '3.9.21', '2025-10-31', 'Python 3.14'],
    ['Node.js', '18.20.7', '2025-04-30', 'Node.js 24'],
    ['Django', '4.2.20', '2026-04-30', 'Django 5.2'],
    ['Alpine Linux', '3.21', '2026-11-01', 'Alpine Linux 3.22'],
    ['PostgreSQL', '14', '2026-11-12', 'PostgreSQL 17'],
  ];
  for (const [product, version, eol, alternative] of past) {
    it(`${product} ${version} is past its end of life: the warning gives ${eol} and ${alternative}`, () => {
      const warning = checkLifecycle(product, version, today);
      assert.ok(warning, 'no warning');
      assert.equal(warning.past, true);
      assert.equal(warning.eol, eol);
      assert.equal(
        warning.message,
        `${product} ${version} reached its end of life on ${eol} and gets no security fixes; consider ${alternative}.`,
      );
    });
  }

  it('the mission versions (Python 3.9, Node 18, Django 4.2, Alpine 3.21) with PostgreSQL 14 warn five times', () => {
    const warnings = lifecycleWarnings(defaults, today);
    assert.deepEqual(
      warnings.map((w) => `${w.product} ${w.version}`),
      ['Python 3.9.21', 'Node.js 18.20.7', 'Django 4.2.20', 'Alpine Linux 3.21', 'PostgreSQL 14'],
    );
  });

  it('supported versions give no warning', () => {
    const supported: LifecycleInput = {
      pythonVersion: '3.13.1',
      nodeVersion: '24.1.0',
      djangoVersion: '5.2.3',
      variant: 'slim',
      alpineVersion: '3.21',
      debianRelease: 'trixie',
      postgres: true,
      postgresVersion: '17',
    };
    assert.deepEqual(lifecycleWarnings(supported, today), []);
  });

  it('a product that is not used is not checked (Alpine with slim, PostgreSQL when off)', () => {
    const warnings = lifecycleWarnings(
      { ...defaults, variant: 'slim', debianRelease: 'trixie', postgres: false },
      today,
    );
    assert.deepEqual(
      warnings.map((w) => w.product),
      ['Python', 'Node.js', 'Django'],
    );
  });

  it('Node.js 22 is near its end of life (2027-04-30): a warning with the days left', () => {
    const warning = checkLifecycle('Node.js', '22.11.0', today);
    assert.ok(warning);
    assert.equal(warning.past, false);
    assert.equal(
      warning.message,
      'Node.js 22.11.0 reaches its end of life on 2027-04-30 (in 156 days); plan a move to Node.js 24.',
    );
  });

  it(`the near-EOL window is ${NEAR_EOL_DAYS} days: warned from the day it opens, not the day before`, () => {
    const eol = new Date('2028-10-31T23:59:59Z').getTime(); // Python 3.12
    const opens = new Date(eol - NEAR_EOL_DAYS * day);
    assert.ok(checkLifecycle('Python', '3.12.8', opens), 'no warning when the window opens');
    assert.equal(checkLifecycle('Python', '3.12.8', new Date(opens.getTime() - day)), undefined);
    // The last supported day is near, the day after is past.
    assert.equal(checkLifecycle('Python', '3.12.8', new Date('2028-10-31T12:00:00Z'))!.past, false);
    assert.equal(checkLifecycle('Python', '3.12.8', new Date('2028-11-01T12:00:00Z'))!.past, true);
  });

  it('matches release lines by whole parts: Python 3.1x is not 3.1', () => {
    assert.equal(checkLifecycle('Python', '3.13.0', today), undefined);
    assert.equal(checkLifecycle('Python', '3.15.0', today), undefined);
    assert.equal(checkLifecycle('Debian', 'bookworm', today)!.past, true);
  });

  it('Django 6.1 (released 2026-08-05) is in the data: supported, no warning', () => {
    assert.equal(checkLifecycle('Django', '6.1', today), undefined);
    assert.equal(checkLifecycle('Django', '6.1.3', today), undefined);
    assert.equal(checkLifecycle('Django', '6.1.3', new Date('2027-12-01T12:00:00Z'))?.eol, '2027-12-31');
  });

  const newer: [Product, string][] = [
    ['Django', '6.2'],
    ['Django', '7.0.1'],
    ['Python', '3.16.0'],
    ['Node.js', '28.1.0'],
  ];
  for (const [product, version] of newer) {
    it(`${product} ${version}, newer than the data, is a warning naming the day the data was last checked`, () => {
      const warning = checkLifecycle(product, version, today);
      assert.ok(warning, 'no warning');
      assert.equal(warning.newer, true);
      assert.equal(warning.past, false);
      assert.match(
        warning.message,
        new RegExp(`^${product} ${version.replace(/\./g, '\\.')} is newer than the release data`),
      );
      assert.ok(warning.message.includes(`last checked on ${LIFECYCLE_CHECKED}`), warning.message);
      assert.equal(newerThanData(product, version), true);
    });
  }

  it('an old line the data no longer lists is not "newer" (Django 2.2, Node.js 14)', () => {
    assert.equal(checkLifecycle('Django', '2.2.28', today), undefined);
    assert.equal(newerThanData('Node.js', '14.21.3'), false);
    assert.equal(newerThanData('Debian', 'forky'), false);
  });

  it('the data was last checked on an ISO date, not before the newest release it records', () => {
    assert.match(LIFECYCLE_CHECKED, /^20[0-9]{2}-[01][0-9]-[0-3][0-9]$/);
    // Python 3.15.0 came out on 2026-10-09.
    assert.ok(LIFECYCLE_CHECKED >= '2026-10-09');
  });

  it('keeps every end-of-life date as a real ISO date, release lines in order', () => {
    for (const [product, { cycles }] of Object.entries(LIFECYCLES)) {
      for (const { cycle, eol } of cycles) {
        assert.match(eol, /^20[0-9]{2}-[01][0-9]-[0-3][0-9]$/, `${product} ${cycle}`);
        assert.equal(new Date(`${eol}T00:00:00Z`).toISOString().slice(0, 10), eol, `${product} ${cycle}`);
      }
    }
  });

  it('`yo py-docker:compose --yes --postgres-version 14` prints a warning per outdated version it uses, with date and alternative', async () => {
    const result = await runGenerator('compose', { options: { yes: true, 'postgres-version': '14' } });
    const log = result.env.adapter.log as unknown as { mock: { calls: { arguments: unknown[] }[] } };
    const warnings = log.mock.calls
      .map((call) => call.arguments.map(String).join(' '))
      .filter((line) => line.includes('end of life'));
    // The compose files name the Alpine base, Node.js (the assets watcher) and PostgreSQL; no Python.
    assert.equal(warnings.length, 3, warnings.join('\n'));
    assert.ok(warnings.some((w) => w.includes('Alpine Linux 3.21 reached its end of life on 2026-11-01')));
    assert.ok(warnings.some((w) => w.includes('consider Node.js 24')));
    assert.ok(warnings.some((w) => w.includes('PostgreSQL 14 reached its end of life on 2026-11-12')));
  });

  it('`--python-version 3.13.1` removes the Python warning from the run', async () => {
    const result = await runGenerator('docker', { options: { yes: true, 'python-version': '3.13.1' } });
    const log = result.env.adapter.log as unknown as { mock: { calls: { arguments: unknown[] }[] } };
    const lines = log.mock.calls.map((call) => call.arguments.map(String).join(' '));
    assert.ok(!lines.some((l) => l.includes('Python 3.')), lines.join('\n'));
    assert.ok(lines.some((l) => l.includes('Node.js 18.20.7 reached its end of life')));
  });
});
