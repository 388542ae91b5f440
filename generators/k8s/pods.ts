/** The pods that run the app image: probes, env, the app container, the migration gate, the pod spec and template. */
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import { commandLine } from '../../lib/commands.js';
import { secretVars } from '../../lib/env-vars.js';
import type { Model } from '../../lib/model.js';
import { k8sNames } from '../../lib/names.js';
import { usesDatabaseServer } from '../../lib/services/index.js';
import { Component, EPHEMERAL_STORAGE, IMAGE_TAG_PLACEHOLDER, SHM_SIZE, TMP_SIZE, labels } from './common.js';

// ---------------------------------------------------------------------------------------------------
// Pods

export const http = 'http';

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

export function env(m: Model): IEnvVar[] {
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

export function appContainer(m: Model, args: string[], extra: Partial<IContainer> = {}): IContainer {
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
      ...(usesDatabaseServer(m) ? [] : [{ name: 'data', mountPath: m.dataDir }]),
    ],
  };
}

/** Seconds between two checks of the migration gate. */
export const MIGRATION_GATE_INTERVAL_S = 5;
export const MIGRATION_GATE_CONTAINER = 'wait-for-migrations';

/** The migrate command of the Job (and, without a database server, of the web pod's init container). */
export const migrateArgs = (m: Model): string[] => ['python', m.managePy, 'migrate', '--noinput'];

/**
 * The migration gate of the app's Deployments: an init container that waits until `migrate --check`
 * passes, i.e. until the migrate Job has applied every migration of this image. A pod of a new release
 * never serves (nor runs tasks) against the old schema; the old pods keep serving meanwhile
 * (maxUnavailable 0). Without a database server the single web pod applies the migrations itself in an init
 * container (one replica, replaced on update: nothing races), and the Celery pods wait for it.
 */
export function migrationGate(m: Model, component: Component = 'web'): Pick<IPodSpec, 'initContainers'> {
  if (!usesDatabaseServer(m) && component === 'web')
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

export function podSpec(m: Model, container: IContainer, extra: Partial<IPodSpec> = {}): IPodSpec {
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
      ...(usesDatabaseServer(m)
        ? []
        : [{ name: 'data', persistentVolumeClaim: { claimName: k8sNames(m).data } }]),
    ],
  };
}

export const template = (m: Model, component: Component, spec: IPodSpec): IPodTemplateSpec => ({
  metadata: { labels: labels(m, component) },
  spec,
});
