import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { composeYaml } from '../../../../lib/compose-file.js';
import { emptyDetection } from '../../../../lib/detect-empty.js';
import { devContainer } from '../../../../generators/devcontainer/devcontainer.js';
import { localEnvValues, renderEnvFile } from '../../../../generators/env/env-files.js';
import { k8sFiles } from '../../../../generators/k8s/manifests.js';
import { buildModel, type Model } from '../../../../lib/model.js';
import { resolveSettings } from '../../../../lib/resolve.js';
import {
  appWorkloadsFor,
  enabledServices,
  serverEndpoints,
  serversFor,
  SERVICES,
  type BackingService,
} from '../../../../lib/services/index.js';
import { SETTINGS, type Settings } from '../../../../lib/settings.js';
import { starterFiles, starterRequirements } from '../../../../generators/app/starter.js';
import { configData } from '../../../../generators/k8s/common.js';
import { networkPolicy } from '../../../../generators/k8s/network.js';
import { baseCompose } from '../../../../generators/compose/base.js';
import { overrideCompose } from '../../../../generators/compose/override.js';
import { prodCompose } from '../../../../generators/compose/prod.js';
import { testCompose } from '../../../../generators/testing/test-compose.js';
import { supervisedPrograms } from '../../../../generators/scripts/index.js';
import { dockerfileView } from '../../../../generators/docker/dockerfile.js';

/** The settings a run with these flags resolves to (the generator's own resolution, no detection). */
async function settingsFor(options: Record<string, unknown>): Promise<Settings> {
  const flags = Object.fromEntries(
    SETTINGS.filter((s) => options[s.flag] !== undefined).map((s) => [s.key, options[s.flag]]),
  );
  return (await resolveSettings({ flags, stored: {}, detection: emptyDetection(), askable: new Set() }))
    .settings;
}

const MAIL_PORT = 1025;
const MAIL_UI_PORT = 8025;

/**
 * A development mail catcher declared the way the real services are: one module, switched on by a
 * setting (here: whenever Redis is on, as the settings table has no key of its own for it).
 */
const mailpit: BackingService = {
  id: 'mailpit',
  settingsKeys: ['redis'],
  enabled: (s) => s.redis,
  server: {
    label: 'Mailpit',
    name: 'mail',
    image: () => 'axllent/mailpit:v1.21',
    port: MAIL_PORT,
    productionPort: () => 587,
  },
  env: () => [
    {
      name: 'EMAIL_HOST',
      description: 'SMTP host Django sends mail through',
      secret: false,
      values: {
        development: 'mail',
        test: 'mail',
        staging: 'smtp.staging.test',
        production: 'smtp.example.test',
      },
    },
    {
      name: 'EMAIL_HOST_PASSWORD',
      description: 'SMTP password',
      secret: true,
      values: { development: 'x', test: 'x', staging: 'x', production: 'x' },
    },
  ],
  compose: {
    base: (_m, kit) => ({
      services: {
        mail: {
          image: 'axllent/mailpit:v1.21',
          healthcheck: { test: ['CMD', '/mailpit', 'readyz'], ...kit.startupProbing },
          networks: kit.backingNetworks,
        },
      },
      volumes: ['mail-data'],
    }),
    override: () => ({ services: { mail: { ports: [`127.0.0.1:${MAIL_UI_PORT}:${MAIL_UI_PORT}`] } } }),
  },
  devServices: () => ['mail'],
  editorSettings: () => ({ 'mailpit.url': `http://localhost:${MAIL_UI_PORT}` }),
  requirements: () => ['redis'],
  starterModules: (pkg) => [{ module: `${pkg}.mail`, template: 'mail.py.ejs' }],
};

const OVERRIDE = { nodeDir: '.', watchScript: 'watch' };
/** The Dockerfile's inputs for a project at the root with a requirements.txt. */
const DOCKERFILE_INPUTS = {
  nodeDir: '.',
  pyprojectDir: '.',
  requirements: ['requirements.txt'],
  devRequirements: [],
  imageRepositoryKnown: false,
};

/** Every file the stock builders write for a model, by name. */
function outputs(m: Model): Record<string, string> {
  return {
    base: composeYaml(baseCompose(m)),
    override: composeYaml(overrideCompose(m, OVERRIDE)),
    prod: composeYaml(prodCompose(m)),
    test: composeYaml(testCompose(m)),
    development: renderEnvFile(m, 'development'),
    production: renderEnvFile(m, 'production'),
    example: renderEnvFile(m, 'example'),
    devcontainer: JSON.stringify(devContainer(m, { nodeDir: '.', pytest: true })),
    ...Object.fromEntries(k8sFiles(m).map((f) => [f.path, f.content])),
  };
}

describe('backing services as modules (lib/services/)', function () {
  let s: Settings;
  let m: Model;

  before(async function () {
    s = await settingsFor({ redis: true, celery: true });
    m = buildModel(s, {}, [...SERVICES, mailpit]);
  });

  it('a new user runs `yo py-docker --yes`: PostgreSQL, Redis, Celery and the assets build are one list, each switched by its own settings', async () => {
    assert.deepEqual(
      SERVICES.map((svc) => svc.id),
      ['postgres', 'redis', 'celery', 'assets'],
    );
    const defaults = await settingsFor({});
    for (const svc of SERVICES) {
      assert.ok(svc.settingsKeys.length > 0, svc.id);
      for (const key of svc.settingsKeys) assert.ok(key in defaults, `${svc.id}: ${key} is no setting`);
    }
    const on = (options: Record<string, unknown>) =>
      settingsFor(options).then((x) => enabledServices(buildModel(x)).map((svc) => svc.id));
    assert.deepEqual(await on({ redis: true, celery: true }), ['postgres', 'redis', 'celery', 'assets']);
    assert.deepEqual(await on({ postgres: false }), ['assets']);
  });

  it('the validation layer reads each backing server’s compose name, port and image from the modules', () => {
    assert.deepEqual(serverEndpoints(m), [
      { id: 'postgres', name: 'db', port: 5432, image: m.postgresImage },
      { id: 'redis', name: 'redis', port: 6379, image: m.redisImage },
      { id: 'mailpit', name: 'mail', port: MAIL_PORT, image: 'axllent/mailpit:v1.21' },
    ]);
    assert.deepEqual(
      serversFor(s).map((x) => `${x.name}:${x.port}`),
      ['db:5432', 'redis:6379'],
    );
    assert.deepEqual(serversFor({ postgres: false, redis: false }), []);
    assert.deepEqual(appWorkloadsFor(s), ['worker', 'beat']);
    assert.deepEqual(appWorkloadsFor({ celery: false }), []);
  });

  it('one more module in the list: the fake mail service shows up in compose as its module declares', () => {
    const base = parse(composeYaml(baseCompose(m)));
    assert.equal(base.services.mail.image, 'axllent/mailpit:v1.21');
    assert.deepEqual(base.services.mail.networks, ['backend']);
    assert.deepEqual(base.services.web.depends_on.mail, { condition: 'service_healthy' });
    assert.deepEqual(base.services.worker.depends_on.mail, { condition: 'service_healthy' });
    assert.equal(base.services.web.environment.EMAIL_HOST, 'mail');
    assert.match(base.services.web.environment.EMAIL_HOST_PASSWORD, /^\$\{EMAIL_HOST_PASSWORD:\?/);
    assert.equal(base.services.web.environment.WAIT_FOR, `db:5432,redis:6379,mail:${MAIL_PORT}`);
    assert.ok('mail-data' in base.volumes);
    const override = parse(composeYaml(overrideCompose(m, OVERRIDE)));
    assert.deepEqual(override.services.mail.ports, [`127.0.0.1:${MAIL_UI_PORT}:${MAIL_UI_PORT}`]);
    const prod = parse(composeYaml(prodCompose(m)));
    assert.deepEqual(prod.services.mail.cap_drop, ['ALL'], 'a backing server gets the production hardening');
    const test = parse(composeYaml(testCompose(m)));
    assert.deepEqual(test.services.tests.depends_on.mail, { condition: 'service_healthy' });
    assert.deepEqual(
      Object.keys(prod.services.migrate.depends_on),
      ['db'],
      'migrate waits only for the database',
    );
  });

  it('one more module in the list: its variables reach the env files with their per-environment values', () => {
    const development = renderEnvFile(m, 'development');
    assert.match(development, /^EMAIL_HOST=mail$/m);
    assert.match(development, new RegExp(`^WAIT_FOR=db:5432,redis:6379,mail:${MAIL_PORT}$`, 'm'));
    assert.match(renderEnvFile(m, 'production'), /^EMAIL_HOST=smtp\.example\.test$/m);
    assert.doesNotMatch(renderEnvFile(m, 'production'), /^EMAIL_HOST_PASSWORD=/m, 'a secret stays out');
    assert.match(renderEnvFile(m, 'example'), /^EMAIL_HOST_PASSWORD=/m);
    const local = localEnvValues(m, (n) => Buffer.alloc(n, 7), { uid: 1000, gid: 1000 });
    assert.equal(
      local.EMAIL_HOST_PASSWORD,
      Buffer.alloc(24, 7).toString('base64url'),
      'its secret gets a local value',
    );
    assert.equal(typeof local.POSTGRES_PASSWORD, 'string');
  });

  it('one more module in the list: Kubernetes lets the app reach it and configures it', () => {
    const egress = networkPolicy(m).spec!.egress!.flatMap((rule) => rule.ports!.map((p) => p.port));
    assert.deepEqual(egress, [53, 53, 5432, 6379, 587]);
    assert.equal(configData(m, 'production').EMAIL_HOST, 'smtp.example.test');
    assert.equal(configData(m, 'staging').EMAIL_HOST, 'smtp.staging.test');
    assert.equal(configData(m, 'production').EMAIL_HOST_PASSWORD, undefined);
    const files = new Map(k8sFiles(m).map((f) => [f.path, f.content]));
    assert.match(files.get('k8s/deploy/production/secrets.env.example') ?? '', /^EMAIL_HOST_PASSWORD=/m);
    assert.match(files.get('k8s/base/deployment.yaml') ?? '', /EMAIL_HOST_PASSWORD/);
  });

  it('one more module in the list: the dev container starts it and gets its editor settings; the starter its requirements', () => {
    const dc = devContainer(m, { nodeDir: '.', pytest: true });
    assert.deepEqual(dc.runServices, ['web', 'db', 'redis', 'assets', 'mail']);
    assert.equal(dc.customizations.vscode.settings['mailpit.url'], `http://localhost:${MAIL_UI_PORT}`);
    assert.deepEqual(
      starterRequirements(s, [...SERVICES, mailpit]).map((r) => r.name),
      [...starterRequirements(s).map((r) => r.name), 'redis'],
    );
    const mail = starterFiles(m).find((f) => f.template === 'mail.py.ejs');
    assert.equal(mail?.path, `${m.pythonPackage}/mail.py`);
  });

  it('one more module in the list: the all-in-one image runs what it declares beside gunicorn', () => {
    const rq: BackingService = {
      id: 'rq',
      settingsKeys: ['redis'],
      enabled: (x) => x.redis,
      supervised: () => [{ name: 'rq', command: 'rq worker' }],
    };
    assert.deepEqual(
      supervisedPrograms(buildModel(s, {}, [...SERVICES, rq])).map((p) => p.name),
      ['web', 'worker', 'rq'],
    );
  });

  it('one more module in the list: the Dockerfile installs its system packages and collectstatic gets its throwaway URL', async () => {
    const slim = await settingsFor({ variant: 'slim' });
    const mysqlClient: BackingService = {
      id: 'mysql-client',
      settingsKeys: ['variant'],
      enabled: () => true,
      imagePackages: () => ({ build: ['default-libmysqlclient-dev'], runtime: ['libmariadb3'] }),
      buildEnv: () => ['MYSQL_URL=mysql://localhost/build'],
    };
    const plain = dockerfileView(buildModel(slim), DOCKERFILE_INPUTS);
    const view = dockerfileView(buildModel(slim, {}, [...SERVICES, mysqlClient]), DOCKERFILE_INPUTS);
    assert.deepEqual(view.toolchain, [...plain.toolchain, 'default-libmysqlclient-dev']);
    assert.match(
      view.productionSetup.join('\n'),
      /apt-get install -y --no-install-recommends libpq5 libmariadb3/,
    );
    assert.equal(view.buildEnv, `${plain.buildEnv} MYSQL_URL=mysql://localhost/build`);
  });

  it('one more database server in the list: the app keeps no sqlite file, and Kubernetes migrates in a Job', async () => {
    const noPostgres = await settingsFor({ postgres: false });
    const mariadb: BackingService = {
      id: 'mariadb',
      settingsKeys: ['postgres'],
      enabled: (x) => !x.postgres,
      server: {
        label: 'MariaDB',
        name: 'mariadb',
        image: () => 'mariadb:11.4',
        port: 3306,
        migrations: true,
        productionPort: () => 3306,
      },
    };
    const paths = (m: Model) => k8sFiles(m).map((f) => f.path);
    const sqlite = buildModel(noPostgres);
    const server = buildModel(noPostgres, {}, [...SERVICES, mariadb]);
    assert.ok(paths(sqlite).includes('k8s/base/data-pvc.yaml'), 'alone: the sqlite claim');
    assert.ok(!paths(server).includes('k8s/base/data-pvc.yaml'));
    assert.ok(paths(server).includes('k8s/base/migrate-job.yaml'));
    assert.ok(paths(server).includes('k8s/base/hpa.yaml'));
    assert.ok('sqlite-data' in parse(composeYaml(prodCompose(sqlite))).volumes);
    const prod = parse(composeYaml(prodCompose(server)));
    assert.equal(prod.volumes, undefined, 'no sqlite volume');
    assert.deepEqual(Object.keys(prod.services.migrate.depends_on), ['mariadb']);
    // The production image makes no sqlite folder either.
    const dataDir = (m: Model) =>
      dockerfileView(m, DOCKERFILE_INPUTS).productionSetup.some((c) => c.includes(m.dataDir));
    assert.ok(dataDir(sqlite), 'alone: the sqlite folder');
    assert.ok(!dataDir(server));
  });

  it('a module whose settings leave it off changes no byte of any file', async () => {
    const plain = await settingsFor({});
    assert.deepEqual(outputs(buildModel(plain, {}, [...SERVICES, mailpit])), outputs(buildModel(plain)));
  });
});
