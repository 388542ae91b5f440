/** Redis: the cache (and the Celery broker), a compose service with a health check, and REDIS_URL. */
import type { EnvVar } from '../env-values.js';
import type { Model } from '../model.js';
import { SERVICE_NAMES } from './names.js';
import type { BackingService, ComposeKit } from './index.js';

const PORT = 6379;

/** A Redis URL per environment: the compose service, or the cluster's Redis in each namespace. */
export function redisUrls(m: Model, db: number): EnvVar['values'] {
  const { s } = m;
  return {
    development: `redis://${m.services.redis}:${PORT}/${db}`,
    test: `redis://${m.services.redis}:${PORT}/${db}`,
    staging: `redis://redis.${s.namespace}-staging.svc:${PORT}/${db}`,
    production: `redis://redis.${s.namespace}-production.svc:${PORT}/${db}`,
  };
}

const healthcheck = (kit: ComposeKit) => ({
  test: ['CMD', 'redis-cli', 'ping'],
  ...kit.startupProbing,
  interval: '10s',
  timeout: '3s',
  retries: 5,
});

export const redis: BackingService = {
  id: 'redis',
  settingsKeys: ['redis', 'redisVersion'],
  enabled: (s) => s.redis,
  server: {
    label: 'Redis',
    name: SERVICE_NAMES.redis,
    image: (s) => `redis:${s.redisVersion}-alpine`,
    port: PORT,
    productionPort: (m) => Number(new URL(redisUrls(m, 0).production).port),
  },
  env: (m) => [
    { name: 'REDIS_URL', description: 'Redis URL for the cache', secret: false, values: redisUrls(m, 0) },
  ],
  compose: {
    base: (m, kit) => ({
      services: {
        [m.services.redis]: {
          image: m.redisImage,
          volumes: ['redis-data:/data'],
          healthcheck: healthcheck(kit),
          networks: kit.backingNetworks,
        },
      },
      volumes: ['redis-data'],
    }),
    test: (m, kit) => ({
      services: { [m.services.redis]: { image: m.redisImage, healthcheck: healthcheck(kit) } },
    }),
  },
  devServices: (m) => [m.services.redis],
  buildEnv: () => [`REDIS_URL=redis://localhost:${PORT}/0`],
  requirements: () => ['redis'],
  readmeCompose: (m) => `, \`${m.services.redis}\` (\`redis-cli ping\` health check)`,
};
