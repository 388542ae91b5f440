/**
 * Kubernetes manifests (kustomize base + staging/production overlays + secret wrappers), built as typed
 * objects and serialized with `yaml`. Ports, paths, ids, commands and env variables come from the model,
 * lib/commands.ts and the env catalogue, so compose and Kubernetes cannot drift apart.
 *
 * Types come from `kubernetes-models` (a devDependency; type-only imports vanish from the build).
 */
import { secretVars } from '../../lib/env-vars.js';
import type { Model } from '../../lib/model.js';
import { usesDatabaseServer } from '../../lib/services/index.js';
import { toYaml } from '../../lib/yaml.js';
import { K8S_ENVIRONMENTS, k8sNames, SECRETS_FILE, type K8sEnvironment } from '../../lib/names.js';
import { INGRESS_CONTROLLER_NAMESPACE, configData, labels } from './common.js';
import { Kustomization, deployKustomization, overlayKustomization, overlayPatches } from './kustomize.js';
import { horizontalPodAutoscaler, ingress, networkPolicy, podDisruptionBudget, service } from './network.js';
import {
  dataClaim,
  enabledWorkloads,
  migrateJob,
  serviceAccount,
  webDeployment,
  workloadDeployment,
} from './workloads.js';

// ---------------------------------------------------------------------------------------------------
// Files

export interface K8sFile {
  path: string;
  content: string;
}

function secretsExample(m: Model, env: K8sEnvironment): string {
  const lines = [
    `# Secrets of ${env}. Copy to ${SECRETS_FILE} in this folder (gitignored), put real values in, then`,
    `#   kubectl apply -k k8s/deploy/${env}`,
    '# Never commit secrets.env. One KEY=value a line, no quotes.',
  ];
  for (const v of secretVars(m)) lines.push('', `# ${v.description}`, `${v.name}=${v.values[env]}`);
  return `${lines.join('\n')}\n`;
}

/** Every file of the k8s part, in a stable order. */
export function k8sFiles(m: Model): K8sFile[] {
  const files: K8sFile[] = [];
  const add = (path: string, comment: string, value: object): void => {
    files.push({ path, content: toYaml(value, { header: comment.split('\n') }) });
  };
  const base: [string, string, object][] = [
    ['serviceaccount.yaml', 'Own ServiceAccount of the app; no API token is mounted.', serviceAccount(m)],
    ['service.yaml', 'ClusterIP Service in front of the web pods.', service(m)],
    [
      'deployment.yaml',
      usesDatabaseServer(m)
        ? 'Web: gunicorn, restricted Pod Security, read-only root, probes through Django host checking.'
        : 'Web: gunicorn, restricted Pod Security, read-only root, probes through Django host checking.\nsqlite: one replica, replaced on update; its migrate init container applies the migrations.',
      webDeployment(m),
    ],
    ...(usesDatabaseServer(m)
      ? []
      : ([
          [
            'data-pvc.yaml',
            `The sqlite database (no PostgreSQL): ${m.sqlitePath}, mounted by the web pod${enabledWorkloads(m).length > 0 ? ' and the Celery pods on its node' : ''}.`,
            dataClaim(m),
          ],
        ] as [string, string, object][])),
    ...enabledWorkloads(m).map((w): [string, string, object] => [
      w.file,
      w.comment,
      workloadDeployment(m, w),
    ]),
    ...(usesDatabaseServer(m)
      ? ([
          [
            'migrate-job.yaml',
            `Migrations, once per release: each overlay ends the name in its image tag (replacements), so a new\nrelease applies a new Job; the Deployments' wait-for-migrations init containers wait for it.`,
            migrateJob(m),
          ],
        ] as [string, string, object][])
      : []),
    [
      'ingress.yaml',
      'Public entry (production host); overlays set their own host.',
      ingress(m, 'production'),
    ],
    [
      'pdb.yaml',
      'Voluntary disruptions (drains) take at most one web pod at a time.',
      podDisruptionBudget(m),
    ],
    ...(usesDatabaseServer(m)
      ? ([
          [
            'hpa.yaml',
            'CPU autoscaling of the web pods; overlays set the range.',
            horizontalPodAutoscaler(m, 'production'),
          ],
        ] as [string, string, object][])
      : []),
    [
      'networkpolicy.yaml',
      `Ingress only from the ingress controller's namespace (${INGRESS_CONTROLLER_NAMESPACE}) to the app port;\negress only to DNS and the configured database and Redis ports.`,
      networkPolicy(m),
    ],
  ];
  for (const [file, comment, doc] of base) add(`k8s/base/${file}`, comment, doc);
  const baseKustomization: Kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: base.map(([file]) => file),
    // Generated, so their names carry a hash of the values: a changed setting or secret renames them,
    // which changes the pod templates that refer to them and rolls the pods.
    configMapGenerator: [
      {
        name: k8sNames(m).config,
        literals: Object.entries(configData(m, 'production')).map(([k, v]) => `${k}=${v}`),
        options: { labels: labels(m) },
      },
    ],
    secretGenerator: [
      {
        name: k8sNames(m).secret,
        literals: secretVars(m).map((v) => `${v.name}=${v.values.production}`),
        options: { labels: labels(m) },
      },
    ],
  };
  add(
    'k8s/base/kustomization.yaml',
    [
      'Environment-independent manifests; deploy an overlay, not this.',
      'The ConfigMap holds the production values (each overlay merges its env.<environment> values); the',
      'Secret PLACEHOLDERS ONLY, which k8s/deploy/<environment> replaces from its gitignored secrets.env.',
    ].join('\n'),
    baseKustomization,
  );

  for (const env of K8S_ENVIRONMENTS) {
    const patches = overlayPatches(m, env);
    add(
      `k8s/overlays/${env}/kustomization.yaml`,
      [
        `${env}: namespace, autoscaling, ${enabledWorkloads(m).some((w) => !w.singleton) ? 'worker replicas, ' : ''}image tag, settings (same values as env.${env}), host.`,
        `CI sets the image: kustomize edit set image ${m.s.imageRepository}=${m.s.imageRepository}:<tag>`,
        `Secrets are placeholders here; deploy with k8s/deploy/${env}, which adds the real ones.`,
      ].join('\n'),
      overlayKustomization(m, env, Object.keys(patches)),
    );
    for (const [path, patch] of Object.entries(patches))
      add(`k8s/overlays/${env}/${path}`, patch.comment, patch.doc);
    add(
      `k8s/deploy/${env}/kustomization.yaml`,
      [
        `What you apply for ${env}: the overlay plus real secrets from ${SECRETS_FILE} beside this file`,
        `(gitignored; start from ${SECRETS_FILE}.example). Builds only where that file exists.`,
      ].join('\n'),
      deployKustomization(m, env),
    );
    files.push({ path: `k8s/deploy/${env}/${SECRETS_FILE}.example`, content: secretsExample(m, env) });
  }
  return files;
}
