/** docker-compose.override.yml: development on top of the base (bind mounts, runserver, the assets watcher). */
import { DEBUG_PORT, type Model } from '../../lib/model.js';
import { type KeyComment } from '../../lib/yaml.js';
import type { ComposeDoc, Service } from '../../lib/compose-file.js';
import {
  WEB_BIND,
  addParts,
  composeKit,
  dependencyFiles,
  devImage,
  volumesOf,
  type OverrideOptions,
} from '../../lib/compose.js';

export function overrideCompose(m: Model, opts: OverrideOptions): ComposeDoc {
  const { s } = m;
  const svc = m.services;
  const services: Record<string, Service> = {};
  const comments: KeyComment[] = [];
  const devEnv = [`env.development`];
  services[svc.web] = {
    build: {
      target: 'development',
      args: { HOST_UID: '${HOST_UID:-1000}', HOST_GID: '${HOST_GID:-1000}' },
    },
    image: devImage(m),
    command: ['python', m.managePy, 'runserver', `0.0.0.0:${s.port}`],
    env_file: devEnv,
    ports: [
      `${WEB_BIND}:\${WEB_PORT:-${s.port}}:${s.port}`,
      `${WEB_BIND}:\${DEBUG_PORT:-${DEBUG_PORT}}:${DEBUG_PORT}`,
    ],
    volumes: ['.:/app'],
    develop: { watch: dependencyFiles(m).map((path) => ({ action: 'rebuild' as const, path: `./${path}` })) },
  };
  comments.push(
    {
      path: ['services', svc.web, 'build', 'args'],
      text: ' Your user and group ids (from .env): files the container writes into the bind mount stay yours.',
    },
    {
      path: ['services', svc.web, 'ports'],
      text: ` ${s.port}: runserver (hot reload). ${DEBUG_PORT}: debugpy, when you start it (README.Docker.md); host ports from .env.`,
    },
    {
      path: ['services', svc.web, 'develop'],
      text: ' `docker compose watch` rebuilds the image when the dependencies change.',
    },
  );
  const volumes = addParts(m, 'override', composeKit(m, opts), { services, comments });
  return {
    file: { services, ...volumesOf(volumes) },
    header: [
      'Development overrides, read automatically by `docker compose up`: the development image with',
      'your code bind-mounted, runserver with hot reload, and the assets watcher.',
    ],
    comments,
  };
}
