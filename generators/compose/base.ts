/** docker-compose.yml: the services every environment shares, built from the enabled backing services. */
import { type Model } from '../../lib/model.js';
import { type KeyComment } from '../../lib/yaml.js';
import type { ComposeDoc, Service } from '../../lib/compose-file.js';
import {
  NETWORKS,
  addParts,
  appEnvironment,
  appImage,
  backingDependencies,
  composeKit,
  volumesOf,
  webHealthcheck,
  withDeps,
  withSecretsFile,
} from '../../lib/compose.js';

export function baseCompose(m: Model): ComposeDoc {
  const { s } = m;
  const svc = m.services;
  const services: Record<string, Service> = {};
  const comments: KeyComment[] = [];
  const kit = composeKit(m);
  services[svc.web] = {
    build: { context: '.', target: 'production' },
    image: appImage(m),
    ...withSecretsFile(m),
    environment: appEnvironment(m),
    ...withDeps(backingDependencies(m)),
    healthcheck: webHealthcheck(m),
    stop_grace_period: `${m.stopGracePeriod}s`,
    networks: kit.appNetworks,
  };
  comments.push({
    path: ['services', svc.web, 'stop_grace_period'],
    text: ` Longer than gunicorn's graceful timeout (${m.gracefulTimeout} s): requests in flight finish on stop.`,
  });
  comments.push({
    path: ['services', svc.web, 'environment'],
    text: ` Secrets come from ${m.secretsFile}; the host names are the compose services. Other settings: env_file in the override/prod files.`,
  });
  if (m.secretsFile !== '.env')
    comments.push({
      path: ['services', svc.web, 'env_file'],
      text: ` The secrets: your .env is tracked by git, so they live in the gitignored ${m.secretsFile}.`,
    });
  const volumes = addParts(m, 'base', kit, { services, comments });
  comments.push({
    path: ['networks', NETWORKS.back],
    text: ' Internal: the database and Redis have no route to the outside world.',
  });
  return {
    file: {
      name: s.projectName,
      services,
      networks: { [NETWORKS.front]: {}, [NETWORKS.back]: { internal: true } },
      ...volumesOf(volumes),
    },
    header: [
      `Base compose file of ${s.projectName}: the services and how they depend on each other.`,
      'Development: `docker compose up` (adds docker-compose.override.yml automatically).',
      'Production:  `docker compose -f docker-compose.yml -f docker-compose.prod.yml up -d`.',
      'Variables like ${WEB_PORT} come from .env (see .env.example).',
    ],
    comments,
  };
}
