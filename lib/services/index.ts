/**
 * Backing services as units: each module in this folder declares everything one service adds to the
 * generated setup (settings keys, image, compose services, env variables, wait-for entries, Kubernetes
 * egress and workloads, dev-container services, starter requirements, README lines). The artifact
 * builders loop over the enabled services of the model; none of them names a service. A new service is
 * one module plus one entry in SERVICES.
 */
import type { Healthcheck, Service } from '../compose-file.js';
import type { EnvVar } from '../env-values.js';
import type { Model } from '../model.js';
import type { PinnedPackage } from '../requirements.js';
import type { Settings } from '../settings.js';
import type { KeyComment } from '../yaml.js';
import { assets } from './assets.js';
import { celery } from './celery.js';
import { SERVICE_NAMES } from './names.js';
import { postgres } from './postgres.js';
import { redis } from './redis.js';

/** What compose.ts hands a service module: the shared pieces every app container is built from. */
export interface ComposeKit {
  /** Image compose builds for web (base and prod) and the development one (override). */
  appImage: string;
  devImage: string;
  /** The app containers' env_file (the secrets file, when it is not `.env`) and environment. */
  secretsFile: Pick<Service, 'env_file'>;
  appEnvironment: () => Record<string, string>;
  /** depends_on of an app container: the backing servers it waits for, healthy. */
  appDependencies: Pick<Service, 'depends_on'>;
  /** `${NAME:?...}`: a secret compose must find in `.env`. */
  required: (name: string) => string;
  /** `${NAME:-fallback}`: a value `.env` may override. */
  fromEnvFile: (name: string, fallback: string) => string;
  /** `env` without the secrets when they come from the secrets file (env_file) instead of `.env`. */
  interpolated: (env: Record<string, string>) => Record<string, string>;
  /** The test run's environment (throwaway secrets). */
  testEnvironment: () => Record<string, string>;
  /** Networks of a backing server (internal) and of an app container. */
  backingNetworks: string[];
  appNetworks: string[];
  /** The network of a development tool that needs no backing server. */
  frontNetworks: string[];
  /** Probing while starting, shared by every health check. */
  startupProbing: Pick<Healthcheck, 'start_period' | 'start_interval'>;
  /** The production app container: env.production, waiting for migrate, hardened. */
  prodApp: () => Service;
  /** Development: env files of app containers, and the host user the tools run as. */
  devEnvFiles: string[];
  hostUser: string;
  /** Override options (front-end folder and watch script). */
  nodeDir: string;
  watchScript: string;
}

/** A service module's contribution to one compose file. */
export interface ComposePart {
  services: Record<string, Service>;
  /** Named volumes (declared at the end of the file, in service order). */
  volumes?: string[];
  /** Volumes the web container mounts too (development: node_modules). */
  webVolumes?: string[];
  comments?: KeyComment[];
}

/** A Kubernetes workload that runs the app image with another command (Celery worker and beat). */
export interface AppWorkload {
  component: 'worker' | 'beat';
  file: string;
  comment: string;
  args: (m: Model) => string[];
  /** Exactly one pod, replaced (never rolled) on update; otherwise the overlays set the count. */
  singleton: boolean;
}

/** A program supervisord runs in the all-in-one image (docker/supervisord.conf). */
export interface SupervisedProgram {
  name: string;
  command: string;
}

export interface BackingService {
  /** Short name, also the key of tests and error messages. */
  id: string;
  /** The settings that switch the service on or shape it (version, package manager). */
  settingsKeys: readonly (keyof Settings)[];
  enabled(s: Settings): boolean;
  /**
   * A server the app connects to (a database, a cache): it gets its own compose service with an image,
   * the app waits for it healthy, it sits on the internal network and Kubernetes lets the app reach it.
   */
  server?: {
    /** Compose service name, and what README.Docker.md calls it. */
    name: string;
    label: string;
    image: (s: Settings) => string;
    port: number;
    /**
     * It is the app's database, which the migrations need: compose's one-shot migrate service waits for
     * it too. With no such server on, the app keeps sqlite (`usesDatabaseServer`).
     */
    migrations?: boolean;
    /** Port the production app connects to (from the env catalogue), for the Kubernetes egress policy. */
    productionPort: (m: Model) => number;
  };
  /** Env variables the service adds to the catalogue (after the app's own), and those it adds when off. */
  env?: (m: Model) => EnvVar[];
  envWhenOff?: (m: Model) => EnvVar[];
  /**
   * What its variables are in the compose app containers; by default a secret from `.env` (required) and
   * the others' development values.
   */
  composeEnv?: (m: Model, kit: ComposeKit) => Record<string, string>;
  compose?: {
    base?: (m: Model, kit: ComposeKit) => ComposePart;
    override?: (m: Model, kit: ComposeKit) => ComposePart;
    prod?: (m: Model, kit: ComposeKit) => ComposePart;
    test?: (m: Model, kit: ComposeKit) => ComposePart;
  };
  /** Kubernetes Deployments of the app image with another command. */
  workloads?: readonly AppWorkload[];
  /** Programs supervisord runs beside gunicorn in the all-in-one image, which is replicated. */
  supervised?: (m: Model) => SupervisedProgram[];
  /** Compose services the dev container starts beside web. */
  devServices?: (m: Model) => string[];
  /** VS Code settings the dev container adds. */
  editorSettings?: (m: Model, nodeDir: string) => Record<string, unknown>;
  /** Pinned runtime requirements the starter project gets, and the container (when they differ). */
  requirements?: (s: Settings) => PinnedPackage[];
  containerRequirements?: (s: Settings) => PinnedPackage[];
  /** Python modules of the starter project (in the settings' package `pkg`), from templates of app. */
  starterModules?: (pkg: string) => { module: string; template: string }[];
  /** What the development image adds for the service. */
  devRequirements?: (s: Settings) => PinnedPackage[];
  /**
   * System packages of the image for the service's client library: headers for the builder's
   * toolchain (a wheel built from source), the shared library it loads at run time.
   */
  imagePackages?: (m: Model) => { build: string[]; runtime: string[] };
  /** Throwaway variables collectstatic needs at build time for settings that read the service's URL. */
  buildEnv?: (m: Model) => string[];
  /** README.Docker.md: what the base compose file runs for the service. */
  readmeCompose?: (m: Model) => string;
}

/** Every backing service, in the order their pieces appear in the generated files. */
export const SERVICES: readonly BackingService[] = [postgres, redis, celery, assets];

/**
 * The services of the model that its settings switch on, in list order; with `uses`, only those that
 * declare one of these pieces, so a part reads the switch of a service only when it could add something.
 */
export const enabledServices = (m: Model, ...uses: (keyof BackingService)[]): BackingService[] =>
  m.backing.filter(
    (svc) => (uses.length === 0 || uses.some((key) => svc[key] !== undefined)) && svc.enabled(m.s),
  );

/** The backing servers that are on: the ones the app waits for and connects to. */
export const enabledServers = (
  m: Model,
): (BackingService & { server: NonNullable<BackingService['server']> })[] =>
  enabledServices(m, 'server').filter(
    (svc): svc is BackingService & { server: NonNullable<BackingService['server']> } => Boolean(svc.server),
  );

/**
 * Whether a backing server that is the app's database (`server.migrations`) is on. Without one the app
 * keeps sqlite: one file (m.sqlitePath) on a volume (m.dataDir) that one writer uses at a time, so
 * compose shares the volume between migrate and the app containers, and Kubernetes runs one web pod on
 * a claim, which applies the migrations itself (no migrate Job, no autoscaling).
 */
export const usesDatabaseServer = (m: Model): boolean =>
  m.backing.some((svc) => svc.server?.migrations && svc.enabled(m.s));

/** What the validation layer checks per server: compose service name, port and image. */
export interface ServerEndpoint {
  id: string;
  name: string;
  port: number;
  image: string;
}

export const serverEndpoints = (m: Model): ServerEndpoint[] => serversFor(m.s, m.backing);

/**
 * For the validation layer, from the settings alone: the backing servers' compose names, ports and
 * images (in compose order), and the compose services of the app image each service adds.
 */
export function serversFor(
  s: Partial<Settings>,
  services: readonly BackingService[] = SERVICES,
): ServerEndpoint[] {
  return services
    .filter((svc) => svc.enabled(s as Settings) && svc.server)
    .map((svc) => ({
      id: svc.id,
      name: svc.server!.name,
      port: svc.server!.port,
      image: svc.server!.image(s as Settings),
    }));
}

export function appWorkloadsFor(
  s: Partial<Settings>,
  services: readonly BackingService[] = SERVICES,
): string[] {
  return services
    .filter((svc) => svc.enabled(s as Settings))
    .flatMap((svc) => svc.workloads ?? [])
    .map((w) => SERVICE_NAMES[w.component]);
}
