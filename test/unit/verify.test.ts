import assert from 'node:assert/strict';
import { buildModel } from '../../lib/model.js';
import { resolveSettings } from '../../lib/resolve.js';
import { emptyDetection } from '../../lib/detect-empty.js';
import { parseComposePs, productionHost, verify, type CommandResult, type Runner } from '../../lib/verify.js';

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

describe('verify steps (lib/verify) with a fake Docker', () => {
  it('stops after a broken compose file and still tears everything down', async () => {
    const docker = fakeDocker((args) => args.includes('config'));
    const results = await verify({
      m: await model(),
      run: docker.run,
      options,
      envProduction: '',
      runId: 'x',
      log: () => undefined,
      structureTest: false,
      httpGet: async () => 200,
    });
    assert.ok(results.every((r) => r.name.startsWith('compose config')));
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
    const results = await verify({
      m: await model(),
      run,
      options: { ...options, skipTests: true },
      envProduction: '',
      runId: 'x',
      log: () => undefined,
      structureTest: false,
      httpGet: async () => 200,
    });
    const stop = results.find((r) => r.name.startsWith('docker stop'));
    assert.equal(stop?.status, 'fail');
    assert.match(stop!.detail, /exit code 137/);
  });

  it('says clearly when container-structure-test is not installed, and honours --skip-tests', async () => {
    const results = await verify({
      m: await model(),
      run: fakeDocker().run,
      options: { ...options, skipTests: true },
      envProduction: '',
      runId: 'x',
      log: () => undefined,
      structureTest: false,
      httpGet: async () => 200,
    });
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
    await verify({
      m,
      run,
      options: { ...options, skipTests: true },
      envProduction: '',
      runId: 'r1',
      log: () => undefined,
      structureTest: false,
      httpGet: async () => 200,
    });
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
