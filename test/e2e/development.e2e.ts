/**
 * Development for real: `docker compose up` with the override (bind mount, runserver, the host user's
 * uid) and the dev container opened with @devcontainers/cli. The project folders are handed to a
 * non-root user first, like a developer's own checkout (the suite itself runs as root).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildHereFiles,
  chownTree,
  composeDown,
  copyProject,
  dockerWithBuildFiles,
  freePort,
  generate,
  must,
  projectName,
  requireEngine,
  starterProject,
  waitFor,
  type E2eMode,
} from '../support/e2e-docker.js';
import { repoPath } from '../support/repo.js';
import { HEALTH_PATH } from '../support/defaults.js';

/** A host user that is neither root nor the images' default 1000. */
const HOST_UID = 2345;
const DEVCONTAINER_CLI = repoPath('node_modules', '.bin', 'devcontainer');

const stored = (dir: string): Record<string, string> =>
  JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-py-docker'];

describe('development in real containers', function () {
  let mode: E2eMode;

  before(async function () {
    this.timeout(120_000);
    mode = await requireEngine(this);
  });

  it("development override: a file created in the bind mount belongs to the host user's uid, and a code change is picked up without a rebuild", async function () {
    this.timeout(1_200_000);
    const dir = copyProject(await starterProject(mode));
    chownTree(dir, HOST_UID, HOST_UID);
    const port = await freePort();
    const project = `${projectName(dir)}-dev`;
    // HOST_UID/HOST_GID and WEB_PORT from the environment win over .env, as for a user who exports them.
    const composeEnv = {
      ...process.env,
      HOST_UID: String(HOST_UID),
      HOST_GID: String(HOST_UID),
      WEB_PORT: String(port),
      IMAGE_TAG: `e2e-${HOST_UID}`,
    };
    const files = ['-f', 'docker-compose.yml', '-f', 'docker-compose.override.yml', ...buildHereFiles(mode)];
    const compose = (args: string[], timeoutMs = 120_000) =>
      must('docker', ['compose', '-p', project, ...files, ...args], timeoutMs, { cwd: dir, env: composeEnv });
    try {
      await compose(['up', '-d', '--build', '--wait', '--wait-timeout', '240'], 1_200_000);

      const created = await compose([
        'exec',
        '-T',
        'web',
        'sh',
        '-c',
        'id -u && touch /app/e2e-created-in-container',
      ]);
      assert.equal(created.stdout.trim(), String(HOST_UID), 'runserver runs as the host uid');
      assert.equal(statSync(join(dir, 'e2e-created-in-container')).uid, HOST_UID);
      assert.equal(statSync(join(dir, 'e2e-created-in-container')).gid, HOST_UID);
      // The assets service builds into the bind mount as the host user too.
      const built = join(dir, stored(dir).assetsDir!, 'main.js');
      await waitFor('assets built', 60_000, async () =>
        statSync(built, { throwIfNoEntry: false }) ? true : undefined,
      );
      assert.equal(statSync(built).uid, HOST_UID);

      // The health middleware of the container settings answers the probe, whatever the Host.
      const health = await fetch(`http://127.0.0.1:${port}${HEALTH_PATH}`);
      assert.equal(await health.text(), 'ok\n');
      const url = `http://127.0.0.1:${port}/`;
      const body = async (): Promise<string> => (await fetch(url)).text();
      assert.match(await body(), /is running/);
      const before = (await compose(['ps', '--format', '{{.ID}} {{.Image}}', 'web'])).stdout.trim();
      const views = join(dir, stored(dir).settingsModule!.split('.')[0]!, 'views.py');
      const source = readFileSync(views, 'utf8');
      assert.ok(source.includes('"django_version": django.get_version()'));
      writeFileSync(
        views,
        source.replace('"django_version": django.get_version()', '"django_version": "edited"'),
      );
      await waitFor('runserver reloads the edited view', 60_000, async () =>
        (await body().catch(() => '')).includes('Django edited is running') ? true : undefined,
      );
      const after = (await compose(['ps', '--format', '{{.ID}} {{.Image}}', 'web'])).stdout.trim();
      assert.equal(after, before, 'same container and image: no rebuild, no restart');
    } finally {
      await composeDown(project);
    }
  });

  it('the dev stack with node_modules in a volume: filled from the development image as the host user, nothing in the checkout, no second install, and the assets folder there before the settings load', async function () {
    this.timeout(1_200_000);
    const dir = copyProject(await starterProject(mode));
    // A dependency, so node_modules holds a package (installed from the registry in the image build).
    await must('npm', ['install', 'ms@2.1.3', '--package-lock-only', '--no-audit', '--no-fund'], 300_000, {
      cwd: dir,
    });
    const assetsDir = stored(dir).assetsDir!;
    rmSync(join(dir, assetsDir), { recursive: true, force: true });
    chownTree(dir, HOST_UID, HOST_UID);
    const port = await freePort();
    const project = `${projectName(dir)}-modules`;
    const composeEnv = {
      ...process.env,
      HOST_UID: String(HOST_UID),
      HOST_GID: String(HOST_UID),
      WEB_PORT: String(port),
      IMAGE_TAG: `e2e-modules-${HOST_UID}`,
    };
    const files = ['-f', 'docker-compose.yml', '-f', 'docker-compose.override.yml', ...buildHereFiles(mode)];
    const compose = (args: string[], timeoutMs = 120_000) =>
      must('docker', ['compose', '-p', project, ...files, ...args], timeoutMs, { cwd: dir, env: composeEnv });
    try {
      await compose(['build', 'web'], 1_200_000);
      // Before any assets build: the entrypoint makes the folder, so the settings find it.
      const settings = await compose([
        'run',
        '--rm',
        '--no-deps',
        '-e',
        'WAIT_FOR=',
        '-e',
        'DJANGO_MIGRATE=false',
        'web',
        'python',
        '-c',
        'import os, django; django.setup(); from django.conf import settings; d = os.environ["DJANGO_ASSETS_DIR"]; print(os.path.isdir(d), d in [str(x) for x in settings.STATICFILES_DIRS])',
      ]);
      assert.equal(settings.stdout.trim().split('\n').at(-1), 'True True', settings.stdout);
      await compose(['up', '-d', '--build', '--wait', '--wait-timeout', '240'], 1_200_000);
      const listed = await compose([
        'exec',
        '-T',
        'web',
        'sh',
        '-c',
        'ls -A node_modules && stat -c %u node_modules/ms node_modules',
      ]);
      const out = listed.stdout.trim().split('\n');
      assert.ok(out.includes('ms') && out.includes('.py-docker-lockfile'), listed.stdout);
      assert.deepEqual(out.slice(-2), [String(HOST_UID), String(HOST_UID)], 'the volume is the host user`s');
      // The assets service mounts the same volume and sees the same packages.
      const seen = await compose(['exec', '-T', 'assets', 'ls', 'node_modules']);
      assert.match(seen.stdout, /^ms$/m);
      // Nothing of the Linux install in the checkout: at most the empty mount point.
      const hostModules = join(dir, 'node_modules');
      assert.deepEqual(existsSync(hostModules) ? readdirSync(hostModules) : [], []);
      // The image's install is current (its lockfile copy matches): the assets service installed nothing.
      const built = join(dir, assetsDir, 'main.js');
      await waitFor('assets built', 60_000, async () =>
        statSync(built, { throwIfNoEntry: false }) ? true : undefined,
      );
      const logs = await compose(['logs', '--no-color', 'assets']);
      assert.doesNotMatch(logs.stdout, /added \d+ package|up to date/, logs.stdout);
      // The dev container's post-create installs nothing: one owner for node_modules.
      assert.doesNotMatch(
        readFileSync(join(dir, '.devcontainer/post-create.sh'), 'utf8'),
        /npm (ci|install)/,
      );
    } finally {
      await composeDown(project);
    }
  });

  it('with Celery, the development worker and beat restart when a .py file in the bind mount changes (watchfiles)', async function () {
    this.timeout(1_500_000);
    const dir = await generate(mode.flags.allInOne);
    chownTree(dir, HOST_UID, HOST_UID);
    const project = `${projectName(dir)}-reload`;
    const composeEnv = {
      ...process.env,
      HOST_UID: String(HOST_UID),
      HOST_GID: String(HOST_UID),
      WEB_PORT: String(await freePort()),
      IMAGE_TAG: `e2e-reload`,
    };
    const files = ['-f', 'docker-compose.yml', '-f', 'docker-compose.override.yml', ...buildHereFiles(mode)];
    const compose = (args: string[], timeoutMs = 120_000) =>
      must('docker', ['compose', '-p', project, ...files, ...args], timeoutMs, { cwd: dir, env: composeEnv });
    const logs = async (service: string): Promise<string> => {
      const out = await compose(['logs', '--no-color', service]);
      return `${out.stdout}${out.stderr}`;
    };
    const count = (text: string, pattern: RegExp): number => text.match(pattern)?.length ?? 0;
    try {
      await compose(['build', 'web'], 1_200_000);
      await compose(['up', '-d', '--no-build', 'worker', 'beat'], 600_000);
      await waitFor('worker ready and beat started', 180_000, async () =>
        count(await logs('worker'), /celery@\S+ ready\./g) === 1 &&
        count(await logs('beat'), /beat: Starting\.\.\./g) === 1
          ? true
          : undefined,
      );
      const pkg = stored(dir).settingsModule!.split('.')[0]!;
      const celeryPy = join(dir, pkg, 'celery.py');
      writeFileSync(celeryPy, `${readFileSync(celeryPy, 'utf8')}\n# edited by the e2e test\n`);
      await waitFor('worker and beat restarted after the edit', 120_000, async () =>
        count(await logs('worker'), /celery@\S+ ready\./g) >= 2 &&
        count(await logs('beat'), /beat: Starting\.\.\./g) >= 2
          ? true
          : undefined,
      );
      assert.match(await logs('worker'), /change detected/i);
      // watchfiles restarts Celery inside the same container: no container restart.
      const ps = (await compose(['ps', '--format', '{{.Service}} {{.RunningFor}} {{.Status}}'])).stdout;
      assert.doesNotMatch(ps, /Restarting/, ps);
    } finally {
      await composeDown(project);
    }
  });

  it('the dev container opens: `devcontainer up` on the generated config, then `devcontainer exec` runs `python manage.py check` and `node --version` as the non-root user', async function () {
    this.timeout(1_200_000);
    const dir = copyProject(await starterProject(mode));
    // The folder belongs to the developer (uid 1000, the HOST_UID in .env).
    chownTree(dir, 1000, 1000);
    const docker = dockerWithBuildFiles(buildHereFiles(mode));
    const cli = (command: 'up' | 'exec', rest: string[], timeoutMs: number) =>
      must(
        DEVCONTAINER_CLI,
        [command, '--workspace-folder', dir, '--docker-path', docker, ...rest],
        timeoutMs,
        {
          cwd: dir,
        },
      );
    let composeProject: string | undefined;
    try {
      const up = await cli('up', [], 1_200_000);
      const outcome = JSON.parse(up.stdout.trim().split('\n').at(-1)!) as {
        outcome: string;
        remoteUser: string;
        composeProjectName: string;
      };
      composeProject = outcome.composeProjectName;
      assert.equal(outcome.outcome, 'success');
      assert.equal(outcome.remoteUser, 'app');

      // One exec (each one probes the user's environment first, as VS Code does): who, Django, Node.js.
      const exec = await cli(
        'exec',
        ['sh', '-c', 'id -u && python manage.py check && node --version'],
        300_000,
      );
      const [uid, ...rest] = exec.stdout.trim().split('\n');
      assert.notEqual(uid, '0', 'the remote user is not root');
      assert.equal(uid, '1000');
      assert.match(`${exec.stdout}${exec.stderr}`, /System check identified no issues/);
      assert.equal(rest.at(-1), `v${mode.versions.node}`);
    } finally {
      if (composeProject) await composeDown(composeProject);
    }
  });
});
