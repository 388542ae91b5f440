/** How traffic reaches the pods and leaves them: Service, Ingress, disruption budget, autoscaler, NetworkPolicy. */
import type { IService } from 'kubernetes-models/v1/Service';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { Model } from '../../lib/model.js';
import { enabledServers } from '../../lib/services/index.js';
import { k8sNames, type K8sEnvironment } from '../../lib/names.js';
import {
  HPA_CPU_UTILIZATION,
  INGRESS_CONTROLLER_NAMESPACE,
  NAMESPACE_NAME_LABEL,
  hostFor,
  hpaRange,
  labels,
  selectorLabels,
} from './common.js';
import { http } from './pods.js';

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
