/** A leaf module: the service modules and the model both read the names. */
/** Compose service names (and the Kubernetes components' suffixes). */
export const SERVICE_NAMES = {
  web: 'web',
  db: 'db',
  redis: 'redis',
  worker: 'worker',
  beat: 'beat',
  migrate: 'migrate',
  assets: 'assets',
} as const;
