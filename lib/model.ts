/**
 * Values derived from the settings that more than one artifact needs: image names, paths inside the
 * image, user ids, timeouts. Every sub-generator reads them from here, so the Dockerfile, compose files,
 * Kubernetes manifests and structure tests cannot drift apart.
 */
import type { Settings } from './settings.js';
import { SERVICES, type BackingService } from './services/index.js';
import { SERVICE_NAMES } from './services/names.js';
import { postgres } from './services/postgres.js';
import { redis } from './services/redis.js';

export { SERVICE_NAMES } from './services/names.js';

/** Port debugpy listens on in the development container when you start it (README.Docker.md shows how). */
export const DEBUG_PORT = 5678;
/** gunicorn's graceful timeout; everything that stops the app waits longer than this. */
export const GRACEFUL_TIMEOUT_S = 30;
/** compose stop_grace_period: above gunicorn's graceful timeout. */
export const STOP_GRACE_PERIOD_S = 40;
/** Kubernetes terminationGracePeriodSeconds: above the graceful timeout plus the preStop sleep. */
export const TERMINATION_GRACE_PERIOD_S = 45;
/** preStop sleep so endpoints drop the pod before gunicorn stops accepting. */
export const PRE_STOP_SLEEP_S = 5;
/** supervisord stopwaitsecs (all-in-one mode): above the graceful timeout, below the stop grace period. */
export const SUPERVISOR_STOP_WAIT_S = 35;

export interface Model {
  s: Settings;
  /** The backing services the builders loop over (lib/services/); each one's settings switch it on. */
  backing: readonly BackingService[];
  /** Python package of the settings module ("config" for "config.settings.production"). */
  pythonPackage: string;
  /** Tags of the base images. */
  pythonImage: string;
  nodeImage: string;
  postgresImage: string;
  redisImage: string;
  /** Where things live inside the image. */
  workdir: string;
  venv: string;
  staticRoot: string;
  scriptsDir: string;
  /**
   * Without PostgreSQL: the folder of the sqlite database in production, a volume (compose) or a
   * PersistentVolumeClaim (Kubernetes) that migrate and the app share; the root filesystem is read-only.
   */
  dataDir: string;
  sqlitePath: string;
  /** Path of manage.py relative to the workdir. */
  managePy: string;
  /** Folder of manage.py inside the image (PYTHONPATH and the gunicorn --chdir). */
  appRoot: string;
  uid: number;
  gid: number;
  user: string;
  /** Compose service names. */
  services: {
    web: string;
    db: string;
    redis: string;
    worker: string;
    beat: string;
    migrate: string;
    assets: string;
  };
  /** Local image name compose builds (`<project>:dev` and the like). */
  localImage: string;
  /** Host header that health checks send (a name Django's ALLOWED_HOSTS accepts). */
  healthHost: string;
  /** Readiness probe path: the health path's `ready/` (the health middleware also checks the database). */
  readinessPath: string;
  /** The settings bridge: DJANGO_SETTINGS_MODULE everywhere; it imports PROJECT_SETTINGS_MODULE. */
  bridgeModule: string;
  /** Folder of the bridge and the health middleware in the project and in the image. */
  bridgeDir: string;
  bridgePath: string;
  /** PYTHONPATH of the images: the bridge folder, then the project's own import folders (--python-path). */
  pythonPathEnv: string;
  gracefulTimeout: number;
  stopGracePeriod: number;
  terminationGracePeriod: number;
  preStopSleep: number;
  supervisorStopWait: number;
  /** Python major.minor, e.g. "3.9". */
  pythonMinor: string;
  nodeMajor: string;
  /** The file the generated secrets live in and compose reads them from: `.env`, or another when git
   * tracks `.env` (generators/env/env-files.ts secretsFileFor). */
  secretsFile: string;
}

const majorMinor = (version: string): string => version.split('.').slice(0, 2).join('.');

export function pythonImageTag(s: Settings): string {
  return s.variant === 'alpine'
    ? `python:${s.pythonVersion}-alpine${s.alpineVersion}`
    : `python:${s.pythonVersion}-slim-${s.debianRelease}`;
}

export function nodeImageTag(s: Settings): string {
  return s.variant === 'alpine'
    ? `node:${s.nodeVersion}-alpine${s.alpineVersion}`
    : `node:${s.nodeVersion}-${s.debianRelease}-slim`;
}

/** The readiness path of a health path: `/health/` -> `/health/ready/`, `/healthz` -> `/healthz/ready`. */
export function readinessPathOf(healthPath: string): string {
  return healthPath.endsWith('/') ? `${healthPath}ready/` : `${healthPath}/ready`;
}

/** Folder of the settings bridge in the project (and under /app in the image). */
export const BRIDGE_DIR = 'docker/python';
export const BRIDGE_MODULE = 'docker_settings';
export const HEALTH_MODULE = 'docker_health';

/** What the model needs from the project folder beyond the settings (the base generator finds it). */
export interface ProjectFacts {
  secretsFile?: string;
}

export function buildModel(
  s: Settings,
  facts: ProjectFacts = {},
  backing: readonly BackingService[] = SERVICES,
): Model {
  const appRoot = s.appDir === '.' ? '/app' : `/app/${s.appDir}`;
  const bridgePath = `/app/${BRIDGE_DIR}`;
  const projectPaths = s.pythonPath === '.' ? [] : s.pythonPath.split(',').map((p) => `/app/${p.trim()}`);
  return {
    s,
    backing,
    pythonPackage: s.settingsModule.split('.')[0]!,
    pythonImage: pythonImageTag(s),
    nodeImage: nodeImageTag(s),
    postgresImage: postgres.server!.image(s),
    redisImage: redis.server!.image(s),
    workdir: '/app',
    venv: '/opt/venv',
    staticRoot: '/app/staticfiles',
    scriptsDir: '/app/docker',
    dataDir: '/data',
    sqlitePath: '/data/db.sqlite3',
    managePy: s.appDir === '.' ? 'manage.py' : `${s.appDir}/manage.py`,
    appRoot,
    uid: s.appUid,
    gid: s.appUid,
    user: 'app',
    services: SERVICE_NAMES,
    localImage: s.projectName,
    healthHost: 'localhost',
    readinessPath: readinessPathOf(s.healthPath),
    bridgeModule: BRIDGE_MODULE,
    bridgeDir: BRIDGE_DIR,
    bridgePath,
    pythonPathEnv: [bridgePath, ...projectPaths].join(':'),
    gracefulTimeout: GRACEFUL_TIMEOUT_S,
    stopGracePeriod: STOP_GRACE_PERIOD_S,
    terminationGracePeriod: TERMINATION_GRACE_PERIOD_S,
    preStopSleep: PRE_STOP_SLEEP_S,
    supervisorStopWait: SUPERVISOR_STOP_WAIT_S,
    pythonMinor: majorMinor(s.pythonVersion),
    nodeMajor: s.nodeVersion.split('.')[0]!,
    secretsFile: facts.secretsFile ?? '.env',
  };
}
