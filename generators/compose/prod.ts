/** docker-compose.prod.yml: production on top of the base (the built image, migrate first, hardened containers). */
import { type Model } from '../../lib/model.js';
import { enabledServers, usesDatabaseServer } from '../../lib/services/index.js';
import { type KeyComment } from '../../lib/yaml.js';
import type { ComposeDoc, Service } from '../../lib/compose-file.js';
import {
  NETWORKS,
  WEB_BIND,
  addParts,
  appEnvironment,
  appImage,
  composeKit,
  hardening,
  composeMemory,
  healthy,
  secretsEnvFile,
  sqliteData,
  SQLITE_VOLUME,
  withDeps,
} from '../../lib/compose.js';

export function prodCompose(m: Model): ComposeDoc {
  const { s } = m;
  const svc = m.services;
  const prodEnv = ['env.production'];
  const data = sqliteData(m);
  const sqlite = !usesDatabaseServer(m);
  const migrated = { [svc.migrate]: { condition: 'service_completed_successfully' as const } };
  const services: Record<string, Service> = {};
  const comments: KeyComment[] = [];
  services[svc.migrate] = {
    image: appImage(m),
    command: ['python', m.managePy, 'migrate', '--noinput'],
    // Only in this file: it reads the secrets file (when there is one) itself.
    env_file: [...secretsEnvFile(m), ...prodEnv],
    environment: { ...appEnvironment(m), DJANGO_MIGRATE: 'false' },
    ...withDeps(
      Object.fromEntries(
        enabledServers(m)
          .filter((service) => service.server.migrations)
          .map((service) => [service.server.name, healthy]),
      ),
    ),
    healthcheck: { disable: true },
    restart: 'no',
    ...hardening(m),
    ...data,
    networks: [NETWORKS.back],
  };
  comments.push({
    path: ['services', svc.migrate],
    text: ` Runs the migrations once per \`up\`, before ${svc.web} starts; the replicas never race.`,
  });
  services[svc.web] = {
    build: { context: '.', target: 'production' },
    env_file: prodEnv,
    environment: { DJANGO_MIGRATE: 'false' },
    depends_on: migrated,
    ports: [`${WEB_BIND}:\${WEB_PORT:-${s.port}}:${s.port}`],
    restart: 'unless-stopped',
    ...hardening(m),
    ...data,
  };
  comments.push(
    {
      path: ['services', svc.web, 'ports'],
      text: ' Published on WEB_BIND only (loopback by default): put your TLS proxy in front.',
    },
    {
      path: ['services', svc.web, 'read_only'],
      text: ` Read-only root filesystem: only /tmp and /dev/shm (gunicorn worker heartbeats)${sqlite ? ` and the database volume (${m.dataDir})` : ''} are writable.`,
    },
  );
  addParts(m, 'prod', composeKit(m), { services, comments });
  // Official database images start as root to own their data, then drop to their user: they keep the
  // capabilities for that and nothing else.
  const backing: Service = {
    restart: 'unless-stopped',
    cap_drop: ['ALL'],
    cap_add: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID'],
    security_opt: ['no-new-privileges:true'],
    deploy: { resources: { limits: { memory: composeMemory(s.memoryLimit), pids: 256 } } },
  };
  const servers = enabledServers(m).map((service) => service.server.name);
  for (const name of servers) services[name] = backing;
  if (servers.length > 0) {
    comments.push({
      path: ['services', servers[0]!, 'cap_add'],
      text: ' Only what the image needs to own its data directory and switch to its own user.',
    });
  }
  if (sqlite)
    comments.push({
      path: ['services', svc.migrate, 'volumes'],
      text: ` No PostgreSQL: the sqlite file (DJANGO_SQLITE_PATH in env.production) lives on this volume, shared with ${svc.web}.`,
    });
  return {
    file: { services, ...(sqlite ? { volumes: { [SQLITE_VOLUME]: {} } } : {}) },
    header: [
      'Production: docker compose -f docker-compose.yml -f docker-compose.prod.yml up -d',
      'Settings from env.production, secrets from .env (never committed). Hardened containers, resource',
      'limits, and a one-shot migrate service that runs before the app starts.',
    ],
    comments,
  };
}
