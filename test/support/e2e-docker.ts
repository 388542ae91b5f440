/**
 * Shared machinery of the end-to-end suite (test/e2e): the provisioned engine, stand-in images and
 * package index (scripts/provision, read from the environment `scripts/e2e.sh` sources), projects
 * generated once and shared between cases, Docker commands with time limits, and the cleanup of
 * everything the suite creates. Every project folder, compose project and image the suite makes is
 * named with E2E_PREFIX, so `sweep()` can remove what a killed run left behind.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { RunResult } from 'yeoman-test';
import { formatTable, spawnRunner, type CommandResult, type StepResult } from '../../lib/verify.js';
import type { Versions } from './e2e-fixtures.js';
import { runGenerator } from './run.js';

export const E2E_PREFIX = 'pde2e-';

/** What scripts/provision/all.sh exported (provision.env). */
export interface Provisioned {
  indexUrl: string;
  trustedHost: string;
  images: string[];
  versions: Versions;
}

const need = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite with scripts/e2e.sh (it provisions first)`);
  return value;
};

export function provisioned(): Provisioned {
  return {
    indexUrl: need('PY_DOCKER_INDEX_URL'),
    trustedHost: need('PY_DOCKER_TRUSTED_HOST'),
    images: ['PY_IMAGE_EXACT', 'NODE_IMAGE_EXACT', 'POSTGRES_IMAGE', 'REDIS_IMAGE'].map(need),
    versions: {
      python: need('PY_DOCKER_PYTHON_VERSION'),
      node: need('PY_DOCKER_NODE_VERSION'),
      npm: need('PY_DOCKER_NPM_VERSION'),
      django: need('PY_DOCKER_WHEEL_DJANGO_VERSION'),
      gunicorn: need('PY_DOCKER_WHEEL_GUNICORN_VERSION'),
      whitenoise: need('PY_DOCKER_WHEEL_WHITENOISE_VERSION'),
      psycopg: need('PY_DOCKER_WHEEL_PSYCOPG_VERSION'),
      pytest: need('PY_DOCKER_WHEEL_PYTEST_VERSION'),
      pytestDjango: need('PY_DOCKER_WHEEL_PYTEST_DJANGO_VERSION'),
    },
  };
}

/**
 * In a mocha `before`: the provisioned environment, after checking that the engine answers, the
 * stand-in images exist and the package index serves. Missing: a failure under CI=true, else the
 * suite is skipped with the reason.
 */
export async function requireEngine(context: Mocha.Context): Promise<Provisioned> {
  let reason: string | undefined;
  let env: Provisioned | undefined;
  try {
    env = provisioned();
    const version = await run('docker', ['version', '--format', '{{.Server.Version}}'], 20_000);
    if (version.code !== 0) reason = `no Docker engine answers: ${version.stderr.trim()}`;
    else {
      const missing = [];
      for (const image of env.images) {
        if ((await run('docker', ['image', 'inspect', image], 20_000)).code !== 0) missing.push(image);
      }
      if (missing.length > 0) reason = `stand-in images missing: ${missing.join(', ')}`;
      else if (
        !(await fetch(env.indexUrl)
          .then((r) => r.ok)
          .catch(() => false))
      )
        reason = `the package index ${env.indexUrl} does not answer`;
    }
  } catch (error) {
    reason = (error as Error).message;
  }
  if (!reason) return env!;
  if (process.env.CI === 'true') throw new Error(`end-to-end: ${reason}`);
  console.log(`      skipped: ${reason} (run scripts/e2e.sh)`);
  context.skip();
  throw new Error('unreachable');
}

/** A command with a time limit; never throws. */
export function run(
  command: string,
  args: string[],
  timeoutMs: number,
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  return spawnRunner(options.cwd ?? process.cwd())(command, args, { timeoutMs, env: options.env });
}

/** A command that must succeed: its result, or an error with the end of its output. */
export async function must(
  command: string,
  args: string[],
  timeoutMs: number,
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  const result = await run(command, args, timeoutMs, options);
  if (result.code !== 0 || result.timedOut) {
    const tail = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-25).join('\n');
    throw new Error(
      `${command} ${args.join(' ')} ${result.timedOut ? `timed out after ${timeoutMs / 1000} s` : `exited ${result.code}`}\n${tail}`,
    );
  }
  return result;
}

/** Polls `probe` until it returns a value (not undefined) or the time is up. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s${last ? ` (${(last as Error).message})` : ''}`);
}

/** A TCP port nobody listens on right now (for published ports). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A fresh, empty project folder named with the prefix (its name becomes the project name). */
export const newFolder = (): string => mkdtempSync(join(tmpdir(), E2E_PREFIX));

/** A copy of a project in a new folder (same stored answers, same project name). */
export function copyProject(dir: string): string {
  const copy = newFolder();
  cpSync(dir, copy, { recursive: true });
  return copy;
}

/** Every file of a folder handed to a user id, like a developer's own checkout. */
export function chownTree(dir: string, uid: number, gid: number): void {
  execFileSync('chown', ['-R', `${uid}:${gid}`, dir]);
}

/** Runs `yo py-docker` (the app generator) with `--yes` and the stand-in versions in `dir` or a new folder. */
export async function generate(options: Record<string, unknown>, cwd?: string): Promise<string> {
  const result = await runGenerator('app', { options: { yes: true, ...options }, cwd: cwd ?? newFolder() });
  return result.cwd;
}

/** The flags that match the stand-in images: slim trixie, their exact Python, Node.js and npm. */
export const standInFlags = (env: Provisioned): Record<string, string> => ({
  variant: 'slim',
  'debian-release': 'trixie',
  'python-version': env.versions.python,
  'node-version': env.versions.node,
  'npm-version': env.versions.npm,
  'django-version': env.versions.django,
});

/** `yo py-docker:verify` options for this machine: the offline index, builds on the host network. */
export const verifyFlags = (env: Provisioned): Record<string, string> => ({
  'build-arg': `PIP_INDEX_URL=${env.indexUrl},PIP_TRUSTED_HOST=${env.trustedHost}`,
  'build-network': 'host',
});

export interface VerifyRun {
  results: StepResult[];
  error?: Error;
  table: string;
}

/**
 * Runs `yo py-docker:verify` in `cwd` and returns its steps, whether it passed or failed. The web port
 * is published on a free port (WEB_PORT from the environment wins over .env for compose), so a
 * server already listening on the default port does not fail the run.
 */
export async function runVerify(
  env: Provisioned,
  cwd: string,
  options: Record<string, unknown> = {},
): Promise<VerifyRun> {
  const port = process.env.WEB_PORT;
  process.env.WEB_PORT = String(await freePort());
  let result: RunResult | undefined;
  let error: (Error & { results?: StepResult[] }) | undefined;
  try {
    result = await runGenerator('verify', { cwd, options: { ...verifyFlags(env), ...options } });
  } catch (caught) {
    error = caught as Error & { results?: StepResult[] };
  } finally {
    if (port === undefined) delete process.env.WEB_PORT;
    else process.env.WEB_PORT = port;
  }
  const generator = result?.generator as unknown as { results?: StepResult[] } | undefined;
  const results = generator?.results ?? error?.results ?? [];
  if (error && results.length === 0) throw error;
  return { results, error, table: formatTable(results) };
}

/** Project name stored in .yo-rc.json (the compose project and image names derive from it). */
export function projectName(dir: string): string {
  const rc = JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8')) as Record<
    string,
    { projectName: string }
  >;
  return rc['generator-py-docker']!.projectName;
}

/**
 * A compose file for tests only (in a folder of its own), added after the generated ones: the web
 * image is built on the host network with the offline package index, which is how this machine
 * reaches packages at all. The generated files stay untouched.
 */
export function buildHereFile(env: Provisioned): string {
  const path = join(newFolder(), 'e2e-build-here.yml');
  writeFileSync(
    path,
    [
      'services:',
      '  web:',
      '    build:',
      '      network: host',
      '      args:',
      `        PIP_INDEX_URL: "${env.indexUrl}"`,
      `        PIP_TRUSTED_HOST: "${env.trustedHost}"`,
      '',
    ].join('\n'),
  );
  return path;
}

/**
 * A `docker` for the dev container CLI (`--docker-path`): every `docker compose` call it makes gets
 * the test-only build file after its own `-f` files; everything else goes to docker unchanged.
 */
export function dockerWithBuildFile(extraFile: string): string {
  const path = join(dirname(extraFile), 'e2e-docker.mjs');
  writeFileSync(
    path,
    `#!${process.execPath}
import { spawnSync } from 'node:child_process';
const args = process.argv.slice(2);
if (args[0] === 'compose') {
  let last = -1;
  for (let i = 1; i < args.length; i++) if (args[i] === '-f' || args[i] === '--file') last = ++i;
  if (last > 0) args.splice(last + 1, 0, '-f', ${JSON.stringify(extraFile)});
}
const result = spawnSync('docker', args, { stdio: 'inherit' });
process.exit(result.status ?? 1);
`,
  );
  chmodSync(path, 0o755);
  return path;
}

/** `docker compose -p <project> down -v` (works without the files: compose finds it by its labels). */
export async function composeDown(project: string): Promise<void> {
  await run(
    'docker',
    ['compose', '-p', project, 'down', '-v', '--remove-orphans', '--timeout', '5'],
    120_000,
  );
}

const lines = (result: CommandResult): string[] =>
  result.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/**
 * Removes everything the suite made: compose projects, containers, networks and volumes whose
 * project or name starts with the prefix, images named with it (also the dev container CLI's
 * `vsc-<folder>-*` images), and the project folders. Safe to run any time, also after a killed run.
 */
export async function sweep(): Promise<void> {
  const projects = lines(
    await run('docker', ['ps', '-a', '--format', '{{.Label "com.docker.compose.project"}}'], 60_000),
  ).filter((p) => p.startsWith(E2E_PREFIX));
  for (const project of new Set(projects)) await composeDown(project);
  const containers = lines(
    await run(
      'docker',
      ['ps', '-a', '--format', '{{.ID}} {{.Names}} {{.Label "com.docker.compose.project"}}'],
      60_000,
    ),
  )
    .map((l) => l.split(' '))
    .filter(([, name, project]) => name?.startsWith(E2E_PREFIX) || project?.startsWith(E2E_PREFIX))
    .map(([id]) => id!);
  if (containers.length > 0) await run('docker', ['rm', '--force', '--volumes', ...containers], 120_000);
  const volumes = lines(await run('docker', ['volume', 'ls', '--format', '{{.Name}}'], 60_000)).filter((v) =>
    v.startsWith(E2E_PREFIX),
  );
  if (volumes.length > 0) await run('docker', ['volume', 'rm', '--force', ...volumes], 120_000);
  const networks = lines(await run('docker', ['network', 'ls', '--format', '{{.Name}}'], 60_000)).filter(
    (n) => n.startsWith(E2E_PREFIX),
  );
  if (networks.length > 0) await run('docker', ['network', 'rm', ...networks], 120_000);
  const images = lines(
    await run('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'], 60_000),
  ).filter((i) => i.startsWith(E2E_PREFIX) || i.startsWith(`vsc-${E2E_PREFIX}`));
  if (images.length > 0) await run('docker', ['image', 'rm', '--force', ...images], 300_000);
  for (const entry of lines(await run('ls', ['-1', tmpdir()], 10_000))) {
    if (entry.startsWith(E2E_PREFIX)) rmSync(join(tmpdir(), entry), { recursive: true, force: true });
  }
}

let starter: Promise<string> | undefined;

/** The project a new user gets in an empty folder (`yo py-docker --yes`), generated once per run. */
export function starterProject(env: Provisioned): Promise<string> {
  starter ??= generate(standInFlags(env));
  return starter;
}

/** Builds a target of the project's Dockerfile as `<project>:<tag>` (BuildKit's cache makes repeats quick). */
export async function buildImage(
  env: Provisioned,
  dir: string,
  target: 'production' | 'development',
  tag: string,
  buildArgs: string[] = [],
): Promise<string> {
  const image = `${projectName(dir)}:${tag}`;
  const args = [`PIP_INDEX_URL=${env.indexUrl}`, `PIP_TRUSTED_HOST=${env.trustedHost}`, ...buildArgs];
  await must(
    'docker',
    [
      'build',
      '--network',
      'host',
      '--target',
      target,
      '-t',
      image,
      ...args.flatMap((a) => ['--build-arg', a]),
      '.',
    ],
    1_200_000,
    { cwd: dir },
  );
  return image;
}
