/**
 * The external tools of the validation layer: run without a shell, in one batch, with their
 * results cached by the content of their inputs, so a folder whose files were already checked is not
 * checked twice. A tool that fails, crashes or is missing becomes a finding with its own output.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTool } from '../tools.js';
import { type Finding } from './findings.js';

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Spawn errors, timeouts, signals. */
  error?: string;
}

/** Runs a tool without a shell; never rejects, the result carries whatever went wrong. */
export function runTool(
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

export const toolOutput = (r: ToolResult): string =>
  [r.error, r.stderr.trim(), r.stdout.trim()].filter(Boolean).join('\n') || `(no output, exit ${r.code})`;

/** A tool's path, or a finding that says it is missing (a missing tool never passes silently). */
export function tool(
  name: Parameters<typeof findTool>[0],
  artifact: string,
  out: Finding[],
): string | undefined {
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

export function cached(
  key: string,
  inputs: readonly string[],
  run: () => Promise<Finding[]>,
): Promise<Finding[]> {
  const id = cacheId(key, inputs);
  let result = cache.get(id);
  if (!result) {
    result = run();
    cache.set(id, result);
  }
  return result;
}

/** A tool run whose findings depend only on `inputs` (file names and contents). */
export interface CheckJob extends Job {
  key: string;
  inputs: string[];
  findings: (r: ToolResult) => Finding[];
}

/** Runs the jobs not already cached in one batch; every job's findings, cached ones included. */
export async function runChecks(jobs: readonly CheckJob[]): Promise<Finding[]> {
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
export async function guarded(
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
