/**
 * `yo py-docker:verify`: proves a generated setup works with the user's Docker. The steps are data; the
 * command runner is injected, so the order, skipping and teardown rules are unit-tested without Docker.
 */
import type { Model } from '../../lib/model.js';
import { testImage, testsImage, TESTS_SERVICE } from '../../lib/names.js';
import { healthStep, uidStep, type StepResult } from '../../lib/verify-report.js';
import {
  ENGINE_STEP,
  deployIssues,
  engineProblem,
  failureTail,
  firstError,
  unreachableEngine,
} from './failures.js';
import { Progress } from './progress.js';
import { Runner, VerifyOptions } from './runner.js';
import {
  COMBINATIONS,
  COMPOSE_FILES,
  Context,
  HttpGet,
  containerOf,
  fileArgs,
  httpStatus,
  must,
  mustBuild,
  prodFiles,
  productionHost,
  requestHealth,
  skip,
  step,
  waitHealthy,
} from './steps.js';

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
