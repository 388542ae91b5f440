/** What verify says when a command fails: the engine's versions, its reachability, deploy issues, the lines that matter of a failed build or test run. */
import { CommandResult } from './runner.js';

/** The oldest releases the generated files work with: health-check start_interval (and BuildKit). */
export const MIN_VERSIONS = { 'Docker Engine': [25, 0], 'Docker Compose': [2, 20] } as const;

export const ENGINE_STEP = `Docker Engine ${MIN_VERSIONS['Docker Engine'][0]}+ and Compose ${MIN_VERSIONS['Docker Compose'].join('.')}+`;

/**
 * Why this Docker cannot run the generated setup, or undefined. `server`: `docker version` Server
 * (e.g. "26.1.5+dfsg1"); `compose`: `docker compose version --short` (e.g. "2.26.1-4" or "v2.29.1").
 */
export function engineProblem(server: string, compose: string): string | undefined {
  const have = { 'Docker Engine': server, 'Docker Compose': compose };
  for (const [name, want] of Object.entries(MIN_VERSIONS) as [keyof typeof have, readonly number[]][]) {
    const match = /^v?(\d+)\.(\d+)/.exec(have[name]);
    if (!match) return `cannot read the ${name} version from ${JSON.stringify(have[name])}`;
    const [major, minor] = [Number(match[1]), Number(match[2])];
    if (major < want[0]! || (major === want[0] && minor < want[1]!))
      return `${name} ${have[name]} is too old: the generated files need ${want.join('.')} or newer (health checks with start_interval); upgrade ${name}`;
  }
  return undefined;
}

/**
 * Why `docker version` did not reach the engine, with what to do about it: a socket the user may not
 * use (the docker group), an engine that is not running, or no docker command.
 */
export function unreachableEngine(result: CommandResult): string {
  const reason = firstError(result);
  const text = `${result.stderr}\n${result.stdout}`;
  if (/permission denied/i.test(text) && /docker\.sock|daemon socket/i.test(text))
    return `${reason}; your user may not use the Docker socket: add it to the docker group (sudo usermod -aG docker "$USER", then log out and in again) or use rootless Docker, and run yo py-docker:verify again`;
  if (/cannot connect to the docker daemon|is the docker daemon running/i.test(text))
    return `${reason}; start Docker (sudo systemctl start docker, or Docker Desktop) and run yo py-docker:verify again`;
  if (result.code === 127 && /ENOENT/.test(text))
    return 'the docker command is not installed (or not on PATH): install Docker Engine 25+ with the Compose plugin';
  return reason;
}

/** The findings of a failed `check --deploy`: every `?: (security.W004) ...` line, else the first error. */
export function deployIssues(result: CommandResult): string {
  const issues = `${result.stderr}\n${result.stdout}`
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^\S*: \((\w+\.)?[EWCI]\d+\)/.test(l));
  return issues.length > 0 ? issues.join('\n') : firstError(result);
}

/** First line worth showing of a failed command's output. */
export function firstError(result: CommandResult): string {
  if (result.timedOut) return `timed out after ${Math.round(result.duration / 1000)} s`;
  const lines = `${result.stderr}\n${result.stdout}`.split('\n').map((l) => l.trim());
  return (
    lines.find((l) => /error|fail|denied|refused|invalid|not found/i.test(l)) ??
    lines.find(Boolean) ??
    `exit ${result.code}`
  );
}

/** Compose's own status lines around a container's output: never the reason something failed. */
const COMPOSE_NOISE =
  /^\s*(\[\+\] |(Container|Network|Volume|Image) \S+\s+\w+\s*$|Attaching to |Aborting on container exit|\S+ exited with code \d+$)/;

/**
 * The reason a long command failed: the last meaningful lines of its output (a test run's failures
 * and summary come last), up to `max`, without compose's status lines.
 */
export function failureTail(result: CommandResult, max = 12): string {
  if (result.timedOut) return firstError(result);
  const lines = `${result.stdout}\n${result.stderr}`
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '' && !COMPOSE_NOISE.test(l));
  return lines.length > 0 ? lines.slice(-max).join('\n') : `exit ${result.code}`;
}

/**
 * Why an image build failed: BuildKit prints the failing step's output between `------` lines
 * (` > [stage 3/6] RUN ...:` first) and ends with `ERROR: failed to solve: ...`; those, not the
 * Dockerfile excerpt in between. Other builders: the last lines of the output.
 */
export function buildFailure(result: CommandResult, max = 12): string {
  if (result.timedOut) return firstError(result);
  const lines = `${result.stdout}\n${result.stderr}`.split('\n').map((l) => l.trimEnd());
  const start = lines.findLastIndex((l, i) => l.startsWith(' > [') && lines[i - 1] === '------');
  const solve = lines.findLast((l) => /^ERROR: /.test(l));
  if (start < 0) return failureTail(result, max);
  const end = lines.indexOf('------', start + 1);
  const output = lines.slice(start, end < 0 ? undefined : end).filter((l) => l.trim() !== '');
  const shown = output.length > max ? [output[0]!, ...output.slice(-(max - 1))] : output;
  return [...shown, ...(solve ? [solve] : [])].join('\n');
}

/** Shows that a step is running: `start` when it begins, `output` for each new line, `stop` at its end. */
