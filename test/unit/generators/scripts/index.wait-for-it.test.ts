import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxEnv, script, scriptsProject, shells, type Shell } from '../../../support/scripts-fixture.js';
import { closedPort, run, tcpListener, type Finished } from '../../../support/scripts-servers.js';
import { findTool, requireTool } from '../../../support/tools.js';

/**
 * docker/wait-for-it.sh for real: a node TCP listener on 127.0.0.1, each shell, and each way of probing
 * a port (nc with -z; Python when the image's nc has no -z, like Debian's busybox).
 */
describe('py-docker:scripts wait-for-it.sh', function () {
  let waitForIt: string;
  let shellList: Shell[];

  before(async function () {
    requireTool(this, 'busybox');
    requireTool(this, 'dash');
    requireTool(this, 'python3');
    shellList = shells();
    waitForIt = script(await scriptsProject(), 'wait-for-it.sh');
  });

  const probes: { name: string; tools: () => Record<string, string> }[] = [
    {
      // No python on PATH at all: only nc can make this pass.
      name: 'nc -z',
      tools: () => ({ nc: findTool('nc-openbsd') ?? '/nonexistent/nc.openbsd' }),
    },
    {
      // busybox nc without -z on PATH (as in Debian's busybox): the script must notice and use Python.
      name: 'python3 (nc lacks -z)',
      tools: () => ({ nc: findTool('busybox')!, python3: findTool('python3')! }),
    },
  ];

  for (const shellIndex of [0, 1]) {
    for (const probe of probes) {
      describe(`under ${['busybox ash', 'dash'][shellIndex]}, probing with ${probe.name}`, function () {
        let shell: Shell;
        let work: string;
        const marker = (): string => join(work, 'marker');

        before(function () {
          if (probe.name === 'nc -z') requireTool(this, 'nc-openbsd');
          shell = shellList[shellIndex]!;
        });
        beforeEach(() => {
          work = mkdtempSync(join(tmpdir(), 'py-docker-wfi-'));
        });

        const waitFor = (...args: string[]): Promise<Finished> =>
          run([...shell.argv, waitForIt, ...args], {
            env: sandboxEnv({ ...shell.tools, ...probe.tools() }),
            cwd: work,
          });

        it('a compose service waits for a listening database port, then its command runs', async () => {
          const listener = await tcpListener();
          try {
            const result = await waitFor(`127.0.0.1:${listener.port}`, '-t', '5', '--', 'touch', marker());
            assert.equal(result.code, 0, result.stderr);
            assert.ok(existsSync(marker()), 'the command after -- did not run');
            assert.match(result.stderr, new RegExp(`127\\.0\\.0\\.1:${listener.port} is available`));
          } finally {
            await listener.close();
          }
        });

        it('in strict mode a service that never comes up times out with 124 and the command does not run', async () => {
          const port = await closedPort();
          const result = await waitFor(`127.0.0.1:${port}`, '-t', '1', '-s', '--', 'touch', marker());
          assert.equal(result.code, 124, result.stderr);
          assert.ok(!existsSync(marker()), 'strict mode ran the command although the port never opened');
          assert.match(result.stderr, /timeout occurred after waiting 1 seconds/);
          assert.match(result.stderr, /strict mode, refusing to execute subprocess/);
          assert.ok(result.ms >= 1000 && result.ms < 4000, `took ${result.ms} ms for a 1 s timeout`);
        });

        it('without strict mode the command runs anyway after the timeout', async () => {
          const port = await closedPort();
          const result = await waitFor(`127.0.0.1:${port}`, '-t', '1', '--', 'touch', marker());
          assert.equal(result.code, 0, result.stderr);
          assert.ok(existsSync(marker()), 'the command did not run after a non-strict timeout');
        });

        it('with no command the exit code says whether the port opened (124 on timeout)', async () => {
          const port = await closedPort();
          assert.equal((await waitFor(`127.0.0.1:${port}`, '--timeout=1')).code, 124);
        });

        it('the -h HOST -p PORT and --host= --port= forms work like host:port', async () => {
          const listener = await tcpListener();
          try {
            const short = await waitFor(
              '-h',
              '127.0.0.1',
              '-p',
              String(listener.port),
              '-t',
              '5',
              '--',
              'touch',
              marker(),
            );
            assert.equal(short.code, 0, short.stderr);
            assert.ok(existsSync(marker()));
            const long = await waitFor(
              '--host=127.0.0.1',
              `--port=${listener.port}`,
              '--timeout=5',
              '--strict',
            );
            assert.equal(long.code, 0, long.stderr);
          } finally {
            await listener.close();
          }
        });

        it('quiet mode prints nothing, whether the port opens or not', async () => {
          const listener = await tcpListener();
          try {
            const up = await waitFor('-q', `127.0.0.1:${listener.port}`, '-t', '5');
            assert.equal(up.code, 0);
            assert.equal(up.stdout + up.stderr, '');
          } finally {
            await listener.close();
          }
          const down = await waitFor(
            '--quiet',
            `127.0.0.1:${await closedPort()}`,
            '-t',
            '1',
            '-s',
            '--',
            'true',
          );
          assert.equal(down.code, 124);
          assert.equal(down.stdout + down.stderr, '');
        });

        it('-t 0 waits without a timeout until the port opens', async () => {
          const port = await closedPort();
          const opening = new Promise<Awaited<ReturnType<typeof tcpListener>>>((resolve, reject) =>
            setTimeout(() => tcpListener(port).then(resolve, reject), 2500),
          );
          const result = await waitFor(`127.0.0.1:${port}`, '-t', '0', '-s', '--', 'touch', marker());
          await (await opening).close();
          assert.equal(result.code, 0, result.stderr);
          assert.ok(existsSync(marker()));
          assert.ok(result.ms >= 2000, `returned after ${result.ms} ms, before the port opened`);
        });

        it('a missing port is a usage error (exit 1), not a wait', async () => {
          const result = await waitFor('-h', 'db', '-t', '1');
          assert.equal(result.code, 1);
          assert.match(result.stderr, /you need to provide a host and port/);
        });
      });
    }
  }
});
