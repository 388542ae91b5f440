/**
 * `yo py-docker:verify` for real: a new user's project and an existing project of another shape pass
 * every step; deliberately broken setups fail at the step that should catch them.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { SECRETS_STEP } from '../../generators/verify/verify.js';
import { APP_UID, HEALTH_PATH, READINESS_PATH } from '../support/defaults.js';
import {
  copyProject,
  E2E_PREFIX,
  generate,
  newFolder,
  onlyWhere,
  requireEngine,
  runVerify,
  starterProject,
  type E2eMode,
  type VerifyRun,
} from '../support/e2e-docker.js';
import { EXISTING, writeExistingProject } from '../support/e2e-fixtures.js';
import { healthStep, uidStep, type StepResult } from '../../lib/verify-report.js';
import { ENGINE_STEP } from '../../generators/verify/failures.js';

const STRUCTURE_STEP = 'container-structure-test';

/** Every step of a full run, in order. */
const allSteps = (healthPath: string): string[] => [
  ENGINE_STEP,
  'compose config: base',
  'compose config: development (base + override)',
  'compose config: production (base + prod)',
  'compose config: tests',
  'build development target',
  'build production target',
  SECRETS_STEP,
  'start base + prod stack',
  'all services healthy',
  healthStep(healthPath),
  'manage.py check --deploy (production env)',
  uidStep(APP_UID),
  'docker stop web: graceful',
  'test suite (docker-compose.test.yml)',
  STRUCTURE_STEP,
];

const structureTestInstalled = (): boolean =>
  (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, STRUCTURE_STEP)));

const show = (run: VerifyRun): void => console.log(run.table.replace(/^/gm, '        '));

/** Every step ran and passed; container-structure-test passed, or is reported as not installed. */
function assertAllPass(run: VerifyRun, healthPath: string): void {
  assert.deepEqual(
    run.results.map((r) => r.name),
    allSteps(healthPath),
    run.table,
  );
  for (const step of run.results) {
    if (step.name === STRUCTURE_STEP && !structureTestInstalled()) {
      assert.equal(step.status, 'skip', run.table);
      assert.equal(step.detail, 'container-structure-test is not installed');
    } else {
      assert.equal(step.status, 'pass', `${step.name}: ${step.detail}\n${run.table}`);
    }
  }
  assert.equal(run.error, undefined, run.error?.message);
}

const failed = (results: StepResult[]): string[] =>
  results.filter((r) => r.status === 'fail').map((r) => r.name);

/** Replaces `from` with `to` in a project file (at least once). */
function edit(dir: string, file: string, from: string, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  assert.ok(text.includes(from), `${file} has no ${from}`);
  writeFileSync(path, text.split(from).join(to));
}

describe('yo py-docker:verify in real containers', function () {
  let mode: E2eMode;

  before(async function () {
    this.timeout(120_000);
    mode = await requireEngine(this);
  });

  it('a new user runs `yo py-docker --yes` in an empty folder, then `yo py-docker:verify` passes every step', async function () {
    this.timeout(1_500_000);
    const dir = await starterProject(mode);
    const run = await runVerify(mode, dir);
    show(run);
    assertAllPass(run, HEALTH_PATH);
  });

  it('a new user runs `yo py-docker --yes --variant alpine` in an empty folder, then verify passes', async function () {
    onlyWhere(this, 'the Alpine variant', mode.cases.alpine);
    this.timeout(1_500_000);
    const dir = await generate(mode.flags.alpine);
    assert.match(readFileSync(join(dir, 'Dockerfile'), 'utf8'), /^FROM python:\S+-alpine\S* AS builder$/m);
    const run = await runVerify(mode, dir);
    show(run);
    assertAllPass(run, HEALTH_PATH);
  });

  it('an existing project (settings package, requirements/base.txt + dev.txt, its own npm build into assets/build, pytest) set up with `--yes` passes verify', async function () {
    this.timeout(1_200_000);
    const dir = newFolder();
    writeExistingProject(dir, mode.versions, `${E2E_PREFIX}shop`);
    // Only what cannot be detected: the base image and the build output folder. The health probes are
    // the container settings' own (the --health-path default), so the project's /healthz/ view and its test stay as they are.
    await generate({ ...mode.flags.existing, 'assets-dir': EXISTING.assetsDir }, dir);
    const stored = JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-py-docker'];
    assert.deepEqual(
      {
        settingsModule: stored.settingsModule,
        requirementsFile: stored.requirementsFile,
        devRequirementsFile: stored.devRequirementsFile,
        buildScript: stored.buildScript,
        pythonVersion: stored.pythonVersion,
        nodeVersion: stored.nodeVersion,
        npmVersion: stored.npmVersion,
      },
      {
        settingsModule: EXISTING.settingsModule,
        requirementsFile: 'requirements/base.txt',
        devRequirementsFile: 'requirements/dev.txt',
        buildScript: EXISTING.buildScript,
        pythonVersion: mode.versions.python,
        nodeVersion: mode.versions.node,
        npmVersion: mode.versions.npm,
      },
      'detected from the project',
    );
    assert.match(readFileSync(join(dir, 'Dockerfile.test'), 'utf8'), /^CMD \["pytest"/m);
    const run = await runVerify(mode, dir);
    show(run);
    assertAllPass(run, HEALTH_PATH);
  });

  describe('a deliberately broken setup makes verify fail at the right step', function () {
    it('a health check that probes a path the app does not answer: "all services healthy" fails, and nothing after it runs', async function () {
      this.timeout(900_000);
      const dir = copyProject(await starterProject(mode));
      // The image and the health middleware agree on READINESS_PATH; the broken script ignores it.
      edit(dir, 'docker/healthcheck.sh', `path=\${READINESS_PATH:-${READINESS_PATH}}`, 'path=/no-such-page/');
      const run = await runVerify(mode, dir, { 'skip-tests': true, 'health-timeout': '45' });
      show(run);
      assert.deepEqual(failed(run.results), ['all services healthy'], run.table);
      assert.match(run.results.find((r) => r.status === 'fail')!.detail, /web/);
      for (const later of [healthStep(HEALTH_PATH), 'docker stop web: graceful'])
        assert.ok(!run.results.some((r) => r.name === later), `${later} ran`);
      assert.ok(run.error, 'verify exits non-zero');
    });

    it('a .dockerignore edited after generation to let .env back in: the secrets step fails naming the file, and no stack starts', async function () {
      this.timeout(900_000);
      const dir = copyProject(await starterProject(mode));
      writeFileSync(join(dir, '.dockerignore'), `${readFileSync(join(dir, '.dockerignore'), 'utf8')}!.env\n`);
      const run = await runVerify(mode, dir, { 'skip-tests': true });
      show(run);
      assert.deepEqual(failed(run.results), [SECRETS_STEP], run.table);
      assert.match(run.results.find((r) => r.status === 'fail')!.detail, /the image contains \/app\/\.env/);
      assert.ok(!run.results.some((r) => r.name === 'start base + prod stack'), 'the stack started');
      assert.ok(run.error, 'verify exits non-zero');
    });

    it('an entrypoint without exec: "docker stop web: graceful" fails (killed at the end of the grace period)', async function () {
      this.timeout(900_000);
      const dir = copyProject(await starterProject(mode));
      edit(dir, 'docker/entrypoint.sh', 'exec "$@"', '"$@"');
      const run = await runVerify(mode, dir, { 'skip-tests': true });
      show(run);
      assert.deepEqual(failed(run.results), ['docker stop web: graceful'], run.table);
      assert.match(run.results.find((r) => r.status === 'fail')!.detail, /exit code 137/);
      assert.ok(run.error, 'verify exits non-zero');
    });
  });
});
