/** The kustomizations of the base, the overlays and the deploy wrappers, with the overlays' patches. */
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { Model } from '../../lib/model.js';
import { k8sNames, namespaceFor, SECRETS_FILE, type K8sEnvironment } from '../../lib/names.js';
import { usesDatabaseServer } from '../../lib/services/index.js';
import {
  IMAGE_TAG_PLACEHOLDER,
  JOB_IMAGE_ANNOTATION,
  JOB_RELEASE_PLACEHOLDER,
  configData,
  hostFor,
  replicasFor,
} from './common.js';
import { horizontalPodAutoscaler, ingress } from './network.js';
import { webProbes } from './pods.js';
import { enabledWorkloads } from './workloads.js';

// ---------------------------------------------------------------------------------------------------
// Kustomizations (kustomize rejects unknown fields in them itself)

interface KustomizeGenerator {
  name: string;
  behavior?: 'create' | 'merge' | 'replace';
  literals?: string[];
  envs?: string[];
  options?: { labels?: Record<string, string> };
}

/** A kustomize replacement: copies a field (or one delimited part of it) into fields of other objects. */
interface Replacement {
  source: { kind: string; name: string; fieldPath: string; options?: ReplacementOptions };
  targets: { select: { kind: string; name: string }; fieldPaths: string[]; options?: ReplacementOptions }[];
}
interface ReplacementOptions {
  delimiter?: string;
  index?: number;
  create?: boolean;
}

export interface Kustomization {
  apiVersion: 'kustomize.config.k8s.io/v1beta1';
  kind: 'Kustomization';
  namespace?: string;
  resources: string[];
  images?: { name: string; newTag: string }[];
  replicas?: { name: string; count: number }[];
  configMapGenerator?: KustomizeGenerator[];
  secretGenerator?: KustomizeGenerator[];
  replacements?: Replacement[];
  patches?: { path: string }[];
}

/** Strategic-merge patch: an object whose fields are all optional, keyed by apiVersion/kind/name. */
type DeepPartial<T> = T extends (infer U)[]
  ? DeepPartial<U>[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

export function overlayPatches(
  m: Model,
  env: K8sEnvironment,
): Record<string, { comment: string; doc: object }> {
  const names = k8sNames(m);
  const hpa = horizontalPodAutoscaler(m, env);
  const probesPatch: DeepPartial<IDeployment> = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: names.web },
    spec: {
      template: { spec: { containers: [{ name: names.container, ...webProbes(m, hostFor(m, env)) }] } },
    },
  };
  const hpaPatch: DeepPartial<IHorizontalPodAutoscaler> = {
    apiVersion: hpa.apiVersion,
    kind: hpa.kind,
    metadata: { name: names.web },
    spec: { minReplicas: hpa.spec!.minReplicas, maxReplicas: hpa.spec!.maxReplicas },
  };
  return {
    'patches/web-probes.yaml': {
      comment: `Probes send ${env}'s host (first DJANGO_ALLOWED_HOSTS entry), so Django's host check passes.`,
      doc: probesPatch,
    },
    'patches/ingress.yaml': { comment: `Ingress of ${env}: its host and TLS.`, doc: ingress(m, env) },
    ...(usesDatabaseServer(m)
      ? {
          'patches/hpa.yaml': {
            comment: `Autoscaling of ${env}: the web Deployment has no replicas field, this range alone sets its size.`,
            doc: hpaPatch,
          },
        }
      : {}),
  };
}

/**
 * The migrate Job's name from the overlay's image, in two steps: the image without a digest into an
 * annotation, then its tag into the last segment of the name. The delimiter indexes come from the
 * repository (a registry port adds a colon) and the Job's name, both known here.
 */
export function jobNameReplacements(m: Model): Replacement[] {
  const job = { kind: 'Job', name: `${k8sNames(m).migrate}-${JOB_RELEASE_PLACEHOLDER}` };
  const annotation = `metadata.annotations.${JOB_IMAGE_ANNOTATION}`;
  return [
    {
      source: {
        ...job,
        fieldPath: `spec.template.spec.containers.[name=${k8sNames(m).container}].image`,
        options: { delimiter: '@', index: 0 },
      },
      targets: [{ select: job, fieldPaths: [annotation], options: { create: true } }],
    },
    {
      source: {
        ...job,
        fieldPath: annotation,
        options: { delimiter: ':', index: m.s.imageRepository.split(':').length },
      },
      targets: [
        {
          select: job,
          fieldPaths: ['metadata.name'],
          options: { delimiter: '-', index: k8sNames(m).migrate.split('-').length },
        },
      ],
    },
  ];
}

export function overlayKustomization(m: Model, env: K8sEnvironment, patches: string[]): Kustomization {
  const names = k8sNames(m);
  const replicas = replicasFor(m, env);
  const scaled = enabledWorkloads(m).filter((w) => !w.singleton);
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: namespaceFor(m, env),
    resources: ['../../base'],
    images: [{ name: m.s.imageRepository, newTag: IMAGE_TAG_PLACEHOLDER }],
    // The web count is the HPA's (patches/hpa.yaml); only the worker has a fixed count.
    ...(scaled.length > 0
      ? { replicas: scaled.map((w) => ({ name: names[w.component], count: replicas })) }
      : {}),
    configMapGenerator: [
      {
        name: names.config,
        behavior: 'merge',
        literals: Object.entries(configData(m, env)).map(([k, v]) => `${k}=${v}`),
      },
    ],
    // Each release's tag names its migrate Job: a new image applies a new Job, which runs again.
    ...(usesDatabaseServer(m) ? { replacements: jobNameReplacements(m) } : {}),
    patches: patches.map((path) => ({ path })),
  };
}

export function deployKustomization(m: Model, env: K8sEnvironment): Kustomization {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: namespaceFor(m, env),
    resources: [`../../overlays/${env}`],
    // Replaces the placeholder Secret of the base with the values of the gitignored secrets.env.
    secretGenerator: [{ name: k8sNames(m).secret, behavior: 'replace', envs: [SECRETS_FILE] }],
  };
}
