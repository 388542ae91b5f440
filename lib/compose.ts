/**
 * The compose kit: what the compose files of the compose part (base, override, prod) and the test run's
 * file of the testing part share, and what each service module builds its compose services from. Every
 * value comes from the model, the settings or the env catalogue.
 */
import type { ComposeFile, Condition, Healthcheck, Service } from './compose-file.js';
import { envCatalog, type Environment } from './env-vars.js';
import { type Model } from './model.js';
import {
  enabledServers,
  enabledServices,
  usesDatabaseServer,
  type ComposeKit,
  type ComposePart,
} from './services/index.js';
import { cpuToMilli, memoryToBytes } from './settings.js';
import type { KeyComment } from './yaml.js';

/** Networks: the database and Redis sit on an internal network with no route out. */
export const NETWORKS = { front: 'frontend', back: 'backend' } as const;
/** Tag of the images compose builds; IMAGE_TAG in .env overrides it. */
export const IMAGE_TAG = '${IMAGE_TAG:-local}';
/** Default host interface for every published port: loopback, never all interfaces by accident. */
export const WEB_BIND = '${WEB_BIND:-127.0.0.1}';

export const appImage = (m: Model): string => `${m.localImage}:${IMAGE_TAG}`;
export const devImage = (m: Model): string => `${m.localImage}:${IMAGE_TAG}-dev`;

/** Compose's `cpus`: Kubernetes quantities ("250m", "1.5") as a fraction of CPUs. */
export function composeCpus(quantity: string): number {
  return cpuToMilli(quantity) / 1000;
}

/**
 * Compose memory: Kubernetes quantities ("512Mi", "1G") in compose units, where k/m/g are binary
 * (1024-based). Decimal quantities that are no whole binary unit are written in bytes.
 */
export function composeMemory(quantity: string): string {
  const bytes = memoryToBytes(quantity);
  for (const [unit, size] of [
    ['g', 1024 ** 3],
    ['m', 1024 ** 2],
    ['k', 1024],
  ] as const) {
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}b`;
}

const required = (name: string): string =>
  `\${${name}:?${name} is not set: add it to .env (yo py-docker:env writes one)}`;
const fromEnvFile = (name: string, fallback: string): string => `\${${name}:-${fallback}}`;

/**
 * The secrets file a service reads with env_file when it is not `.env` (git tracks the project's `.env`,
 * generators/env/env-files.ts): compose interpolates `${...}` from `.env` only, so the secrets reach the containers
 * this way, and `environment` leaves them out (it would win over env_file).
 */
export const secretsEnvFile = (m: Model): string[] => (m.secretsFile === '.env' ? [] : [m.secretsFile]);

export const withSecretsFile = (m: Model): Pick<Service, 'env_file'> =>
  m.secretsFile === '.env' ? {} : { env_file: secretsEnvFile(m) };

/** `env` without the secrets when they come from the secrets file (env_file) instead of `.env`. */
function interpolatedSecrets(m: Model, env: Record<string, string>): Record<string, string> {
  if (m.secretsFile === '.env') return env;
  const secrets = new Set(
    envCatalog(m)
      .filter((v) => v.secret)
      .map((v) => v.name),
  );
  return Object.fromEntries(Object.entries(env).filter(([name]) => !secrets.has(name)));
}

/**
 * What every app container (web, worker, beat, migrate) gets in compose: secrets from `.env`, and the
 * compose service names for the database, Redis and the broker. `environment` wins over `env_file`, so
 * env.production's Kubernetes host names never reach a compose container.
 */
export function appEnvironment(m: Model): Record<string, string> {
  const kit = composeKit(m);
  const env: Record<string, string> = { DJANGO_SECRET_KEY: required('DJANGO_SECRET_KEY') };
  for (const service of enabledServices(m)) {
    Object.assign(
      env,
      service.composeEnv
        ? service.composeEnv(m, kit)
        : Object.fromEntries(
            (service.env?.(m) ?? []).map((v) => [v.name, v.secret ? required(v.name) : v.values.development]),
          ),
    );
  }
  env.WAIT_FOR = envCatalog(m).find((v) => v.name === 'WAIT_FOR')!.values.development;
  return interpolatedSecrets(m, env);
}

export const healthy = { condition: 'service_healthy' as const };

/** The backing servers the app waits for (healthy), per the chosen services. */
export function backingDependencies(m: Model): Record<string, { condition: Condition }> {
  return Object.fromEntries(enabledServers(m).map((service) => [service.server.name, healthy]));
}

export const withDeps = (deps: Record<string, { condition: Condition }>): Pick<Service, 'depends_on'> =>
  Object.keys(deps).length > 0 ? { depends_on: deps } : {};

/**
 * Every check probes each second until its first pass within start_period (healthy about a second after
 * the service is ready), then at its slower interval; failures count only after start_period.
 */
const STARTUP_PROBING = { start_period: '30s', start_interval: '1s' } as const;

/**
 * The web container's check: the image's health script (HTTP GET of the health path), timed as in the
 * Dockerfile: every second while starting, then every 10 s; 3 failures in a row (30 s) to unhealthy.
 */
export const webHealthcheck = (m: Model): Healthcheck => ({
  test: ['CMD', `${m.scriptsDir}/healthcheck.sh`],
  ...STARTUP_PROBING,
  interval: '10s',
  timeout: '5s',
  retries: 3,
});

export interface OverrideOptions {
  /** Folder of package.json, relative to the project root. */
  nodeDir: string;
  /** npm script the assets service keeps running (a watch script, else the build script). */
  watchScript: string;
}

/** The container hardening every production app container gets (CIS Docker 5.x). */
export function hardening(m: Model): Service {
  const { s } = m;
  return {
    read_only: true,
    tmpfs: ['/tmp:rw,nosuid,nodev,size=64m'],
    shm_size: '64m',
    cap_drop: ['ALL'],
    security_opt: ['no-new-privileges:true'],
    deploy: {
      resources: {
        limits: { cpus: composeCpus(s.cpuLimit), memory: composeMemory(s.memoryLimit), pids: 256 },
        reservations: { cpus: composeCpus(s.cpuRequest), memory: composeMemory(s.memoryRequest) },
      },
    },
    logging: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '5' } },
  };
}

/** Without a database server: the volume of the sqlite database, shared by migrate and every app container. */
export const SQLITE_VOLUME = 'sqlite-data';

/** The root filesystem is read-only: the sqlite database lives on a volume migrate writes and the app reads. */
export const sqliteData = (m: Model): Pick<Service, 'volumes'> =>
  usesDatabaseServer(m) ? {} : { volumes: [`${SQLITE_VOLUME}:${m.dataDir}`] };

/** The shared pieces the service modules build their compose services from. */
export function composeKit(
  m: Model,
  opts: OverrideOptions = { nodeDir: '.', watchScript: 'build' },
): ComposeKit {
  return {
    appImage: appImage(m),
    devImage: devImage(m),
    secretsFile: withSecretsFile(m),
    appEnvironment: () => appEnvironment(m),
    appDependencies: withDeps(backingDependencies(m)),
    required,
    fromEnvFile,
    interpolated: (env) => interpolatedSecrets(m, env),
    testEnvironment: () => testEnvironment(m),
    backingNetworks: [NETWORKS.back],
    appNetworks: [NETWORKS.front, NETWORKS.back],
    frontNetworks: [NETWORKS.front],
    startupProbing: STARTUP_PROBING,
    prodApp: () => ({
      env_file: ['env.production'],
      depends_on: { [m.services.migrate]: { condition: 'service_completed_successfully' } },
      restart: 'unless-stopped',
      ...hardening(m),
      ...sqliteData(m),
    }),
    devEnvFiles: ['env.development'],
    hostUser: '${HOST_UID:-1000}:${HOST_GID:-1000}',
    nodeDir: opts.nodeDir,
    watchScript: opts.watchScript,
  };
}

/** Adds each enabled service's part of one compose file; returns the named volumes they declare. */
export function addParts(
  m: Model,
  file: 'base' | 'override' | 'prod' | 'test',
  kit: ComposeKit,
  into: { services: Record<string, Service>; comments: KeyComment[] },
): string[] {
  const volumes: string[] = [];
  for (const service of enabledServices(m)) {
    const part: ComposePart | undefined = service.compose?.[file]?.(m, kit);
    if (!part) continue;
    Object.assign(into.services, part.services);
    into.comments.push(...(part.comments ?? []));
    volumes.push(...(part.volumes ?? []));
    into.services[m.services.web]?.volumes?.push(...(part.webVolumes ?? []));
  }
  return volumes;
}

export const volumesOf = (names: string[]): Pick<ComposeFile, 'volumes'> =>
  names.length > 0 ? { volumes: Object.fromEntries(names.map((name) => [name, {}])) } : {};

/** The Python dependency files whose change means a rebuild of the development image. */
export function dependencyFiles(m: Model): string[] {
  const { s } = m;
  if (s.pythonDeps === 'requirements') {
    return [s.requirementsFile, ...(s.devRequirementsFile === 'none' ? [] : [s.devRequirementsFile])];
  }
  return s.pythonDeps === 'uv' ? ['pyproject.toml', 'uv.lock'] : ['pyproject.toml'];
}

export { NODE_MODULES_VOLUME } from './services/assets.js';

/** A throwaway value for a secret in the test run: obviously not a secret, long enough for Django. */
export const testSecret = (name: string): string =>
  `insecure-test-only-${name.toLowerCase().replace(/_/g, '-')}-`.padEnd(60, 'x');

/** The test environment from the catalogue, with throwaway values for the secrets. */
export function testEnvironment(m: Model): Record<string, string> {
  const env: Record<string, string> = {};
  const environment: Environment = 'test';
  for (const variable of envCatalog(m)) {
    env[variable.name] = variable.secret ? testSecret(variable.name) : variable.values[environment];
  }
  return env;
}
