import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GRACEFUL_TIMEOUT_S, STOP_GRACE_PERIOD_S } from '../../../../lib/model.js';
import { script, scriptsProject } from '../../../support/scripts-fixture.js';
import { run, start } from '../../../support/scripts-servers.js';
import { beatsIn } from '../../../support/beat-count.js';
import { SUPERVISOR_PARSE, type SupervisorConf } from '../../../support/supervisor-parse.js';
import { hasSupervisor, requireTool } from '../../../support/tools.js';

const SIGTERM = 15;

describe('py-docker:scripts supervisord.conf (all-in-one mode)', function () {
  let supervisord: string;
  const options = { 'process-manager': 'supervisord', 'app-dir': 'src', 'settings-module': 'shop.settings' };

  before(function () {
    supervisord = requireTool(this, 'supervisord');
    requireTool(this, 'python3');
    if (!hasSupervisor()) throw new Error('/usr/bin/supervisord exists but python3 cannot import supervisor');
  });

  const parse = async (project: string): Promise<SupervisorConf> => {
    const result = await run(
      ['/usr/bin/python3', '-c', SUPERVISOR_PARSE, script(project, 'supervisord.conf')],
      {
        env: { PATH: '/usr/bin:/bin' },
      },
    );
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as SupervisorConf;
  };

  const gunicorn = [
    'gunicorn',
    '--config',
    '/app/docker/gunicorn.conf.py',
    '--bind',
    '0.0.0.0:8000',
    '--worker-tmp-dir',
    '/dev/shm',
    '--access-logfile',
    '-',
    '--error-logfile',
    '-',
    '--graceful-timeout',
    String(GRACEFUL_TIMEOUT_S),
    '--timeout',
    '60',
    '--chdir',
    '/app/src',
    'shop.wsgi:application',
  ];

  it('supervisor loads it: foreground, no log or pid file outside /tmp, web runs the production gunicorn command', async () => {
    const parsed = await parse(await scriptsProject(options));
    assert.equal(parsed.nodaemon, true);
    assert.equal(parsed.logfile, '/dev/null');
    assert.match(parsed.pidfile, /^\/tmp\//);
    assert.deepEqual(
      parsed.programs.map((p) => p.name),
      ['web'],
    );
    assert.deepEqual(parsed.programs[0]!.argv, gunicorn);
  });

  it('with Celery it also runs a worker but never beat (the beat service is the one scheduler), all stopping gracefully with logs on stdout/stderr', async () => {
    const parsed = await parse(await scriptsProject({ ...options, celery: true }));
    const byName = Object.fromEntries(parsed.programs.map((p) => [p.name, p]));
    assert.deepEqual(Object.keys(byName).sort(), ['web', 'worker']);
    assert.deepEqual(byName.web!.argv, gunicorn);
    assert.deepEqual(byName.worker!.argv, ['celery', '-A', 'shop', 'worker', '--loglevel=INFO']);
    assert.equal(beatsIn(parsed.programs), 0);
    for (const p of parsed.programs) {
      assert.equal(p.directory, '/app/src', p.name);
      assert.equal(p.stopsignal, SIGTERM, p.name);
      assert.ok(p.stopasgroup && p.killasgroup, p.name);
      // Longer than gunicorn's graceful shutdown, and over before the container runtime kills everything.
      assert.ok(
        p.stopwaitsecs > GRACEFUL_TIMEOUT_S && p.stopwaitsecs < STOP_GRACE_PERIOD_S,
        `${p.stopwaitsecs}`,
      );
      assert.deepEqual(p.stdout, ['/dev/stdout', 0], p.name);
      assert.deepEqual(p.stderr, ['/dev/stderr', 0], p.name);
    }
  });

  it('a real supervisord runs the programs in the foreground, passes their output through, and stops them all on SIGTERM', async () => {
    const project = await scriptsProject({ ...options, celery: true });
    const work = mkdtempSync(join(tmpdir(), 'py-docker-supervisord-'));
    // Same file, with stand-in programs (no gunicorn or Celery here) that report SIGTERM.
    const config = readFileSync(script(project, 'supervisord.conf'), 'utf8')
      .replace(
        /^\[program:(\w+)\]\ncommand=.*$/gm,
        (_all, name: string) =>
          `[program:${name}]\ncommand=/bin/sh -c 'trap "echo ${name}-stopped; exit 0" TERM; echo ${name}-started; while :; do sleep 0.2; done'`,
      )
      .replace(/^directory=.*$/gm, `directory=${work}`)
      .replace(/^pidfile=.*$/m, `pidfile=${join(work, 'supervisord.pid')}`);
    const copy = join(work, 'supervisord.conf');
    writeFileSync(copy, config);
    // Its stdout must be a pipe, as under Docker (node's own stdio pipes are sockets, which
    // /dev/stdout cannot be opened on); the pid file says whom `docker stop` would signal.
    const running = start(
      ['/bin/sh', '-c', '{ "$1" -c "$2" 2>&1; echo "supervisord-exit=$?"; } | cat', 'sh', supervisord, copy],
      { env: { PATH: '/usr/bin:/bin' }, killAfterMs: 30_000 },
    );
    const pidFile = join(work, 'supervisord.pid');
    try {
      for (const name of ['web', 'worker']) await running.printed(`${name}-started`);
      process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGTERM');
      const result = await running.done;
      assert.match(result.stdout, /supervisord-exit=0\n/, result.stdout);
      for (const name of ['web', 'worker']) assert.match(result.stdout, new RegExp(`${name}-stopped`));
      assert.ok(result.ms < 15_000, `stopping took ${result.ms} ms`);
    } finally {
      // A supervisord that daemonized has left our process group: end it through its pid file.
      try {
        if (existsSync(pidFile)) process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
      } catch {
        // Already gone.
      }
      running.stop();
    }
  });
});
