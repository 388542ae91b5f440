/**
 * Renders the env files from the one catalogue in env-vars.ts. Values are validated settings, so they
 * contain no quotes, spaces, `$` or `#` and are written unquoted (read the same by compose, Docker and sh).
 */
import { composeVars, envCatalog, type Environment } from '../../lib/env-vars.js';
import type { Model } from '../../lib/model.js';
import { enabledServices } from '../../lib/services/index.js';

export type EnvFileKind = Environment | 'example' | 'local' | 'secrets';

const HEADERS: Record<EnvFileKind, string[]> = {
  example: [
    'Every variable the compose files, the Kubernetes manifests and the Django settings use.',
    'Placeholders only: copy to .env and fill in (yo py-docker:env writes a .env with fresh secrets).',
  ],
  local: [
    'Local values and REAL SECRETS for this machine. Never commit or share this file.',
    'Written once by yo py-docker:env with fresh random secrets; never overwritten by the generator.',
  ],
  secrets: [
    'REAL SECRETS for this machine, read by the compose services (env_file). Never commit or share this file.',
    'Your .env is tracked by git, so the generator keeps the secrets here; it never writes .env.',
    'Compose still reads .env for ${...} values (HOST_UID, HOST_GID, WEB_PORT, ...): set those there or in your shell.',
  ],
  development: ['Non-secret settings for development (docker-compose.override.yml). Secrets live in .env.'],
  test: ['Non-secret settings for the test run. Secrets live in .env.'],
  staging: [
    'Non-secret settings for staging; k8s/overlays/staging renders its ConfigMap from the same values.',
    'Secrets never go here: they come from .env (compose) or the secret store (Kubernetes).',
  ],
  production: [
    'Non-secret settings for production; k8s/overlays/production renders its ConfigMap from the same values.',
    'Secrets never go here: they come from .env (compose) or the secret store (Kubernetes).',
  ],
};

/** Random values for the secrets of a fresh `.env`; `random(n)` returns n random bytes. */
export function localEnvValues(
  m: Model,
  random: (n: number) => Buffer,
  ids: { uid: number; gid: number },
): Record<string, string> {
  // base64url: no `$`, quotes or `#`, so compose interpolation and sh read it unchanged.
  const token = (bytes: number): string => random(bytes).toString('base64url');
  const values: Record<string, string> = {
    DJANGO_SECRET_KEY: token(48),
    HOST_UID: String(ids.uid === 0 ? 1000 : ids.uid),
    HOST_GID: String(ids.gid === 0 ? 1000 : ids.gid),
  };
  // Every service's own secrets (the database password) get a random local value too.
  for (const service of enabledServices(m)) {
    for (const v of service.env?.(m) ?? []) if (v.secret) values[v.name] = token(24);
  }
  return values;
}

export function renderEnvFile(m: Model, kind: EnvFileKind, overrides: Record<string, string> = {}): string {
  const local = kind === 'example' || kind === 'local' || kind === 'secrets';
  const environment: Environment = local ? 'development' : kind;
  const perEnvironment = !local;
  // The per-environment files point at the file that holds the secrets.
  const lines = HEADERS[kind].map(
    (line) => `# ${perEnvironment ? line.replace(/\.env(?![.\w])/g, m.secretsFile) : line}`,
  );
  // The secrets file is read with env_file: every line reaches the containers, so it holds secrets only.
  const vars =
    kind === 'secrets'
      ? envCatalog(m).filter((v) => v.secret)
      : perEnvironment
        ? envCatalog(m)
        : [...envCatalog(m), ...composeVars(m)];
  for (const variable of vars) {
    lines.push('', `# ${variable.description}`);
    if (variable.secret && perEnvironment) {
      lines.push(
        `# ${variable.name} is a secret: set it in ${m.secretsFile} or the secret store, never here.`,
      );
      continue;
    }
    lines.push(`${variable.name}=${overrides[variable.name] ?? variable.values[environment]}`);
  }
  return `${lines.join('\n')}\n`;
}
