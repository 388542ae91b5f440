// Shared helpers of the benchmark: statistics, interleaved runs, commands, the machine description.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';

export const ROOT = new URL('..', import.meta.url).pathname.replace(/\/$/, '');

/** Median, min and max of a list of numbers (the median of an even count is the mean of the middle two). */
export function stats(values) {
  const sorted = [...values].filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return { n: 0, median: NaN, min: NaN, max: NaN, values: [] };
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { n: sorted.length, median, min: sorted[0], max: sorted.at(-1), values };
}

/** Ratio of two medians measured in the same run. */
export const ratio = (a, b) => (b.median > 0 ? a.median / b.median : NaN);

/**
 * Runs the named variants `runs` times each, interleaved, with the order rotated by one each run (A B C,
 * B C A, C A B, ...): a variant that always ran right after another would carry that one's aftermath
 * (right after the naive image's build, a rebuild measured about 5% slower on this 2-core machine), and
 * one that always ran first would meet alone what `before` changed. `before(i)` runs untimed ahead of
 * run i (an edit the rebuilds react to); `settle()` runs untimed ahead of every variant. results[v][i]
 * is variant v in run i, whatever its place in that run.
 */
export async function interleave(runs, variants, { before, settle } = {}) {
  const names = Object.keys(variants);
  const results = Object.fromEntries(names.map((k) => [k, []]));
  for (let i = 0; i < runs; i += 1) {
    await before?.(i);
    for (let j = 0; j < names.length; j += 1) {
      const name = names[(i + j) % names.length];
      await settle?.();
      results[name].push(await variants[name](i));
    }
  }
  return results;
}

/** Per-field statistics of a list of objects of numbers. */
export function statsOf(samples) {
  const keys = Object.keys(samples[0] ?? {});
  return Object.fromEntries(keys.map((k) => [k, stats(samples.map((s) => s[k]))]));
}

export const now = () => performance.now();

/** Runs a command (no shell), returning status, output and wall time in ms; throws when `check` and it fails. */
export function run(cmd, args, { check = true, env, cwd, input, quiet = true } = {}) {
  const start = now();
  const res = spawnSync(cmd, args, {
    cwd,
    env: env ? { ...process.env, ...env } : process.env,
    input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: quiet ? 'pipe' : ['pipe', 'inherit', 'inherit'],
  });
  const ms = now() - start;
  if (check && res.status !== 0) {
    const out = `${res.stdout ?? ''}${res.stderr ?? ''}`.split('\n').slice(-40).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} failed (${res.status ?? res.signal}):\n${out}`);
  }
  return { status: res.status, stdout: res.stdout ?? '', stderr: res.stderr ?? '', ms };
}

/** First line of a command's output, or undefined when it cannot run. */
export function version(cmd, args) {
  try {
    const res = run(cmd, args, { check: false });
    return res.status === 0 ? (res.stdout || res.stderr).trim().split('\n')[0] : undefined;
  } catch {
    return undefined;
  }
}

const packageVersion = (name) => {
  const file = `${ROOT}/node_modules/${name}/package.json`;
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).version : undefined;
};

/** The machine and the versions of everything measured, for the head of the results. */
export function machine() {
  const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(osRelease)?.[1] ?? os.type();
  const cpus = os.cpus();
  const commit = version('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']);
  const dirty = version('git', ['-C', ROOT, 'status', '--porcelain']) ? ' (with uncommitted changes)' : '';
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${pretty}, kernel ${os.release()} ${os.arch()}`,
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
    node: process.version,
    docker: {
      client: version('docker', ['version', '-f', '{{.Client.Version}}']),
      engine: version('docker', ['version', '-f', '{{.Server.Version}}']),
      compose: version('docker', ['compose', 'version', '--short']),
      buildx: version('docker', ['buildx', 'version']),
    },
    versions: {
      'generator-py-docker': `${JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')).version} (${commit ?? 'no git'}${dirty})`,
      yo: packageVersion('yo'),
      'yeoman-environment': packageVersion('yeoman-environment'),
      'yeoman-generator': packageVersion('yeoman-generator'),
    },
  };
}

export const ms = (v) => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v.toFixed(1)) : 'n/a');
export const sec = (v) => (Number.isFinite(v) ? (v / 1000).toFixed(2) : 'n/a');
export const mb = (bytes) => (Number.isFinite(bytes) ? (bytes / 1e6).toFixed(1) : 'n/a');
export const x = (r) => (Number.isFinite(r) ? `${r.toFixed(2)}x` : 'n/a');

/** "median (min-max)" with a unit formatter. */
export const fmt = (s, unit = ms) => (s.n ? `${unit(s.median)} (${unit(s.min)}-${unit(s.max)})` : 'n/a');

/** A Markdown table from a header row and rows of cells. */
export function table(header, rows) {
  const line = (cells) => `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** `met` / `missed` against a target, for the tables (the bench never fails on a target). */
export const verdict = (ok) => (ok === undefined ? '' : ok ? 'met' : '**missed**');

export function log(message) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}
