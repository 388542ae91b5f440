/**
 * Kubernetes manifests (kustomize base + staging/production overlays + secret wrappers), built as typed
 * objects and serialized with `yaml`. Ports, paths, ids, commands and env variables come from the model,
 * lib/commands.ts and the env catalogue, so compose and Kubernetes cannot drift apart.
 *
 * Types come from `kubernetes-models` (a devDependency; type-only imports vanish from the build).
 */
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { commandLine, gunicornArgs } from '../../lib/commands.js';
import { configVars, envCatalog, secretVars } from '../../lib/env-vars.js';
import type { Model } from '../../lib/model.js';
import { enabledServers, enabledServices, type AppWorkload } from '../../lib/services/index.js';
import { toYaml } from '../../lib/yaml.js';
import {
  K8S_ENVIRONMENTS,
  k8sNames,
  namespaceFor,
  SECRETS_FILE,
  type K8sEnvironment,
} from '../../lib/names.js';

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
/** Without PostgreSQL: size of the PersistentVolumeClaim that holds the sqlite database. */
export const SQLITE_STORAGE = '1Gi';

type Component = keyof Pick<Model['services'], 'web' | 'worker' | 'beat' | 'migrate'>;

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

// ---------------------------------------------------------------------------------------------------
// Pods

const http = 'http';

/** Probes on the health view through Django's host check: a Host it allows, and HTTPS as the proxy says. */
export function webProbes(
  m: Model,
  host: string,
): Pick<IContainer, 'startupProbe' | 'readinessProbe' | 'livenessProbe'> {
  const httpGet = (path: string): IProbe['httpGet'] => ({
    path,
    port: http,
    scheme: 'HTTP',
    httpHeaders: [
      { name: 'Host', value: host },
      { name: 'X-Forwarded-Proto', value: 'https' },
    ],
  });
  // Liveness and startup: the process serves. Readiness also needs the database (the health middleware).
  const probe = (p: Omit<IProbe, 'httpGet'>, path = m.s.healthPath): IProbe => ({
    httpGet: httpGet(path),
    ...p,
  });
  return {
    // Up to 150 s for the first start (imports, connections) before liveness takes over.
    startupProbe: probe({ periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 30 }),
    // Out of the Service quickly when it stops answering...
    readinessProbe: probe(
      { periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3, successThreshold: 1 },
      m.readinessPath,
    ),
    // ...but restarted only after a longer outage.
    livenessProbe: probe({ periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 }),
  };
}

function env(m: Model): IEnvVar[] {
  const names = k8sNames(m);
  return [
    // Migrations run once per release in the migrate Job, never in each replica.
    { name: 'DJANGO_MIGRATE', value: 'false' },
    ...secretVars(m).map((v) => ({
      name: v.name,
      valueFrom: { secretKeyRef: { name: names.secret, key: v.name } },
    })),
  ];
}

function appContainer(m: Model, args: string[], extra: Partial<IContainer> = {}): IContainer {
  const names = k8sNames(m);
  return {
    name: names.container,
    image: `${m.s.imageRepository}:${IMAGE_TAG_PLACEHOLDER}`,
    // Tags are immutable (sha-... or a version): no pull on every start.
    imagePullPolicy: 'IfNotPresent',
    args,
    ...extra,
    envFrom: [{ configMapRef: { name: names.config } }],
    env: env(m),
    resources: {
      requests: {
        cpu: m.s.cpuRequest,
        memory: m.s.memoryRequest,
        'ephemeral-storage': EPHEMERAL_STORAGE.request,
      },
      limits: { cpu: m.s.cpuLimit, memory: m.s.memoryLimit, 'ephemeral-storage': EPHEMERAL_STORAGE.limit },
    },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: m.uid,
      runAsGroup: m.gid,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: [
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'shm', mountPath: '/dev/shm' },
      ...(m.s.postgres ? [] : [{ name: 'data', mountPath: m.dataDir }]),
    ],
  };
}

/** Seconds between two checks of the migration gate. */
export const MIGRATION_GATE_INTERVAL_S = 5;
export const MIGRATION_GATE_CONTAINER = 'wait-for-migrations';

/** The migrate command of the Job (and, without PostgreSQL, of the web pod's init container). */
const migrateArgs = (m: Model): string[] => ['python', m.managePy, 'migrate', '--noinput'];

/**
 * The migration gate of the app's Deployments: an init container that waits until `migrate --check`
 * passes, i.e. until the migrate Job has applied every migration of this image. A pod of a new release
 * never serves (nor runs tasks) against the old schema; the old pods keep serving meanwhile
 * (maxUnavailable 0). Without PostgreSQL the single web pod applies the migrations itself in an init
 * container (one replica, replaced on update: nothing races), and the Celery pods wait for it.
 */
export function migrationGate(m: Model, component: Component = 'web'): Pick<IPodSpec, 'initContainers'> {
  if (!m.s.postgres && component === 'web')
    return {
      initContainers: [appContainer(m, migrateArgs(m), { name: m.services.migrate, workingDir: m.workdir })],
    };
  const check = commandLine(['python', m.managePy, 'migrate', '--check']);
  const wait = `until ${check}; do echo "unapplied migrations: waiting for the migrate Job"; sleep ${MIGRATION_GATE_INTERVAL_S}; done`;
  return {
    initContainers: [
      appContainer(m, ['sh', '-c', wait], { name: MIGRATION_GATE_CONTAINER, workingDir: m.workdir }),
    ],
  };
}

function podSpec(m: Model, container: IContainer, extra: Partial<IPodSpec> = {}): IPodSpec {
  return {
    serviceAccountName: k8sNames(m).serviceAccount,
    automountServiceAccountToken: false,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: m.uid,
      runAsGroup: m.gid,
      fsGroup: m.gid,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    terminationGracePeriodSeconds: m.terminationGracePeriod,
    ...extra,
    containers: [container],
    volumes: [
      { name: 'tmp', emptyDir: { sizeLimit: TMP_SIZE } },
      { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: SHM_SIZE } },
      ...(m.s.postgres ? [] : [{ name: 'data', persistentVolumeClaim: { claimName: k8sNames(m).data } }]),
    ],
  };
}

const template = (m: Model, component: Component, spec: IPodSpec): IPodTemplateSpec => ({
  metadata: { labels: labels(m, component) },
  spec,
});

// ---------------------------------------------------------------------------------------------------
// Objects

export function serviceAccount(m: Model): IServiceAccount {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: k8sNames(m).serviceAccount, labels: labels(m) },
    // The app never talks to the Kubernetes API: no token in its pods.
    automountServiceAccountToken: false,
  };
}

/** Without PostgreSQL: the volume of the sqlite database, written by one pod at a time. */
export function dataClaim(m: Model): IPersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: k8sNames(m).data, labels: labels(m) },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: SQLITE_STORAGE } } },
  };
}

export function webDeployment(m: Model): IDeployment {
  const names = k8sNames(m);
  const container = appContainer(m, gunicornArgs(m), {
    ports: [{ name: http, containerPort: m.s.port, protocol: 'TCP' }],
    ...webProbes(m, hostFor(m, 'production')),
    // The endpoint is removed from Services and ingresses before gunicorn stops accepting.
    lifecycle: { preStop: { exec: { command: ['sleep', String(m.preStopSleep)] } } },
  });
  const spread = (topologyKey: string, whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway') => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable,
    labelSelector: { matchLabels: selectorLabels(m, 'web') },
  });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: names.web, labels: labels(m, 'web') },
    spec: {
      // No replicas with PostgreSQL: the HPA owns the count; a replicas field would reset it on every
      // apply. With sqlite exactly one pod, replaced on update: one writer of the database file.
      ...(m.s.postgres ? {} : { replicas: 1 }),
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(m, 'web') },
      strategy: m.s.postgres
        ? { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } }
        : { type: 'Recreate' },
      template: template(
        m,
        'web',
        podSpec(m, container, {
          ...migrationGate(m),
          topologySpreadConstraints: [
            spread('kubernetes.io/hostname', 'DoNotSchedule'),
            // Zones are best effort: single-zone clusters must still schedule.
            spread('topology.kubernetes.io/zone', 'ScheduleAnyway'),
          ],
        }),
      ),
    },
  };
}

/** The app image with another command (a service's workloads: the Celery worker and beat). */
export function workloadDeployment(m: Model, workload: AppWorkload): IDeployment {
  const names = k8sNames(m);
  const { component, singleton } = workload;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: names[component], labels: labels(m, component) },
    spec: {
      // Exactly one beat: two would send every scheduled task twice.
      replicas: singleton ? 1 : replicasFor(m, 'production'),
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(m, component) },
      strategy: singleton
        ? { type: 'Recreate' }
        : { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: template(
        m,
        component,
        podSpec(m, appContainer(m, workload.args(m)), {
          ...migrationGate(m, component),
          // sqlite: the volume is ReadWriteOnce, so the Celery pods run on the web pod's node.
          ...(m.s.postgres
            ? {}
            : {
                affinity: {
                  podAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: [
                      {
                        labelSelector: { matchLabels: selectorLabels(m, 'web') },
                        topologyKey: 'kubernetes.io/hostname',
                      },
                    ],
                  },
                },
              }),
        }),
      ),
    },
  };
}

/** The Kubernetes workloads of the enabled services, in service order. */
export const enabledWorkloads = (m: Model): AppWorkload[] =>
  enabledServices(m, 'workloads').flatMap((service) => service.workloads ?? []);

export function migrateJob(m: Model): IJob {
  const names = k8sNames(m);
  const container = appContainer(m, migrateArgs(m), { workingDir: m.workdir });
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: `${names.migrate}-${JOB_RELEASE_PLACEHOLDER}`, labels: labels(m, 'migrate') },
    spec: {
      backoffLimit: JOB_BACKOFF_LIMIT,
      activeDeadlineSeconds: JOB_DEADLINE_S,
      ttlSecondsAfterFinished: JOB_TTL_S,
      template: template(m, 'migrate', podSpec(m, container, { restartPolicy: 'Never' })),
    },
  };
}

export function service(m: Model): IService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: k8sNames(m).service, labels: labels(m, 'web') },
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(m, 'web'),
      ports: [{ name: http, port: 80, targetPort: http, protocol: 'TCP' }],
    },
  };
}

export function ingress(m: Model, env: K8sEnvironment): IIngress {
  const names = k8sNames(m);
  const host = hostFor(m, env);
  const tls = m.s.tls === 'none' ? {} : { tls: [{ hosts: [host], secretName: names.tlsSecret }] };
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: names.ingress,
      labels: labels(m, 'web'),
      ...(m.s.tls === 'cert-manager'
        ? { annotations: { 'cert-manager.io/cluster-issuer': m.s.tlsIssuer } }
        : {}),
    },
    spec: {
      ingressClassName: m.s.ingressClass,
      ...tls,
      rules: [
        {
          host,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: names.service, port: { name: http } } },
              },
            ],
          },
        },
      ],
    },
  };
}

export function podDisruptionBudget(m: Model): IPodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: k8sNames(m).web, labels: labels(m, 'web') },
    // maxUnavailable, not minAvailable: with staging's single replica a drain can still evict it.
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(m, 'web') } },
  };
}

export function horizontalPodAutoscaler(m: Model, env: K8sEnvironment): IHorizontalPodAutoscaler {
  const names = k8sNames(m);
  const range = hpaRange(m, env);
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: names.web, labels: labels(m, 'web') },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: names.web },
      minReplicas: range.min,
      maxReplicas: range.max,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: HPA_CPU_UTILIZATION } },
        },
      ],
    },
  };
}

/** Egress ports the app needs: DNS, and the database and Redis ports from the env catalogue. */
export function egressPorts(m: Model): { port: number; protocol: 'TCP' | 'UDP' }[] {
  const ports: { port: number; protocol: 'TCP' | 'UDP' }[] = [
    { port: 53, protocol: 'UDP' },
    { port: 53, protocol: 'TCP' },
  ];
  for (const service of enabledServers(m))
    ports.push({ port: service.server.productionPort(m), protocol: 'TCP' });
  return ports;
}

export function networkPolicy(m: Model): INetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: m.s.projectName, labels: labels(m) },
    spec: {
      // Every pod of the app; only pods with a port named http (web) accept the ingress rule.
      podSelector: { matchLabels: { 'app.kubernetes.io/name': m.s.projectName } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          from: [
            { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: INGRESS_CONTROLLER_NAMESPACE } } },
          ],
          ports: [{ port: http, protocol: 'TCP' }],
        },
      ],
      egress: egressPorts(m).map((p) => ({ ports: [p] })),
    },
  };
}

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

function overlayPatches(m: Model, env: K8sEnvironment): Record<string, { comment: string; doc: object }> {
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
    ...(m.s.postgres
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

function overlayKustomization(m: Model, env: K8sEnvironment, patches: string[]): Kustomization {
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
    ...(m.s.postgres ? { replacements: jobNameReplacements(m) } : {}),
    patches: patches.map((path) => ({ path })),
  };
}

function deployKustomization(m: Model, env: K8sEnvironment): Kustomization {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: namespaceFor(m, env),
    resources: [`../../overlays/${env}`],
    // Replaces the placeholder Secret of the base with the values of the gitignored secrets.env.
    secretGenerator: [{ name: k8sNames(m).secret, behavior: 'replace', envs: [SECRETS_FILE] }],
  };
}

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
      m.s.postgres
        ? 'Web: gunicorn, restricted Pod Security, read-only root, probes through Django host checking.'
        : 'Web: gunicorn, restricted Pod Security, read-only root, probes through Django host checking.\nsqlite: one replica, replaced on update; its migrate init container applies the migrations.',
      webDeployment(m),
    ],
    ...(m.s.postgres
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
    ...(m.s.postgres
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
    ...(m.s.postgres
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
