/**
 * Evaluates a container-structure-test.yaml (schemaVersion 2.0.0) against a built image with plain
 * `docker` commands, since the tool itself cannot be installed on these machines. Each declared test
 * becomes one finding when it does not hold.
 */
import { parse } from 'yaml';
import type {
  CommandTest,
  FileExistenceTest,
  KeyValue,
  MetadataTest,
} from '../../generators/testing/structure-test.js';
import { type Runner } from '../../generators/verify/runner.js';

/**
 * The generator's model (generators/testing/structure-test.ts) covers what it writes; the runner also accepts the
 * rest of the v2 format a user may add by hand.
 */
interface StructureTest {
  schemaVersion: string;
  metadataTest?: MetadataTest & { labels?: KeyValue[]; unboundEnvVars?: KeyValue[] };
  fileExistenceTests?: (FileExistenceTest & { uid?: number; gid?: number })[];
  fileContentTests?: {
    name: string;
    path: string;
    expectedContents?: string[];
    excludedContents?: string[];
  }[];
  commandTests?: (CommandTest & { expectedError?: string[]; excludedError?: string[] })[];
}

interface ImageConfig {
  Env?: string[];
  ExposedPorts?: Record<string, unknown>;
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  WorkingDir?: string;
  User?: string;
  Labels?: Record<string, string> | null;
}

export interface StructureResult {
  /** How many declared tests ran. */
  count: number;
  failures: string[];
}

const sameList = (a: readonly string[] | null | undefined, b: readonly string[]): boolean =>
  JSON.stringify(a ?? []) === JSON.stringify(b);

/** Runs every declared test; `run` is the Docker command runner (generators/verify/verify.ts). */
export async function runStructureTests(
  run: Runner,
  image: string,
  yamlText: string,
): Promise<StructureResult> {
  const spec = parse(yamlText) as StructureTest;
  const failures: string[] = [];
  let count = 0;
  const inspect = await run('docker', ['image', 'inspect', '--format', '{{json .Config}}', image]);
  if (inspect.code !== 0) return { count, failures: [`image ${image} not found: ${inspect.stderr.trim()}`] };
  const config = JSON.parse(inspect.stdout) as ImageConfig;

  const meta = spec.metadataTest;
  if (meta) {
    count += 1;
    const env = new Map(
      (config.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
    );
    for (const { key, value, isRegex } of meta.envVars ?? []) {
      // As the tool: a regular expression only with isRegex, else the exact value.
      const found = env.get(key);
      if (found === undefined || !(isRegex ? new RegExp(value).test(found) : found === value))
        failures.push(`metadata: env ${key}=${value} (image: ${found})`);
    }
    for (const { key } of meta.unboundEnvVars ?? [])
      if (env.has(key)) failures.push(`metadata: env ${key} is set (image: ${env.get(key)})`);
    for (const port of meta.exposedPorts ?? []) {
      const key = port.includes('/') ? port : `${port}/tcp`;
      if (!(key in (config.ExposedPorts ?? {}))) failures.push(`metadata: port ${port} not exposed`);
    }
    if (meta.entrypoint && !sameList(config.Entrypoint, meta.entrypoint)) {
      failures.push(
        `metadata: entrypoint ${JSON.stringify(config.Entrypoint)} != ${JSON.stringify(meta.entrypoint)}`,
      );
    }
    if (meta.cmd && !sameList(config.Cmd, meta.cmd))
      failures.push(`metadata: cmd ${JSON.stringify(config.Cmd)} != ${JSON.stringify(meta.cmd)}`);
    if (meta.workdir !== undefined && config.WorkingDir !== meta.workdir)
      failures.push(`metadata: workdir ${config.WorkingDir}`);
    if (meta.user !== undefined && config.User !== meta.user)
      failures.push(`metadata: user ${config.User} != ${meta.user}`);
    for (const { key, value } of meta.labels ?? []) {
      const actual = config.Labels?.[key];
      if (actual === undefined || !new RegExp(value).test(actual))
        failures.push(`metadata: label ${key}=${value} (image: ${actual})`);
    }
  }

  for (const test of spec.fileExistenceTests ?? []) {
    count += 1;
    // stat as root, so unreadable paths are still reported faithfully.
    const stat = await run('docker', [
      'run',
      '--rm',
      '--user',
      '0',
      '--entrypoint',
      'stat',
      image,
      '-c',
      '%A %u %g',
      test.path,
    ]);
    const exists = stat.code === 0;
    if (exists !== test.shouldExist) {
      failures.push(`${test.name}: ${test.path} ${exists ? 'exists' : 'does not exist'}`);
      continue;
    }
    if (!exists) continue;
    const [permissions, uid, gid] = stat.stdout.trim().split(' ');
    if (test.permissions && permissions !== test.permissions)
      failures.push(`${test.name}: permissions ${permissions} != ${test.permissions}`);
    if (test.uid !== undefined && Number(uid) !== test.uid)
      failures.push(`${test.name}: uid ${uid} != ${test.uid}`);
    if (test.gid !== undefined && Number(gid) !== test.gid)
      failures.push(`${test.name}: gid ${gid} != ${test.gid}`);
    if (test.isExecutableBy) {
      const bits = { owner: [3], group: [6], other: [9], any: [3, 6, 9] }[test.isExecutableBy];
      if (!bits.some((i) => permissions?.[i] === 'x' || permissions?.[i] === 's')) {
        failures.push(`${test.name}: ${test.path} (${permissions}) not executable by ${test.isExecutableBy}`);
      }
    }
  }

  for (const test of spec.fileContentTests ?? []) {
    count += 1;
    const cat = await run('docker', ['run', '--rm', '--entrypoint', 'cat', image, test.path]);
    if (cat.code !== 0) {
      failures.push(`${test.name}: cannot read ${test.path}`);
      continue;
    }
    for (const re of test.expectedContents ?? [])
      if (!new RegExp(re, 'm').test(cat.stdout)) failures.push(`${test.name}: no /${re}/`);
    for (const re of test.excludedContents ?? [])
      if (new RegExp(re, 'm').test(cat.stdout)) failures.push(`${test.name}: has /${re}/`);
  }

  for (const test of spec.commandTests ?? []) {
    count += 1;
    const env = (test.envVars ?? []).flatMap(({ key, value }) => ['-e', `${key}=${value}`]);
    const result = await run(
      'docker',
      ['run', '--rm', ...env, '--entrypoint', test.command, image, ...(test.args ?? [])],
      {
        timeoutMs: 120_000,
      },
    );
    const expectedCode = test.exitCode ?? 0;
    if (result.code !== expectedCode) {
      failures.push(
        `${test.name}: exit ${result.code} != ${expectedCode} (${(result.stderr || result.stdout).trim().split('\n').pop()})`,
      );
    }
    const checks: [string[] | undefined, string, boolean, string][] = [
      [test.expectedOutput, result.stdout, true, 'stdout'],
      [test.excludedOutput, result.stdout, false, 'stdout'],
      [test.expectedError, result.stderr, true, 'stderr'],
      [test.excludedError, result.stderr, false, 'stderr'],
    ];
    for (const [patterns, text, wanted, stream] of checks) {
      for (const re of patterns ?? []) {
        if (new RegExp(re, 'm').test(text) !== wanted) {
          failures.push(
            `${test.name}: ${stream} ${wanted ? 'lacks' : 'has'} /${re}/: ${JSON.stringify(text.trim().slice(0, 200))}`,
          );
        }
      }
    }
  }
  return { count, failures };
}
