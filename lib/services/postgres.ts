/**
 * PostgreSQL: the database server in compose (base and test run), its variables, and the driver of the
 * starter. Without it the app keeps sqlite, which in production lives on a volume (DJANGO_SQLITE_PATH).
 */
import { same, secretPlaceholder, type EnvVar } from '../env-values.js';
import type { Model } from '../model.js';
import { SERVICE_NAMES } from './names.js';
import type { BackingService, ComposeKit } from './index.js';

const PORT = 5432;

/** The PostgreSQL driver a Django release speaks: psycopg (3) from Django 4.2, psycopg2 before. */
export function postgresDriver(djangoVersion: string): 'psycopg' | 'psycopg2-binary' {
  const [major = 0, minor = 0] = djangoVersion.split('.').map(Number);
  return major > 4 || (major === 4 && minor >= 2) ? 'psycopg' : 'psycopg2-binary';
}
const PG_DATA = '/var/lib/postgresql/data';

function postgresEnv(m: Model): EnvVar[] {
  const { s } = m;
  const dbName = s.projectName.replace(/-/g, '_');
  return [
    { name: 'POSTGRES_DB', description: 'Database name', secret: false, values: same(dbName) },
    { name: 'POSTGRES_USER', description: 'Database user', secret: false, values: same(dbName) },
    {
      name: 'POSTGRES_PASSWORD',
      description: 'Database password',
      secret: true,
      values: same(secretPlaceholder('POSTGRES_PASSWORD')),
    },
    {
      name: 'POSTGRES_HOST',
      description: 'Database host (the compose service, or your managed database in Kubernetes)',
      secret: false,
      values: {
        development: m.services.db,
        test: m.services.db,
        staging: `postgres.${s.namespace}-staging.svc`,
        production: `postgres.${s.namespace}-production.svc`,
      },
    },
    { name: 'POSTGRES_PORT', description: 'Database port', secret: false, values: same(String(PORT)) },
  ];
}

const development = (m: Model, name: string): string =>
  postgresEnv(m).find((v) => v.name === name)!.values.development;

/** The database's name, user and password: the db service creates them, the app connects with them. */
function databaseEnvironment(m: Model, kit: ComposeKit): Record<string, string> {
  return kit.interpolated({
    POSTGRES_DB: kit.fromEnvFile('POSTGRES_DB', development(m, 'POSTGRES_DB')),
    POSTGRES_USER: kit.fromEnvFile('POSTGRES_USER', development(m, 'POSTGRES_USER')),
    POSTGRES_PASSWORD: kit.required('POSTGRES_PASSWORD'),
  });
}

const healthcheck = (kit: ComposeKit) => ({
  // $$: the container's own variables, expanded by its shell rather than by compose.
  test: ['CMD-SHELL', 'pg_isready -U "$$POSTGRES_USER" -d "$$POSTGRES_DB"'],
  // Probed every second while starting, so migrate and web start as soon as it is ready.
  ...kit.startupProbing,
  interval: '10s',
  timeout: '5s',
  retries: 5,
});

export const postgres: BackingService = {
  id: 'postgres',
  settingsKeys: ['postgres', 'postgresVersion'],
  enabled: (s) => s.postgres,
  server: {
    label: 'PostgreSQL',
    name: SERVICE_NAMES.db,
    image: (s) => `postgres:${s.postgresVersion}-alpine`,
    port: PORT,
    migrations: true,
    productionPort: (m) => Number(postgresEnv(m).find((v) => v.name === 'POSTGRES_PORT')!.values.production),
  },
  env: postgresEnv,
  // Development and tests keep the project's own database; production puts it on the shared volume.
  envWhenOff: (m) => [
    {
      name: 'DJANGO_SQLITE_PATH',
      description: `sqlite database file (no PostgreSQL): on the volume migrate and the app share, as the root filesystem is read-only; blank: the project's own DATABASES`,
      secret: false,
      values: { development: '', test: '', staging: m.sqlitePath, production: m.sqlitePath },
    },
  ],
  composeEnv: (m, kit) => ({
    ...databaseEnvironment(m, kit),
    POSTGRES_HOST: development(m, 'POSTGRES_HOST'),
    POSTGRES_PORT: development(m, 'POSTGRES_PORT'),
  }),
  compose: {
    base: (m, kit) => ({
      services: {
        [m.services.db]: {
          image: m.postgresImage,
          ...kit.secretsFile,
          environment: databaseEnvironment(m, kit),
          volumes: [`postgres-data:${PG_DATA}`],
          healthcheck: healthcheck(kit),
          networks: kit.backingNetworks,
        },
      },
      volumes: ['postgres-data'],
    }),
    test: (m, kit) => {
      const env = kit.testEnvironment();
      return {
        services: {
          [m.services.db]: {
            image: m.postgresImage,
            environment: {
              POSTGRES_DB: env.POSTGRES_DB!,
              POSTGRES_USER: env.POSTGRES_USER!,
              POSTGRES_PASSWORD: env.POSTGRES_PASSWORD!,
            },
            tmpfs: [PG_DATA],
            healthcheck: healthcheck(kit),
          },
        },
      };
    },
  },
  devServices: (m) => [m.services.db],
  // psycopg loads libpq (its C implementation also builds against it).
  imagePackages: (m) => ({
    build: ['libpq-dev'],
    runtime: [m.s.variant === 'alpine' ? 'libpq' : 'libpq5'],
  }),
  requirements: (s) => [postgresDriver(s.djangoVersion)],
  // On Alpine (musl) pure-Python psycopg cannot find libpq: the C implementation, built against it.
  containerRequirements: (s) => {
    const driver = postgresDriver(s.djangoVersion);
    return s.variant === 'alpine' && driver === 'psycopg' ? [driver, 'psycopg-c'] : [driver];
  },
  readmeCompose: (m) =>
    `, \`${m.services.db}\` (PostgreSQL ${m.s.postgresVersion}, named volume, \`pg_isready\` health check)`,
};
