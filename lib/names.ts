/**
 * Names that several parts agree on: the Kubernetes object names and namespaces (k8s and ci), the
 * secrets file of an overlay, the workflow's path (ci and the held-back set), the test images (testing,
 * ci and verify) and collectstatic's build-only key (docker and scripts).
 */
import type { Model } from './model.js';

export const K8S_ENVIRONMENTS = ['staging', 'production'] as const;

export type K8sEnvironment = (typeof K8S_ENVIRONMENTS)[number];

export interface K8sNames {
  app: string;
  web: string;
  worker: string;
  beat: string;
  migrate: string;
  service: string;
  ingress: string;
  config: string;
  secret: string;
  serviceAccount: string;
  tlsSecret: string;
  container: string;
  /** PersistentVolumeClaim of the sqlite database (no PostgreSQL). */
  data: string;
}

export function k8sNames(m: Model): K8sNames {
  const p = m.s.projectName;
  return {
    app: p,
    web: `${p}-${m.services.web}`,
    worker: `${p}-${m.services.worker}`,
    beat: `${p}-${m.services.beat}`,
    migrate: `${p}-${m.services.migrate}`,
    service: `${p}-${m.services.web}`,
    ingress: p,
    config: `${p}-config`,
    secret: `${p}-secrets`,
    serviceAccount: p,
    tlsSecret: `${p}-tls`,
    container: 'app',
    data: `${p}-data`,
  };
}

export const namespaceFor = (m: Model, env: K8sEnvironment): string => `${m.s.namespace}-${env}`;

export const SECRETS_FILE = 'secrets.env';

export const WORKFLOW_PATH = '.github/workflows/docker-build.yml';

export const testImage = (m: Model): string => `${m.localImage}:test`;

/** The image Dockerfile.test builds (the test run's own). */
export const testsImage = (m: Model): string => `${m.localImage}-tests:test`;

export const TESTS_SERVICE = 'tests';

/** A value for collectstatic only, inline in its RUN: never an ARG/ENV, never in the image config. */
export const BUILD_ONLY_SECRET_KEY = 'build-only-not-secret-collectstatic-needs-any-value-at-all';
