/** The workloads: service account, sqlite claim, the web and app-image Deployments, the migrate Job. */
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import { gunicornArgs } from '../../lib/commands.js';
import type { Model } from '../../lib/model.js';
import { enabledServices, usesDatabaseServer, type AppWorkload } from '../../lib/services/index.js';
import { k8sNames } from '../../lib/names.js';
import {
  JOB_BACKOFF_LIMIT,
  JOB_DEADLINE_S,
  JOB_RELEASE_PLACEHOLDER,
  JOB_TTL_S,
  SQLITE_STORAGE,
  hostFor,
  labels,
  replicasFor,
  selectorLabels,
} from './common.js';
import { appContainer, http, migrateArgs, migrationGate, podSpec, template, webProbes } from './pods.js';

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

/** Without a database server: the volume of the sqlite database, written by one pod at a time. */
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
      // No replicas with a database server: the HPA owns the count; a replicas field would reset it on
      // every apply. With sqlite exactly one pod, replaced on update: one writer of the database file.
      ...(usesDatabaseServer(m) ? {} : { replicas: 1 }),
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(m, 'web') },
      strategy: usesDatabaseServer(m)
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
          ...(usesDatabaseServer(m)
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
