/**
 * `yo py-docker:verify` must fail, at the step that should catch it, when the setup is broken in a way
 * only real containers show: a service that never becomes healthy, an image that runs as root,
 * `manage.py check --deploy` findings, a failing test suite. Each case breaks one file of a copy of the
 * starter project and checks which steps failed and that verify exits non-zero.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_UID, HEALTH_PATH } from '../support/defaults.js';
import {
  copyProject,
  requireEngine,
  runVerify,
  starterProject,
  type E2eMode,
  type VerifyRun,
} from '../support/e2e-docker.js';
import { healthStep, uidStep, type StepResult } from '../../lib/verify-report.js';

const failed = (results: StepResult[]): string[] =>
  results.filter((r) => r.status === 'fail').map((r) => r.name);

const detail = (run: VerifyRun, step: string): string =>
  run.results.find((r) => r.name === step)?.detail ?? `(no step ${step})`;

/** Replaces `from` with `to` in a project file (at least once). */
function edit(dir: string, file: string, from: string | RegExp, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  const changed = text.replace(from, to);
  assert.notEqual(changed, text, `${file} has no ${String(from)}`);
  writeFileSync(path, changed);
}

/** The starter's own package (where its tests.py is), from the stored settings module. */
const starterPackage = (dir: string): string =>
  JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-py-docker'].settingsModule.split(
    '.',
  )[0];

describe('yo py-docker:verify fails at the right step on a broken setup', function () {
  let mode: E2eMode;

  before(async function () {
    this.timeout(120_000);
    mode = await requireEngine(this);
  });

  /** A copy of the starter project, broken by `breakIt`, through verify. */
  async function verifyBroken(breakIt: (dir: string) => void, options: Record<string, unknown>) {
    const dir = copyProject(await starterProject(mode));
    breakIt(dir);
    const run = await runVerify(mode, dir, options);
    console.log(run.table.replace(/^/gm, '        '));
    assert.ok(run.error, `verify exits non-zero\n${run.table}`);
    return run;
  }

  it('a web service that never becomes healthy: "all services healthy" fails, and nothing after it runs', async function () {
    this.timeout(900_000);
    // The app serves its health view; only the container's health check says no.
    const run = await verifyBroken(
      (dir) => edit(dir, 'docker/healthcheck.sh', /^set -eu$/m, 'set -eu\nexit 1'),
      { 'skip-tests': true, 'health-timeout': '40' },
    );
    assert.deepEqual(failed(run.results), ['all services healthy'], run.table);
    assert.match(
      detail(run, 'all services healthy'),
      /^not healthy within 40 s: .*\bweb running\/(starting|unhealthy)/,
    );
    const names = run.results.map((r) => r.name);
    for (const later of [healthStep(HEALTH_PATH), uidStep(APP_UID), 'docker stop web: graceful'])
      assert.ok(!names.includes(later), `${later} ran\n${run.table}`);
  });

  it(`an image that runs as root: "${uidStep(APP_UID)}" fails with uid 0`, async function () {
    this.timeout(900_000);
    const run = await verifyBroken(
      (dir) => edit(dir, 'Dockerfile', new RegExp(`^USER ${APP_UID}:${APP_UID}$`, 'm'), 'USER root'),
      {
        'skip-tests': true,
      },
    );
    // container-structure-test (when installed) checks the image's user too.
    assert.deepEqual(
      failed(run.results).filter((name) => name !== 'container-structure-test'),
      [uidStep(APP_UID)],
      run.table,
    );
    assert.equal(detail(run, uidStep(APP_UID)), 'process 1 runs as uid 0');
    assert.equal(run.results.find((r) => r.name === 'all services healthy')?.status, 'pass', run.table);
  });

  it('DEBUG on in production: "manage.py check --deploy" fails, the other steps pass', async function () {
    this.timeout(900_000);
    const run = await verifyBroken(
      (dir) => edit(dir, 'env.production', /^DJANGO_DEBUG=false$/m, 'DJANGO_DEBUG=true'),
      { 'skip-tests': true },
    );
    assert.deepEqual(failed(run.results), ['manage.py check --deploy (production env)'], run.table);
    assert.match(
      detail(run, 'manage.py check --deploy (production env)'),
      /^\?: \(security\.W018\) You should not have DEBUG set to True in deployment\./m,
    );
    for (const step of ['all services healthy', uidStep(APP_UID), 'docker stop web: graceful'])
      assert.equal(run.results.find((r) => r.name === step)?.status, 'pass', `${step}\n${run.table}`);
  });

  it('a failing test suite: "test suite (docker-compose.test.yml)" fails with the tests` exit code', async function () {
    this.timeout(1_500_000);
    const run = await verifyBroken((dir) => {
      const tests = join(dir, starterPackage(dir), 'tests.py');
      const broken =
        'class BrokenOnPurpose(SimpleTestCase):\n    def test_fails(self):\n        self.assertEqual(1, 2)\n';
      writeFileSync(tests, `${readFileSync(tests, 'utf8')}\n\n${broken}`);
    }, {});
    assert.deepEqual(
      failed(run.results).filter((name) => name !== 'container-structure-test'),
      ['test suite (docker-compose.test.yml)'],
      run.table,
    );
    assert.match(detail(run, 'test suite (docker-compose.test.yml)'), /^tests exited with [1-9]\d*: /);
  });
});
