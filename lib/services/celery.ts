/**
 * Celery: a worker and beat running the app image with another command, in compose (base, development
 * with reload, production hardened) and as Kubernetes Deployments. Its broker is Redis (database 1).
 */
import { commandLine } from '../commands.js';
import type { Healthcheck, Service } from '../compose-file.js';
import type { Model } from '../model.js';
import type { BackingService, ComposeKit } from './index.js';
import { redisUrls } from './redis.js';

/** Celery worker of the project's package (its celery app lives next to the settings). */
function celeryWorkerArgs(m: Model): string[] {
  return ['celery', '-A', m.pythonPackage, 'worker', '--loglevel=INFO'];
}

/** Celery beat; its schedule file goes to /tmp because the root filesystem is read-only. */
function celeryBeatArgs(m: Model): string[] {
  return [
    'celery',
    '-A',
    m.pythonPackage,
    'beat',
    '--loglevel=INFO',
    '--schedule',
    '/tmp/celerybeat-schedule',
  ];
}

/**
 * A Celery command that restarts on code changes (development): watchfiles runs Celery's own entry
 * point with the same arguments and restarts it when a .py file changes (as cookiecutter-django does).
 */
function reloading(celeryArgs: readonly string[]): string[] {
  return [
    'watchfiles',
    '--filter',
    'python',
    'celery.__main__.main',
    '--args',
    commandLine(celeryArgs.slice(1)),
  ];
}

/** The Celery worker answers a ping; the image's HTTP health check would fail on it. */
const workerHealthcheck = (m: Model): Healthcheck => ({
  test: ['CMD-SHELL', `celery -A ${m.pythonPackage} inspect ping -d "celery@$$HOSTNAME" --timeout 5`],
  interval: '30s',
  timeout: '15s',
  retries: 3,
  start_period: '30s',
});

const both = (m: Model, make: (args: string[], name: string) => Service): Record<string, Service> => ({
  [m.services.worker]: make(celeryWorkerArgs(m), m.services.worker),
  [m.services.beat]: make(celeryBeatArgs(m), m.services.beat),
});

function baseServices(m: Model, kit: ComposeKit): Record<string, Service> {
  // The same image as web (compose builds it once, for web); DJANGO_MIGRATE off: only web migrates.
  return both(m, (command, name) => ({
    image: kit.appImage,
    command,
    working_dir: m.appRoot,
    ...kit.secretsFile,
    environment: { ...kit.appEnvironment(), DJANGO_MIGRATE: 'false' },
    ...kit.appDependencies,
    healthcheck: name === m.services.worker ? workerHealthcheck(m) : { disable: true },
    stop_grace_period: `${m.stopGracePeriod}s`,
    networks: kit.appNetworks,
  }));
}

export const celery: BackingService = {
  id: 'celery',
  settingsKeys: ['celery'],
  enabled: (s) => s.celery,
  env: (m) => [
    { name: 'CELERY_BROKER_URL', description: 'Celery broker URL', secret: false, values: redisUrls(m, 1) },
  ],
  compose: {
    base: (m, kit) => ({
      services: baseServices(m, kit),
      comments: [
        {
          path: ['services', m.services.worker, 'image'],
          text: ` Built by the ${m.services.web} service; worker and beat run the same image.`,
        },
      ],
    }),
    override: (m, kit) => ({
      services: both(m, (args) => ({
        image: kit.devImage,
        command: reloading(args),
        env_file: kit.devEnvFiles,
        volumes: ['.:/app'],
      })),
      comments: [
        {
          path: ['services', m.services.worker, 'command'],
          text: ' watchfiles restarts the worker and beat when a .py file changes (docker/requirements-dev.txt).',
        },
      ],
    }),
    prod: (m, kit) => ({ services: both(m, () => kit.prodApp()) }),
  },
  // The worker only: the all-in-one container is replicated, and each copy of beat would schedule every
  // periodic task again. Beat always runs alone (the compose service, the one-replica Deployment).
  supervised: (m) => [{ name: m.services.worker, command: commandLine(celeryWorkerArgs(m)) }],
  workloads: [
    {
      component: 'worker',
      file: 'worker.yaml',
      comment: 'Celery worker.',
      args: celeryWorkerArgs,
      singleton: false,
    },
    {
      component: 'beat',
      file: 'beat.yaml',
      comment: 'Celery beat: exactly one replica, replaced (never rolled) on update.',
      args: celeryBeatArgs,
      singleton: true,
    },
  ],
  requirements: () => ['celery'],
  // The Celery app the worker and beat load (`celery -A <pkg>`).
  starterModules: (pkg) => [{ module: `${pkg}.celery`, template: 'celery.py.ejs' }],
  // The development worker and beat restart on code changes (watchfiles: reloading above).
  devRequirements: () => ['watchfiles'],
  readmeCompose: (m) => `, \`${m.services.worker}\` and \`${m.services.beat}\` (Celery, the same image)`,
};
