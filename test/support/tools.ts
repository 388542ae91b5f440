/**
 * Finding the external tools the validation tests run (shellcheck, busybox, dash, supervisor, Compose v2,
 * kubectl). `scripts/provision/tools.sh` installs them. Missing tool: the test fails under CI=true and
 * is skipped locally with the reason printed.
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
 * In a mocha `before`: the tool's path; when missing, fail under CI, else skip the suite with the reason.
 */
export function requireTool(context: Mocha.Context, name: keyof typeof candidates): string {
  const path = findTool(name);
  if (path) return path;
  const reason = `${name} is not installed (run scripts/provision/tools.sh)`;
  if (process.env.CI === 'true') throw new Error(reason);
  console.log(`      skipped: ${reason}`);
  context.skip();
  throw new Error('unreachable');
}
