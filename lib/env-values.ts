/**
 * The shape of one environment variable of the catalogue (lib/env-vars.ts) and the helpers its entries
 * are written with. A leaf module: the service modules (lib/services/) declare their variables with it.
 */
export const ENVIRONMENTS = ['development', 'test', 'staging', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export interface EnvVar {
  name: string;
  description: string;
  /** Secret values never appear in committed files; they come from `.env` or a secret store. */
  secret: boolean;
  /** Value per environment (for secrets: the placeholder shown in committed files). */
  values: Record<Environment, string>;
}

export const same = (value: string): Record<Environment, string> => ({
  development: value,
  test: value,
  staging: value,
  production: value,
});

/** Placeholder for a secret in committed files: obviously not a value, and rejected by Django's checks. */
export const secretPlaceholder = (name: string): string =>
  `change-me-${name.toLowerCase().replace(/_/g, '-')}`;
