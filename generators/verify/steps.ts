/** The pieces verify's steps are made of: the compose files, a step's bookkeeping, waiting for health, the health request. */
import { request as httpRequest } from 'node:http';
import type { Model } from '../../lib/model.js';
import { type StepResult } from '../../lib/verify-report.js';
import { buildFailure, firstError } from './failures.js';
import { Progress } from './progress.js';
import { CommandResult, Runner, VerifyOptions } from './runner.js';

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

export const fileArgs = (files: string[]): string[] => files.flatMap((f) => ['-f', f]);

export interface Context {
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
export const httpStatus: HttpGet = (url, headers) =>
  new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers, timeout: 10_000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('timeout', () => request.destroy(new Error(`${url}: no answer within 10 s`)));
    request.on('error', reject);
    request.end();
  });

export async function step(ctx: Context, name: string, body: () => Promise<string>): Promise<boolean> {
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

export function skip(ctx: Context, name: string, why: string): void {
  ctx.results.push({ name, status: 'skip', duration: 0, detail: why });
  ctx.log(`  skip  ${name}: ${why}`);
}

export async function must(
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
export async function mustBuild(ctx: Context, args: string[]): Promise<CommandResult> {
  const result = await ctx.run('docker', args, { timeoutMs: 1_800_000, env: ctx.composeEnv });
  if (result.code !== 0 || result.timedOut) throw new Error(buildFailure(result));
  return result;
}

export const prodFiles = (): string[] => fileArgs([COMPOSE_FILES.base, COMPOSE_FILES.prod]);

/** Container id of a compose service of the production project. */
export async function containerOf(ctx: Context, service: string): Promise<string> {
  const ps = await must(ctx, ['compose', '-p', ctx.project, ...prodFiles(), 'ps', '-q', service], 30_000);
  const id = ps.stdout.trim().split('\n')[0];
  if (!id) throw new Error(`no container for service ${service}`);
  return id;
}

export async function waitHealthy(ctx: Context): Promise<string> {
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

export async function requestHealth(ctx: Context, host: string): Promise<string> {
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
