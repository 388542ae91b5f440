/** Which file holds the generated secrets: `.env`, or a file of its own when git tracks `.env`. */

/**
 * Where the secrets go when the project's `.env` is tracked by git (some projects commit theirs): a
 * gitignored file the compose services read with env_file, so no secret lands in a committed file and
 * the project's own `.env` stays as it is. A name no tool or project reads by convention.
 */
export const TRACKED_ENV_SECRETS_FILE = '.env.py-docker';

/**
 * The file the generated secrets go to: `.env`, unless git tracks it (or it cannot be told whether it
 * does), or an earlier run already chose the other file (the database was created with its password).
 */
export function secretsFileFor(envTracked: boolean | undefined, chosenBefore: boolean): string {
  return chosenBefore || envTracked !== false ? TRACKED_ENV_SECRETS_FILE : '.env';
}

/** The secrets file with the reason it is not `.env` (undefined when it is), for the run's output. */
export const secretsFileChoice = (
  envTracked: boolean | undefined,
  chosenBefore: boolean,
): { file: string; reason?: string } => ({
  file: secretsFileFor(envTracked, chosenBefore),
  reason: secretsFileReason(envTracked, chosenBefore),
});

/** Why the secrets are not in `.env`, for the run's output; undefined when they are. */
export function secretsFileReason(
  envTracked: boolean | undefined,
  chosenBefore: boolean,
): string | undefined {
  if (!chosenBefore && envTracked === false) return undefined;
  const why = envTracked
    ? '.env is tracked by git, and secrets never go into a committed file'
    : envTracked === undefined
      ? 'whether git tracks .env could not be read, and secrets never go into a committed file'
      : 'an earlier run put them there when .env was tracked by git (the database was created with them)';
  return `${why}: the secrets are in ${TRACKED_ENV_SECRETS_FILE} (gitignored; the compose files read it), and .env is left as it is`;
}
