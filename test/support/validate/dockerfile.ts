/**
 * The Dockerfile: its rules (dockerfile-rules), hadolint-like syntax, and agreement with the settings
 * and the project's requirements.
 */
import type { PropertyInstruction } from 'dockerfile-ast';
import { validate as dockerfileValidate } from 'dockerfile-utils';
import { requirementNames } from '../../../lib/requirements.js';
import { isIgnored, parseIgnore } from '../../../lib/ignore-files.js';
import { BRIDGE_MODULE, readinessPathOf } from '../../../lib/model.js';
import { contextCopySources, dockerfileFindings, parseStages } from '../dockerfile-rules.js';
import { type Context, jsonArray, uidPair } from './context.js';
import { type Finding } from './findings.js';

/** The final stage of a Dockerfile: last USER, CMD, ENTRYPOINT and ENV (inherited ones included). */
function finalStage(text: string): NonNullable<Context['image']> {
  const stages = parseStages(text);
  const lineage: typeof stages = [];
  for (let st = stages.at(-1); st; st = st.parent) lineage.unshift(st);
  const env: Record<string, string> = {};
  const last: Record<string, string> = {};
  for (const instruction of lineage.flatMap((st) => st.instructions)) {
    const kw = instruction.getKeyword().toUpperCase();
    last[kw] = instruction.getArgumentsContent() ?? '';
    if (kw === 'ENV')
      for (const prop of (instruction as PropertyInstruction).getProperties())
        env[prop.getName()] = prop.getValue() ?? '';
  }
  return { user: last.USER, cmd: jsonArray(last.CMD), entrypoint: jsonArray(last.ENTRYPOINT), env };
}

/**
 * checklist.md, Alpine: a pure-Python driver that finds its shared library with ctypes (psycopg without
 * its C implementation or binary wheel) fails on musl in a production stage without compilers
 * (docker-library/python#111). The requirement files the image installs must bring psycopg-c or
 * psycopg-binary (or the extras that pull them in) beside psycopg.
 */
export function alpineDriverFindings(dockerfile: string, requirementTexts: readonly string[]): Finding[] {
  if (!/^FROM python:\S*-alpine\S*/m.test(dockerfile)) return [];
  const lines = requirementTexts.flatMap((t) => t.split(/\r?\n/));
  const names = new Set(requirementTexts.flatMap(requirementNames));
  const extras = lines.some((l) => /^\s*["']?psycopg\s*\[[^\]]*\b(c|binary)\b/i.test(l));
  if (!names.has('psycopg') || extras || names.has('psycopg-c') || names.has('psycopg-binary')) return [];
  return [
    {
      artifact: 'Dockerfile + requirements',
      check: 'alpine:ctypes-driver',
      message:
        'psycopg without psycopg-c or psycopg-binary on Alpine: it loads libpq through ctypes, which finds nothing on musl without gcc or ld',
    },
  ];
}

export function dockerfileChecks(ctx: Context): Finding[] {
  const { p, s } = ctx;
  const out: Finding[] = [];
  for (const file of ['Dockerfile', 'Dockerfile.test']) {
    const text = p.read(file);
    if (text === undefined) continue;
    for (const d of dockerfileValidate(text))
      out.push({
        artifact: file,
        check: 'dockerfile-utils',
        message: `line ${d.range.start.line + 1}: ${d.message}`,
      });
    const rules = dockerfileFindings(
      text,
      file === 'Dockerfile' ? { port: s.port, minUid: 10000 } : { minUid: 10000 },
    )
      // Dockerfile.test builds FROM the app image and inherits its HEALTHCHECK and, when it installs
      // nothing, its USER (checked below when it sets one).
      .filter((f) => file === 'Dockerfile' || !/^DL3012|^DL3002 .*sets no USER/.test(f));
    for (const f of rules) out.push({ artifact: file, check: 'dockerfile-rules', message: f });
    const final = finalStage(text);
    if (final.user !== uidPair(s) && (file === 'Dockerfile' || final.user !== undefined))
      out.push({
        artifact: file,
        check: 'consistency:user',
        message: `the final USER is ${final.user}, not --app-uid ${uidPair(s)}`,
      });
    if (file === 'Dockerfile') ctx.image = final;
  }
  const dockerfile = p.read('Dockerfile');
  if (dockerfile !== undefined) {
    // Every requirement file the image may install: the project's and the container's own.
    const texts = p.files
      .filter((f) =>
        /^(requirements[^/]*\.txt|requirements\/.*\.txt|docker\/requirements\.txt|pyproject\.toml)$/.test(f),
      )
      .map((f) => p.read(f))
      .filter((t): t is string => t !== undefined);
    out.push(...alpineDriverFindings(dockerfile, texts));
  }
  if (dockerfile !== undefined && ctx.image) {
    const { env, cmd } = ctx.image;
    const expectEnv: Record<string, string | undefined> = {
      PORT: String(s.port),
      HEALTH_PATH: s.healthPath,
      READINESS_PATH: readinessPathOf(s.healthPath!),
      // The settings bridge everywhere; it imports the project's own module.
      DJANGO_SETTINGS_MODULE: BRIDGE_MODULE,
      PROJECT_SETTINGS_MODULE: s.settingsModule,
    };
    for (const [key, value] of Object.entries(expectEnv))
      if (env[key] !== value)
        out.push({
          artifact: 'Dockerfile',
          check: 'consistency:env',
          message: `the final stage sets ${key}=${env[key]}, not ${value}`,
        });
    // supervisord with its config, or gunicorn with the generated settings file and the port.
    const [program, ...pairs]: [string, string][] =
      s.processManager === 'supervisord'
        ? [
            ['supervisord', ''],
            ['-c', '/app/docker/supervisord.conf'],
          ]
        : [
            ['gunicorn', ''],
            ['--config', '/app/docker/gunicorn.conf.py'],
            ['--bind', `0.0.0.0:${s.port}`],
          ];
    const holds =
      cmd?.[0] === program![0] &&
      pairs.every(([flag, value]) => {
        const at = cmd.indexOf(flag);
        return at > 0 && cmd[at + 1] === value;
      });
    if (!holds)
      out.push({
        artifact: 'Dockerfile',
        check: 'consistency:command',
        message: `the final CMD ${JSON.stringify(cmd)} is not ${program![0]} with ${pairs.map((p) => p.join(' ')).join(', ')}`,
      });
    const bases = parseStages(dockerfile)
      .filter((st) => !st.parent)
      .map((st) => st.base);
    if (!bases.some((b) => b.startsWith(`python:${s.pythonVersion}-`)))
      out.push({
        artifact: 'Dockerfile',
        check: 'consistency:versions',
        message: `no python:${s.pythonVersion} base in ${bases.join(', ')}`,
      });
    // No Node.js stage without an npm build (--frontend none); with one, the chosen Node.js.
    if (s.frontend !== 'npm' && bases.some((b) => b.startsWith('node:')))
      out.push({
        artifact: 'Dockerfile',
        check: 'consistency:versions',
        message: `a node base (${bases.join(', ')}) without an npm build (--frontend ${s.frontend})`,
      });
    if (s.frontend === 'npm' && !bases.some((b) => b.startsWith(`node:${s.nodeVersion}-`)))
      out.push({
        artifact: 'Dockerfile',
        check: 'consistency:versions',
        message: `no node:${s.nodeVersion} base in ${bases.join(', ')}`,
      });
    // Build check CopyIgnoredFile: nothing the Dockerfile copies from the context is ignored.
    const rules = parseIgnore(p.read('.dockerignore') ?? '');
    for (const source of contextCopySources(dockerfile).filter((src) => src !== '.' && !src.includes('$')))
      if (isIgnored(rules, source.replace(/^\.\//, '').replace(/\/$/, '')))
        out.push({
          artifact: 'Dockerfile + .dockerignore',
          check: 'CopyIgnoredFile',
          message: `${source} is copied but .dockerignore excludes it`,
        });
    for (const source of contextCopySources(dockerfile).filter((src) => !src.includes('$') && src !== '.'))
      if (
        !p.has(source.replace(/^\.\//, '')) &&
        !p.files.some((f) => f.startsWith(`${source.replace(/\/$/, '')}/`))
      )
        out.push({
          artifact: 'Dockerfile',
          check: 'consistency:files',
          message: `COPY ${source}: no such file in the project`,
        });
  }
  return out;
}
