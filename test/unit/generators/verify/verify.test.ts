import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from '../../../support/tools.js';
import { buildModel } from '../../../../lib/model.js';
import { resolveSettings } from '../../../../lib/resolve.js';
import { emptyDetection } from '../../../../lib/detect-empty.js';
import {
  SECRETS_SCRIPT,
  SECRETS_STEP,
  verify,
  type VerifyInput,
} from '../../../../generators/verify/verify.js';
import { type StepResult, sampleReport, healthStep, uidStep } from '../../../../lib/verify-report.js';
import { spawnRunner, type CommandResult, type Runner } from '../../../../generators/verify/runner.js';
import { ENGINE_STEP, engineProblem, unreachableEngine } from '../../../../generators/verify/failures.js';
import { plainProgress, terminalProgress } from '../../../../generators/verify/progress.js';
import { parseComposePs, productionHost } from '../../../../generators/verify/steps.js';

const ok = (stdout = ''): CommandResult => ({ code: 0, stdout, stderr: '', duration: 5, timedOut: false });

async function model() {
  const { settings } = await resolveSettings({
    flags: {},
    stored: {},
    detection: emptyDetection(),
    askable: new Set(),
  });
  return buildModel(settings);
}

/** A fake Docker: answers every command, records the calls, fails the ones `fail` matches. */
function fakeDocker(fail?: (args: string[]) => boolean): { run: Runner; calls: string[][] } {
  const calls: string[][] = [];
  const run: Runner = async (command, args) => {
    calls.push([command, ...args]);
    if (fail?.(args)) return { code: 1, stdout: '', stderr: 'Error: it broke', duration: 5, timedOut: false };
    if (args.includes('ps') && args.includes('json')) {
      return ok(
        '{"Service":"web","State":"running","Health":"healthy","ExitCode":0}\n{"Service":"db","State":"running","Health":"healthy","ExitCode":0}',
      );
    }
    if (args[0] === 'version') return ok('26.1.5+dfsg1\n');
    if (args[0] === 'compose' && args[1] === 'version') return ok('2.26.1-4\n');
    if (args.includes('ps')) return ok('abc123\n');
    if (args.includes('port')) return ok('127.0.0.1:1\n');
    if (args[0] === 'exec' && args.includes('/proc/1/status'))
      return ok('Name: gunicorn\nUid:\t10001\t10001\t10001\t10001\n');
    if (args[0] === 'inspect') return ok('0\n');
    return ok();
  };
  return { run, calls };
}

const options = { skipBuild: false, skipTests: false, keepUp: false, healthTimeout: 5, buildArgs: [] };

/** verify with a fake Docker `run`, no structure-test tool and a health request that answers 200. */
async function runVerify(
  run: Runner,
  input: Partial<Pick<VerifyInput, 'm' | 'options' | 'runId'>> = {},
): Promise<StepResult[]> {
  return verify({
    m: input.m ?? (await model()),
    run,
    options: input.options ?? options,
    envProduction: '',
    runId: input.runId ?? 'x',
    log: () => undefined,
    structureTest: false,
    httpGet: async () => 200,
  });
}

describe('verify: the Docker the generated files need', () => {
  it('accepts Engine 25+ with Compose 2.20+, however the versions are spelled', () => {
    assert.equal(engineProblem('25.0.0', '2.20.0'), undefined);
    assert.equal(engineProblem('26.1.5+dfsg1', '2.26.1-4'), undefined);
    assert.equal(engineProblem('28.2.2', 'v2.36.0'), undefined);
  });

  it('names the version that is too old, and what is needed', () => {
    assert.match(engineProblem('24.0.7', '2.29.1')!, /Docker Engine 24\.0\.7 is too old: .* 25\.0 or newer/);
    assert.match(engineProblem('26.0.0', '2.19.1')!, /Docker Compose 2\.19\.1 is too old: .* 2\.20 or newer/);
    assert.match(engineProblem('', '2.29.1')!, /cannot read the Docker Engine version from ""/);
  });

  it('stops before any compose file is read or image built when the engine is too old', async () => {
    const docker = fakeDocker();
    const run: Runner = async (command, args, opts) =>
      args[0] === 'version' ? ok('24.0.7\n') : docker.run(command, args, opts);
    const results = await runVerify(run);
    assert.deepEqual(
      results.map((r) => [r.name, r.status]),
      [[ENGINE_STEP, 'fail']],
    );
    assert.ok(!docker.calls.some((c) => c.includes('build') || c.includes('config') || c.includes('up')));
  });
});

describe('verify: a Docker it cannot reach says what to do', () => {
  const failed = (stderr: string, code = 1): CommandResult => ({
    code,
    stdout: '',
    stderr,
    duration: 5,
    timedOut: false,
  });
  const SOCKET_DENIED =
    'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.50/version": dial unix /var/run/docker.sock: connect: permission denied';

  it('a user outside the docker group is told to join it (or use rootless Docker)', () => {
    const hint = unreachableEngine(failed(SOCKET_DENIED));
    assert.ok(hint.startsWith('permission denied while trying to connect'), hint);
    assert.match(
      hint,
      /add it to the docker group \(sudo usermod -aG docker "\$USER", then log out and in again\)/,
    );
  });

  it('an engine that is not running is to be started; no docker command is to be installed', () => {
    const stopped = unreachableEngine(
      failed(
        'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
      ),
    );
    assert.match(stopped, /start Docker \(sudo systemctl start docker, or Docker Desktop\)/);
    assert.doesNotMatch(stopped, /docker group/);
    assert.match(unreachableEngine(failed('spawn docker ENOENT', 127)), /docker command is not installed/);
    // Anything else: the error itself, without a guess.
    assert.equal(unreachableEngine(failed('Error: something else')), 'Error: something else');
  });

  it('the engine step fails with the hint, before anything else runs', async () => {
    const docker = fakeDocker();
    const run: Runner = async (command, args, opts) =>
      args[0] === 'version' ? failed(SOCKET_DENIED) : docker.run(command, args, opts);
    const results = await runVerify(run);
    assert.deepEqual(
      results.map((r) => [r.name, r.status]),
      [[ENGINE_STEP, 'fail']],
    );
    assert.match(results[0]!.detail, /docker group/);
  });
});

describe('verify steps (generators/verify/verify.ts) with a fake Docker', () => {
  it('stops after a broken compose file and still tears everything down', async () => {
    const docker = fakeDocker((args) => args.includes('config'));
    const results = await runVerify(docker.run);
    assert.deepEqual(results[0], {
      name: ENGINE_STEP,
      status: 'pass',
      duration: results[0]!.duration,
      detail: 'engine 26.1.5+dfsg1, compose 2.26.1-4',
    });
    assert.ok(results.slice(1).every((r) => r.name.startsWith('compose config')));
    assert.ok(results.some((r) => r.status === 'fail'));
    assert.ok(
      docker.calls.some((c) => c.includes('down') && c.includes('-v')),
      'teardown ran',
    );
    assert.ok(!docker.calls.some((c) => c.includes('build')), 'nothing built');
  });

  it('fails the stop step when the container is killed (exit 137) instead of stopping gracefully', async () => {
    const docker = fakeDocker();
    const run: Runner = async (command, args, opts) =>
      args[0] === 'inspect' ? ok('137\n') : docker.run(command, args, opts);
    const results = await runVerify(run, { options: { ...options, skipTests: true } });
    const stop = results.find((r) => r.name.startsWith('docker stop'));
    assert.equal(stop?.status, 'fail');
    assert.match(stop!.detail, /exit code 137/);
  });

  it("a failing `check --deploy` reports the issues themselves, not only Django's summary line", async () => {
    const django = [
      'SystemCheckError: System check identified some issues:',
      '',
      'WARNINGS:',
      '?: (security.W004) You have not set a value for the SECURE_HSTS_SECONDS setting.',
      '?: (security.W018) You should not have DEBUG set to True in deployment.',
      '',
      'System check identified 2 issues (0 silenced).',
    ].join('\n');
    const docker = fakeDocker();
    const run: Runner = async (command, args, opts) =>
      args.includes('--deploy')
        ? { code: 1, stdout: '', stderr: django, duration: 5, timedOut: false }
        : docker.run(command, args, opts);
    const results = await runVerify(run, { options: { ...options, skipTests: true } });
    const check = results.find((r) => r.name.startsWith('manage.py check --deploy'));
    assert.equal(check?.status, 'fail');
    assert.equal(
      check!.detail,
      '?: (security.W004) You have not set a value for the SECURE_HSTS_SECONDS setting.\n' +
        '?: (security.W018) You should not have DEBUG set to True in deployment.',
    );
  });

  it('fails when the production image contains a .env, names it, and starts nothing on that image', async () => {
    const docker = fakeDocker();
    const run: Runner = async (command, args, opts) =>
      args[0] === 'run' && args.includes(SECRETS_SCRIPT)
        ? { code: 3, stdout: '/app/.env\n', stderr: '', duration: 5, timedOut: false }
        : docker.run(command, args, opts);
    const results = await runVerify(run);
    const secrets = results.find((r) => r.name === SECRETS_STEP);
    assert.equal(secrets?.status, 'fail');
    assert.match(secrets!.detail, /the image contains \/app\/\.env/);
    assert.ok(!docker.calls.some((c) => c.includes('up')), 'no stack started');
  });

  it('the secrets check finds .env, .env.* and secrets.env below the folder, and lets .env.example pass', function () {
    const python = requireTool(this, 'python3');
    const dir = mkdtempSync(join(tmpdir(), 'py-docker-secrets-'));
    writeFileSync(join(dir, '.env.example'), '');
    const clean = spawnSync(python, ['-c', SECRETS_SCRIPT, dir], { encoding: 'utf8' });
    assert.equal(clean.status, 0, clean.stderr);
    mkdirSync(join(dir, 'deep'));
    for (const name of ['.env', '.env.local', 'deep/secrets.env']) writeFileSync(join(dir, name), 'X=1\n');
    const found = spawnSync(python, ['-c', SECRETS_SCRIPT, dir], { encoding: 'utf8' });
    assert.equal(found.status, 3, found.stderr);
    assert.deepEqual(
      found.stdout
        .trim()
        .split('\n')
        .map((p) => p.slice(dir.length + 1))
        .sort(),
      ['.env', '.env.local', 'deep/secrets.env'],
    );
  });

  it("the sample report of README.Docker.md names steps of a full run, in the run's order", async () => {
    const m = await model();
    const run = (await runVerify(fakeDocker().run, { m })).map((r) => r.name);
    const sample = sampleReport(m.s)
      .split('\n')
      .slice(1)
      .map((line) => line.replace(/ {2,}(PASS|SKIP) .*$/, ''));
    assert.ok(
      sample.includes(healthStep(m.s.healthPath)) && sample.includes(uidStep(m.uid)),
      sample.join('\n'),
    );
    assert.deepEqual(
      sample,
      run.filter((name) => sample.includes(name)),
    );
  });

  it('the sample report follows the health path and uid, its columns as wide as the longest step', () => {
    const lines = sampleReport({ healthPath: '/a/much/longer/health/check/path/', appUid: 20001 }).split(
      '\n',
    );
    assert.ok(
      lines.includes(
        `${'GET /a/much/longer/health/check/path/ on 127.0.0.1'}  PASS     0.4 s  http://127.0.0.1:37839/a/much/longer/health/check/path/ answered 200`,
      ),
      lines.join('\n'),
    );
    const uid = lines.find((line) => line.startsWith('web runs as non-root uid 20001 '));
    assert.match(uid ?? '', / PASS {5}0\.5 s {2}uid 20001$/);
    const column = lines[0]!.indexOf('result');
    for (const line of lines.slice(1)) assert.match(line.slice(column), /^(PASS|SKIP) /, line);
    assert.ok(
      lines.every((line) => line === line.trimEnd()),
      'no line ends in spaces',
    );
  });

  it('says clearly when container-structure-test is not installed, and honours --skip-tests', async () => {
    const results = await runVerify(fakeDocker().run, { options: { ...options, skipTests: true } });
    assert.deepEqual(
      results.filter((r) => r.status === 'skip').map((r) => r.detail),
      ['--skip-tests', 'container-structure-test is not installed'],
    );
    assert.deepEqual(
      results.filter((r) => r.status === 'fail'),
      [],
    );
  });

  it('starts the production stack on the image this run built (IMAGE_TAG), not an older one of the same name', async () => {
    const docker = fakeDocker();
    const envs: (string | undefined)[] = [];
    const run: Runner = async (command, args, opts) => {
      if (args.includes('up') && args.includes('--no-build') && !args.includes('--exit-code-from'))
        envs.push(opts?.env?.IMAGE_TAG);
      return docker.run(command, args, opts);
    };
    const m = await model();
    await runVerify(run, { m, options: { ...options, skipTests: true }, runId: 'r1' });
    assert.deepEqual(envs, ['verify-r1']);
    const build = docker.calls.find((c) => c.includes('production') && c.includes('build'));
    assert.ok(build?.includes(`${m.localImage}:verify-r1`), 'the production build is tagged with that tag');
  });

  it('reads compose ps output in both formats and the production Host header', () => {
    assert.equal(
      parseComposePs('[{"Service":"web","State":"running","Health":"","ExitCode":0}]')[0]!.Service,
      'web',
    );
    assert.equal(parseComposePs('{"Service":"a"}\n{"Service":"b"}').length, 2);
    assert.equal(
      productionHost('X=1\nDJANGO_ALLOWED_HOSTS=.shop.example.com,localhost\n'),
      'shop.example.com',
    );
    assert.equal(productionHost('DJANGO_ALLOWED_HOSTS=*\n'), 'localhost');
  });
});

describe('verify fails at the step that should catch a broken setup (fake Docker)', () => {
  /** `compose ps --format json` lines for these services. */
  const ps = (...services: [string, string, string, number?][]): CommandResult =>
    ok(
      services
        .map(([Service, State, Health, ExitCode]) =>
          JSON.stringify({ Service, State, Health, ExitCode: ExitCode ?? 0 }),
        )
        .join('\n'),
    );
  /** The fake Docker, with `answer` taking over the calls it returns a result for. */
  const docker = (answer: (args: string[]) => CommandResult | undefined): Runner => {
    const fake = fakeDocker();
    return async (command, args, opts) => answer(args) ?? fake.run(command, args, opts);
  };
  const isPs = (args: string[]): boolean => args.includes('ps') && args.includes('json');
  const names = (results: StepResult[]): string[] => results.map((r) => r.name);
  const failedSteps = (results: StepResult[]): StepResult[] => results.filter((r) => r.status === 'fail');
  const quick = { ...options, skipTests: true, healthTimeout: 2 };
  const AFTER_HEALTH = [/^GET /, /check --deploy/, /non-root uid/, /docker stop/];

  for (const [what, web] of [
    ['unhealthy', ['web', 'running', 'unhealthy']],
    ['still starting', ['web', 'running', 'starting']],
    ['restarting', ['web', 'restarting', '']],
  ] as [string, [string, string, string]][]) {
    it(`a web service that stays ${what}: "all services healthy" fails, and nothing after it runs`, async () => {
      const run = docker((args) => (isPs(args) ? ps(web, ['db', 'running', 'healthy']) : undefined));
      const results = await runVerify(run, { options: quick });
      const failures = failedSteps(results);
      assert.deepEqual(names(failures), ['all services healthy']);
      assert.match(failures[0]!.detail, new RegExp(`^not healthy within 2 s: web ${web[1]}`));
      for (const later of AFTER_HEALTH) assert.ok(!names(results).some((n) => later.test(n)), `${later} ran`);
    });
  }

  it('a migrate service that fails: "all services healthy" fails at once, naming it and its exit code', async () => {
    const m = await model();
    const run = docker((args) =>
      isPs(args) ? ps(['web', 'running', 'healthy'], [m.services.migrate, 'exited', '', 3]) : undefined,
    );
    const results = await runVerify(run, { m, options: { ...quick, healthTimeout: 60 } });
    assert.deepEqual(
      failedSteps(results).map((r) => [r.name, r.detail]),
      [['all services healthy', `the ${m.services.migrate} service exited with 3`]],
    );
  });

  it('a web process that runs as root: the uid step fails with uid 0, the others pass', async () => {
    const run = docker((args) =>
      args[0] === 'exec' && args.includes('/proc/1/status')
        ? ok('Name: gunicorn\nUid:\t0\t0\t0\t0\n')
        : undefined,
    );
    const results = await runVerify(run, { options: quick });
    assert.deepEqual(
      failedSteps(results).map((r) => [r.name, r.detail]),
      [['web runs as non-root uid 10001', 'process 1 runs as uid 0']],
    );
  });

  it('a web process of another non-root uid fails the uid step too', async () => {
    const run = docker((args) =>
      args[0] === 'exec' && args.includes('/proc/1/status')
        ? ok('Uid:\t1000\t1000\t1000\t1000\n')
        : undefined,
    );
    const failures = failedSteps(await runVerify(run, { options: quick }));
    assert.deepEqual(names(failures), ['web runs as non-root uid 10001']);
    assert.equal(failures[0]!.detail, 'process 1 runs as uid 1000');
  });

  it('`manage.py check --deploy` findings fail that step with the findings themselves, the others pass', async () => {
    const run = docker((args) =>
      args.includes('--deploy')
        ? {
            code: 1,
            stdout: '',
            stderr:
              'SystemCheckError: System check identified some issues:\n?: (security.W018) DEBUG is True',
            duration: 5,
            timedOut: false,
          }
        : undefined,
    );
    const results = await runVerify(run, { options: quick });
    assert.deepEqual(
      failedSteps(results).map((r) => [r.name, r.detail]),
      [['manage.py check --deploy (production env)', '?: (security.W018) DEBUG is True']],
    );
    assert.ok(names(results).includes('docker stop web: graceful'), 'the later steps still ran');
  });

  it('a failing test suite fails its step with the exit code of the tests service', async () => {
    const run = docker((args) =>
      args.includes('--exit-code-from')
        ? { code: 2, stdout: 'FAILED (failures=1)\n', stderr: '', duration: 5, timedOut: false }
        : undefined,
    );
    const results = await runVerify(run, { options: { ...options, healthTimeout: 2 } });
    assert.deepEqual(
      failedSteps(results).map((r) => [r.name, r.detail]),
      [['test suite (docker-compose.test.yml)', 'tests exited with 2: FAILED (failures=1)']],
    );
  });

  it('a failing test suite shows its last meaningful lines (the failures and summary), not compose status lines', async () => {
    const stdout = [
      'Attaching to db-1, tests-1',
      'tests-1  | Creating test database for alias default...',
      'tests-1  | F.',
      'tests-1  | FAIL: test_home (shop.tests.HomeTests.test_home)',
      'tests-1  | AssertionError: 404 != 200',
      'tests-1  | Ran 2 tests in 0.041s',
      'tests-1  | FAILED (failures=1)',
      'tests-1 exited with code 1',
      'Aborting on container exit...',
    ].join('\n');
    const stderr =
      ' Container app-verify-test-x-db-1  Stopping\n Container app-verify-test-x-db-1  Stopped\n';
    const run = docker((args) =>
      args.includes('--exit-code-from')
        ? { code: 1, stdout, stderr, duration: 5, timedOut: false }
        : undefined,
    );
    const results = await runVerify(run, { options: { ...options, healthTimeout: 2 } });
    const detail = failedSteps(results)[0]!.detail;
    assert.match(detail, /^tests exited with 1: tests-1 {2}\| Creating test database/);
    assert.match(
      detail,
      /FAIL: test_home .*\n.*AssertionError: 404 != 200\n.*Ran 2 tests.*\n.*FAILED \(failures=1\)$/,
    );
    assert.doesNotMatch(detail, /Attaching|exited with code|Aborting|Container /);
  });

  it("a failing image build shows the failing step's output and BuildKit's error, not the first line", async () => {
    const stderr = [
      '#0 building with "default" instance using docker driver',
      '#1 [internal] load build definition from Dockerfile',
      '#12 [builder 5/8] RUN pip install -r requirements.txt',
      '#12 0.912 ERROR: Could not find a version that satisfies the requirement Djangoo==4.2',
      '#12 ERROR: process "/bin/sh -c pip install -r requirements.txt" did not complete successfully: exit code: 1',
      '------',
      ' > [builder 5/8] RUN pip install -r requirements.txt:',
      '0.912 ERROR: Could not find a version that satisfies the requirement Djangoo==4.2',
      '0.913 ERROR: No matching distribution found for Djangoo==4.2',
      '------',
      'Dockerfile:31',
      '--------------------',
      '  30 |     COPY requirements.txt ./',
      '  31 | >>> RUN pip install -r requirements.txt',
      '--------------------',
      'ERROR: failed to solve: process "/bin/sh -c pip install -r requirements.txt" did not complete successfully: exit code: 1',
    ].join('\n');
    const run = docker((args) =>
      args[0] === 'build' && args.includes('production')
        ? { code: 1, stdout: '', stderr, duration: 5, timedOut: false }
        : undefined,
    );
    const failures = failedSteps(await runVerify(run, { options: quick }));
    assert.deepEqual(names(failures), ['build production target']);
    assert.equal(
      failures[0]!.detail,
      [
        ' > [builder 5/8] RUN pip install -r requirements.txt:',
        '0.912 ERROR: Could not find a version that satisfies the requirement Djangoo==4.2',
        '0.913 ERROR: No matching distribution found for Djangoo==4.2',
        'ERROR: failed to solve: process "/bin/sh -c pip install -r requirements.txt" did not complete successfully: exit code: 1',
      ].join('\n'),
    );
  });
});

describe('verify shows that long work is working', () => {
  it('on a terminal: the running step, its elapsed time and the latest output line, rewritten on one line', async () => {
    let clock = 0;
    const written: string[] = [];
    const progress = terminalProgress({ write: (t: string) => written.push(t), columns: 60 }, () => clock);
    progress.start('build production target');
    clock = 12_400;
    progress.output('#12 [builder 5/8] RUN pip install -r requirements.txt --no-cache-dir');
    progress.stop();
    progress.output('teardown output, after the step');
    assert.deepEqual(written, [
      '\r\x1b[K  ...   build production target  0 s',
      // Cut one short of the terminal's width, so it never wraps onto a second line.
      '\r\x1b[K  ...   build production target  12 s  #12 [builder 5/8] RU',
      '\r\x1b[K',
    ]);
  });

  it("each step starts and stops the progress, with its commands' output lines in between", async () => {
    const events: string[] = [];
    const progress = {
      start: (name: string) => events.push(`start ${name}`),
      output: (line: string) => events.push(`output ${line}`),
      stop: () => events.push('stop'),
    };
    const fake = fakeDocker();
    const run: Runner = async (command, args, opts) => {
      if (args[0] === 'build') opts?.onOutput?.(`#5 building ${args[2]}`);
      return fake.run(command, args, opts);
    };
    await verify({
      m: await model(),
      run,
      options: { ...options, skipTests: true, healthTimeout: 2 },
      envProduction: '',
      runId: 'x',
      log: () => undefined,
      structureTest: false,
      httpGet: async () => 200,
      progress,
    });
    const build = events.indexOf('start build production target');
    assert.deepEqual(events.slice(build, build + 3), [
      'start build production target',
      'output #5 building production',
      'stop',
    ]);
    assert.equal(
      events.filter((e) => e.startsWith('start ')).length,
      events.filter((e) => e === 'stop').length,
    );
  });

  it('elsewhere: one plain line when a step starts', () => {
    const lines: string[] = [];
    const progress = plainProgress((line) => lines.push(line));
    progress.start('start base + prod stack');
    progress.output('Container web  Started');
    progress.stop();
    assert.deepEqual(lines, ['  ...   start base + prod stack']);
  });
});

describe('spawnRunner: the command runner verify uses for real', () => {
  const node = process.execPath;
  let dir: string;
  before(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'py-docker-runner-')));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs in its folder, without a shell: a value with $(...) is one argument, never run', async () => {
    const marker = join(dir, 'ran');
    const result = await spawnRunner(dir)(node, [
      '-e',
      'console.log(JSON.stringify([process.cwd(), ...process.argv.slice(1)]))',
      `$(touch ${marker})`,
      'a b',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), [dir, `$(touch ${marker})`, 'a b']);
    assert.equal(existsSync(marker), false);
    assert.equal(result.timedOut, false);
  });

  it('keeps stdout and stderr apart, whole, and returns the exit code', async () => {
    const result = await spawnRunner(dir)(node, [
      '-e',
      "process.stdout.write('o'.repeat(1 << 20)); process.stderr.write('err'); process.exitCode = 3",
    ]);
    assert.equal(result.code, 3);
    assert.equal(result.stdout.length, 1 << 20);
    assert.equal(result.stderr, 'err');
  });

  it('passes each latest output line on while the command runs', async () => {
    const lines: string[] = [];
    const result = await spawnRunner(dir)(
      node,
      ['-e', "console.log('step 1'); setTimeout(() => console.error('step 2\\n'), 50)"],
      { onOutput: (line) => lines.push(line) },
    );
    assert.equal(result.code, 0);
    assert.deepEqual(lines, ['step 1', 'step 2']);
  });

  it('adds the given environment to its own', async () => {
    const result = await spawnRunner(dir)(
      node,
      ['-e', 'console.log(process.env.IMAGE_TAG, Boolean(process.env.PATH))'],
      { env: { IMAGE_TAG: 'verify-r1' } },
    );
    assert.equal(result.stdout.trim(), 'verify-r1 true');
  });

  it('kills a command at its time limit and says so', async () => {
    const result = await spawnRunner(dir)(node, ['-e', 'setTimeout(() => {}, 60_000)'], { timeoutMs: 300 });
    assert.equal(result.timedOut, true);
    assert.notEqual(result.code, 0);
    assert.ok(result.duration < 30_000, `${result.duration} ms`);
  });

  it('a command killed by a signal is a failure, not a success', async () => {
    const result = await spawnRunner(dir)(node, ['-e', "process.kill(process.pid, 'SIGKILL')"]);
    assert.notEqual(result.code, 0);
    assert.equal(result.timedOut, false);
  });

  it('a command that does not exist: exit 127 and the reason, never a throw', async () => {
    const result = await spawnRunner(dir)(join(dir, 'no-such-docker'), ['version']);
    assert.equal(result.code, 127);
    assert.match(result.stderr, /ENOENT/);
  });
});
