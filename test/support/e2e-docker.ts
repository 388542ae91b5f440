/**
 * Shared machinery of the end-to-end suite (test/e2e): the engine and images of the mode the suite
 * runs in (test/support/e2e-mode.ts: the provisioned stand-ins and offline index, or the official
 * images pulled by Docker and PyPI), projects generated once and shared between cases, Docker commands with time limits, and the cleanup of
 * everything the suite creates. Every project folder, compose project and image a run makes is
 * named with E2E_PREFIX (which holds the run's id), so `sweep()` removes what the run left behind,
 * even when a case was interrupted, and nothing else.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import type { RunResult } from 'yeoman-test';
import { buildFlags, e2eMode, modeName, verifyOptions, type E2eMode } from './e2e-mode.js';
import { runGenerator } from './run.js';
import { missing } from './tools.js';
import { formatTable, type StepResult } from '../../lib/verify-report.js';
import { spawnRunner, type CommandResult } from '../../generators/verify/runner.js';

export type { E2eMode } from './e2e-mode.js';

/**
 * This run's id: scripts/e2e.sh exports E2E_RUN_ID, so its final sweep removes exactly what this run
 * made, and never the folders or containers of another run on the same engine.
 */
const RUN_ID = /^[a-z0-9]{1,12}$/.test(process.env.E2E_RUN_ID ?? '')
  ? process.env.E2E_RUN_ID!
  : randomBytes(3).toString('hex');
export const E2E_PREFIX = `pde2e-${RUN_ID}-`;

let suiteMode: Promise<E2eMode> | undefined;
let pulled: Promise<string[]> | undefined;

/** Time limit of one `docker pull` (all pulls run at once). */
const PULL_TIMEOUT_MS = (Number(process.env.E2E_PULL_TIMEOUT) || 600) * 1000;

/**
 * Real-images mode: Docker pulls every image the cases use, all at once, each bounded in time. The
 * failures, one line per image (its name, exit code or timeout, Docker's last words); none: [].
 */
async function pullImages(images: readonly string[]): Promise<string[]> {
  const results = await Promise.all(
    images.map(async (image) => ({
      image,
      result: await run('docker', ['pull', '--quiet', image], PULL_TIMEOUT_MS),
    })),
  );
  return results
    .filter(({ result }) => result.code !== 0 || result.timedOut)
    .map(({ image, result }) => {
      const why = result.timedOut ? `timed out after ${PULL_TIMEOUT_MS / 1000} s` : `exit ${result.code}`;
      const last = result.stderr.trim().split('\n').at(-1) ?? '';
      return `docker pull ${image}: ${why}${last ? `: ${last}` : ''}`;
    });
}

/**
 * In a mocha `before`: the suite's mode (test/support/e2e-mode.ts), after checking that the engine
 * answers and that the images exist: the stand-ins and their package index, or, with real images,
 * after Docker pulled them (once per run). Missing: a failure in CI (any truthy CI) and always with real
 * images, else the suite is skipped with the reason.
 */
export async function requireEngine(context: Mocha.Context): Promise<E2eMode> {
  // A wrong PY_DOCKER_E2E_REAL_IMAGES value fails, never skips.
  modeName(process.env);
  let reason: string | undefined;
  let mode: E2eMode | undefined;
  try {
    mode = await (suiteMode ??= e2eMode(process.env));
    const version = await run('docker', ['version', '--format', '{{.Server.Version}}'], 20_000);
    if (version.code !== 0)
      reason = `no Docker engine answers (${mode.imageSource === 'local' ? 'run scripts/e2e.sh' : "real-images mode uses the machine's Docker"}): ${version.stderr.trim()}`;
    else if (mode.imageSource === 'pull') {
      context.timeout(PULL_TIMEOUT_MS + 60_000);
      const failures = await (pulled ??= pullImages(mode.images));
      if (failures.length > 0) reason = `images not pulled:\n  ${failures.join('\n  ')}`;
    } else {
      const missing = [];
      for (const image of mode.images) {
        if ((await run('docker', ['image', 'inspect', image], 20_000)).code !== 0) missing.push(image);
      }
      if (missing.length > 0) reason = `stand-in images missing (run scripts/e2e.sh): ${missing.join(', ')}`;
      else if (
        !(await fetch(mode.indexUrl!)
          .then((r) => r.ok)
          .catch(() => false))
      )
        reason = `the package index ${mode.indexUrl} does not answer`;
    }
  } catch (error) {
    reason = (error as Error).message;
  }
  if (!reason) return mode!;
  if (mode?.imageSource === 'pull') throw new Error(`end-to-end: ${reason}`);
  return missing(context, `end-to-end: ${reason}`);
}

/**
 * In a case that runs in one mode only: when `why` says it does not run here, prints that in one
 * line and marks the case pending.
 */
export function onlyWhere(
  context: Mocha.Context,
  what: string,
  run: E2eMode['cases'][keyof E2eMode['cases']],
): void {
  if (run.runs) return;
  console.log(`        ${what} does not run here: ${run.why}`);
  context.skip();
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

/** Runs `yo py-docker` (the app generator) with `--yes` and `options` in `dir` or a new folder. */
export async function generate(options: Record<string, unknown>, cwd?: string): Promise<string> {
  const result = await runGenerator('app', { options: { yes: true, ...options }, cwd: cwd ?? newFolder() });
  return result.cwd;
}

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
  mode: E2eMode,
  cwd: string,
  options: Record<string, unknown> = {},
): Promise<VerifyRun> {
  const port = process.env.WEB_PORT;
  process.env.WEB_PORT = String(await freePort());
  let result: RunResult | undefined;
  let error: (Error & { results?: StepResult[] }) | undefined;
  try {
    result = await runGenerator('verify', { cwd, options: { ...verifyOptions(mode), ...options } });
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
 * `-f` arguments of a compose file for tests only (in a folder of its own), added after the generated
 * ones: in stand-in mode the web image is built on the host network with the offline package index,
 * which is how this machine reaches packages at all. None with real images. The generated files stay
 * untouched.
 */
export function buildHereFiles(mode: E2eMode): string[] {
  if (!mode.buildNetwork && mode.buildArgs.length === 0) return [];
  const path = join(newFolder(), 'e2e-build-here.yml');
  const args = Object.fromEntries(
    mode.buildArgs.map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]),
  );
  writeFileSync(
    path,
    stringify({
      services: { web: { build: { ...(mode.buildNetwork ? { network: mode.buildNetwork } : {}), args } } },
    }),
  );
  return ['-f', path];
}

/**
 * A `docker` for the dev container CLI (`--docker-path`): every `docker compose` call it makes gets
 * the test-only build files after its own `-f` files; everything else goes to docker unchanged.
 * Without such files: plain `docker`.
 */
export function dockerWithBuildFiles(extraFiles: string[]): string {
  if (extraFiles.length === 0) return 'docker';
  const path = join(dirname(extraFiles.at(-1)!), 'e2e-docker.mjs');
  writeFileSync(
    path,
    `#!${process.execPath}
import { spawnSync } from 'node:child_process';
const args = process.argv.slice(2);
if (args[0] === 'compose') {
  let last = -1;
  for (let i = 1; i < args.length; i++) if (args[i] === '-f' || args[i] === '--file') last = ++i;
  if (last > 0) args.splice(last + 1, 0, ...${JSON.stringify(extraFiles)});
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
 * Removes everything this run made: compose projects, containers, networks and volumes whose project
 * or name starts with the run's prefix, images named with it (also the dev container CLI's
 * `vsc-<folder>-*` images), and the project folders. Safe to run any time, also after a killed case.
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
export function starterProject(mode: E2eMode): Promise<string> {
  starter ??= generate(mode.flags.starter);
  return starter;
}

/** Builds a target of the project's Dockerfile as `<project>:<tag>` (BuildKit's cache makes repeats quick). */
export async function buildImage(
  mode: E2eMode,
  dir: string,
  target: 'production' | 'development',
  tag: string,
  buildArgs: string[] = [],
): Promise<string> {
  const image = `${projectName(dir)}:${tag}`;
  await must(
    'docker',
    ['build', ...buildFlags(mode, buildArgs), '--target', target, '-t', image, '.'],
    1_200_000,
    { cwd: dir },
  );
  return image;
}
