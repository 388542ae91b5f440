/**
 * Django in the unit tests without PyPI: Debian's python3-* packages that scripts/provision downloads
 * (python3-django 4.2 and the libraries of the project shapes), unpacked once, run with Debian's Python.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CACHE, missing } from './tools.js';

const read = (dir: string, file: string): string => readFileSync(join(dir, file), 'utf8');

/**
 * Django and the other pinned libraries without PyPI: the Debian packages that scripts/provision
 * downloads (python3-django 4.2 and friends), unpacked once. Fails under CI, skips locally when absent.
 */
export function pythonSite(context: Mocha.Context): string {
  const debs = join(CACHE, 'debs');
  const site = join(CACHE, 'starter-site');
  const marker = join(site, '.unpacked');
  const wanted = existsSync(debs) ? readdirSync(debs).filter((f) => /^python3-.*_all\.deb$/.test(f)) : [];
  if (!wanted.some((f) => f.startsWith('python3-django_'))) {
    missing(context, `no python3-django .deb in ${debs} (run scripts/provision/wheelhouse.sh build)`);
  }
  if (!existsSync(marker) || read(site, '.unpacked') !== wanted.join('\n')) {
    mkdirSync(site, { recursive: true });
    for (const deb of wanted) execFileSync('dpkg-deb', ['-x', join(debs, deb), site]);
    writeFileSync(marker, wanted.join('\n'));
  }
  return join(site, 'usr', 'lib', 'python3', 'dist-packages');
}

/** The project's own import folders (--python-path in .yo-rc.json), as the images put them on PYTHONPATH. */
function projectPaths(root: string): string[] {
  const rc = join(root, '.yo-rc.json');
  const stored = existsSync(rc)
    ? (JSON.parse(read(root, '.yo-rc.json')) as Record<string, { pythonPath?: string }>)[
        'generator-py-docker'
      ]
    : undefined;
  const value = stored?.pythonPath ?? '.';
  return value === '.' ? [] : value.split(',').map((p) => join(root, p));
}

/** Runs a Python command in `dir`; returns stdout, throws with stdout and stderr when it fails. */
export function python(site: string, dir: string, args: string[], env: Record<string, string>): string {
  // The container settings (docker/python of the project root) on the path, as in the images.
  const root = existsSync(join(dir, 'docker', 'python')) ? dir : dirname(dir);
  const run = spawnSync('/usr/bin/python3', args, {
    cwd: dir,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      PYTHONPATH: [site, join(root, 'docker', 'python'), ...projectPaths(root)].join(':'),
      PYTHONDONTWRITEBYTECODE: '1',
      DJANGO_SECRET_KEY: 'k'.repeat(20) + 'Q7x_-aZ3mN9pL2sV8cR4tY6uW1eB5dF0gH',
      ...env,
    },
  });
  if (run.status !== 0)
    throw new Error(`python ${args.join(' ')} exited ${run.status}:\n${run.stdout}${run.stderr}`);
  return `${run.stdout}${run.stderr}`;
}

/** The env file a compose environment would hand the app, as a plain object. */
export function envFile(dir: string, file: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of read(dir, file).split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match) env[match[1]!] = match[2]!;
  }
  return env;
}
