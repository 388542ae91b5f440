import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxEnv, script, scriptsProject, shells, type Shell } from '../../../support/scripts-fixture.js';
import { closedPort, run, start, tcpListener } from '../../../support/scripts-servers.js';
import { findTool, requireTool } from '../../../support/tools.js';

/** A stand-in app: says when it runs, reports SIGTERM, and gives up by itself after 20 s. */
const FAKE_APP = `
process.on('SIGTERM', () => { console.log('got-term'); process.exit(0); });
console.log('ready');
setTimeout(() => process.exit(3), 20000);
`;

/** A stand-in `python` that records its working folder and arguments (and can fail). */
const FAKE_PYTHON = `#!/bin/sh
echo "$PWD|$*" >> "$PYTHON_LOG"
exit "\${PYTHON_EXIT:-0}"
`;

describe('py-docker:scripts entrypoint.sh', function () {
  let shellList: Shell[];
  let work: string;
  let app: string;
  let fakePython: string;

  before(function () {
    requireTool(this, 'busybox');
    requireTool(this, 'dash');
    requireTool(this, 'python3');
    shellList = shells();
    const fixtures = mkdtempSync(join(tmpdir(), 'py-docker-entry-'));
    app = join(fixtures, 'app.cjs');
    writeFileSync(app, FAKE_APP);
    fakePython = join(fixtures, 'python');
    writeFileSync(fakePython, FAKE_PYTHON);
    chmodSync(fakePython, 0o755);
  });
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'py-docker-entry-run-'));
  });

  const log = (): string => join(work, 'python.log');
  const marker = (): string => join(work, 'app-ran');
  const pythonCalls = (): string[] =>
    existsSync(log()) ? readFileSync(log(), 'utf8').trim().split('\n') : [];

  for (const shellIndex of [0, 1]) {
    describe(`under ${['busybox ash', 'dash'][shellIndex]}`, function () {
      const env = (vars: Record<string, string>): Record<string, string> => {
        const shell = shellList[shellIndex]!;
        // wait-for-it.sh probes with python3 (no nc here); `python` is the recording stand-in.
        return sandboxEnv(
          { ...shell.tools, python: fakePython, python3: findTool('python3')! },
          { PYTHON_LOG: log(), ...vars },
        );
      };
      const entrypoint = async (project: string, vars: Record<string, string>, ...command: string[]) =>
        run([...shellList[shellIndex]!.argv, script(project, 'entrypoint.sh'), ...command], {
          env: env(vars),
          cwd: work,
        });

      it('`docker stop` reaches the app itself: the entrypoint execs it, so its PID becomes the app', async () => {
        const project = await scriptsProject();
        const running = start(
          [...shellList[shellIndex]!.argv, script(project, 'entrypoint.sh'), process.execPath, app],
          {
            env: env({}),
            cwd: work,
          },
        );
        await running.printed('ready');
        const pid = running.child.pid!;
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
        assert.deepEqual(argv, [process.execPath, app], `PID ${pid} is still ${argv.join(' ')}`);
        process.kill(pid, 'SIGTERM');
        const result = await running.done;
        assert.match(result.stdout, /got-term/, 'the app never saw SIGTERM');
        assert.equal(result.code, 0);
      });

      for (const value of ['', 'false', '0', 'no']) {
        it(`with DJANGO_MIGRATE=${JSON.stringify(value)} (staging, production) it does not run manage.py`, async () => {
          const result = await entrypoint(
            await scriptsProject(),
            { DJANGO_MIGRATE: value },
            'touch',
            marker(),
          );
          assert.equal(result.code, 0, result.stderr);
          assert.deepEqual(pythonCalls(), []);
          assert.ok(existsSync(marker()), 'the app did not start');
        });
      }

      for (const value of ['true', '1', 'yes']) {
        it(`with DJANGO_MIGRATE=${value} (development) it runs \`python manage.py migrate --noinput\` next to manage.py, then the app`, async () => {
          const project = await scriptsProject();
          const result = await entrypoint(project, { DJANGO_MIGRATE: value }, 'touch', marker());
          assert.equal(result.code, 0, result.stderr);
          assert.deepEqual(pythonCalls(), [`${project}|manage.py migrate --noinput`]);
          assert.ok(existsSync(marker()), 'the app did not start after migrating');
        });
      }

      it('a project with manage.py in src/ migrates in src/', async () => {
        const project = await scriptsProject({ 'app-dir': 'src' });
        mkdirSync(join(project, 'src'), { recursive: true });
        const result = await entrypoint(project, { DJANGO_MIGRATE: 'true' }, 'touch', marker());
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(pythonCalls(), [`${project}/src|manage.py migrate --noinput`]);
      });

      it('a failing migration stops the container before the app starts', async () => {
        const result = await entrypoint(
          await scriptsProject(),
          { DJANGO_MIGRATE: 'true', PYTHON_EXIT: '3' },
          'touch',
          marker(),
        );
        assert.notEqual(result.code, 0);
        assert.ok(!existsSync(marker()), 'the app started although migrations failed');
      });

      it('WAIT_FOR with every service listening starts the app', async () => {
        const [a, b] = [await tcpListener(), await tcpListener()];
        try {
          const result = await entrypoint(
            await scriptsProject(),
            { WAIT_FOR: `127.0.0.1:${a.port}, 127.0.0.1:${b.port}` },
            'touch',
            marker(),
          );
          assert.equal(result.code, 0, result.stderr);
          assert.ok(existsSync(marker()));
          assert.equal(result.stderr.match(/is available/g)?.length, 2, result.stderr);
        } finally {
          await Promise.all([a.close(), b.close()]);
        }
      });

      it('WAIT_FOR naming a port that never opens fails after WAIT_TIMEOUT without starting the app', async () => {
        const listener = await tcpListener();
        try {
          const result = await entrypoint(
            await scriptsProject(),
            { WAIT_FOR: `127.0.0.1:${listener.port},127.0.0.1:${await closedPort()}`, WAIT_TIMEOUT: '1' },
            'touch',
            marker(),
          );
          assert.equal(result.code, 124, result.stderr);
          assert.ok(!existsSync(marker()), 'the app started although a dependency never came up');
        } finally {
          await listener.close();
        }
      });
    });
  }
});
