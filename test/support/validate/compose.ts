/**
 * The compose files: strict YAML, their services, and Compose's own merged model of each combination.
 */
import { appWorkloadsFor, serversFor } from '../../../lib/services/index.js';
import { GRACEFUL_TIMEOUT_S } from '../../../lib/model.js';
import type { Settings } from '../../../lib/settings.js';
import {
  interpolatedVariables,
  prodHardeningFindings,
  sharedSqliteFindings,
  startupOrderFindings,
  type MergedCompose,
} from '../compose-check.js';
import { beatFinding, beatsIn, composeBeats, supervisordPrograms, type BeatContext } from '../beat-count.js';
import { type Context, type Obj, asObj, parseEnvFile, yamlDocs } from './context.js';
import { type Finding } from './findings.js';
import { type CheckJob, runChecks, tool, toolOutput } from './tool-runner.js';

export const COMPOSE = {
  base: 'docker-compose.yml',
  override: 'docker-compose.override.yml',
  prod: 'docker-compose.prod.yml',
  test: 'docker-compose.test.yml',
} as const;

/** Services of the app image as opposed to the database and Redis images. */
const APP_SERVICES = ['web', 'worker', 'beat', 'migrate'];

/** The backing servers the settings switch on (lib/services/), by compose name. */
const serverNames = (s: Partial<Settings>): string[] => serversFor(s).map((x) => x.name);

function expectedServices(s: Partial<Settings>): string[] {
  return ['web', ...serverNames(s), ...appWorkloadsFor(s)];
}

/** Raw (not merged) compose documents, parsed strictly; also the names each file declares. */
function composeRaw(ctx: Context, out: Finding[]): Record<string, Obj | undefined> {
  const raw: Record<string, Obj | undefined> = {};
  for (const file of Object.values(COMPOSE)) {
    const text = ctx.p.read(file);
    if (text === undefined) continue;
    raw[file] = asObj(yamlDocs(file, text, out)[0]);
    for (const name of interpolatedVariables(text))
      if (!ctx.catalogue.has(name))
        out.push({ artifact: file, check: 'consistency:env', message: `\${${name}} is not in .env.example` });
  }
  return raw;
}

export async function composeChecks(ctx: Context): Promise<Finding[]> {
  const { p, s } = ctx;
  const out: Finding[] = [];
  const raw = composeRaw(ctx, out);
  const base = raw[COMPOSE.base];
  if (base) {
    if (base.name !== s.projectName)
      out.push({
        artifact: COMPOSE.base,
        check: 'consistency:names',
        message: `project ${String(base.name)}, not ${s.projectName}`,
      });
    const services = Object.keys(asObj(base.services)).sort();
    if (services.join() !== expectedServices(s).sort().join())
      out.push({
        artifact: COMPOSE.base,
        check: 'consistency:services',
        message: `services [${services.join(', ')}], expected [${expectedServices(s).sort().join(', ')}]`,
      });
  }
  const test = raw[COMPOSE.test];
  if (test && test.name !== `${s.projectName}-test`)
    out.push({
      artifact: COMPOSE.test,
      check: 'consistency:names',
      message: `project ${String(test.name)}, not ${s.projectName}-test`,
    });
  if (!ctx.external.has('compose') || !base) return out;
  const compose = tool('docker-compose', COMPOSE.base, out);
  if (!compose) return out;
  // Compose reads .env from the folder; only its keys matter to the result, not the secret values.
  const envKeys = Object.entries(parseEnvFile(p.read('.env') ?? '')).map(
    ([k, v]) => `${k}=${v === '' ? '' : 'set'}`,
  );
  const envFiles = p.files.filter((f) => /^env\.[a-z]+$/.test(f)).flatMap((f) => [f, p.read(f)!]);
  const combinations: [string, string[]][] = [
    ['base', [COMPOSE.base]],
    ['development', [COMPOSE.base, COMPOSE.override]],
    ['production', [COMPOSE.base, COMPOSE.prod]],
    ['test', [COMPOSE.test]],
  ];
  const jobs = combinations
    .filter(([, files]) => files.every((f) => p.has(f)))
    .map(([label, files]): CheckJob => {
      const artifact = files.join(' + ');
      return {
        key: 'compose',
        // The expectations come from the settings too.
        inputs: [JSON.stringify(s), label, ...files.flatMap((f) => [f, p.read(f)!]), ...envKeys, ...envFiles],
        argv: [compose, ...files.flatMap((f) => ['-f', f]), 'config', '--format', 'json'],
        cwd: p.dir,
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
        findings: (r) =>
          r.code !== 0
            ? [{ artifact, check: 'docker compose config', message: toolOutput(r) }]
            : mergedComposeFindings(ctx, label, artifact, JSON.parse(r.stdout) as MergedCompose),
      };
    });
  return [...out, ...(await runChecks(jobs))];
}

/** Rules over compose's own merged model of one combination of files. */
function mergedComposeFindings(
  ctx: Context,
  label: string,
  artifact: string,
  merged: MergedCompose,
): Finding[] {
  const { s } = ctx;
  const out: Finding[] = [];
  const add = (check: string, message: string): void => void out.push({ artifact, check, message });
  for (const f of startupOrderFindings(merged)) add('compose:startup-order', f);
  if (label === 'production') {
    const ctxRules = {
      appServices: APP_SERVICES.filter((x) => x in merged.services),
      backingServices: serverNames(s).filter((x) => x in merged.services),
      gracefulTimeout: GRACEFUL_TIMEOUT_S,
      migrate: 'migrate',
      web: 'web',
    };
    for (const f of prodHardeningFindings(merged, ctxRules)) add('compose:hardening', f);
    if (!s.postgres)
      for (const f of sharedSqliteFindings(merged, ctxRules.appServices)) add('compose:sqlite', f);
  }
  const services = Object.keys(merged.services);
  for (const [name, svc] of Object.entries(merged.services)) {
    const env = svc.environment ?? {};
    for (const target of (env.WAIT_FOR ?? '').split(',').filter(Boolean)) {
      const [host] = target.split(':');
      if (!services.includes(host!))
        add('consistency:services', `${name}: WAIT_FOR names ${host}, not a service`);
    }
    if (env.POSTGRES_HOST !== undefined && !services.includes(env.POSTGRES_HOST ?? ''))
      add('consistency:services', `${name}: POSTGRES_HOST ${env.POSTGRES_HOST} is not a service`);
    if (APP_SERVICES.includes(name) || name === 'tests') {
      const image = svc.image ?? '';
      const expected =
        label === 'test' ? [`${s.projectName}:test`, `${s.projectName}-tests:test`] : [s.projectName];
      if (!expected.some((e) => image === e || image.startsWith(`${e}:`)))
        add('consistency:image', `${name}: image ${image} is not the project's (${expected.join(' or ')})`);
    }
  }
  const web = merged.services.web;
  if (!web) add('consistency:services', 'no web service');
  else {
    if (label !== 'test' && label !== 'base' && !(web.ports ?? []).some((port) => port.target === s.port))
      add('consistency:port', `web publishes ${JSON.stringify(web.ports)}, not container port ${s.port}`);
    if (JSON.stringify(web.healthcheck?.test) !== JSON.stringify(['CMD', '/app/docker/healthcheck.sh']))
      add('consistency:health', `web health check ${JSON.stringify(web.healthcheck?.test)}`);
    if (label === 'development' && !(web.command ?? []).includes(`0.0.0.0:${s.port}`))
      add('consistency:port', `runserver on ${JSON.stringify(web.command)}, not 0.0.0.0:${s.port}`);
  }
  // The test stack runs the suite: the app, its backing services and the tests, no Celery.
  const wanted =
    label === 'test'
      ? ['web', 'tests', ...serverNames(s)]
      : label === 'production'
        ? [...expectedServices(s), 'migrate']
        : expectedServices(s);
  const missing = wanted.filter((x) => !services.includes(x));
  if (missing.length > 0) add('consistency:services', `missing services ${missing.join(', ')}`);
  const beats = beatFinding(
    composeBeats(
      merged,
      beatContext(ctx, (image) => !!image && image.split(':')[0] === s.projectName),
    ),
    !!s.celery && label !== 'test',
  );
  if (beats) add('consistency:celery-beat', beats);
  return out;
}

/** What the beat count needs: the image's CMD and the beat programs of docker/supervisord.conf. */
export function beatContext(ctx: Context, isAppImage: BeatContext['isAppImage']): BeatContext {
  const conf = ctx.p.read('docker/supervisord.conf');
  return {
    imageCmd: ctx.image?.cmd ?? [],
    isAppImage,
    supervisordBeats: conf === undefined ? 0 : beatsIn(supervisordPrograms(conf)),
  };
}
