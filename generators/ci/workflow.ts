/**
 * GitHub Actions workflows and Dependabot configuration, built as typed objects and serialized with
 * `yaml`. Every `uses:` comes from the pinned table in generators/ci/actions.ts and gets its `# vX.Y.Z` comment
 * attached to the scalar node, so the comment survives serialization.
 *
 * Hardening (checklist "GitHub Actions"): top-level `permissions: contents: read`, write scopes only on
 * the job that needs them, pinned SHAs, `persist-credentials: false`, no `${{ }}` inside `run:` (values
 * reach scripts through `env:`), a concurrency group per ref and a timeout on every job.
 */
import { toYaml } from '../../lib/yaml.js';
import type { Model } from '../../lib/model.js';
import { deployJob, pushJob } from './release-jobs.js';
import {
  DEPLOY_ENVIRONMENT,
  DEPLOY_SECRETS,
  GHCR,
  MAIN_BRANCH,
  PIPELINE_INPUTS,
  REGISTRY_SECRETS,
  scanJob,
  testJob,
} from './test-jobs.js';
import { Job, Workflow, pinComments } from './workflow-model.js';

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
