/**
 * One validation layer over a generated project folder: every check that exists for every artifact
 * present, plus the rules that tie the artifacts to each other and to the settings. It composes the
 * checks of the other support modules (dockerfile-rules, compose-check, k8s-check, workflow-check,
 * structure-test-schema) and never throws a tool's error away: a tool that fails, crashes or is missing
 * becomes a finding that carries the tool's own output.
 *
 * Expensive external tools (Compose, kustomize, shellcheck, supervisor's parser) can be left out per
 * call (`external`), and their results are cached by the content of their inputs, so a folder whose
 * files were already checked is not checked twice. The in-process checks always run.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import type { PropertyInstruction } from 'dockerfile-ast';
import { validate as dockerfileValidate } from 'dockerfile-utils';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { parseAllDocuments } from 'yaml';
import { PINNED_ACTIONS } from '../../lib/actions.js';
import { requirementNames } from '../../lib/requirements.js';
import { isIgnored, parseIgnore } from '../../lib/ignore-files.js';
import { BRIDGE_MODULE, GRACEFUL_TIMEOUT_S, readinessPathOf } from '../../lib/model.js';
import type { Settings } from '../../lib/settings.js';
import {
  interpolatedVariables,
  prodHardeningFindings,
  sharedSqliteFindings,
  startupOrderFindings,
  type MergedCompose,
} from './compose-check.js';
import { contextCopySources, dockerfileFindings, parseStages } from './dockerfile-rules.js';
import {
  checklistFindings as k8sChecklistFindings,
  parseManifests,
  schemaFindings,
  type Expectations,
  type K8sObject,
} from './k8s-check.js';
import { SUPERVISOR_PARSE, type SupervisorConf } from './supervisor-parse.js';
import {
  beatFinding,
  beatsIn,
  composeBeats,
  k8sBeats,
  supervisordPrograms,
  type BeatContext,
} from './beat-count.js';
import { structureTestSchema } from './structure-test-schema.js';
import { structFindings } from './structure-test-structs.js';
import { findTool } from './tools.js';
import {
  actionlintFindings,
  checklistFindings as workflowChecklistFindings,
  dependabotFindings,
  imagePipelineFindings,
  pinFindings,
  runEnvFindings,
  shellcheckAnswer,
  shellcheckFindings as workflowShellcheckFindings,
  type Finding as WorkflowFinding,
} from './workflow-check.js';

export interface Finding {
  /** The file (or files, `a + b`) the finding is about, relative to the project folder. */
  artifact: string;
  /** Which check found it: a tool name, a rule set, or `consistency:<what>`. */
  check: string;
  message: string;
}

/** The external tools that can be left out of a call (the cheap shell syntax checks always run). */
export const EXTERNAL_CHECKS = [
  'compose',
  'kustomize',
  'shellcheck',
  'supervisord',
  'workflow-shellcheck',
] as const;
export type ExternalCheck = (typeof EXTERNAL_CHECKS)[number];

export interface ValidateOptions {
  /** The settings the folder was generated with; default: the answers stored in its .yo-rc.json. */
  settings?: Partial<Settings>;
  /** External checks to run (default: all of them). */
  external?: ReadonlySet<ExternalCheck>;
}

/** One line per finding, for assertion messages. */
export const formatFindings = (findings: readonly Finding[]): string =>
  findings.map((f) => `${f.artifact} [${f.check}] ${f.message}`).join('\n');

// ---------------------------------------------------------------------------------------------------
// Running tools

interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Spawn errors, timeouts, signals. */
  error?: string;
}

/** Runs a tool without a shell; never rejects, the result carries whatever went wrong. */
function runTool(
  file: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<ToolResult> {
  return new Promise((resolve) => {
    const child = execFile(
      file,
      args,
      { cwd: opts.cwd, env: opts.env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({
          code,
          stdout,
          stderr,
          ...(error && code === null
            ? { error: `${error.message}${error.signal ? ` (${error.signal})` : ''}` }
            : {}),
        });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

export interface Job {
  argv: string[];
  cwd?: string;
  /** The whole environment of the tool (default: ours). */
  env?: Record<string, string | undefined>;
}

const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * Runs several tools at once under one /bin/sh: a single process started from Node instead of one per
 * tool. (Starting a process from this Node process costs ~100 ms: it holds the TypeScript program of
 * the Kubernetes declarations; sh starts the tools cheaply.) Each tool's stdout, stderr and exit code
 * come back separately, through files in a temporary folder.
 */
export async function runBatch(jobs: readonly Job[]): Promise<ToolResult[]> {
  if (jobs.length === 0) return [];
  const tmp = mkdtempSync(join(tmpdir(), 'py-docker-batch-'));
  try {
    const lines = jobs.map((job, i) => {
      const env = job.env
        ? `env -i ${Object.entries(job.env)
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => quote(`${k}=${v}`))
            .join(' ')} `
        : '';
      const out = (ext: string): string => quote(join(tmp, `${i}.${ext}`));
      return `(cd ${quote(job.cwd ?? process.cwd())} && exec ${env}${job.argv.map(quote).join(' ')}) >${out('out')} 2>${out('err')} </dev/null; echo $? >${out('rc')} &`;
    });
    const shell = await runTool('/bin/sh', ['-c', `${lines.join('\n')}\nwait\n`]);
    return jobs.map((_job, i) => {
      const read = (ext: string): string | undefined => {
        try {
          return readFileSync(join(tmp, `${i}.${ext}`), 'utf8');
        } catch {
          return undefined;
        }
      };
      const rc = read('rc');
      return {
        code: rc === undefined ? null : Number(rc.trim()),
        stdout: read('out') ?? '',
        stderr: read('err') ?? '',
        ...(rc === undefined ? { error: `the tool did not run: ${toolOutput(shell)}` } : {}),
      };
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const toolOutput = (r: ToolResult): string =>
  [r.error, r.stderr.trim(), r.stdout.trim()].filter(Boolean).join('\n') || `(no output, exit ${r.code})`;

/** A tool's path, or a finding that says it is missing (a missing tool never passes silently). */
function tool(name: Parameters<typeof findTool>[0], artifact: string, out: Finding[]): string | undefined {
  const path = findTool(name);
  if (!path)
    out.push({ artifact, check: name, message: `${name} is not installed (run scripts/provision/tools.sh)` });
  return path;
}

/** Results of external checks by the hash of their inputs: identical files were already checked. */
const cache = new Map<string, Promise<Finding[]>>();

const cacheId = (key: string, inputs: readonly string[]): string => {
  const hash = createHash('sha256');
  hash.update(key);
  for (const input of inputs) hash.update(`\0${input.length}\0${input}`);
  return hash.digest('hex');
};

function cached(key: string, inputs: readonly string[], run: () => Promise<Finding[]>): Promise<Finding[]> {
  const id = cacheId(key, inputs);
  let result = cache.get(id);
  if (!result) {
    result = run();
    cache.set(id, result);
  }
  return result;
}

/** A tool run whose findings depend only on `inputs` (file names and contents). */
interface CheckJob extends Job {
  key: string;
  inputs: string[];
  findings: (r: ToolResult) => Finding[];
}

/** Runs the jobs not already cached in one batch; every job's findings, cached ones included. */
async function runChecks(jobs: readonly CheckJob[]): Promise<Finding[]> {
  const fresh: { job: CheckJob; resolve: (f: Finding[]) => void }[] = [];
  const results = jobs.map((job) => {
    const id = cacheId(job.key, job.inputs);
    let result = cache.get(id);
    if (!result) {
      result = new Promise<Finding[]>((resolve) => fresh.push({ job, resolve }));
      cache.set(id, result);
    }
    return result;
  });
  const ran = await runBatch(fresh.map((f) => f.job));
  fresh.forEach(({ job, resolve }, i) => {
    try {
      resolve(job.findings(ran[i]!));
    } catch (error) {
      resolve([
        { artifact: job.argv.join(' '), check: job.key, message: `the check failed: ${String(error)}` },
      ]);
    }
  });
  return (await Promise.all(results)).flat();
}

/** Runs a check; an exception it throws becomes a finding instead of hiding the other findings. */
async function guarded(
  artifact: string,
  check: string,
  fn: () => Finding[] | Promise<Finding[]>,
): Promise<Finding[]> {
  try {
    return await fn();
  } catch (error) {
    return [{ artifact, check, message: `the check failed: ${(error as Error).stack ?? String(error)}` }];
  }
}

// ---------------------------------------------------------------------------------------------------
// Reading the folder

type Obj = Record<string, unknown>;
// Parsed YAML walked as plain data.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

class Project {
  readonly files: string[];
  constructor(readonly dir: string) {
    this.files = [];
    const walk = (rel: string): void => {
      for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
        const path = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (!['.git', 'node_modules'].includes(entry.name)) walk(path);
        } else this.files.push(path);
      }
    };
    walk('');
    this.files.sort();
  }

  has(path: string): boolean {
    return this.files.includes(path);
  }

  read(path: string): string | undefined {
    return this.has(path) ? readFileSync(join(this.dir, path), 'utf8') : undefined;
  }

  executable(path: string): boolean {
    return (statSync(join(this.dir, path)).mode & 0o111) === 0o111;
  }
}

/** KEY=value lines of an env file (comments and blank lines skipped). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match) out[match[1]!] = match[2]!;
  }
  return out;
}

/** Every document of a YAML text, strictly (duplicate keys are errors); errors become findings. */
function yamlDocs(artifact: string, text: string, out: Finding[]): unknown[] {
  const docs = parseAllDocuments(text, { uniqueKeys: true, strict: true });
  const list = Array.isArray(docs) ? docs : [docs];
  const values: unknown[] = [];
  for (const doc of list) {
    for (const e of [...doc.errors, ...doc.warnings])
      out.push({ artifact, check: 'yaml', message: e.message });
    if (doc.errors.length === 0) values.push(doc.toJS());
  }
  // A YAML 1.1 reader (PyYAML, Go's yaml.v2) must read the same data: `name: no` is false there.
  const old = parseAllDocuments(text, { version: '1.1', logLevel: 'silent' });
  (Array.isArray(old) ? old : [old]).forEach((doc, i) => {
    const where = doc.errors.length === 0 ? firstDifference(doc.toJS(), values[i], '') : undefined;
    if (where !== undefined)
      out.push({
        artifact,
        check: 'yaml:1.1',
        message: `a YAML 1.1 reader reads ${where || 'the document'} differently`,
      });
  });
  return values;
}

/** The path of the first value that differs between two parses ('' for the root), or undefined. */
function firstDifference(a: unknown, b: unknown, path: string): string | undefined {
  if (a instanceof Date || typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b))
    return `${path} (${JSON.stringify(a)} instead of ${JSON.stringify(b)})`;
  if (a === null || b === null || typeof a !== 'object')
    return a === b ? undefined : `${path} (${JSON.stringify(a)} instead of ${JSON.stringify(b)})`;
  const [x, y] = [a as Record<string, unknown>, b as Record<string, unknown>];
  const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])];
  for (const key of keys) {
    if (!(key in x) || !(key in y)) return `${path}.${key} (a key ${key in x ? 'only 1.1' : 'only 1.2'} has)`;
    const found = firstDifference(x[key], y[key], `${path}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

const asObj = (v: unknown): Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {};

// ---------------------------------------------------------------------------------------------------
// The checks, by artifact

interface Context {
  p: Project;
  s: Partial<Settings>;
  external: ReadonlySet<ExternalCheck>;
  /** Keys of .env.example: the catalogue every other file's variables must come from. */
  catalogue: Set<string>;
  /** Catalogue keys that are secrets (placeholders in .env.example). */
  secretKeys: Set<string>;
  /** What the Dockerfile says, for the files that must agree with it. */
  image?: { user?: string; cmd?: string[]; entrypoint?: string[]; env: Record<string, string> };
}

const uidPair = (s: Partial<Settings>): string => `${s.appUid}:${s.appUid}`;

function jsonArray(text: string | undefined): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(text ?? '');
    return Array.isArray(parsed) ? parsed.map(String) : undefined;
  } catch {
    return undefined;
  }
}

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

function dockerfileChecks(ctx: Context): Finding[] {
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

const SHELL_DIRS = ['docker/', '.devcontainer/'];

async function scriptChecks(ctx: Context): Promise<Finding[]> {
  const { p, s } = ctx;
  const scripts = p.files.filter((f) => SHELL_DIRS.some((d) => f.startsWith(d)) && f.endsWith('.sh'));
  if (scripts.length === 0) return [];
  const out: Finding[] = [];
  for (const file of scripts) {
    const text = p.read(file)!;
    if (!p.executable(file)) out.push({ artifact: file, check: 'scripts', message: 'not executable' });
    if (!text.startsWith('#!/bin/sh\n'))
      out.push({ artifact: file, check: 'scripts', message: 'does not start with #!/bin/sh' });
    if (!/^set -eu$/m.test(text)) out.push({ artifact: file, check: 'scripts', message: 'no `set -eu`' });
  }
  const health = p.read('docker/healthcheck.sh');
  if (health !== undefined) {
    const port = /^port=\$\{PORT:-([^}]*)\}$/m.exec(health)?.[1];
    // The Docker health check probes readiness; `--live` the health path.
    const path = /^path=\$\{READINESS_PATH:-([^}]*)\}$/m.exec(health)?.[1];
    const live = /^ {2}path=\$\{HEALTH_PATH:-([^}]*)\}$/m.exec(health)?.[1];
    if (live !== s.healthPath)
      out.push({
        artifact: 'docker/healthcheck.sh',
        check: 'consistency:health-path',
        message: `default liveness path ${live}, not ${s.healthPath}`,
      });
    if (port !== String(s.port))
      out.push({
        artifact: 'docker/healthcheck.sh',
        check: 'consistency:port',
        message: `default port ${port}, not ${s.port}`,
      });
    if (path !== readinessPathOf(s.healthPath!))
      out.push({
        artifact: 'docker/healthcheck.sh',
        check: 'consistency:health-path',
        message: `default path ${path}, not ${readinessPathOf(s.healthPath!)}`,
      });
  }
  // Syntax under Alpine's shell (busybox ash) and Debian's (dash): cheap, always run; shellcheck on
  // request. All in one batch of processes.
  const jobs: CheckJob[] = [];
  const busybox = tool('busybox', 'docker/*.sh', out);
  const dash = tool('dash', 'docker/*.sh', out);
  const shells: [string, string[]][] = [];
  if (busybox) shells.push(['busybox sh -n', [busybox, 'sh', '-n']]);
  if (dash) shells.push(['dash -n', [dash, '-n']]);
  for (const file of scripts)
    for (const [name, argv] of shells)
      jobs.push({
        key: name,
        inputs: [file, p.read(file)!],
        argv: [...argv, file],
        cwd: p.dir,
        findings: (r) => (r.code === 0 ? [] : [{ artifact: file, check: name, message: toolOutput(r) }]),
      });
  if (ctx.external.has('shellcheck')) {
    const shellcheck = tool('shellcheck', 'docker/*.sh', out);
    if (shellcheck)
      jobs.push({
        key: 'shellcheck',
        inputs: scripts.flatMap((f) => [f, p.read(f)!]),
        argv: [shellcheck, '-s', 'sh', '-f', 'json', ...scripts],
        cwd: p.dir,
        findings: (r) => {
          // Its JSON, not only its exit code: a shellcheck that crashes or prints nothing checked nothing.
          const answer = shellcheckAnswer(r);
          if (typeof answer === 'string')
            return [{ artifact: scripts.join(' '), check: 'shellcheck', message: answer }];
          return answer.map((i) => ({
            artifact: i.file ?? scripts.join(' '),
            check: 'shellcheck',
            message: `line ${i.line}: SC${i.code} ${i.message}`,
          }));
        },
      });
  }
  return [...out, ...(await runChecks(jobs))];
}

async function supervisorChecks(ctx: Context, k8sWebArgs: string[] | undefined): Promise<Finding[]> {
  const { p, s } = ctx;
  const file = 'docker/supervisord.conf';
  const out: Finding[] = [];
  const text = p.read(file);
  if ((text !== undefined) !== (s.processManager === 'supervisord'))
    out.push({
      artifact: file,
      check: 'consistency:process-manager',
      message: `${text === undefined ? 'missing' : 'present'} with --process-manager ${s.processManager}`,
    });
  if (text === undefined || !ctx.external.has('supervisord')) return out;
  const python = tool('python3', file, out);
  if (!python) return out;
  const parsed = await cached('supervisord', [text], async () => {
    const r = await runTool(python, ['-c', SUPERVISOR_PARSE, file], {
      cwd: p.dir,
      env: { PATH: '/usr/bin:/bin' },
    });
    if (r.code !== 0) return [{ artifact: file, check: 'supervisor', message: toolOutput(r) }];
    return [{ artifact: file, check: 'supervisor:parsed', message: r.stdout }];
  });
  const result = parsed.find((f) => f.check === 'supervisor:parsed');
  if (!result) return [...out, ...parsed];
  const conf = JSON.parse(result.message) as SupervisorConf;
  if (!conf.nodaemon)
    out.push({ artifact: file, check: 'supervisor', message: 'supervisord does not run in the foreground' });
  const names = conf.programs.map((prog) => prog.name).sort();
  const want = ['web', ...(s.celery ? ['worker'] : [])].sort();
  if (names.join() !== want.join())
    out.push({
      artifact: file,
      check: 'supervisor',
      message: `programs [${names.join(', ')}], expected [${want.join(', ')}]`,
    });
  const web = conf.programs.find((prog) => prog.name === 'web')?.argv;
  if (!web || web[0] !== 'gunicorn' || !web.includes(`0.0.0.0:${s.port}`))
    out.push({ artifact: file, check: 'consistency:command', message: `web runs ${JSON.stringify(web)}` });
  else if (k8sWebArgs && JSON.stringify(k8sWebArgs) !== JSON.stringify(web))
    out.push({
      artifact: `${file} + k8s/base/deployment.yaml`,
      check: 'consistency:command',
      message: `web runs ${JSON.stringify(web)}, the Kubernetes web container ${JSON.stringify(k8sWebArgs)}`,
    });
  for (const prog of conf.programs.filter((x) => x.name !== 'web'))
    if (prog.argv[0] !== 'celery')
      out.push({ artifact: file, check: 'supervisor', message: `${prog.name} runs ${prog.argv.join(' ')}` });
  return out;
}

function envChecks(ctx: Context): Finding[] {
  const { p, catalogue, secretKeys } = ctx;
  const out: Finding[] = [];
  if (!p.has('.env.example')) return out;
  for (const file of ['env.development', 'env.staging', 'env.production', 'env.test']) {
    const text = p.read(file);
    if (text === undefined) continue;
    for (const key of Object.keys(parseEnvFile(text))) {
      if (!catalogue.has(key))
        out.push({ artifact: file, check: 'consistency:env', message: `${key} is not in .env.example` });
      if (secretKeys.has(key))
        out.push({ artifact: file, check: 'secrets', message: `${key} is a secret, in a committed file` });
    }
  }
  const local = p.read('.env');
  if (local !== undefined) {
    const keys = Object.keys(parseEnvFile(local));
    const missing = [...catalogue].filter((k) => !keys.includes(k));
    if (missing.length > 0)
      out.push({ artifact: '.env', check: 'consistency:env', message: `missing ${missing.join(', ')}` });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Compose

const COMPOSE = {
  base: 'docker-compose.yml',
  override: 'docker-compose.override.yml',
  prod: 'docker-compose.prod.yml',
  test: 'docker-compose.test.yml',
} as const;

/** Services of the app image as opposed to the database and Redis images. */
const APP_SERVICES = ['web', 'worker', 'beat', 'migrate'];

function expectedServices(s: Partial<Settings>): string[] {
  return [
    'web',
    ...(s.postgres ? ['db'] : []),
    ...(s.redis ? ['redis'] : []),
    ...(s.celery ? ['worker', 'beat'] : []),
  ];
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

async function composeChecks(ctx: Context): Promise<Finding[]> {
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
      backingServices: ['db', 'redis'].filter((x) => x in merged.services),
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
      ? ['web', 'tests', ...expectedServices(s).filter((x) => x === 'db' || x === 'redis')]
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
function beatContext(ctx: Context, isAppImage: BeatContext['isAppImage']): BeatContext {
  const conf = ctx.p.read('docker/supervisord.conf');
  return {
    imageCmd: ctx.image?.cmd ?? [],
    isAppImage,
    supervisordBeats: conf === undefined ? 0 : beatsIn(supervisordPrograms(conf)),
  };
}

// ---------------------------------------------------------------------------------------------------
// Kubernetes

const K8S_ENVS = ['staging', 'production'] as const;

function k8sExpectations(
  ctx: Context,
  env: string,
  secretPlaceholders: Record<string, string>,
): Expectations | undefined {
  const { p, s } = ctx;
  const envFile = parseEnvFile(p.read(`env.${env}`) ?? '');
  const allowedHosts = (envFile.DJANGO_ALLOWED_HOSTS ?? '').split(',');
  if (!envFile.DJANGO_ALLOWED_HOSTS) return undefined;
  return {
    host: allowedHosts[0]!,
    allowedHosts,
    healthPath: s.healthPath!,
    port: s.port!,
    tls: s.tls!,
    tlsIssuer: s.tlsIssuer ?? '',
    ingressClass: s.ingressClass!,
    minReplicas: env === 'production' ? 2 : 1,
    gracefulTimeout: GRACEFUL_TIMEOUT_S,
    secretPlaceholders,
    egressPorts: [...(s.postgres ? [5432] : []), ...(s.redis ? [6379] : [])],
    sqlite: !s.postgres,
  };
}

/** Workloads' containers of some objects. */
const containersOf = (docs: readonly K8sObject[]): Any[] =>
  docs.flatMap((d) => [
    ...(d.spec?.template?.spec?.containers ?? []),
    ...(d.spec?.template?.spec?.initContainers ?? []),
  ]);

const imageRepo = (image: string): string => image.replace(/@.*$/, '').replace(/:[^:/]*$/, '');

/** Manifests as written (no kustomize): schema, unknown keys, and agreement with the other files. */
function k8sFileChecks(ctx: Context, out: Finding[]): Map<string, K8sObject[]> {
  const { p, s, catalogue, secretKeys } = ctx;
  const byFile = new Map<string, K8sObject[]>();
  for (const file of p.files.filter((f) => f.startsWith('k8s/') && f.endsWith('.yaml'))) {
    const docs = yamlDocs(file, p.read(file)!, out).filter(Boolean) as K8sObject[];
    byFile.set(file, docs);
    for (const doc of docs) {
      if (doc.kind === 'Kustomization') continue; // kustomize itself rejects unknown fields there
      // Patches are partial objects: only unknown keys count, required fields live in the base.
      for (const f of schemaFindings(doc))
        if (!file.includes('/patches/') || /unknown field|where the API/.test(f))
          out.push({ artifact: file, check: 'kubernetes-models', message: f });
    }
  }
  const all = [...byFile.values()].flat();
  const add = (artifact: string, check: string, message: string): void =>
    void out.push({ artifact, check, message });
  for (const [file, docs] of byFile) {
    for (const doc of docs) {
      const pod = doc.spec?.template?.spec;
      if (pod?.securityContext && !file.includes('/patches/'))
        for (const id of ['runAsUser', 'runAsGroup'])
          if (pod.securityContext[id] !== s.appUid)
            add(
              file,
              'consistency:user',
              `${doc.kind}/${doc.metadata?.name} ${id} ${pod.securityContext[id]}, not --app-uid ${s.appUid}`,
            );
      for (const c of containersOf([doc])) {
        if (c.image !== undefined && imageRepo(c.image) !== s.imageRepository)
          add(
            file,
            'consistency:image',
            `container ${c.name} runs ${c.image}, not --image ${s.imageRepository}`,
          );
        for (const port of c.ports ?? [])
          if (port.containerPort !== s.port)
            add(file, 'consistency:port', `containerPort ${port.containerPort}, not ${s.port}`);
        for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
          const probe = c[kind];
          // Readiness also checks the database (the health middleware's readiness path).
          const want = kind === 'readinessProbe' ? readinessPathOf(s.healthPath!) : s.healthPath;
          if (probe?.httpGet && probe.httpGet.path !== want)
            add(file, 'consistency:health-path', `${kind} path ${probe.httpGet.path}, not ${want}`);
        }
        for (const e of c.env ?? [])
          if (!catalogue.has(e.name))
            add(
              file,
              'consistency:env',
              `container ${c.name} sets ${e.name}, which .env.example does not have`,
            );
      }
      if (doc.kind === 'ConfigMap')
        for (const key of Object.keys(doc.data ?? {})) {
          if (!catalogue.has(key))
            add(file, 'consistency:env', `ConfigMap key ${key} is not in .env.example`);
          if (secretKeys.has(key)) add(file, 'secrets', `ConfigMap holds the secret ${key}`);
        }
      if (doc.kind === 'Secret')
        for (const key of Object.keys({ ...doc.data, ...doc.stringData }))
          if (!secretKeys.has(key))
            add(file, 'consistency:env', `Secret key ${key} is not a secret of .env.example`);
      if (doc.kind === 'Kustomization') {
        for (const image of doc.images ?? [])
          if (image.name !== s.imageRepository)
            add(file, 'consistency:image', `images: ${image.name}, not --image ${s.imageRepository}`);
        for (const gen of doc.configMapGenerator ?? [])
          for (const literal of gen.literals ?? []) {
            const key = String(literal).split('=')[0]!;
            if (!catalogue.has(key))
              add(file, 'consistency:env', `configMapGenerator sets ${key}, not in .env.example`);
            if (secretKeys.has(key)) add(file, 'secrets', `configMapGenerator holds the secret ${key}`);
          }
        for (const gen of doc.secretGenerator ?? [])
          for (const literal of gen.literals ?? []) {
            const key = String(literal).split('=')[0]!;
            if (!secretKeys.has(key))
              add(file, 'consistency:env', `secretGenerator key ${key} is not a secret of .env.example`);
          }
        const env = /^k8s\/(?:overlays|deploy)\/([a-z]+)\//.exec(file)?.[1];
        if (env && doc.namespace !== `${s.namespace}-${env}`)
          add(file, 'consistency:names', `namespace ${doc.namespace}, not ${s.namespace}-${env}`);
      }
    }
  }
  for (const env of K8S_ENVS) {
    const example = p.read(`k8s/deploy/${env}/secrets.env.example`);
    if (example === undefined) continue;
    const keys = Object.keys(parseEnvFile(example)).sort();
    // The placeholder Secret: the base's secretGenerator (a Secret manifest in older output).
    const secretObj = all.find((d) => d.kind === 'Secret');
    const generated = all
      .filter((d) => d.kind === 'Kustomization')
      .flatMap((d) => (d.secretGenerator ?? []) as { literals?: string[] }[])
      .flatMap((g) => g.literals ?? [])
      .map((l) => String(l).split('=')[0]!);
    const inSecret = [
      ...new Set([...Object.keys({ ...secretObj?.data, ...secretObj?.stringData }), ...generated]),
    ].sort();
    if (keys.join() !== inSecret.join())
      add(
        `k8s/deploy/${env}/secrets.env.example`,
        'consistency:env',
        `keys [${keys.join(', ')}], the Secret has [${inSecret.join(', ')}]`,
      );
  }
  return byFile;
}

/** A kustomize build's objects, or the finding why there are none. */
function kustomizeOutput(r: ToolResult, artifact: string): { docs?: K8sObject[]; findings: Finding[] } {
  if (r.code !== 0) return { findings: [{ artifact, check: 'kubectl kustomize', message: toolOutput(r) }] };
  try {
    return { docs: parseManifests(r.stdout), findings: [] };
  } catch (error) {
    const message = `output is not valid YAML: ${(error as Error).message}`;
    return { findings: [{ artifact, check: 'kubectl kustomize', message }] };
  }
}

async function k8sChecks(ctx: Context): Promise<{ findings: Finding[]; webArgs?: string[] }> {
  const { p } = ctx;
  if (!p.files.some((f) => f.startsWith('k8s/'))) return { findings: [] };
  const out: Finding[] = [];
  const byFile = k8sFileChecks(ctx, out);
  const web = (byFile.get('k8s/base/deployment.yaml') ?? []).find((d) => d.kind === 'Deployment');
  const webArgs = web?.spec?.template?.spec?.containers?.[0]?.args as string[] | undefined;
  if (!ctx.external.has('kustomize')) return { findings: out, webArgs };
  const kubectl = tool('kubectl', 'k8s/', out);
  if (!kubectl) return { findings: out, webArgs };
  const tree = p.files
    .filter((f) => f.startsWith('k8s/') || /^env\.[a-z]+$/.test(f))
    .flatMap((f) => [f, p.read(f)!]);
  const built = await cached('kustomize', [JSON.stringify(ctx.s), ...tree], () =>
    kustomizeChecks(ctx, kubectl),
  );
  return { findings: [...out, ...built], webArgs };
}

async function kustomizeChecks(ctx: Context, kubectl: string): Promise<Finding[]> {
  const { p } = ctx;
  const out: Finding[] = [];
  const placeholders = (env: string): Record<string, string> =>
    parseEnvFile(p.read(`k8s/deploy/${env}/secrets.env.example`) ?? '');
  const check = (
    artifact: string,
    docs: K8sObject[] | undefined,
    env?: string,
    secrets?: Record<string, string>,
    schema = true,
  ): void => {
    if (schema)
      for (const doc of docs ?? [])
        for (const f of schemaFindings(doc)) out.push({ artifact, check: 'kubernetes-models', message: f });
    if (!docs || !env) return;
    const x = k8sExpectations(ctx, env, secrets ?? placeholders(env));
    if (!x) {
      out.push({ artifact, check: 'k8s-checklist', message: `env.${env} has no DJANGO_ALLOWED_HOSTS` });
      return;
    }
    for (const f of k8sChecklistFindings(docs, x)) out.push({ artifact, check: 'k8s-checklist', message: f });
    for (const d of docs)
      if (d.metadata?.namespace !== `${ctx.s.namespace}-${env}`)
        out.push({
          artifact,
          check: 'consistency:names',
          message: `${d.kind}/${d.metadata?.name} in namespace ${d.metadata?.namespace}`,
        });
  };
  // Every build in one batch: the base (its objects are the files checked in-process, so only that it
  // builds), the overlays, and the deploy folders in a temporary copy with a secrets.env (never in the
  // project), where only the Secret differs from the overlay's objects.
  const builds: { dir: string; artifact: string; env?: string; deploy?: boolean }[] = [];
  if (p.has('k8s/base/kustomization.yaml'))
    builds.push({ dir: join(p.dir, 'k8s/base'), artifact: 'k8s/base' });
  for (const env of K8S_ENVS)
    if (p.has(`k8s/overlays/${env}/kustomization.yaml`))
      builds.push({ dir: join(p.dir, `k8s/overlays/${env}`), artifact: `k8s/overlays/${env}`, env });
  const deployEnvs = K8S_ENVS.filter((env) => p.has(`k8s/deploy/${env}/kustomization.yaml`));
  const copy = mkdtempSync(join(tmpdir(), 'py-docker-validate-k8s-'));
  try {
    cpSync(join(p.dir, 'k8s'), join(copy, 'k8s'), { recursive: true });
    for (const env of deployEnvs) {
      const example = `k8s/deploy/${env}/secrets.env.example`;
      if (!p.has(example)) {
        out.push({
          artifact: example,
          check: 'files',
          message: 'missing: the deploy folder cannot be filled in',
        });
        continue;
      }
      writeFileSync(join(copy, `k8s/deploy/${env}/secrets.env`), p.read(example)!);
      builds.push({ dir: join(copy, `k8s/deploy/${env}`), artifact: `k8s/deploy/${env}`, env, deploy: true });
    }
    const results = await runBatch(builds.map((b) => ({ argv: [kubectl, 'kustomize', b.dir] })));
    builds.forEach((b, i) => {
      const r = kustomizeOutput(results[i]!, b.artifact);
      out.push(...r.findings);
      if (!b.env) return;
      check(
        b.artifact,
        r.docs?.filter((d) => !b.deploy || d.kind === 'Secret'),
        undefined,
      );
      check(b.artifact, r.docs, b.env, b.deploy ? placeholders(b.env) : undefined, false);
      if (b.deploy || !r.docs) return;
      const repository = `${ctx.s.imageRepository}:`;
      const beats = beatFinding(
        k8sBeats(
          r.docs,
          beatContext(ctx, (image) => !!image?.startsWith(repository)),
        ),
        !!ctx.s.celery,
      );
      if (beats) out.push({ artifact: b.artifact, check: 'consistency:celery-beat', message: beats });
    });
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Workflows, dev container, structure tests

async function workflowChecks(ctx: Context): Promise<Finding[]> {
  const { p, s } = ctx;
  const out: Finding[] = [];
  const wrap = (artifact: string, findings: WorkflowFinding[]): Finding[] =>
    findings.map((f) => ({ artifact, check: f.rule, message: f.message }));
  const workflows = p.files.filter((f) => /^\.github\/workflows\/[^/]+\.ya?ml$/.test(f));
  for (const file of workflows) {
    const src = p.read(file)!;
    out.push(
      ...(await guarded(file, 'actionlint', async () => wrap(file, await actionlintFindings(src, file)))),
    );
    out.push(
      ...(await guarded(file, 'workflow-rules', () =>
        wrap(file, [
          ...workflowChecklistFindings(src),
          ...pinFindings(src, PINNED_ACTIONS),
          ...runEnvFindings(src),
          ...imagePipelineFindings(src, {
            testCompose: COMPOSE.test,
            testsService: 'tests',
            structureTests: 'container-structure-test.yaml',
          }),
        ]),
      )),
    );
    out.push(...(await guarded(file, 'consistency', () => workflowConsistency(ctx, file, src))));
    if (ctx.external.has('workflow-shellcheck')) {
      const shellcheck = tool('shellcheck', file, out);
      if (shellcheck)
        out.push(
          ...(await cached('workflow-shellcheck', [src], () =>
            guarded(file, 'shellcheck', () => wrap(file, workflowShellcheckFindings(src, shellcheck))),
          )),
        );
    }
  }
  const dependabot = p.read('.github/dependabot.yml');
  if (dependabot !== undefined) {
    const ecosystems = ['docker', 'github-actions', s.pythonDeps === 'uv' ? 'uv' : 'pip', 'npm'];
    out.push(
      ...(await guarded('.github/dependabot.yml', 'dependabot', () =>
        wrap('.github/dependabot.yml', dependabotFindings(dependabot, ecosystems)),
      )),
    );
  }
  return out;
}

function workflowConsistency(ctx: Context, file: string, src: string): Finding[] {
  const { p, s } = ctx;
  const out: Finding[] = [];
  const add = (check: string, message: string): void => void out.push({ artifact: file, check, message });
  const doc = asObj(yamlDocs(file, src, out)[0]);
  const steps = Object.values(asObj(doc.jobs)).flatMap(
    (job) => (asObj(job).steps as Obj[] | undefined) ?? [],
  );
  const using = (name: string): Obj[] => steps.filter((st) => String(st.uses ?? '').startsWith(`${name}@`));
  for (const meta of using('docker/metadata-action'))
    if (asObj(meta.with).images !== s.imageRepository)
      add(
        'consistency:image',
        `docker/metadata-action images ${String(asObj(meta.with).images)}, not --image ${s.imageRepository}`,
      );
  for (const login of using('docker/login-action'))
    if (asObj(login.with).registry !== s.registry)
      add(
        'consistency:image',
        `docker/login-action registry ${String(asObj(login.with).registry)}, not --registry ${s.registry}`,
      );
  for (const build of using('docker/build-push-action')) {
    const w = asObj(build.with);
    if (w.push === true && w.platforms !== s.platforms)
      add('consistency:platforms', `pushes ${String(w.platforms)}, not --platforms ${s.platforms}`);
    if (w.load === true && w.tags !== `${s.projectName}:test`)
      add(
        'consistency:image',
        `the image under test is ${String(w.tags)}, not ${s.projectName}:test (docker-compose.test.yml)`,
      );
  }
  for (const needed of [COMPOSE.test, 'container-structure-test.yaml', 'Dockerfile'])
    if (src.includes(needed) && !p.has(needed))
      add('consistency:files', `uses ${needed}, which the project does not have`);
  return out;
}

function devcontainerChecks(ctx: Context): Finding[] {
  const { p, s } = ctx;
  const file = '.devcontainer/devcontainer.json';
  const text = p.read(file);
  if (text === undefined) return [];
  const out: Finding[] = [];
  const add = (check: string, message: string): void => void out.push({ artifact: file, check, message });
  const errors: ParseError[] = [];
  const dc = asObj(parseJsonc(text, errors));
  for (const e of errors) add('jsonc', `${printParseErrorCode(e.error)} at offset ${e.offset}`);
  const composeFiles = (dc.dockerComposeFile as string[] | undefined) ?? [];
  const services = new Set<string>();
  for (const rel of composeFiles) {
    const path = join('.devcontainer', rel).replace(/\\/g, '/');
    if (!p.has(path)) add('consistency:files', `dockerComposeFile ${rel}: no such file`);
    else
      for (const name of Object.keys(asObj(asObj(yamlDocs(path, p.read(path)!, [])[0]).services)))
        services.add(name);
  }
  for (const name of [dc.service, ...((dc.runServices as unknown[] | undefined) ?? [])])
    if (!services.has(String(name)))
      add('consistency:services', `service ${String(name)} is not in ${composeFiles.join(', ')}`);
  if (!((dc.forwardPorts as unknown[] | undefined) ?? []).includes(s.port))
    add('consistency:port', `forwardPorts ${JSON.stringify(dc.forwardPorts)} lacks ${s.port}`);
  for (const key of ['postCreateCommand', 'postStartCommand']) {
    const command = dc[key];
    if (typeof command === 'string' && command.startsWith('.devcontainer/')) {
      if (!p.has(command)) add('consistency:files', `${key} ${command}: no such file`);
      else if (!p.executable(command)) add('consistency:files', `${key} ${command} is not executable`);
    }
  }
  return out;
}

let schema: ValidateFunction | undefined;

function structureTestChecks(ctx: Context): Finding[] {
  const { p, s } = ctx;
  const file = 'container-structure-test.yaml';
  const text = p.read(file);
  if (text === undefined) return [];
  const out: Finding[] = [];
  const add = (check: string, message: string): void => void out.push({ artifact: file, check, message });
  const doc = yamlDocs(file, text, out)[0];
  schema ??= new Ajv({ allErrors: true, strict: false }).compile(structureTestSchema);
  if (!schema(doc))
    for (const e of schema.errors ?? []) add('schema', `${e.instancePath || '/'} ${e.message ?? ''}`);
  // As the real tool decodes it: every key one of its fields, every value of the field's Go type.
  for (const problem of structFindings(text)) add('structure-test:real-structs', problem);
  const meta = asObj(asObj(doc).metadataTest);
  if (meta.user !== uidPair(s)) add('consistency:user', `user ${String(meta.user)}, not ${uidPair(s)}`);
  if (JSON.stringify(meta.exposedPorts) !== JSON.stringify([String(s.port)]))
    add('consistency:port', `exposedPorts ${JSON.stringify(meta.exposedPorts)}, not ["${s.port}"]`);
  const image = ctx.image;
  if (image) {
    if (JSON.stringify(meta.cmd) !== JSON.stringify(image.cmd))
      add(
        'consistency:command',
        `cmd ${JSON.stringify(meta.cmd)}, the Dockerfile's CMD ${JSON.stringify(image.cmd)}`,
      );
    if (JSON.stringify(meta.entrypoint) !== JSON.stringify(image.entrypoint))
      add(
        'consistency:command',
        `entrypoint ${JSON.stringify(meta.entrypoint)}, the Dockerfile's ${JSON.stringify(image.entrypoint)}`,
      );
  }
  const env = ((meta.envVars as { key: string; value: string }[] | undefined) ?? []).find(
    (e) => e.key === 'DJANGO_SETTINGS_MODULE',
  );
  if (env && env.value !== BRIDGE_MODULE)
    add(
      'consistency:env',
      `DJANGO_SETTINGS_MODULE ${env.value}, not the container settings ${BRIDGE_MODULE}`,
    );
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Secrets

/** Base64url tokens as long as the generated secrets, with mixed case and digits (hex hashes are not). */
const SECRET_SHAPE = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{32,}(?![A-Za-z0-9_-])/g;
const looksGenerated = (token: string): boolean =>
  /[A-Z]/.test(token) && /[a-z]/.test(token) && /[0-9]/.test(token);

function secretChecks(ctx: Context): Finding[] {
  const { p, secretKeys } = ctx;
  const out: Finding[] = [];
  const add = (artifact: string, message: string): void =>
    void out.push({ artifact, check: 'secrets', message });
  const local = parseEnvFile(p.read('.env') ?? '');
  const values = [...secretKeys].map((k) => local[k]).filter((v): v is string => !!v && v.length >= 8);
  const key = local.DJANGO_SECRET_KEY;
  if (p.has('.env') && key !== undefined) {
    if (key.length < 50) add('.env', `DJANGO_SECRET_KEY is ${key.length} characters long, not 50+`);
    if (key.startsWith('django-insecure-')) add('.env', 'DJANGO_SECRET_KEY starts with django-insecure-');
    if (key.startsWith('change-me-')) add('.env', 'DJANGO_SECRET_KEY is the placeholder');
  }
  for (const ignoreFile of ['.gitignore', '.dockerignore']) {
    const text = p.read(ignoreFile);
    if (text === undefined) continue;
    const rules = parseIgnore(text);
    if (!isIgnored(rules, '.env')) add(ignoreFile, '.env is not ignored');
    if (!isIgnored(rules, 'k8s/deploy/production/secrets.env'))
      add(ignoreFile, 'k8s secrets.env files are not ignored');
    if (ignoreFile === '.gitignore' && isIgnored(rules, '.env.example'))
      add(ignoreFile, '.env.example is ignored (it must be committed)');
  }
  // Generated files: those .yo-rc.json records (the user's own files may hold lockfile hashes and such).
  const records = Object.keys(asObj(asObj(storedRaw(p)).files));
  const generated = new Set(records.length > 0 ? [...records, '.yo-rc.json'] : p.files);
  for (const file of p.files.filter((f) => f !== '.env')) {
    const text = readFileSync(join(p.dir, file), 'latin1');
    for (const value of values) if (text.includes(value)) add(file, 'holds a secret value of .env');
    if (!generated.has(file)) continue;
    for (const [token] of text.matchAll(SECRET_SHAPE))
      if (looksGenerated(token)) add(file, `holds ${token.slice(0, 6)}..., shaped like a generated secret`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------

/** The generator's entry of .yo-rc.json: stored answers and the records of generated files. */
function storedRaw(p: Project): unknown {
  const text = p.read('.yo-rc.json');
  return text === undefined ? undefined : asObj(JSON.parse(text))['generator-py-docker'];
}

const storedSettings = (p: Project): Partial<Settings> | undefined =>
  storedRaw(p) === undefined ? undefined : (storedRaw(p) as Partial<Settings>);

/** Every check for every artifact in `dir`; [] when the folder passes them all. */
export async function validateProject(dir: string, options: ValidateOptions = {}): Promise<Finding[]> {
  const p = new Project(dir);
  const s = options.settings ?? storedSettings(p);
  if (!s)
    return [{ artifact: '.yo-rc.json', check: 'settings', message: 'no settings given and none stored' }];
  const example = parseEnvFile(p.read('.env.example') ?? '');
  const ctx: Context = {
    p,
    s,
    external: options.external ?? new Set(EXTERNAL_CHECKS),
    catalogue: new Set(Object.keys(example)),
    secretKeys: new Set(
      Object.entries(example)
        .filter(([, v]) => v.startsWith('change-me-'))
        .map(([k]) => k),
    ),
  };
  // The Dockerfile first: the structure tests are compared with what it says.
  const docker = await guarded('Dockerfile', 'dockerfile', () => dockerfileChecks(ctx));
  const k8s = guarded('k8s/', 'kubernetes', async () => {
    const r = await k8sChecks(ctx);
    return [
      ...r.findings,
      ...(await guarded('docker/supervisord.conf', 'supervisor', () => supervisorChecks(ctx, r.webArgs))),
    ];
  });
  const results = await Promise.all([
    k8s,
    guarded('docker/*.sh', 'scripts', () => scriptChecks(ctx)),
    guarded('docker-compose*.yml', 'compose', () => composeChecks(ctx)),
    guarded('.github/', 'workflows', () => workflowChecks(ctx)),
    guarded('.env*', 'env', () => envChecks(ctx)),
    guarded('.devcontainer/devcontainer.json', 'devcontainer', () => devcontainerChecks(ctx)),
    guarded('container-structure-test.yaml', 'structure-test', () => structureTestChecks(ctx)),
    guarded('(all files)', 'secrets', () => secretChecks(ctx)),
  ]);
  return [...docker, ...results.flat()];
}
