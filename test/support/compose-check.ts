/**
 * Runs Compose v2 (`docker-compose`, the plugin binary run on its own) on generated files: `config -q`
 * as the validity check, and `config --format json` for the merged model the rules are checked on.
 * Needs no Docker engine.
 */
import { spawnSync } from 'node:child_process';
import { DockerfileParser } from 'dockerfile-ast';

/** Every service combination a user can choose (generator options). */
export const COMBINATIONS: { label: string; options: Record<string, unknown> }[] = [
  { label: 'PostgreSQL (the default)', options: {} },
  { label: 'no database (--no-postgres)', options: { postgres: false } },
  { label: 'PostgreSQL and Redis', options: { redis: true } },
  { label: 'PostgreSQL, Redis and Celery', options: { redis: true, celery: true } },
  { label: 'Redis and Celery without PostgreSQL', options: { postgres: false, redis: true, celery: true } },
];

export interface ComposeFinding {
  files: string[];
  ok: boolean;
  /** Compose's message when the files are rejected. */
  message: string;
}

/** Environment for compose: ours, minus anything that would override the project's .env. */
function composeEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...extra };
  return env;
}

function run(tool: string, cwd: string, files: string[], args: string[], env: Record<string, string> = {}) {
  return spawnSync(tool, [...files.flatMap((f) => ['-f', f]), ...args], {
    cwd,
    encoding: 'utf8',
    env: composeEnv(env),
    timeout: 60_000,
  });
}

/** `docker compose -f a -f b config -q`: ok, or compose's error message. */
export function composeConfigCheck(
  tool: string,
  cwd: string,
  files: string[],
  env: Record<string, string> = {},
): ComposeFinding {
  const result = run(tool, cwd, files, ['config', '-q'], env);
  const message = `${result.stderr ?? ''}${result.stdout ?? ''}${result.error?.message ?? ''}`.trim();
  return { files, ok: result.status === 0, message };
}

export interface MergedService {
  image?: string;
  build?: { context?: string; dockerfile?: string; target?: string; args?: Record<string, string> };
  command?: string[] | null;
  environment?: Record<string, string | null>;
  ports?: { host_ip?: string; target: number; published?: string }[];
  volumes?: { type: string; source?: string; target: string }[];
  tmpfs?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
  restart?: string;
  stop_grace_period?: string;
  read_only?: boolean;
  privileged?: boolean;
  cap_drop?: string[];
  cap_add?: string[];
  security_opt?: string[];
  user?: string;
  working_dir?: string;
  networks?: Record<string, unknown>;
  deploy?: { resources?: { limits?: { cpus?: number; memory?: string; pids?: number } } };
  develop?: { watch?: { action: string; path: string }[] };
}

export interface MergedCompose {
  name: string;
  services: Record<string, MergedService>;
  networks?: Record<string, { internal?: boolean }>;
  volumes?: Record<string, unknown>;
}

/** The merged, interpolated model of the files, as compose itself resolves it. */
export function composeMerged(
  tool: string,
  cwd: string,
  files: string[],
  env: Record<string, string> = {},
): MergedCompose {
  const result = run(tool, cwd, files, ['config', '--format', 'json'], env);
  if (result.status !== 0) throw new Error(`compose config ${files.join(' ')}: ${result.stderr}`);
  return JSON.parse(result.stdout) as MergedCompose;
}

/** Every `${VAR...}` compose interpolates in a file (`$$` is a literal dollar, not a variable). */
export function interpolatedVariables(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.replace(/\$\$/g, '').matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g))
    names.add(match[1]!);
  return [...names].sort();
}

/** Services of ours (the app image) as opposed to the database and Redis images. */
export interface RuleContext {
  appServices: string[];
  backingServices: string[];
  /** gunicorn's graceful timeout, seconds. */
  gracefulTimeout: number;
  migrate: string;
  web: string;
}

const seconds = (duration: string | undefined): number => {
  const match = /^([0-9.]+)(ms|s|m|h)?$/.exec(duration ?? '');
  if (!match) return 0;
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600 }[match[2] ?? 's']!;
  return Number(match[1]) * unit;
};

/** checklist.md "Compose", production rules, over the merged base + prod model. One line per breach. */
export function prodHardeningFindings(merged: MergedCompose, ctx: RuleContext): string[] {
  const findings: string[] = [];
  for (const [name, svc] of Object.entries(merged.services)) {
    if (svc.privileged) findings.push(`${name}: privileged`);
    for (const volume of svc.volumes ?? []) {
      if ((volume.source ?? '').includes('docker.sock')) findings.push(`${name}: mounts docker.sock`);
    }
    for (const port of svc.ports ?? []) {
      if (!port.host_ip || port.host_ip === '0.0.0.0' || port.host_ip === '::')
        findings.push(`${name}: port ${port.target} published on all interfaces`);
    }
    if (!(svc.security_opt ?? []).includes('no-new-privileges:true'))
      findings.push(`${name}: no no-new-privileges`);
    if (!(svc.cap_drop ?? []).includes('ALL')) findings.push(`${name}: capabilities not dropped`);
    if (!svc.restart) findings.push(`${name}: no restart policy`);
    const limits = svc.deploy?.resources?.limits;
    if (!limits?.memory) findings.push(`${name}: no memory limit`);
    if (!limits?.pids) findings.push(`${name}: no pids limit`);
  }
  for (const name of ctx.appServices) {
    const svc = merged.services[name];
    if (!svc) continue;
    if (svc.read_only !== true) findings.push(`${name}: root filesystem writable`);
    if (!(svc.tmpfs ?? []).some((t) => t.split(':')[0] === '/tmp')) findings.push(`${name}: no /tmp tmpfs`);
    if ((svc.cap_add ?? []).length > 0) findings.push(`${name}: adds capabilities`);
    if (!svc.deploy?.resources?.limits?.cpus) findings.push(`${name}: no cpu limit`);
    if (name === ctx.migrate) {
      if (svc.restart !== 'no') findings.push(`${name}: one-shot service restarts (${svc.restart})`);
    } else {
      if (seconds(svc.stop_grace_period) <= ctx.gracefulTimeout)
        findings.push(
          `${name}: stop_grace_period ${svc.stop_grace_period} not above ${ctx.gracefulTimeout} s`,
        );
      if (svc.environment?.DJANGO_MIGRATE !== 'false') findings.push(`${name}: migrates on start`);
      if (svc.depends_on?.[ctx.migrate]?.condition !== 'service_completed_successfully')
        findings.push(`${name}: does not wait for ${ctx.migrate}`);
    }
  }
  if (!merged.services[ctx.migrate]) findings.push(`no ${ctx.migrate} service`);
  return findings;
}

/** The named volumes a service mounts. */
function namedVolumes(svc: MergedCompose['services'][string]): string[] {
  return (svc.volumes ?? []).flatMap((v) => (v.type === 'volume' && v.source ? [v.source] : []));
}

/**
 * Startup order (Compose docs): every `service_healthy` dependency has a health check. Only a service
 * that shares a named volume with its dependency may wait for no more than its start: the first
 * container to mount a new volume fills it from its image, and that is the order asked for.
 */
export function startupOrderFindings(merged: MergedCompose): string[] {
  const findings: string[] = [];
  for (const [name, svc] of Object.entries(merged.services)) {
    for (const [dep, { condition }] of Object.entries(svc.depends_on ?? {})) {
      const target = merged.services[dep];
      const shared = target && namedVolumes(svc).some((v) => namedVolumes(target).includes(v));
      if (condition === 'service_started' && shared) continue;
      if (!target) findings.push(`${name}: depends on missing ${dep}`);
      else if (condition === 'service_healthy' && (!target.healthcheck?.test || target.healthcheck.disable))
        findings.push(`${name}: waits for ${dep} to be healthy, but ${dep} has no health check`);
      else if (condition === 'service_started') findings.push(`${name}: starts before ${dep} is ready`);
    }
  }
  return findings;
}

/**
 * Production without a database service: the sqlite file (DJANGO_SQLITE_PATH) must be on a named volume
 * that every app container mounts, the same one: with a read-only root filesystem anywhere else it cannot
 * be written, and a file in one container's own layer is not the file another container migrated.
 */
export function sharedSqliteFindings(merged: MergedCompose, appServices: string[]): string[] {
  const findings: string[] = [];
  const sources = new Set<string>();
  for (const name of appServices) {
    const svc = merged.services[name];
    if (!svc) continue;
    const path = svc.environment?.DJANGO_SQLITE_PATH;
    if (!path) {
      findings.push(`${name}: no DJANGO_SQLITE_PATH, the database would land in the image's read-only /app`);
      continue;
    }
    const volume = (svc.volumes ?? []).find(
      (v) => v.type === 'volume' && (path === v.target || path.startsWith(`${v.target}/`)),
    );
    if (!volume) {
      findings.push(`${name}: DJANGO_SQLITE_PATH ${path} is on no named volume`);
      continue;
    }
    if (!merged.volumes || !(volume.source! in merged.volumes))
      findings.push(`${name}: volume ${volume.source} is not declared`);
    sources.add(`${volume.source}:${path}`);
  }
  if (sources.size > 1)
    findings.push(`the app containers do not share one database file: ${[...sources].join(', ')}`);
  return findings;
}

/**
 * The instructions of one build stage of a Dockerfile (the docker part's), keyword -> argument text of
 * the last occurrence, for consistency checks of the files that must agree with it.
 */
export function dockerfileStage(text: string, stage: string): Map<string, string> {
  const found = new Map<string, string>();
  let current: string | undefined;
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') {
      const args = instruction.getArguments().map((a) => a.getValue());
      current = args.length >= 3 && args[1]!.toUpperCase() === 'AS' ? args[2] : undefined;
      continue;
    }
    if (current === stage) found.set(keyword, instruction.getArgumentsContent() ?? '');
  }
  return found;
}
