/**
 * Renders the env files from the one catalogue in env-vars.ts. Values are validated settings, so they
 * contain no quotes, spaces, `$` or `#` and are written unquoted (read the same by compose, Docker and sh).
 */
import { composeVars, envCatalog, type Environment } from './env-vars.js';
import type { Model } from './model.js';

export type EnvFileKind = Environment | 'example' | 'local';

const HEADERS: Record<EnvFileKind, string[]> = {
  example: [
    'Every variable the compose files, the Kubernetes manifests and the Django settings use.',
    'Placeholders only: copy to .env and fill in (yo py-docker:env writes a .env with fresh secrets).',
  ],
  local: [
    'Local values and REAL SECRETS for this machine. Never commit or share this file.',
    'Written once by yo py-docker:env with fresh random secrets; never overwritten by the generator.',
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
  if (m.s.postgres) values.POSTGRES_PASSWORD = token(24);
  return values;
}

export function renderEnvFile(m: Model, kind: EnvFileKind, overrides: Record<string, string> = {}): string {
  const lines = HEADERS[kind].map((line) => `# ${line}`);
  const environment: Environment = kind === 'example' || kind === 'local' ? 'development' : kind;
  const perEnvironment = kind !== 'example' && kind !== 'local';
  const vars = perEnvironment ? envCatalog(m) : [...envCatalog(m), ...composeVars(m)];
  for (const variable of vars) {
    lines.push('', `# ${variable.description}`);
    if (variable.secret && perEnvironment) {
      lines.push(`# ${variable.name} is a secret: set it in .env or the secret store, never here.`);
      continue;
    }
    lines.push(`${variable.name}=${overrides[variable.name] ?? variable.values[environment]}`);
  }
  return `${lines.join('\n')}\n`;
}
