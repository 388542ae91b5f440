/**
 * Existing Django projects as they are: a new user runs `yo py-docker --yes` in a project nobody wrote
 * for this generator (only the version flags that match the mode's images), then `yo py-docker:verify`
 * passes every step, and the development stack (`docker compose up`) serves the project's home page.
 * The project's own files are never edited.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildHereFiles,
  chownTree,
  composeDown,
  freePort,
  generate,
  must,
  newFolder,
  projectName,
  requireEngine,
  runVerify,
  waitFor,
  type E2eMode,
  type VerifyRun,
} from '../support/e2e-docker.js';
import {
  ASGI_MARKER,
  asgiOnlyProject,
  PACKAGE_MARKER,
  settingsPackageProject,
  SRC_MARKER,
  startproject,
  srcLayoutProject,
  TUTORIAL_MARKER,
  tutorialProject,
  YARN_VERSION,
  yarnSubfolderProject,
} from '../support/e2e-projects.js';
import { snapshotFolder } from '../support/run.js';
import { ENGINE_STEP } from '../../generators/verify/failures.js';

const STRUCTURE_STEP = 'container-structure-test';

/** Every step passed (container-structure-test passes, or says it is not installed). */
function assertAllPass(run: VerifyRun): void {
  console.log(run.table.replace(/^/gm, '        '));
  assert.equal(run.results[0]?.name, ENGINE_STEP, run.table);
  assert.ok(run.results.length >= 15, run.table);
  for (const step of run.results) {
    if (step.name === STRUCTURE_STEP && step.status === 'skip')
      assert.equal(step.detail, 'container-structure-test is not installed');
    else assert.equal(step.status, 'pass', `${step.name}: ${step.detail}\n${run.table}`);
  }
  assert.equal(run.error, undefined, run.error?.message);
}

/** `docker compose up` (base + override) serves `path` with `marker` in the page; then down. */
async function developmentServes(mode: E2eMode, dir: string, path: string, marker: string): Promise<void> {
  // The folder belongs to the developer (HOST_UID 1000 in .env), like a checkout: runserver runs as them.
  chownTree(dir, 1000, 1000);
  const port = await freePort();
  const project = `${projectName(dir)}-dev`;
  const env = { ...process.env, WEB_PORT: String(port), IMAGE_TAG: 'e2e-dev' };
  const files = ['-f', 'docker-compose.yml', '-f', 'docker-compose.override.yml', ...buildHereFiles(mode)];
  try {
    await must(
      'docker',
      ['compose', '-p', project, ...files, 'up', '-d', '--build', '--wait', '--wait-timeout', '240'],
      1_200_000,
      { cwd: dir, env },
    );
    const page = await waitFor(`runserver serves ${path}`, 60_000, async () => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      return response.ok ? response.text() : undefined;
    });
    assert.ok(page.includes(marker), `${path} does not show ${marker}:\n${page.slice(0, 500)}`);
  } finally {
    await composeDown(project);
  }
}

/** The project's own files after generation, unchanged (what the generator writes is not theirs). */
function assertUntouched(dir: string, before: Record<string, { content: string }>): void {
  const after = snapshotFolder(dir);
  for (const [path, { content }] of Object.entries(before))
    assert.equal(after[path]?.content, content, `${path} was changed`);
}

describe('existing Django projects in real containers, as they are', function () {
  let mode: E2eMode;

  before(async function () {
    this.timeout(720_000);
    mode = await requireEngine(this);
  });

  it('(a) `django-admin startproject mysite .`, untouched: `yo py-docker --yes` then verify passes every step, and the development stack serves the start page', async function () {
    this.timeout(1_800_000);
    const dir = newFolder();
    await startproject(mode, dir);
    const before = snapshotFolder(dir);
    await generate(
      {
        ...mode.flags.existing,
        'python-version': mode.versions.python,
        'django-version': mode.versions.django,
      },
      dir,
    );
    assertUntouched(dir, before);
    // No dependency file: one with the project's Django; what the container needs comes beside it.
    assert.match(
      readFileSync(join(dir, 'requirements.txt'), 'utf8'),
      new RegExp(`^Django==${mode.versions.django}$`, 'm'),
    );
    assert.match(readFileSync(join(dir, 'docker/requirements.txt'), 'utf8'), /^gunicorn==/m);
    // No package.json: no Node.js anywhere.
    const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    assert.doesNotMatch(dockerfile, /^FROM node|AS assets$|--from=assets/m);
    assertAllPass(await runVerify(mode, dir));
    await developmentServes(mode, dir, '/', 'The install worked successfully!');
  });

  it('(b) a tutorial-style project (hard-coded ALLOWED_HOSTS, python-dotenv, dj-database-url, WhiteNoise, runtime.txt, no npm): verify passes every step and the development stack serves its catalog', async function () {
    this.timeout(1_800_000);
    const dir = newFolder();
    tutorialProject(mode, dir);
    const before = snapshotFolder(dir);
    await generate(mode.flags.existing, dir);
    assertUntouched(dir, before);
    assertAllPass(await runVerify(mode, dir));
    await developmentServes(mode, dir, '/', TUTORIAL_MARKER);
  });

  it('(c) a settings package (base/dev/production) reading its environment with django-environ, pyproject.toml, and a Vite build into a Django static folder: verify passes every step and the development stack serves the home page', async function () {
    this.timeout(1_800_000);
    const dir = newFolder();
    await settingsPackageProject(mode, dir);
    const before = snapshotFolder(dir);
    await generate(mode.flags.existing, dir);
    assertUntouched(dir, before);
    const stored = JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-py-docker'];
    assert.deepEqual(
      [stored.settingsModule, stored.devSettingsModule, stored.frontend, stored.assetsDir, stored.pythonDeps],
      ['config.settings.production', 'config.settings.dev', 'npm', 'shop/static/dist', 'pyproject'],
      'detected from the project',
    );
    // The watch script writes files (vite build --watch), never the in-memory dev server.
    assert.match(readFileSync(join(dir, 'docker-compose.override.yml'), 'utf8'), /exec npm run watch/);
    assertAllPass(await runVerify(mode, dir));
    await developmentServes(mode, dir, '/', PACKAGE_MARKER);
  });

  it('(d) a src/ layout with manage.py at the root: verify passes every step and the development stack serves the home page', async function () {
    this.timeout(1_800_000);
    const dir = newFolder();
    srcLayoutProject(mode, dir);
    const before = snapshotFolder(dir);
    await generate(mode.flags.existing, dir);
    assertUntouched(dir, before);
    const stored = JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-py-docker'];
    assert.equal(stored.settingsModule, 'shop.settings');
    assert.equal(stored.pythonPath, 'src');
    assertAllPass(await runVerify(mode, dir));
    await developmentServes(mode, dir, '/', SRC_MARKER);
  });

  it('a yarn build in a subfolder (project-static/ with its own package.json, yarn.lock made by yarn, a `bundle` script, as netbox keeps it): yarn runs through corepack and verify passes every step', async function () {
    this.timeout(1_800_000);
    const dir = newFolder();
    await yarnSubfolderProject(mode, dir);
    const before = snapshotFolder(dir);
    await generate(mode.flags.existing, dir);
    assertUntouched(dir, before);
    const stored = JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-py-docker'];
    assert.deepEqual(
      [
        stored.frontend,
        stored.packageManager,
        stored.packageManagerVersion,
        stored.buildScript,
        stored.assetsDir,
      ],
      ['npm', 'yarn', YARN_VERSION, 'bundle', 'project-static/dist'],
      'detected from project-static/package.json',
    );
    const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    assert.match(
      dockerfile,
      /^COPY project-static\/package\.json project-static\/yarn\.lock \/app\/project-static\/$/m,
    );
    assert.match(dockerfile, new RegExp(`corepack yarn@${YARN_VERSION} install --frozen-lockfile`));
    assert.match(dockerfile, new RegExp(`corepack yarn@${YARN_VERSION} run bundle`));
    // The registry reachable offline publishes no package signatures (corepack checks them otherwise).
    const corepack =
      mode.imageSource === 'local'
        ? { ...mode, buildArgs: [...mode.buildArgs, 'COREPACK_INTEGRITY_KEYS=0'] }
        : mode;
    assertAllPass(await runVerify(corepack, dir));
  });

  it('an ASGI-only project (asgi.py, ASGI_APPLICATION, an async view, no wsgi.py): served by uvicorn workers, verify passes every step', async function () {
    this.timeout(1_800_000);
    const dir = newFolder();
    asgiOnlyProject(mode, dir);
    const before = snapshotFolder(dir);
    await generate(mode.flags.existing, dir);
    assertUntouched(dir, before);
    const stored = JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-py-docker'];
    assert.deepEqual([stored.server, stored.asgiApplication], ['uvicorn', 'live.asgi:application']);
    assert.match(
      readFileSync(join(dir, 'Dockerfile'), 'utf8'),
      /"--worker-class", "uvicorn\.workers\.UvicornWorker", "live\.asgi:application"\]$/m,
    );
    assert.match(readFileSync(join(dir, 'docker/requirements.txt'), 'utf8'), /^uvicorn==/m);
    assertAllPass(await runVerify(mode, dir));
    await developmentServes(mode, dir, '/', ASGI_MARKER);
  });

  it('a project with its own Dockerfile and docker-compose.yml (Compose and Django quickstart): `--yes` leaves its `docker compose config` byte-identical; the held-back set, adopted with `--force`, passes verify', async function () {
    this.timeout(1_800_000);
    const dir = newFolder();
    await startproject(mode, dir);
    writeFileSync(
      join(dir, 'requirements.txt'),
      `Django==${mode.versions.django}\npsycopg==${mode.versions.psycopg}\n`,
    );
    writeFileSync(
      join(dir, 'Dockerfile'),
      'FROM python:3.12\nENV PYTHONUNBUFFERED=1\nWORKDIR /code\nCOPY requirements.txt /code/\nRUN pip install -r requirements.txt\nCOPY . /code/\n',
    );
    writeFileSync(
      join(dir, 'docker-compose.yml'),
      'services:\n  web:\n    build: .\n    command: python manage.py runserver 0.0.0.0:8000\n    ports:\n      - "8000:8000"\n',
    );
    const config = async (): Promise<string> =>
      (await must('docker', ['compose', 'config'], 60_000, { cwd: dir })).stdout;
    const before = await config();
    await generate({ ...mode.flags.existing, 'django-version': mode.versions.django }, dir);
    assert.equal(await config(), before, 'their compose setup is unchanged');
    await generate({ ...mode.flags.existing, 'django-version': mode.versions.django, force: true }, dir);
    assert.match(readFileSync(join(dir, 'Dockerfile'), 'utf8'), /^# Generated by generator-py-docker/);
    assertAllPass(await runVerify(mode, dir));
  });
});
