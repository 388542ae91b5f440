/**
 * GitHub Actions workflows and Dependabot configuration, built as typed objects and serialized with
 * `yaml`. Every `uses:` comes from the pinned table in generators/ci/actions.ts and gets its `# vX.Y.Z` comment
 * attached to the scalar node, so the comment survives serialization.
 *
 * Hardening (checklist "GitHub Actions"): top-level `permissions: contents: read`, write scopes only on
 * the job that needs them, pinned SHAs, `persist-credentials: false`, no `${{ }}` inside `run:` (values
 * reach scripts through `env:`), a concurrency group per ref and a timeout on every job.
 */
import { isScalar, visit, type Document, type Pair } from 'yaml';
import { toYaml } from '../../lib/yaml.js';
import { ACTIONS, CONTAINER_STRUCTURE_TEST, pinOf, usesRef, type ActionKey } from './actions.js';
import type { Model } from '../../lib/model.js';
import { imageRegistry } from '../../lib/validate.js';
import { testImage, TESTS_SERVICE, k8sNames, namespaceFor, SECRETS_FILE } from '../../lib/names.js';

// ---------------------------------------------------------------------------------------------------
// Typed model (the subset of the workflow syntax we write)

export type PermissionScope =
  | 'actions'
  | 'attestations'
  | 'checks'
  | 'contents'
  | 'deployments'
  | 'id-token'
  | 'issues'
  | 'packages'
  | 'pages'
  | 'pull-requests'
  | 'security-events'
  | 'statuses';
export type Permissions = Partial<Record<PermissionScope, 'read' | 'write' | 'none'>>;

type Scalar = string | number | boolean;

interface StepBase {
  name: string;
  id?: string;
  if?: string;
  'working-directory'?: string;
  env?: Record<string, string>;
}
export interface RunStep extends StepBase {
  run: string;
  shell?: 'bash' | 'sh';
}
export interface UsesStep extends StepBase {
  uses: string;
  with?: Record<string, Scalar>;
}
export type Step = RunStep | UsesStep;

export interface Job {
  name: string;
  needs?: string[];
  if?: string;
  'runs-on': string;
  container?: { image: string };
  environment?: { name: string };
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  permissions: Permissions;
  'timeout-minutes': number;
  strategy?: { 'fail-fast': boolean; matrix: Record<string, Scalar[]> };
  env?: Record<string, string>;
  outputs?: Record<string, string>;
  steps: Step[];
}

export interface Workflow {
  name: string;
  on: {
    pull_request?: { branches?: string[] };
    push?: { branches?: string[]; tags?: string[] };
    workflow_dispatch?: Record<string, never>;
  };
  permissions: Permissions;
  concurrency: { group: string; 'cancel-in-progress': boolean | string };
  jobs: Record<string, Job>;
}

// ---------------------------------------------------------------------------------------------------
// Builders

/** A step running a pinned action from generators/ci/actions.ts. */
export function action(key: ActionKey, step: Omit<UsesStep, 'uses'>): UsesStep {
  const { name, id, if: condition, ...rest } = step;
  return {
    name,
    ...(id ? { id } : {}),
    ...(condition ? { if: condition } : {}),
    uses: usesRef(ACTIONS[key]),
    ...rest,
  };
}

/** A shell step; multi-line scripts end with a newline so they serialize as a plain `|` block. */
export function run(
  name: string,
  script: string | string[],
  extra: Omit<RunStep, 'name' | 'run'> = {},
): RunStep {
  const text = Array.isArray(script) ? `${script.join('\n')}\n` : script;
  const { id, if: condition, ...rest } = extra;
  return { name, ...(id ? { id } : {}), ...(condition ? { if: condition } : {}), ...rest, run: text };
}

/** Checkout without leaving the token in .git/config for later steps (zizmor artipacked). */
export const checkout = (): UsesStep =>
  action('checkout', { name: 'Check out the repository', with: { 'persist-credentials': false } });

/**
 * What a workflow (or any file holding `uses:` values) adds when written by lib/yaml.ts: the `# vX.Y.Z`
 * comment of every pinned action, and a blank line between jobs and top sections.
 */
function pinComments(doc: Document): void {
  visit(doc, {
    Pair(_key, pair: Pair) {
      if (!isScalar(pair.key) || pair.key.value !== 'uses' || !isScalar(pair.value)) return;
      const pin = pinOf(String(pair.value.value));
      if (!pin) throw new Error(`workflow: ${String(pair.value.value)} is not in generators/ci/actions.ts`);
      pair.value.comment = ` ${pin.version}`;
    },
  });
  const jobs = doc.get('jobs', true);
  if (jobs && typeof jobs === 'object' && 'items' in jobs) {
    (jobs as { items: Pair[] }).items.forEach((pair, i) => {
      if (i > 0 && isScalar(pair.key)) pair.key.spaceBefore = true;
    });
  }
  for (const key of ['permissions', 'concurrency', 'jobs']) {
    const pair = (doc.contents as unknown as { items: Pair[] }).items.find(
      (p) => isScalar(p.key) && p.key.value === key,
    );
    if (pair && isScalar(pair.key)) pair.key.spaceBefore = true;
  }
}

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
const RUNNER = 'ubuntu-latest';
/** The platform hosted x64 runners build natively; every other one needs QEMU. */
const NATIVE_PLATFORM = 'linux/amd64';

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

function testJob(m: Model): Job {
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

function scanJob(m: Model): Job {
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

function pushJob(m: Model): Job {
  const { s } = m;
  const ghcr = s.registry === GHCR;
  const emulated = s.platforms.split(',').filter((p) => p !== NATIVE_PLATFORM);
  return {
    name: 'Push the image',
    needs: ['test', 'scan'],
    if: "github.event_name == 'push'",
    'runs-on': RUNNER,
    // packages: write only where the GITHUB_TOKEN pushes (GHCR); other registries use their own secrets.
    permissions: ghcr ? { contents: 'read', packages: 'write' } : { contents: 'read' },
    'timeout-minutes': JOB_TIMEOUTS.push,
    outputs: { digest: '${{ steps.build.outputs.digest }}' },
    steps: [
      checkout(),
      ...(emulated.length > 0
        ? [action('setupQemu', { name: 'Set up QEMU', with: { platforms: emulated.join(',') } })]
        : []),
      action('setupBuildx', { name: 'Set up Buildx' }),
      action('login', {
        name: `Log in to ${s.registry}`,
        with: ghcr
          ? { registry: s.registry, username: '${{ github.actor }}', password: '${{ secrets.GITHUB_TOKEN }}' }
          : {
              registry: s.registry,
              username: `\${{ secrets.${REGISTRY_SECRETS.username} }}`,
              password: `\${{ secrets.${REGISTRY_SECRETS.password} }}`,
            },
      }),
      action('metadata', {
        name: 'Tags and labels',
        id: 'meta',
        with: {
          images: s.imageRepository,
          // Branch name, v1.2.3 and 1.2 for release tags, and sha-<7 hex> (the form the k8s overlays use).
          tags: [
            'type=ref,event=branch',
            'type=semver,pattern={{version}}',
            'type=semver,pattern={{major}}.{{minor}}',
            'type=sha',
          ].join('\n'),
        },
      }),
      action('buildPush', {
        name: 'Build and push',
        id: 'build',
        with: {
          context: '.',
          target: 'production',
          platforms: s.platforms,
          push: true,
          tags: '${{ steps.meta.outputs.tags }}',
          labels: '${{ steps.meta.outputs.labels }}',
          provenance: 'mode=max',
          sbom: true,
          'cache-from': 'type=gha',
          'cache-to': 'type=gha,mode=max',
        },
      }),
    ],
  };
}

/** The tag docker/metadata-action's type=sha gives the commit's image, in the runner's shell. */
const RELEASE_TAG = 'sha-${GITHUB_SHA::7}';

function deployJob(m: Model): Job {
  const names = k8sNames(m);
  const overlay = `k8s/overlays/${DEPLOY_ENVIRONMENT}`;
  const deploy = `k8s/deploy/${DEPLOY_ENVIRONMENT}`;
  return {
    name: `Deploy to ${DEPLOY_ENVIRONMENT}`,
    needs: ['push'],
    if: `github.ref == 'refs/heads/${MAIN_BRANCH}'`,
    'runs-on': RUNNER,
    // Environment secrets, protection rules and reviewers apply to this job.
    environment: { name: DEPLOY_ENVIRONMENT },
    // Never two applies at once; a newer run waits for the one in progress.
    concurrency: { group: `deploy-${DEPLOY_ENVIRONMENT}`, 'cancel-in-progress': false },
    permissions: { contents: 'read' },
    'timeout-minutes': JOB_TIMEOUTS.deploy,
    steps: [
      checkout(),
      // kustomize and kubectl come with the hosted Ubuntu runner image.
      // The sha- tag the push job gave the image (docker/metadata-action type=sha), pinned by its digest:
      // the overlay names the release's migrate Job after that tag.
      run(
        'Point the overlay at the pushed image (its sha- tag, by digest)',
        `kustomize edit set image "$IMAGE=$IMAGE:${RELEASE_TAG}@$DIGEST"`,
        {
          'working-directory': overlay,
          env: { IMAGE: m.s.imageRepository, DIGEST: '${{ needs.push.outputs.digest }}' },
        },
      ),
      run(
        'Write the cluster credentials and the secrets',
        [
          '[ -n "$KUBECONFIG_CONTENT" ] || { echo "::error::set the environment secret $KUBECONFIG_SECRET"; exit 1; }',
          '[ -n "$SECRETS_CONTENT" ] || { echo "::error::set the environment secret $SECRETS_SECRET"; exit 1; }',
          'umask 077',
          'printf \'%s\\n\' "$KUBECONFIG_CONTENT" > "$RUNNER_TEMP/kubeconfig"',
          `printf '%s\\n' "$SECRETS_CONTENT" > ${deploy}/${SECRETS_FILE}`,
          'echo "KUBECONFIG=$RUNNER_TEMP/kubeconfig" >> "$GITHUB_ENV"',
        ],
        {
          env: {
            KUBECONFIG_CONTENT: `\${{ secrets.${DEPLOY_SECRETS.kubeconfig} }}`,
            KUBECONFIG_SECRET: DEPLOY_SECRETS.kubeconfig,
            SECRETS_CONTENT: `\${{ secrets.${DEPLOY_SECRETS.secretsEnv} }}`,
            SECRETS_SECRET: DEPLOY_SECRETS.secretsEnv,
          },
        },
      ),
      run(
        m.s.postgres
          ? 'Apply: migrations once in the release`s Job, then the rollout'
          : 'Apply: the web pod migrates the sqlite file, then serves',
        [
          `kubectl apply -k ${deploy}`,
          // A new release is a new Job (named after its tag); the new pods wait for it in their init containers.
          ...(m.s.postgres
            ? [
                `kubectl -n "$NAMESPACE" wait --for=condition=complete --timeout=15m "job/$MIGRATE_JOB-${RELEASE_TAG}"`,
              ]
            : []),
          'kubectl -n "$NAMESPACE" rollout status deployment -l "$APP" --timeout=10m',
        ],
        {
          env: {
            NAMESPACE: namespaceFor(m, DEPLOY_ENVIRONMENT),
            ...(m.s.postgres ? { MIGRATE_JOB: names.migrate } : {}),
            APP: `app.kubernetes.io/name=${names.app}`,
          },
        },
      ),
      run('Remove the credentials', `rm -f "$RUNNER_TEMP/kubeconfig" ${deploy}/${SECRETS_FILE}`, {
        if: 'always()',
      }),
    ],
  };
}

/** .github/workflows/docker-build.yml as an object. */
export function dockerBuildWorkflow(m: Model): Workflow {
  const jobs: Record<string, Job> = { test: testJob(m), scan: scanJob(m), push: pushJob(m) };
  if (m.s.deployJob) jobs.deploy = deployJob(m);
  return {
    name: 'Docker image',
    on: {
      pull_request: { branches: [MAIN_BRANCH] },
      push: { branches: [MAIN_BRANCH], tags: ['v*'] },
    },
    permissions: { contents: 'read' },
    concurrency: {
      group: '${{ github.workflow }}-${{ github.ref }}',
      // A new push to a pull request replaces the run in progress; main and tags always finish.
      'cancel-in-progress': "${{ github.event_name == 'pull_request' }}",
    },
    jobs,
  };
}

export function dockerBuildWorkflowYaml(m: Model): string {
  const { s } = m;
  const registryNote =
    s.registry === GHCR
      ? `Pushes to ${s.imageRepository} with the workflow's own GITHUB_TOKEN (packages: write).`
      : `Pushes to ${s.imageRepository}: set the repository secrets ${REGISTRY_SECRETS.username} and ${REGISTRY_SECRETS.password}.`;
  const header = [
    'Pull requests: build the production image, run the test suite in containers',
    `(${PIPELINE_INPUTS.testCompose}), the container structure tests and a vulnerability scan.`,
    `Pushes to ${MAIN_BRANCH} and v* tags: the same, then a ${s.platforms} push with provenance and SBOM.`,
    registryNote,
    ...(s.deployJob
      ? [
          `Then ${DEPLOY_ENVIRONMENT} is deployed from ${MAIN_BRANCH} (GitHub environment "${DEPLOY_ENVIRONMENT}", secrets`,
          `${DEPLOY_SECRETS.kubeconfig} and ${DEPLOY_SECRETS.secretsEnv}).`,
        ]
      : []),
    'Actions are pinned to commit SHAs; Dependabot (.github/dependabot.yml) proposes updates.',
  ];
  return toYaml(dockerBuildWorkflow(m), { header, decorate: pinComments });
}

// ---------------------------------------------------------------------------------------------------
// Dependabot

export type DependabotEcosystem = 'docker' | 'github-actions' | 'pip' | 'uv' | 'npm';

export interface DependabotUpdate {
  'package-ecosystem': DependabotEcosystem;
  directory: string;
  schedule: { interval: 'daily' | 'weekly' | 'monthly' };
  groups: Record<string, { patterns: string[]; 'update-types': ('minor' | 'patch')[] }>;
}

export interface DependabotConfig {
  version: 2;
  updates: DependabotUpdate[];
}

/** Folders of the manifests, relative to the repository root ("." for the root). */
export interface ManifestDirs {
  python: string;
  npm: string;
}

const dependabotDir = (dir: string): string =>
  dir === '.' || dir === '' ? '/' : `/${dir.replace(/^\.\//, '')}`;

/** Weekly updates, minor and patch versions grouped in one pull request per ecosystem. */
export function dependabotConfig(m: Model, dirs: ManifestDirs): DependabotConfig {
  const update = (ecosystem: DependabotEcosystem, dir: string): DependabotUpdate => ({
    'package-ecosystem': ecosystem,
    directory: dependabotDir(dir),
    schedule: { interval: 'weekly' },
    groups: { [`${ecosystem}-minor-and-patch`]: { patterns: ['*'], 'update-types': ['minor', 'patch'] } },
  });
  return {
    version: 2,
    updates: [
      update('docker', '.'),
      update('github-actions', '.'),
      // uv.lock is Dependabot's uv ecosystem; requirements files and pyproject.toml are pip's.
      update(m.s.pythonDeps === 'uv' ? 'uv' : 'pip', dirs.python),
      update('npm', dirs.npm),
    ],
  };
}

export function dependabotYaml(m: Model, dirs: ManifestDirs): string {
  const header = [
    'Keeps pinned versions fresh: base images, the SHAs of the workflow actions, Python and npm packages.',
    'Minor and patch updates arrive grouped, one pull request per ecosystem a week.',
  ];
  return toYaml(dependabotConfig(m, dirs), { header, decorate: pinComments });
}
