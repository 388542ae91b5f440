/**
 * `yo py-docker:verify`: proves a generated setup works with the user's Docker. The steps are data; the
 * command runner is injected, so the order, skipping and teardown rules are unit-tested without Docker.
 */
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import type { Model } from '../../lib/model.js';
import { testImage, testsImage, TESTS_SERVICE } from '../../lib/names.js';
import { healthStep, uidStep, type StepResult } from '../../lib/verify-report.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Milliseconds. */
  duration: number;
  timedOut: boolean;
}

export type Runner = (
  command: string,
  args: string[],
  options?: { timeoutMs?: number; env?: NodeJS.ProcessEnv; onOutput?: (line: string) => void },
) => Promise<CommandResult>;

/** Runs a command without a shell (no user value is ever parsed by one), with a time limit. */
export const spawnRunner =
  (cwd: string): Runner =>
  (command, args, options = {}) =>
    new Promise((resolve) => {
      const started = Date.now();
      const child = spawn(command, args, {
        cwd,
        env: { ...process.env, ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      // The latest line of output as it comes, for the progress line of a long step.
      const latest = (text: string): void => {
        const line = text.split('\n').findLast((l) => l.trim() !== '');
        if (line && options.onOutput) options.onOutput(line.trim());
      };
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        latest(chunk.toString());
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        latest(chunk.toString());
      });
      const timer = options.timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, options.timeoutMs)
        : undefined;
      child.on('error', (error) => {
        if (timer) clearTimeout(timer);
        resolve({
          code: 127,
          stdout,
          stderr: `${stderr}${error.message}`,
          duration: Date.now() - started,
          timedOut,
        });
      });
      child.on('close', (code) => {
        if (timer) clearTimeout(timer);
        resolve({ code: code ?? 1, stdout, stderr, duration: Date.now() - started, timedOut });
      });
    });

export interface VerifyOptions {
  skipBuild: boolean;
  skipTests: boolean;
  keepUp: boolean;
  /** Seconds to wait for every service to be healthy. */
  healthTimeout: number;
  /** Extra `docker build` arguments: build args for a private index, `--network host`. */
  buildArgs: string[];
}

export const COMPOSE_FILES = {
  base: 'docker-compose.yml',
  override: 'docker-compose.override.yml',
  prod: 'docker-compose.prod.yml',
  test: 'docker-compose.test.yml',
};

/** The compose file combinations a user runs, each checked with `docker compose config`. */
export const COMBINATIONS: { name: string; files: string[] }[] = [
  { name: 'base', files: [COMPOSE_FILES.base] },
  { name: 'development (base + override)', files: [COMPOSE_FILES.base, COMPOSE_FILES.override] },
  { name: 'production (base + prod)', files: [COMPOSE_FILES.base, COMPOSE_FILES.prod] },
  { name: 'tests', files: [COMPOSE_FILES.test] },
];

const fileArgs = (files: string[]): string[] => files.flatMap((f) => ['-f', f]);

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
export interface Progress {
  start(name: string): void;
  output(line: string): void;
  stop(): void;
}

/** Where no terminal is (a log, CI): one plain line when a step starts; its result follows. */
export const plainProgress = (log: (line: string) => void): Progress => ({
  start: (name) => log(`  ...   ${name}`),
  output: () => undefined,
  stop: () => undefined,
});

/**
 * On a terminal: the running step, its elapsed seconds and the latest line of its output (a build's
 * current step), as one line rewritten every second and cleared when the step ends.
 */
export function terminalProgress(
  stream: { write(text: string): unknown; columns?: number },
  now: () => number = Date.now,
): Progress {
  let name = '';
  let started = 0;
  let latest = '';
  let timer: ReturnType<typeof setInterval> | undefined;
  const render = (): void => {
    const head = `  ...   ${name}  ${Math.floor((now() - started) / 1000)} s`;
    const width = (stream.columns ?? 80) - 1;
    const line = latest ? `${head}  ${latest}` : head;
    stream.write(`\r\x1b[K${line.length > width ? line.slice(0, width) : line}`);
  };
  return {
    start(step) {
      name = step;
      started = now();
      latest = '';
      render();
      timer = setInterval(render, 1000);
      timer.unref();
    },
    output(line) {
      // Teardown runs commands too, after the last step: no step, no progress line.
      if (!timer) return;
      latest = line;
      render();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      stream.write('\r\x1b[K');
    },
  };
}

interface Context {
  m: Model;
  run: Runner;
  options: VerifyOptions;
  /** The production project's name (unique per run, so verify never touches the user's own stack). */
  project: string;
  testProject: string;
  results: StepResult[];
  log: (line: string) => void;
  progress?: Progress;
  httpGet: HttpGet;
  /** IMAGE_TAG for the production stack: the image verify built, or the user's own with --skip-build. */
  composeEnv: NodeJS.ProcessEnv;
}

/** Status code of a GET (redirects are not followed: a redirect is a failed health check). */
export type HttpGet = (url: string, headers: Record<string, string>) => Promise<number>;

// node:http, not fetch: fetch silently replaces the Host header, and the Host header is the point.
const httpStatus: HttpGet = (url, headers) =>
  new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers, timeout: 10_000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('timeout', () => request.destroy(new Error(`${url}: no answer within 10 s`)));
    request.on('error', reject);
    request.end();
  });

async function step(ctx: Context, name: string, body: () => Promise<string>): Promise<boolean> {
  const started = Date.now();
  ctx.progress?.start(name);
  try {
    const detail = await body().finally(() => ctx.progress?.stop());
    ctx.results.push({ name, status: 'pass', duration: Date.now() - started, detail });
    ctx.log(`  pass  ${name}${detail ? `: ${detail}` : ''}`);
    return true;
  } catch (error) {
    const detail = (error as Error).message;
    ctx.results.push({ name, status: 'fail', duration: Date.now() - started, detail });
    ctx.log(`  FAIL  ${name}: ${detail.replace(/\n/g, '\n        ')}`);
    return false;
  }
}

function skip(ctx: Context, name: string, why: string): void {
  ctx.results.push({ name, status: 'skip', duration: 0, detail: why });
  ctx.log(`  skip  ${name}: ${why}`);
}

async function must(
  ctx: Context,
  args: string[],
  timeoutMs: number,
  command = 'docker',
): Promise<CommandResult> {
  // composeEnv: the production stack runs the image this run built (IMAGE_TAG), not the user's own.
  const result = await ctx.run(command, args, { timeoutMs, env: ctx.composeEnv });
  if (result.code !== 0 || result.timedOut) throw new Error(firstError(result));
  return result;
}

/** An image build (up to 30 minutes) that fails with the build's own reason (buildFailure). */
async function mustBuild(ctx: Context, args: string[]): Promise<CommandResult> {
  const result = await ctx.run('docker', args, { timeoutMs: 1_800_000, env: ctx.composeEnv });
  if (result.code !== 0 || result.timedOut) throw new Error(buildFailure(result));
  return result;
}

const prodFiles = (): string[] => fileArgs([COMPOSE_FILES.base, COMPOSE_FILES.prod]);

/** Container id of a compose service of the production project. */
async function containerOf(ctx: Context, service: string): Promise<string> {
  const ps = await must(ctx, ['compose', '-p', ctx.project, ...prodFiles(), 'ps', '-q', service], 30_000);
  const id = ps.stdout.trim().split('\n')[0];
  if (!id) throw new Error(`no container for service ${service}`);
  return id;
}

async function waitHealthy(ctx: Context): Promise<string> {
  const deadline = Date.now() + ctx.options.healthTimeout * 1000;
  let last = '';
  while (Date.now() < deadline) {
    const ps = await must(
      ctx,
      ['compose', '-p', ctx.project, ...prodFiles(), 'ps', '--all', '--format', 'json'],
      30_000,
    );
    const services = parseComposePs(ps.stdout);
    const running = services.filter((s) => s.Service !== ctx.m.services.migrate);
    const failed = services.find(
      (s) => s.Service === ctx.m.services.migrate && s.State === 'exited' && s.ExitCode !== 0,
    );
    if (failed) throw new Error(`the ${failed.Service} service exited with ${failed.ExitCode}`);
    const unhealthy = running.filter(
      (s) => s.State !== 'running' || (s.Health !== '' && s.Health !== 'healthy'),
    );
    if (running.length > 0 && unhealthy.length === 0)
      return `${running.map((s) => s.Service).join(', ')} healthy`;
    last = unhealthy.map((s) => `${s.Service} ${s.State}${s.Health ? `/${s.Health}` : ''}`).join(', ');
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`not healthy within ${ctx.options.healthTimeout} s: ${last}`);
}

export interface PsEntry {
  Service: string;
  State: string;
  Health: string;
  ExitCode: number;
  Publishers?: { URL: string; TargetPort: number; PublishedPort: number }[];
}

/** `docker compose ps --format json` prints one object per line (v2.21+) or an array (older). */
export function parseComposePs(stdout: string): PsEntry[] {
  const text = stdout.trim();
  if (!text) return [];
  if (text.startsWith('[')) return JSON.parse(text) as PsEntry[];
  return text.split('\n').map((line) => JSON.parse(line) as PsEntry);
}

/** Host header the health request sends: the production env's first allowed host. */
export function productionHost(envProduction: string): string {
  const hosts = /^DJANGO_ALLOWED_HOSTS=(.*)$/m.exec(envProduction)?.[1] ?? '';
  const first = hosts.split(',')[0]?.trim().replace(/^\./, '') ?? '';
  return first && first !== '*' ? first : 'localhost';
}

async function requestHealth(ctx: Context, host: string): Promise<string> {
  const port = await must(
    ctx,
    ['compose', '-p', ctx.project, ...prodFiles(), 'port', ctx.m.services.web, String(ctx.m.s.port)],
    30_000,
  );
  const published = port.stdout.trim().split('\n')[0] ?? '';
  const hostPort = /:(\d+)$/.exec(published)?.[1];
  if (!hostPort) throw new Error(`web port ${ctx.m.s.port} is not published`);
  const url = `http://127.0.0.1:${hostPort}${ctx.m.s.healthPath}`;
  const status = await ctx.httpGet(url, { Host: host, 'X-Forwarded-Proto': 'https' });
  if (status !== 200) throw new Error(`${url} (Host: ${host}) answered ${status}`);
  return `${url} answered 200`;
}

export const SECRETS_STEP = 'no .env or secrets file in the production image';

/**
 * Lists the secrets files (.env, .env.* but .env.example, secrets.env) below the folder it is given
 * and exits 3 when there is one: run with the image's own Python, so no shell or tool is assumed.
 */
export const SECRETS_SCRIPT = [
  'import os, sys',
  'hit = lambda f: f == ".env" or (f.startswith(".env.") and f != ".env.example") or f == "secrets.env"',
  'found = [os.path.join(d, f) for d, _, fs in os.walk(sys.argv[1]) for f in fs if hit(f)]',
  'print("\\n".join(found))',
  'sys.exit(3 if found else 0)',
].join('; ');

export interface VerifyInput {
  m: Model;
  run: Runner;
  options: VerifyOptions;
  /** Contents of env.production (for the Host header). */
  envProduction: string;
  /** Unique suffix for the compose project names. */
  runId: string;
  log: (line: string) => void;
  /** Whether container-structure-test is on the PATH. */
  structureTest: boolean;
  /** Set when the user presses Ctrl-C: remaining steps are skipped, teardown still runs. */
  signal?: AbortSignal;
  httpGet?: HttpGet;
  /** How a running step is shown (terminalProgress, plainProgress); nothing when absent. */
  progress?: Progress;
}

/** Runs every step, always tears down, and returns the results (any `fail` means the setup is broken). */
export async function verify(input: VerifyInput): Promise<StepResult[]> {
  const { m } = input;
  const ctx: Context = {
    m,
    // Every command's latest output line goes to the progress line of the step running it.
    run: (command, args, options) =>
      input.run(command, args, { ...options, onOutput: (line) => input.progress?.output(line) }),
    progress: input.progress,
    options: input.options,
    project: `${m.s.projectName}-verify-${input.runId}`,
    testProject: `${m.s.projectName}-verify-test-${input.runId}`,
    results: [],
    log: input.log,
    httpGet: input.httpGet ?? httpStatus,
    composeEnv: input.options.skipBuild ? {} : { IMAGE_TAG: `verify-${input.runId}` },
  };
  const aborted = (): boolean => input.signal?.aborted ?? false;
  // Tags compose uses for the production stack (IMAGE_TAG) and the development image.
  const images: Record<string, string[]> = {
    development: [`${m.localImage}:verify-${input.runId}-dev`],
    production: [`${m.localImage}:verify-${input.runId}`, testImage(m)],
  };
  try {
    await step(ctx, ENGINE_STEP, async () => {
      const version = await ctx.run('docker', ['version', '--format', '{{.Server.Version}}'], {
        timeoutMs: 30_000,
      });
      if (version.code !== 0 || version.timedOut) throw new Error(unreachableEngine(version));
      const server = version.stdout.trim();
      const compose = (await must(ctx, ['compose', 'version', '--short'], 30_000)).stdout.trim();
      const problem = engineProblem(server, compose);
      if (problem) throw new Error(problem);
      return `engine ${server}, compose ${compose}`;
    });
    if (ctx.results.some((r) => r.status === 'fail')) return ctx.results;
    for (const combination of COMBINATIONS) {
      await step(ctx, `compose config: ${combination.name}`, async () => {
        await must(ctx, ['compose', ...fileArgs(combination.files), 'config', '-q'], 60_000);
        return '';
      });
    }
    if (ctx.results.some((r) => r.status === 'fail')) return ctx.results;
    for (const target of ['development', 'production']) {
      if (ctx.options.skipBuild) {
        skip(ctx, `build ${target} target`, '--skip-build');
        continue;
      }
      if (aborted()) break;
      // Built here rather than by compose, so build args and the build network apply to every build.
      await step(ctx, `build ${target} target`, async () => {
        const tags = images[target]!.flatMap((tag) => ['-t', tag]);
        const build = await mustBuild(ctx, [
          'build',
          '--target',
          target,
          ...tags,
          ...ctx.options.buildArgs,
          '.',
        ]);
        return `${Math.round(build.duration / 1000)} s`;
      });
    }
    if (!ctx.options.skipBuild && !ctx.results.some((r) => r.status === 'fail') && !aborted()) {
      await step(ctx, SECRETS_STEP, async () => {
        const image = images.production![0]!;
        const args = ['run', '--rm', '--entrypoint', 'python', image, '-c', SECRETS_SCRIPT, m.workdir];
        const found = await ctx.run('docker', args, { timeoutMs: 120_000, env: ctx.composeEnv });
        if (found.code === 3)
          throw new Error(
            `the image contains ${found.stdout.trim().split('\n').join(', ')}: a .dockerignore line lets it into the build context`,
          );
        if (found.code !== 0 || found.timedOut) throw new Error(firstError(found));
        return `none below ${m.workdir}`;
      });
    }
    if (ctx.results.some((r) => r.status === 'fail') || aborted()) return ctx.results;
    const up = await step(ctx, 'start base + prod stack', async () => {
      await must(ctx, ['compose', '-p', ctx.project, ...prodFiles(), 'up', '-d', '--no-build'], 600_000);
      return `project ${ctx.project}`;
    });
    if (up && !aborted()) {
      const healthy = await step(ctx, 'all services healthy', () => waitHealthy(ctx));
      if (healthy) {
        await step(ctx, healthStep(m.s.healthPath), () =>
          requestHealth(ctx, productionHost(input.envProduction)),
        );
        await step(ctx, 'manage.py check --deploy (production env)', async () => {
          const web = await containerOf(ctx, m.services.web);
          const check = await ctx.run(
            'docker',
            ['exec', web, 'python', m.managePy, 'check', '--deploy', '--fail-level', 'WARNING'],
            { timeoutMs: 120_000, env: ctx.composeEnv },
          );
          // The issues themselves, not only Django's "System check identified some issues:" line.
          if (check.code !== 0 || check.timedOut) throw new Error(deployIssues(check));
          return 'no issues';
        });
        await step(ctx, uidStep(m.uid), async () => {
          const web = await containerOf(ctx, m.services.web);
          const status = await must(ctx, ['exec', web, 'cat', '/proc/1/status'], 30_000);
          const uid = /^Uid:\s+(\d+)/m.exec(status.stdout)?.[1];
          if (uid !== String(m.uid)) throw new Error(`process 1 runs as uid ${uid ?? '?'}`);
          return `uid ${uid}`;
        });
        await step(ctx, 'docker stop web: graceful', async () => {
          const web = await containerOf(ctx, m.services.web);
          const stop = await must(
            ctx,
            ['stop', '--time', String(m.stopGracePeriod), web],
            (m.stopGracePeriod + 30) * 1000,
          );
          const inspect = await must(ctx, ['inspect', '--format', '{{.State.ExitCode}}', web], 30_000);
          const code = inspect.stdout.trim();
          const seconds = (stop.duration / 1000).toFixed(1);
          // 0 = gunicorn exited cleanly on SIGTERM; 137 = killed after the grace period (no exec / no signal).
          if (code !== '0') throw new Error(`exit code ${code} after ${seconds} s`);
          return `exit 0 after ${seconds} s`;
        });
      }
    }
    if (ctx.options.skipTests) skip(ctx, 'test suite (docker-compose.test.yml)', '--skip-tests');
    else if (!aborted()) {
      await step(ctx, 'test suite (docker-compose.test.yml)', async () => {
        if (!ctx.options.skipBuild) {
          // Dockerfile.test starts FROM the production image built above (tagged for the test file).
          await mustBuild(ctx, [
            'build',
            '-f',
            'Dockerfile.test',
            '-t',
            testsImage(m),
            ...ctx.options.buildArgs,
            '.',
          ]);
        }
        const files = fileArgs([COMPOSE_FILES.test]);
        const up = ['up', '--no-build', '--abort-on-container-exit', '--exit-code-from', TESTS_SERVICE];
        const result = await ctx.run('docker', ['compose', '-p', ctx.testProject, ...files, ...up], {
          timeoutMs: 1_800_000,
        });
        if (result.code !== 0) throw new Error(`tests exited with ${result.code}: ${failureTail(result)}`);
        return 'passed';
      });
    }
    if (!input.structureTest)
      skip(ctx, 'container-structure-test', 'container-structure-test is not installed');
    else if (ctx.options.skipBuild) skip(ctx, 'container-structure-test', '--skip-build (no image built)');
    else {
      await step(ctx, 'container-structure-test', async () => {
        await must(
          ctx,
          ['test', '--image', images.production![0]!, '--config', 'container-structure-test.yaml'],
          300_000,
          'container-structure-test',
        );
        return 'all tests passed';
      });
    }
  } finally {
    if (ctx.options.keepUp) {
      ctx.log(
        `  kept up: docker compose -p ${ctx.project} -f ${COMPOSE_FILES.base} -f ${COMPOSE_FILES.prod} down -v`,
      );
    } else {
      await teardown(ctx, input.runId);
    }
  }
  return ctx.results;
}

/** Removes everything verify created: both compose projects (containers, networks, volumes) and images. */
async function teardown(ctx: Context, runId: string): Promise<void> {
  await ctx.run(
    'docker',
    ['compose', '-p', ctx.project, ...prodFiles(), 'down', '-v', '--remove-orphans', '--timeout', '5'],
    { timeoutMs: 120_000, env: ctx.composeEnv },
  );
  await ctx.run(
    'docker',
    [
      'compose',
      '-p',
      ctx.testProject,
      '-f',
      COMPOSE_FILES.test,
      'down',
      '-v',
      '--remove-orphans',
      '--timeout',
      '5',
    ],
    {
      timeoutMs: 120_000,
    },
  );
  const tags = [`${ctx.m.localImage}:verify-${runId}`, `${ctx.m.localImage}:verify-${runId}-dev`];
  await ctx.run('docker', ['image', 'rm', '--force', ...tags], { timeoutMs: 60_000 });
}
