/**
 * A project with its own Dockerfile and compose file (the shape of Docker's "Compose and Django"
 * quickstart): `yo py-docker --yes` must not change what the user's files do. The generated container
 * set is held back under names Docker and Compose do not read, and `--force` adopts it whole.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { heldBackSummary, isHeldBackPath, ownContainerFiles } from '../../../lib/held-back.js';
import { printed, runGenerator, snapshotFolder } from '../../support/run.js';
import { requireTool } from '../../support/tools.js';
import { validateProject, formatFindings } from '../../support/validate-project.js';
import { fixturePath } from '../../support/repo.js';

const QUICKSTART_DOCKERFILE = `FROM python:3.12
ENV PYTHONDONTWRITEBYTECODE=1
ENV PYTHONUNBUFFERED=1
WORKDIR /code
COPY requirements.txt /code/
RUN pip install -r requirements.txt
COPY . /code/
`;
const QUICKSTART_COMPOSE = `services:
  db:
    image: postgres
    volumes:
      - ./data/db:/var/lib/postgresql/data
    environment:
      - POSTGRES_DB=postgres
      - POSTGRES_USER=postgres
      - POSTGRES_PASSWORD=\${POSTGRES_PASSWORD:-postgres}
  web:
    build: .
    command: python manage.py runserver 0.0.0.0:8000
    volumes:
      - .:/code
    ports:
      - "8000:8000"
    environment:
      - POSTGRES_NAME=postgres
      - POSTGRES_USER=postgres
      - POSTGRES_PASSWORD=\${POSTGRES_PASSWORD:-postgres}
    depends_on:
      - db
`;

/** startproject's output (made by Django) with the quickstart's Docker files beside it. */
function quickstartProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'py-docker-own-'));
  cpSync(fixturePath('startproject'), dir, {
    recursive: true,
  });
  writeFileSync(join(dir, 'requirements.txt'), 'Django>=4.2,<5.0\npsycopg2-binary>=2.8\n');
  writeFileSync(join(dir, 'Dockerfile'), QUICKSTART_DOCKERFILE);
  writeFileSync(join(dir, 'docker-compose.yml'), QUICKSTART_COMPOSE);
  return dir;
}

const composeConfig = (compose: string, dir: string): string => {
  const result = spawnSync(compose, ['config'], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
  });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
};

describe("a project's own Docker files stay in charge", () => {
  it('the rules: own files are those the generator never wrote; what would change them is held back', () => {
    const exists = (path: string): boolean => ['Dockerfile', 'compose.yaml', 'manage.py'].includes(path);
    assert.deepEqual(ownContainerFiles(exists, {}), ['Dockerfile', 'compose.yaml']);
    assert.deepEqual(
      ownContainerFiles(exists, { Dockerfile: { hash: 'x', version: '0.2.0', part: 'docker' } }),
      ['compose.yaml'],
    );
    for (const path of [
      'Dockerfile',
      'docker-compose.override.yml',
      '.dockerignore',
      '.env',
      'docker/entrypoint.sh',
      '.devcontainer/devcontainer.json',
      // A workflow every push runs, and files that only work with our image.
      '.github/workflows/docker-build.yml',
      'container-structure-test.yaml',
      'k8s/base/deployment.yaml',
    ])
      assert.ok(isHeldBackPath(path), path);
    for (const path of [
      '.github/dependabot.yml',
      'README.Docker.md',
      'docker/python/docker_settings.py',
      'env.production',
    ])
      assert.ok(!isHeldBackPath(path), path);
    assert.deepEqual(heldBackSummary(['Dockerfile'], []), []);
  });

  it('a new user with their own Dockerfile and docker-compose.yml runs `yo py-docker --yes`: their `docker compose config` is byte-identical, the set is held back, and the summary says how to adopt it', async function () {
    const compose = requireTool(this, 'docker-compose');
    const dir = quickstartProject();
    const before = composeConfig(compose, dir);
    const theirs = snapshotFolder(dir);
    const result = await runGenerator('app', { cwd: dir, options: { yes: true } });
    assert.equal(
      composeConfig(compose, dir),
      before,
      'their compose setup reads exactly what it read before',
    );
    for (const [path, { content }] of Object.entries(theirs))
      assert.equal(readFileSync(join(dir, path), 'latin1'), content, `${path} was changed`);
    for (const path of ['docker-compose.override.yml', '.env', '.dockerignore', 'docker/entrypoint.sh'])
      assert.ok(!existsSync(join(dir, path)), `${path} is in place, where Docker or Compose read it`);
    for (const path of [
      'Dockerfile',
      'docker-compose.yml',
      'docker-compose.override.yml',
      'docker/entrypoint.sh',
      '.github/workflows/docker-build.yml',
      'container-structure-test.yaml',
      'k8s/base/deployment.yaml',
    ]) {
      assert.ok(existsSync(join(dir, `${path}.py-docker-new`)), `${path} is not held back`);
    }
    for (const path of [
      '.github/workflows/docker-build.yml',
      'container-structure-test.yaml',
      'k8s/base/deployment.yaml',
    ])
      assert.ok(!existsSync(join(dir, path)), `${path} is in place, though it needs the held-back set`);
    assert.ok(
      !existsSync(join(dir, '.env.py-docker-new')),
      'no secrets file beside theirs (their build copies the folder)',
    );
    const log = printed(result);
    assert.match(log, /Your own Dockerfile, docker-compose\.yml stay in charge/);
    assert.match(log, /yo py-docker --force/);
    assert.match(log, /k8s\/\*\*\/\*\.py-docker-new \(\d+ manifests\)/);
    assert.doesNotMatch(log, /does not have yet/, 'the held-back workflow is not warned about');
  });

  it('`--force` adopts the whole set: every file in place, the held-back copies gone, and the folder passes every check', async function () {
    const dir = quickstartProject();
    await runGenerator('app', { cwd: dir, options: { yes: true } });
    await runGenerator('app', { cwd: dir, options: { yes: true, force: true } });
    for (const path of [
      'Dockerfile',
      'docker-compose.yml',
      'docker-compose.override.yml',
      '.env',
      'docker/entrypoint.sh',
      '.github/workflows/docker-build.yml',
      'k8s/base/deployment.yaml',
    ]) {
      assert.ok(existsSync(join(dir, path)), path);
      assert.ok(!existsSync(join(dir, `${path}.py-docker-new`)), `${path}.py-docker-new is left behind`);
    }
    assert.match(readFileSync(join(dir, 'Dockerfile'), 'utf8'), /^# Generated by generator-py-docker/);
    const findings = await validateProject(dir, { external: new Set() });
    assert.deepEqual(findings, [], formatFindings(findings));
  });
});
