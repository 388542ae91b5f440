import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ejs from 'ejs';
import { emptyDetection } from '../../../../lib/detect-empty.js';
import { buildModel } from '../../../../lib/model.js';
import { resolveSettings } from '../../../../lib/resolve.js';
import { literal, PORT, READINESS_PATH } from '../../../support/defaults.js';
import { runGenerator } from '../../../support/run.js';
import { scriptsProject } from '../../../support/scripts-fixture.js';
import { requireTool } from '../../../support/tools.js';
import { DIST } from '../../../support/repo.js';

const SCRIPTS = ['entrypoint.sh', 'healthcheck.sh', 'wait-for-it.sh'];

/** Settings that change what the scripts contain (paths, port, health path), plus all-in-one mode. */
const VARIANTS: Record<string, unknown>[] = [
  {},
  { 'app-dir': 'backend/api', port: '9000', 'health-path': '/-/healthz' },
  { 'app-dir': 'src', celery: true, 'process-manager': 'supervisord' },
];

const read = (project: string, file: string): string => readFileSync(join(project, file), 'utf8');

describe('py-docker:scripts', function () {
  it('a new user runs `yo py-docker:scripts --yes` and gets executable scripts in docker/, no supervisord.conf', async () => {
    const project = await scriptsProject();
    for (const name of SCRIPTS) {
      const mode = statSync(join(project, 'docker', name)).mode;
      assert.equal(mode & 0o111, 0o111, `docker/${name} is not executable (mode ${mode.toString(8)})`);
      assert.match(read(project, `docker/${name}`), /^#!\/bin\/sh\n(#.*\n)*set -eu\n/, name);
    }
    assert.equal(existsSync(join(project, 'docker', 'supervisord.conf')), false);
    assert.match(read(project, 'docker/entrypoint.sh'), /\nexec "\$@"\n$/);
  });

  it('re-running with the same answers reports every file identical and changes nothing', async () => {
    const options = { yes: true, 'process-manager': 'supervisord', celery: true };
    const first = await runGenerator('scripts', { options });
    const files = [
      ...SCRIPTS.map((s) => `docker/${s}`),
      'docker/gunicorn.conf.py',
      'docker/python/docker_health.py',
      'docker/python/docker_settings.py',
      'docker/supervisord.conf',
    ];
    const before = files.map((f) => statSync(join(first.cwd, f)));
    // force: false, so the conflicter compares instead of forcing (as `yo` does for a user).
    const again = await runGenerator('scripts', { cwd: first.cwd, options, envOptions: { force: false } });
    const log = (
      again.env.adapter as unknown as { log: Record<string, { mock: { calls: { arguments: unknown[] }[] } }> }
    ).log;
    const reported = (status: string): string[] => log[status]!.mock.calls.map((c) => String(c.arguments[0]));
    // .yo-rc.json too: unchanged, it is compared like the rest rather than forced (lib/writer.ts).
    assert.deepEqual(reported('identical').sort(), [...files, '.yo-rc.json'].sort());
    assert.deepEqual(reported('conflict'), []);
    files.forEach((f, i) =>
      assert.equal(statSync(join(first.cwd, f)).mtimeMs, before[i]!.mtimeMs, `${f} rewritten`),
    );
  });

  it('switching all-in-one mode off again removes the supervisord.conf it generated', async () => {
    const first = await runGenerator('scripts', { options: { yes: true, 'process-manager': 'supervisord' } });
    assert.ok(existsSync(join(first.cwd, 'docker/supervisord.conf')));
    await runGenerator('scripts', { cwd: first.cwd, options: { yes: true, 'process-manager': 'gunicorn' } });
    assert.equal(existsSync(join(first.cwd, 'docker/supervisord.conf')), false);
    assert.ok(existsSync(join(first.cwd, 'docker/entrypoint.sh')));
  });

  it('the settings that shape the scripts really change them (so the lint runs below cover different text)', async () => {
    const [plain, custom] = await Promise.all([scriptsProject(VARIANTS[0]), scriptsProject(VARIANTS[1])]);
    assert.match(read(custom, 'docker/entrypoint.sh'), /cd "\$here\/\.\.\/backend\/api"/);
    assert.match(read(plain, 'docker/entrypoint.sh'), /cd "\$here\/\.\."/);
    assert.match(
      read(custom, 'docker/healthcheck.sh'),
      /port=\$\{PORT:-9000\}\npath=\$\{READINESS_PATH:-\/-\/healthz\/ready\}\nif \[ "\$\{1:-\}" = --live \]; then\n {2}path=\$\{HEALTH_PATH:-\/-\/healthz\}/,
    );
    assert.match(
      read(plain, 'docker/healthcheck.sh'),
      literal(`port=\${PORT:-${PORT}}\npath=\${READINESS_PATH:-${READINESS_PATH}}`),
    );
  });

  describe('lint and syntax of every variant', function () {
    let shellcheck: string;
    let busybox: string;
    let dash: string;
    before(function () {
      shellcheck = requireTool(this, 'shellcheck');
      busybox = requireTool(this, 'busybox');
      dash = requireTool(this, 'dash');
    });

    for (const variant of VARIANTS) {
      it(`shellcheck -s sh, busybox sh -n and dash -n pass with ${JSON.stringify(variant)}`, async () => {
        const project = await scriptsProject(variant);
        const files = SCRIPTS.map((s) => join(project, 'docker', s));
        const lint = spawnSync(shellcheck, ['-s', 'sh', '-S', 'style', ...files], { encoding: 'utf8' });
        assert.equal(lint.status, 0, lint.stdout + lint.stderr);
        for (const file of files) {
          execFileSync(busybox, ['sh', '-n', file]);
          execFileSync(dash, ['-n', file]);
        }
      });
    }
  });

  describe('README.Docker.md section (scripts/templates/readme.md.ejs)', function () {
    const template = join(DIST, 'generators', 'scripts', 'templates', 'readme.md.ejs');

    const render = async (flags: Record<string, unknown>): Promise<string> => {
      const { settings } = await resolveSettings({
        flags,
        stored: {},
        detection: emptyDetection(),
        askable: new Set(),
      });
      const m = buildModel(settings);
      return ejs.render(readFileSync(template, 'utf8'), { m, s: settings }, { filename: template });
    };

    it('documents every environment variable the generated scripts read', async () => {
      const project = await scriptsProject();
      const used = new Set(
        SCRIPTS.flatMap((s) =>
          [...read(project, `docker/${s}`).matchAll(/\$\{?([A-Z][A-Z0-9_]+)/g)].map((x) => x[1]!),
        ),
      );
      used.delete('IFS'); // the shell's own
      assert.ok(used.has('WAIT_FOR') && used.has('HEALTH_PATH'), [...used].join(' '));
      const readme = await render({});
      for (const name of used) assert.ok(readme.includes(`\`${name}\``), `${name} is not documented`);
    });

    it('explains all-in-one mode with the real programs when it is on, and how to turn it on when off', async () => {
      const on = await render({
        processManager: 'supervisord',
        celery: true,
        settingsModule: 'shop.settings',
      });
      assert.match(on, /### All-in-one mode/);
      assert.match(on, /celery -A shop worker/);
      assert.match(on, /supervisord -c \/app\/docker\/supervisord\.conf/);
      const off = await render({});
      assert.doesNotMatch(off, /### All-in-one mode/);
      assert.match(off, /--process-manager supervisord/);
    });
  });
});
