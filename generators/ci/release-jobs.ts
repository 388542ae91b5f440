/** The jobs after the tests: push the image by digest, and the staging deploy behind its environment. */
import type { Model } from '../../lib/model.js';
import { k8sNames, namespaceFor, SECRETS_FILE } from '../../lib/names.js';
import { usesDatabaseServer } from '../../lib/services/index.js';
import {
  DEPLOY_ENVIRONMENT,
  DEPLOY_SECRETS,
  GHCR,
  JOB_TIMEOUTS,
  MAIN_BRANCH,
  NATIVE_PLATFORM,
  REGISTRY_SECRETS,
  RUNNER,
} from './test-jobs.js';
import { Job, action, checkout, run } from './workflow-model.js';

export function pushJob(m: Model): Job {
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

export function deployJob(m: Model): Job {
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
        usesDatabaseServer(m)
          ? 'Apply: migrations once in the release`s Job, then the rollout'
          : 'Apply: the web pod migrates the sqlite file, then serves',
        [
          `kubectl apply -k ${deploy}`,
          // A new release is a new Job (named after its tag); the new pods wait for it in their init containers.
          ...(usesDatabaseServer(m)
            ? [
                `kubectl -n "$NAMESPACE" wait --for=condition=complete --timeout=15m "job/$MIGRATE_JOB-${RELEASE_TAG}"`,
              ]
            : []),
          'kubectl -n "$NAMESPACE" rollout status deployment -l "$APP" --timeout=10m',
        ],
        {
          env: {
            NAMESPACE: namespaceFor(m, DEPLOY_ENVIRONMENT),
            ...(usesDatabaseServer(m) ? { MIGRATE_JOB: names.migrate } : {}),
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
