import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { emptyDetection } from '../../../../lib/detect-empty.js';
import { resolveSettings } from '../../../../lib/resolve.js';
import { REQUIREMENT_PINS } from '../../../../generators/app/starter.js';
import {
  buildFlags,
  e2eMode,
  imagesFor,
  modeName,
  REAL_IMAGES_VAR,
  verifyOptions,
} from '../../../support/e2e-mode.js';
import { repoPath } from '../../../support/repo.js';

/** What scripts/provision/all.sh writes into provision.env (the values of this machine's stand-ins). */
const PROVISIONED = {
  PY_IMAGE_EXACT: 'python:3.13.5-slim-trixie',
  NODE_IMAGE_EXACT: 'node:20.19.2-trixie-slim',
  POSTGRES_IMAGE: 'postgres:17-alpine',
  REDIS_IMAGE: 'redis:7.4-alpine',
  PY_DOCKER_PYTHON_VERSION: '3.13.5',
  PY_DOCKER_NODE_VERSION: '20.19.2',
  PY_DOCKER_NPM_VERSION: '10.8.2',
  PY_DOCKER_INDEX_URL: 'http://127.0.0.1:3141/simple/',
  PY_DOCKER_TRUSTED_HOST: '127.0.0.1',
  PY_DOCKER_WHEEL_DJANGO_VERSION: '4.2.28',
  PY_DOCKER_WHEEL_GUNICORN_VERSION: '23.0.0',
  PY_DOCKER_WHEEL_PSYCOPG_VERSION: '3.2.6',
  PY_DOCKER_WHEEL_WHITENOISE_VERSION: '6.8.2',
  PY_DOCKER_WHEEL_PYTEST_VERSION: '8.3.5',
  PY_DOCKER_WHEEL_PYTEST_DJANGO_VERSION: '4.5.2',
};

async function defaults() {
  return (await resolveSettings({ flags: {}, stored: {}, detection: emptyDetection(), askable: new Set() }))
    .settings;
}

describe('the end-to-end mode (test/support/e2e-mode.ts)', () => {
  it(`${REAL_IMAGES_VAR}=1 and only 1 selects real images; unset, empty or 0 the stand-ins; anything else is refused`, () => {
    assert.equal(modeName({ [REAL_IMAGES_VAR]: '1' }), 'real-images');
    for (const off of [undefined, '', '0']) assert.equal(modeName({ [REAL_IMAGES_VAR]: off }), 'stand-ins');
    assert.equal(modeName({}), 'stand-ins');
    for (const typo of ['true', 'yes', ' 1', '2', 'on']) {
      assert.throws(
        () => modeName({ [REAL_IMAGES_VAR]: typo }),
        new RegExp(`^Error: ${REAL_IMAGES_VAR}=.*allowed: 1 .*0 or unset`),
        typo,
      );
    }
  });

  it('a developer on this machine gets the stand-ins: the provisioned versions, the offline index on the host network, no Alpine case', async () => {
    const mode = await e2eMode(PROVISIONED);
    assert.equal(mode.name, 'stand-ins');
    assert.equal(mode.imageSource, 'local');
    // The images the generated projects ask for are exactly the tags scripts/provision made.
    assert.deepEqual(
      [...mode.images].sort(),
      [
        PROVISIONED.PY_IMAGE_EXACT,
        PROVISIONED.NODE_IMAGE_EXACT,
        PROVISIONED.POSTGRES_IMAGE,
        PROVISIONED.REDIS_IMAGE,
      ].sort(),
    );
    assert.deepEqual(mode.flags.starter, {
      variant: 'slim',
      'debian-release': 'trixie',
      'python-version': '3.13.5',
      'node-version': '20.19.2',
      'npm-version': '10.8.2',
      'django-version': '4.2.28',
    });
    assert.deepEqual(mode.flags.existing, {
      variant: 'slim',
      'debian-release': 'trixie',
      'python-version': '3.13.5',
      'node-version': '20.19.2',
      'npm-version': '10.8.2',
    });
    assert.equal(mode.versions.psycopg, '3.2.6');
    assert.equal(mode.versions.pytestDjango, '4.5.2');
    assert.deepEqual(mode.buildArgs, [
      'PIP_INDEX_URL=http://127.0.0.1:3141/simple/',
      'PIP_TRUSTED_HOST=127.0.0.1',
    ]);
    assert.equal(mode.buildNetwork, 'host');
    assert.equal(mode.indexUrl, PROVISIONED.PY_DOCKER_INDEX_URL);
    assert.deepEqual(verifyOptions(mode), {
      'build-arg': 'PIP_INDEX_URL=http://127.0.0.1:3141/simple/,PIP_TRUSTED_HOST=127.0.0.1',
      'build-network': 'host',
    });
    assert.deepEqual(buildFlags(mode, ['X=1']), [
      '--network',
      'host',
      '--build-arg',
      'PIP_INDEX_URL=http://127.0.0.1:3141/simple/',
      '--build-arg',
      'PIP_TRUSTED_HOST=127.0.0.1',
      '--build-arg',
      'X=1',
    ]);
    assert.equal(mode.cases.alpine.runs, false);
    assert.match(
      mode.cases.alpine.runs ? '' : mode.cases.alpine.why,
      /offline.*PY_DOCKER_E2E_REAL_IMAGES=1.*GitHub workflow/,
    );
  });

  it('stand-ins without provision.env sourced: an error that names the missing variable and scripts/e2e.sh', async () => {
    const partial = { ...PROVISIONED, PY_DOCKER_INDEX_URL: undefined };
    await assert.rejects(
      e2eMode(partial),
      /PY_DOCKER_INDEX_URL is not set: run the suite with scripts\/e2e\.sh/,
    );
  });

  it('the GitHub workflow (real images): the generator defaults, official images, PyPI on the normal network, the Alpine case runs', async () => {
    // A provision.env sourced by mistake changes nothing: real images never use the offline index.
    const mode = await e2eMode({ ...PROVISIONED, [REAL_IMAGES_VAR]: '1' });
    const d = await defaults();
    assert.equal(mode.name, 'real-images');
    assert.equal(mode.imageSource, 'pull');
    assert.deepEqual(mode.flags.starter, { variant: 'slim' });
    assert.deepEqual(mode.flags.alpine, { variant: 'alpine' });
    assert.deepEqual(mode.flags.allInOne, {
      variant: 'slim',
      'process-manager': 'supervisord',
      celery: true,
      redis: true,
    });
    assert.deepEqual(
      [mode.versions.python, mode.versions.node, mode.versions.npm, mode.versions.django],
      [d.pythonVersion, d.nodeVersion, d.npmVersion, d.djangoVersion],
    );
    assert.equal(mode.versions.gunicorn, REQUIREMENT_PINS.gunicorn.version);
    assert.equal(mode.versions.psycopg, REQUIREMENT_PINS.psycopg.version);
    assert.deepEqual(mode.buildArgs, []);
    assert.equal(mode.buildNetwork, undefined);
    assert.equal(mode.indexUrl, undefined);
    assert.deepEqual(verifyOptions(mode), {});
    assert.deepEqual(buildFlags(mode), []);
    assert.deepEqual(mode.cases.alpine, { runs: true });
    // Slim (Debian default release) and Alpine images of the default versions, pulled once each.
    const slimPython = `python:${d.pythonVersion}-slim-${d.debianRelease}`;
    const alpinePython = `python:${d.pythonVersion}-alpine${d.alpineVersion}`;
    assert.deepEqual(
      [...mode.images].sort(),
      [
        slimPython,
        `node:${d.nodeVersion}-${d.debianRelease}-slim`,
        alpinePython,
        `node:${d.nodeVersion}-alpine${d.alpineVersion}`,
        `postgres:${d.postgresVersion}-alpine`,
        `redis:${d.redisVersion}-alpine`,
      ].sort(),
    );
    assert.equal(new Set(mode.images).size, mode.images.length);
  });

  it('the images of a flag set come from the generator model, and an unknown flag is refused', async () => {
    assert.deepEqual(await imagesFor({ variant: 'alpine', 'alpine-version': '3.20', postgres: false }), [
      'python:3.9.21-alpine3.20',
      'node:18.20.7-alpine3.20',
    ]);
    await assert.rejects(imagesFor({ 'python-versoin': '3.12.8' }), /--python-versoin is not a flag/);
  });

  it("the repository's CI e2e job selects real images and runs the e2e stage of `.ci/run` (npm run test:e2e, CI=true)", () => {
    const workflow = parse(readFileSync(repoPath('.github', 'workflows', 'ci.yml'), 'utf8')) as {
      jobs: Record<string, { env?: Record<string, string>; steps: { run?: string }[]; container?: unknown }>;
    };
    const job = workflow.jobs.e2e!;
    assert.equal(modeName(job.env ?? {}), 'real-images');
    assert.equal(job.container, undefined, 'the runner itself, where Docker is');
    const runs = job.steps.map((s) => s.run ?? '').join('\n');
    // generators/ci/actions.repository-ci.test.ts runs the stage: npm ci, then npm run test:e2e, with CI=true.
    assert.match(runs, /^\.ci\/run e2e$/m);
    assert.doesNotMatch(runs, /scripts\/provision|apt-get/, 'nothing of the offline provisioning');
    const stage = /^stage_e2e\(\) \{\n([^}]*)\}/m.exec(
      readFileSync(repoPath('scripts', 'test-all.sh'), 'utf8'),
    )?.[1];
    assert.match(stage ?? '', /^\s*npm run test:e2e$/m);
    assert.doesNotMatch(stage ?? '', /scripts\/provision|apt-get/, 'nothing of the offline provisioning');
  });
});
