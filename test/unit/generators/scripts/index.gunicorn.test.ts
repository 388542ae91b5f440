import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGenerator } from '../../../support/run.js';
import { findTool, requireTool } from '../../../support/tools.js';

/**
 * docker/gunicorn.conf.py run under the host's python3 the way gunicorn's worker runs its worker_exit
 * hook: from the `finally` of the worker process while its SystemExit propagates.
 */
describe('py-docker:scripts gunicorn.conf.py', function () {
  let config: string;
  before(async function () {
    requireTool(this, 'python3');
    const result = await runGenerator('scripts', { options: { yes: true } });
    config = readFileSync(join(result.cwd, 'docker', 'gunicorn.conf.py'), 'utf8');
  });

  /** Runs a worker's exit with `code`; `projectConfig` stands in for the project's own gunicorn.conf.py. */
  const workerExit = (code: number, projectConfig?: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'py-docker-gunicorn-'));
    const own = join(dir, 'project-gunicorn.conf.py');
    if (projectConfig !== undefined) writeFileSync(own, projectConfig);
    const harness = `
import atexit, sys
source = open(sys.argv[1], encoding="utf-8").read().replace('"/app/gunicorn.conf.py"', repr(sys.argv[2]))
settings = {}
exec(compile(source, "gunicorn.conf.py", "exec"), settings)
print("workers=%s preload_app=%s" % (settings.get("workers"), settings.get("preload_app")), flush=True)

class Module:
    def __del__(self):
        print("interpreter teardown", flush=True)

module_state = Module()
atexit.register(lambda: print("exit handlers ran", flush=True))
try:
    sys.exit(int(sys.argv[3]))
finally:
    settings["worker_exit"](None, None)
`;
    writeFileSync(join(dir, 'config.py'), config);
    const run = spawnSync(findTool('python3')!, ['-c', harness, join(dir, 'config.py'), own, String(code)], {
      encoding: 'utf8',
    });
    return { code: run.status, out: run.stdout, err: run.stderr };
  };

  it('a worker stopping cleanly runs the exit handlers and skips the slow interpreter teardown, exit 0', () => {
    const run = workerExit(0);
    assert.equal(run.code, 0, run.err);
    // The workers share the app the master loaded (memory), unless the project says otherwise.
    assert.match(run.out, /preload_app=True/);
    assert.match(run.out, /exit handlers ran/);
    assert.doesNotMatch(run.out, /interpreter teardown/);
  });

  it('a worker that fails to boot keeps its exit code, so gunicorn still sees the boot error', () => {
    const run = workerExit(3);
    assert.equal(run.code, 3, run.err);
    assert.match(run.out, /exit handlers ran/);
  });

  it('the project’s own gunicorn.conf.py still applies: its settings (preloading off too) and its worker_exit hook', () => {
    const run = workerExit(
      0,
      'workers = 7\npreload_app = False\n\ndef worker_exit(server, worker):\n    print("project hook ran", flush=True)\n',
    );
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /workers=7 preload_app=False/);
    assert.match(run.out, /project hook ran\n(.*\n)*exit handlers ran/);
  });
});
