/**
 * The one catalogue of environment variables the generated setup uses. Env files, compose files,
 * Kubernetes ConfigMaps/Secrets and README.Docker.md all render from it, so a variable cannot be used in
 * one place and missing from another.
 */
import { same, secretPlaceholder, type EnvVar } from './env-values.js';
import { DEBUG_PORT, type Model } from './model.js';
import { enabledServers } from './services/index.js';

export { ENVIRONMENTS, same, secretPlaceholder, type Environment, type EnvVar } from './env-values.js';

export function envCatalog(m: Model): EnvVar[] {
  const { s } = m;
  const host = s.ingressHost;
  const vars: EnvVar[] = [
    {
      name: 'DJANGO_SETTINGS_MODULE',
      description: `Settings module Django loads: the container settings (${m.bridgeDir}/${m.bridgeModule}.py), which import PROJECT_SETTINGS_MODULE`,
      secret: false,
      values: same(m.bridgeModule),
    },
    {
      name: 'PROJECT_SETTINGS_MODULE',
      description:
        "The project's own settings module that the container settings import and apply the environment on top of",
      secret: false,
      values: {
        development: s.devSettingsModule,
        test: s.testSettingsModule,
        staging: s.settingsModule,
        production: s.settingsModule,
      },
    },
    {
      name: 'DJANGO_SECRET_KEY',
      description: 'Django SECRET_KEY: 50+ random characters, different per environment',
      secret: true,
      values: same(secretPlaceholder('DJANGO_SECRET_KEY')),
    },
    {
      name: 'DJANGO_DEBUG',
      description: 'Debug mode; never on outside development',
      secret: false,
      values: { development: 'true', test: 'false', staging: 'false', production: 'false' },
    },
    {
      name: 'DJANGO_ALLOWED_HOSTS',
      description:
        'Comma-separated host names Django serves; the first is the Host header health checks send',
      secret: false,
      values: {
        development: `localhost,127.0.0.1,[::1]`,
        test: 'localhost,testserver',
        staging: `staging.${host},localhost`,
        production: `${host},localhost`,
      },
    },
    {
      name: 'DJANGO_CSRF_TRUSTED_ORIGINS',
      description: 'Comma-separated origins (with scheme) trusted for unsafe requests behind a proxy',
      secret: false,
      values: {
        development: `http://localhost:${s.port},http://127.0.0.1:${s.port}`,
        test: `http://localhost:${s.port}`,
        staging: `https://staging.${host}`,
        production: `https://${host}`,
      },
    },
    {
      name: 'DJANGO_SECURE_SSL_REDIRECT',
      description: 'Redirect plain HTTP to HTTPS (the proxy sets X-Forwarded-Proto)',
      secret: false,
      values: { development: 'false', test: 'false', staging: 'true', production: 'true' },
    },
    {
      name: 'DJANGO_LOG_LEVEL',
      description: 'Level of the console log handler',
      secret: false,
      values: { development: 'DEBUG', test: 'WARNING', staging: 'INFO', production: 'INFO' },
    },
    {
      name: 'DJANGO_MIGRATE',
      description:
        'Run migrations in the entrypoint before the app starts (off where a migrate job runs them)',
      secret: false,
      values: { development: 'true', test: 'true', staging: 'false', production: 'false' },
    },
    {
      name: 'WEB_CONCURRENCY',
      description: 'gunicorn worker processes',
      secret: false,
      values: { development: '2', test: '1', staging: '2', production: '4' },
    },
  ];
  for (const service of m.backing) {
    // A service without variables adds none either way: its switch is not read.
    if (!service.env && !service.envWhenOff) continue;
    vars.push(...((service.enabled(s) ? service.env : service.envWhenOff)?.(m) ?? []));
  }
  // Compose only: the backing servers, which Kubernetes reaches through its own Services.
  const local = enabledServers(m)
    .map((service) => `${service.server.name}:${service.server.port}`)
    .join(',');
  vars.push({
    name: 'WAIT_FOR',
    description: 'Comma-separated host:port list the entrypoint waits for before starting',
    secret: false,
    values: { development: local, test: local, staging: '', production: '' },
  });
  return vars;
}

export const secretVars = (m: Model): EnvVar[] => envCatalog(m).filter((v) => v.secret);
export const configVars = (m: Model): EnvVar[] => envCatalog(m).filter((v) => !v.secret);

/**
 * Variables that only compose reads (interpolation from `.env`), never the app. They belong in
 * `.env.example` too, so every `${VAR}` in a compose file is documented.
 */
export function composeVars(m: Model): EnvVar[] {
  return [
    {
      name: 'HOST_UID',
      description: 'Your user id: the development image runs as it, so files in the bind mount stay yours',
      secret: false,
      values: same('1000'),
    },
    {
      name: 'HOST_GID',
      description: 'Your group id (see HOST_UID)',
      secret: false,
      values: same('1000'),
    },
    {
      name: 'WEB_BIND',
      description: 'Host interface the web port is published on',
      secret: false,
      values: same('127.0.0.1'),
    },
    {
      name: 'WEB_PORT',
      description: 'Host port the web service is published on',
      secret: false,
      values: same(String(m.s.port)),
    },
    {
      name: 'DEBUG_PORT',
      description: 'Host port debugpy is published on in development (change it to run two stacks at once)',
      secret: false,
      values: same(String(DEBUG_PORT)),
    },
    {
      name: 'IMAGE_TAG',
      description: 'Tag of the images compose builds (<project>:<tag>, the development one <tag>-dev)',
      secret: false,
      values: same('local'),
    },
  ];
}
