/** The pipeline's names and limits, and the jobs that build, test and scan the image before anything is pushed. */
import { CONTAINER_STRUCTURE_TEST } from './actions.js';
import type { Model } from '../../lib/model.js';
import { imageRegistry } from '../../lib/validate.js';
import { testImage, TESTS_SERVICE } from '../../lib/names.js';
import { Job, Step, action, checkout, run } from './workflow-model.js';

// ---------------------------------------------------------------------------------------------------
// The image pipeline of a generated project: .github/workflows/docker-build.yml

export const DEPENDABOT_PATH = '.github/dependabot.yml';
export const MAIN_BRANCH = 'main';
/** The registry whose token GitHub hands every workflow run (GITHUB_TOKEN with `packages: write`). */
export const GHCR = 'ghcr.io';
/** Files of other parts the workflow runs (docker, testing, k8s). */
export const PIPELINE_INPUTS = {
  dockerfile: 'Dockerfile',
  testCompose: 'docker-compose.test.yml',
  structureTests: 'container-structure-test.yaml',
} as const;
export const REGISTRY_SECRETS = { username: 'REGISTRY_USERNAME', password: 'REGISTRY_PASSWORD' } as const;
export const DEPLOY_ENVIRONMENT = 'staging';
export const DEPLOY_SECRETS = {
  kubeconfig: 'STAGING_KUBECONFIG',
  secretsEnv: 'STAGING_SECRETS_ENV',
} as const;
export const JOB_TIMEOUTS = { test: 45, scan: 30, push: 90, deploy: 30 } as const;
const SARIF_FILE = 'trivy-results.sarif';
export const RUNNER = 'ubuntu-latest';
/** The platform hosted x64 runners build natively; every other one needs QEMU. */
export const NATIVE_PLATFORM = 'linux/amd64';

/** The registry an image repository lives in (Docker Hub when it names none): one rule, in validate.ts. */
export { imageRegistry };

/** Why the registry setting cannot work with the image repository, or undefined. */
export function registryProblem(m: Model): string | undefined {
  const { registry, imageRepository } = m.s;
  const own = imageRegistry(imageRepository);
  return registry === own
    ? undefined
    : `${JSON.stringify(registry)} is not the registry of the image ${JSON.stringify(imageRepository)} (${own}), so the pushed image would not be the one deployed; allowed: --registry ${own}, or an --image under ${registry}`;
}

/** The image built for the tests, as docker-compose.test.yml names it (its web service reuses it). */
const localTestImage = (m: Model): string => testImage(m);

/**
 * Builds the production target into the local Docker image store (one platform: the runner's).
 * `writeCache`: the test job fills the GitHub Actions cache; the scan job, running beside it, only reads.
 */
function buildForTests(m: Model, writeCache: boolean): Step[] {
  return [
    // Not made the current builder: compose builds Dockerfile.test with the default one, which sees
    // the image loaded here (a docker-container builder would try to pull it).
    action('setupBuildx', { name: 'Set up Buildx', id: 'buildx', with: { use: false } }),
    action('buildPush', {
      name: 'Build the production image',
      with: {
        builder: '${{ steps.buildx.outputs.name }}',
        context: '.',
        target: 'production',
        load: true,
        push: false,
        tags: localTestImage(m),
        // Attestations need a registry; they are added when pushing.
        provenance: false,
        sbom: false,
        'cache-from': 'type=gha',
        ...(writeCache ? { 'cache-to': 'type=gha,mode=max' } : {}),
      },
    }),
  ];
}

export function testJob(m: Model): Job {
  const compose = `docker compose -f ${PIPELINE_INPUTS.testCompose}`;
  const cst = CONTAINER_STRUCTURE_TEST;
  return {
    name: 'Build and test the image',
    'runs-on': RUNNER,
    permissions: { contents: 'read' },
    'timeout-minutes': JOB_TIMEOUTS.test,
    steps: [
      checkout(),
      ...buildForTests(m, true),
      // web runs the image loaded above; only Dockerfile.test (FROM that image) is built here, with the
      // default builder (the one that sees local images), whatever builder a step made current.
      run(
        'Run the test suite in containers',
        [
          `${compose} build ${TESTS_SERVICE}`,
          `${compose} up --no-build --abort-on-container-exit --exit-code-from ${TESTS_SERVICE}`,
        ],
        { env: { BUILDX_BUILDER: 'default' } },
      ),
      run('Remove the test containers', `${compose} down --volumes --remove-orphans`, { if: 'always()' }),
      run(
        'Install container-structure-test (pinned release, checksum verified)',
        [
          'case "$RUNNER_ARCH" in',
          '  X64) asset=$CST_ASSET_X64 sum=$CST_SHA256_X64 ;;',
          '  ARM64) asset=$CST_ASSET_ARM64 sum=$CST_SHA256_ARM64 ;;',
          '  *) echo "::error::no pinned container-structure-test for $RUNNER_ARCH"; exit 1 ;;',
          'esac',
          'bin="$RUNNER_TEMP/bin"',
          'mkdir -p "$bin"',
          'curl -fsSL --retry 3 -o "$bin/container-structure-test" \\',
          '  "https://github.com/$CST_REPOSITORY/releases/download/$CST_VERSION/$asset"',
          'echo "$sum  $bin/container-structure-test" | sha256sum --check --strict',
          'chmod +x "$bin/container-structure-test"',
          'echo "$bin" >> "$GITHUB_PATH"',
        ],
        {
          env: {
            CST_REPOSITORY: cst.repository,
            CST_VERSION: cst.version,
            CST_ASSET_X64: cst.sha256.X64.asset,
            CST_SHA256_X64: cst.sha256.X64.sum,
            CST_ASSET_ARM64: cst.sha256.ARM64.asset,
            CST_SHA256_ARM64: cst.sha256.ARM64.sum,
          },
        },
      ),
      run(
        'Run the container structure tests',
        `container-structure-test test --image "$IMAGE" --config ${PIPELINE_INPUTS.structureTests}`,
        { env: { IMAGE: localTestImage(m) } },
      ),
    ],
  };
}

export function scanJob(m: Model): Job {
  const image = localTestImage(m);
  return {
    name: 'Scan the image for vulnerabilities',
    'runs-on': RUNNER,
    // security-events: write only here, for the SARIF upload to code scanning.
    permissions: { contents: 'read', 'security-events': 'write' },
    'timeout-minutes': JOB_TIMEOUTS.scan,
    steps: [
      checkout(),
      ...buildForTests(m, false),
      action('trivy', {
        name: 'Scan the image (report for code scanning)',
        with: {
          'image-ref': image,
          format: 'sarif',
          output: SARIF_FILE,
          'ignore-unfixed': true,
          'exit-code': 0,
        },
      }),
      action('uploadSarif', {
        name: 'Upload the report to code scanning',
        // A pull request from a fork gets a read-only token: its report cannot be uploaded.
        if: "github.event_name != 'pull_request' || github.event.pull_request.head.repo.full_name == github.repository",
        with: { sarif_file: SARIF_FILE, category: 'container-image' },
      }),
      action('trivy', {
        name: 'Fail on fixable CRITICAL or HIGH vulnerabilities',
        with: {
          'image-ref': image,
          format: 'table',
          severity: 'CRITICAL,HIGH',
          'ignore-unfixed': true,
          'exit-code': 1,
          // Installed (and its database cached) by the step above.
          'skip-setup-trivy': true,
        },
      }),
    ],
  };
}
