/** What every Kubernetes object of the setup shares: fixed values, labels, replica counts, hosts and the ConfigMap data. */
import { configVars, envCatalog } from '../../lib/env-vars.js';
import type { Model } from '../../lib/model.js';
import { type K8sEnvironment } from '../../lib/names.js';

/**
 * Tag the manifests ship with: the `sha-<7 hex>` form docker/metadata-action gives commit images, so
 * CI replaces it (`kustomize edit set image`) with the tag it pushed. Never `latest`.
 */
export const IMAGE_TAG_PLACEHOLDER = 'sha-0000000';
/** Namespace of the ingress controller; the NetworkPolicy admits traffic to the app port from it only. */
export const INGRESS_CONTROLLER_NAMESPACE = 'ingress-nginx';
/** Label every namespace carries (Kubernetes >= 1.22), so no labelling by hand is needed. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
/** Scratch space: /tmp on disk, /dev/shm in memory (gunicorn's worker heartbeat files). */
export const TMP_SIZE = '64Mi';
export const SHM_SIZE = '64Mi';
export const EPHEMERAL_STORAGE = { request: '128Mi', limit: '512Mi' };
/** HPA target: average CPU use relative to the request. */
export const HPA_CPU_UTILIZATION = 70;
/** Finished migrate Jobs stay a day for their logs; the next release deletes the old one first. */
export const JOB_TTL_S = 86_400;
export const JOB_BACKOFF_LIMIT = 2;
export const JOB_DEADLINE_S = 900;
/**
 * The migrate Job's name ends in the release's image tag (`<project>-migrate-<tag>`), so each release
 * applies a new Job (Jobs are immutable). In the base this last segment is a placeholder; each overlay
 * replaces it with the tag of the image it sets, also when CI pins that tag by digest (`repo:tag@sha256:...`).
 */
export const JOB_RELEASE_PLACEHOLDER = 'release';
/** Annotation of the migrate Job: the image reference without its digest, the source of the tag. */
export const JOB_IMAGE_ANNOTATION = 'release-image';
/** Without a database server: size of the PersistentVolumeClaim that holds the sqlite database. */
export const SQLITE_STORAGE = '1Gi';

export type Component = keyof Pick<Model['services'], 'web' | 'worker' | 'beat' | 'migrate'>;

/** Labels that select a component's pods: stable, because Deployment selectors are immutable. */
export function selectorLabels(m: Model, component: Component): Record<string, string> {
  return { 'app.kubernetes.io/name': m.s.projectName, 'app.kubernetes.io/component': m.services[component] };
}

export function labels(m: Model, component?: Component): Record<string, string> {
  return {
    'app.kubernetes.io/name': m.s.projectName,
    ...(component ? { 'app.kubernetes.io/component': m.services[component] } : {}),
    'app.kubernetes.io/part-of': m.s.projectName,
    'app.kubernetes.io/managed-by': 'kustomize',
  };
}

/** Web replicas (the HPA's minimum) and worker replicas: production runs --replicas (>= 2), staging half of it, at least one. */
export function replicasFor(m: Model, env: K8sEnvironment): number {
  return env === 'production' ? m.s.replicas : Math.max(1, Math.floor(m.s.replicas / 2));
}

/** HPA range: never below the overlay's replicas; staging may grow to production's size. */
export function hpaRange(m: Model, env: K8sEnvironment): { min: number; max: number } {
  const min = replicasFor(m, env);
  return { min, max: env === 'production' ? min * 2 : Math.max(m.s.replicas, min + 1) };
}

const catalogValue = (m: Model, name: string, env: K8sEnvironment): string => {
  const variable = envCatalog(m).find((v) => v.name === name);
  if (!variable) throw new Error(`${name} is missing from the env catalogue`);
  return variable.values[env];
};

/** The environment's public host: the first DJANGO_ALLOWED_HOSTS entry, so Django accepts it. */
export function hostFor(m: Model, env: K8sEnvironment): string {
  return catalogValue(m, 'DJANGO_ALLOWED_HOSTS', env).split(',')[0]!;
}

/** ConfigMap data of an environment: the catalogue's non-secret values, as env.<environment> has them. */
export function configData(m: Model, env: K8sEnvironment): Record<string, string> {
  return Object.fromEntries(configVars(m).map((v) => [v.name, v.values[env]]));
}
