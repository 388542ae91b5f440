/**
 * Finding the external tools the validation tests run (shellcheck, busybox, dash, supervisor, Compose v2,
 * kubectl). `scripts/provision/tools.sh` installs them. Missing tool: the test fails in CI (any truthy
 * CI value, see `inCI`) and is skipped locally with the reason printed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const CACHE = process.env.PY_DOCKER_CACHE ?? join(homedir(), '.cache', 'py-docker');

const candidates: Record<string, () => string[]> = {
  shellcheck: () => ['/usr/bin/shellcheck'],
  busybox: () => ['/usr/bin/busybox', '/bin/busybox'],
  dash: () => ['/usr/bin/dash', '/bin/dash'],
  python3: () => ['/usr/bin/python3'],
  git: () => ['/usr/bin/git'],
  // A netcat with -z (Debian's busybox nc has none), for wait-for-it's nc code path.
  'nc-openbsd': () => ['/bin/nc.openbsd', '/usr/bin/nc.openbsd'],
  // Debian's supervisor package (its Python modules import with /usr/bin/python3).
  supervisord: () => ['/usr/bin/supervisord'],
  'docker-compose': () => [
    process.env.PY_DOCKER_COMPOSE ?? '',
    join(CACHE, 'tools', 'bin', 'docker-compose'),
  ],
  kubectl: () => [
    process.env.PY_DOCKER_KUBECTL ?? '',
    join(CACHE, 'tools', 'bin', 'kubectl'),
    '/usr/bin/kubectl',
  ],
};

/** Path of a tool, or undefined. */
export function findTool(name: keyof typeof candidates): string | undefined {
  return candidates[name]!().find((path) => path !== '' && existsSync(path));
}

/** Debian's supervisor package, importable by the system Python. */
export function hasSupervisor(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import supervisor.options'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the tests run in CI: any truthy CI value (GitHub sets "true", other systems "1" or "yes");
 * unset, empty, "0", "false", "no" and "off" are a developer's machine.
 */
export function inCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = (env.CI ?? '').trim().toLowerCase();
  return value !== '' && !['0', 'false', 'no', 'off'].includes(value);
}

/**
 * Something a test needs is missing: in CI a failure with the reason; locally the test (or the suite,
 * from a `before`) is skipped with the reason printed.
 */
export function missing(context: Mocha.Context, reason: string, env: NodeJS.ProcessEnv = process.env): never {
  if (inCI(env)) throw new Error(reason);
  console.log(`      skipped: ${reason}`);
  context.skip();
  throw new Error('unreachable');
}

/**
 * In a mocha `before`: the tool's path; when missing, fail under CI, else skip the suite with the reason.
 */
export function requireTool(context: Mocha.Context, name: keyof typeof candidates): string {
  return findTool(name) ?? missing(context, `${name} is not installed (run scripts/provision/tools.sh)`);
}
