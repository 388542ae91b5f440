import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { parse } from 'yaml';
import { versionPattern } from '../../../../generators/testing/structure-test.js';
import { DJANGO_RELEASES } from '../../../../lib/versions.js';
import {
  COMBINATIONS,
  composeConfigCheck,
  composeMerged,
  dockerfileStage,
  startupOrderFindings,
  type MergedCompose,
} from '../../../support/compose-check.js';
import { generatorPath, runGenerator, snapshotFolder } from '../../../support/run.js';
import { structureTestSchema } from '../../../support/structure-test-schema.js';
import { STRUCTS, structFindings, type GoType } from '../../../support/structure-test-structs.js';
import { requireTool } from '../../../support/tools.js';

const TEST_FILE = 'docker-compose.test.yml';
const STRUCTURE = 'container-structure-test.yaml';

const read = (dir: string, file: string): string => readFileSync(join(dir, file), 'utf8');

/** The test stack's own rules: standalone, nothing published, a throwaway database, ordered builds. */
function testStackFindings(merged: MergedCompose, dockerfileTest: string, project: string): string[] {
  const findings: string[] = [];
  if (merged.name !== `${project}-test`) findings.push(`project name ${merged.name}`);
  for (const [name, svc] of Object.entries(merged.services)) {
    if ((svc.ports ?? []).length > 0) findings.push(`${name}: publishes ports`);
    if ((svc.volumes ?? []).length > 0) findings.push(`${name}: has volumes (not throwaway)`);
  }
  const db = merged.services.db;
  if (db && !(db.tmpfs ?? []).includes('/var/lib/postgresql/data')) findings.push('db: data not on tmpfs');
  const tests = merged.services.tests;
  if (!tests) return [...findings, 'no tests service'];
  if (tests.build?.dockerfile !== 'Dockerfile.test') findings.push('tests: not built from Dockerfile.test');
  const from = /^FROM\s+(\S+)/m.exec(dockerfileTest)?.[1];
  const base = Object.entries(merged.services).find(([, svc]) => svc.image === from && svc.build);
  if (!base) findings.push(`no service builds ${from}, the image Dockerfile.test starts FROM`);
  else if (!tests.depends_on?.[base[0]])
    findings.push(`tests does not depend on ${base[0]}: builds unordered`);
  return [...findings, ...startupOrderFindings(merged)];
}

/** hadolint's rules (checklist.md) that apply to Dockerfile.test. */
function dockerfileTestFindings(text: string, uid: number): string[] {
  const findings = validate(text).map((d) => `dockerfile-utils: ${d.message}`);
  const dockerfile = DockerfileParser.parse(text);
  for (const from of dockerfile.getFROMs()) {
    const tag = from.getImageTag();
    if (!tag) findings.push(`DL3006: FROM ${from.getImageName()} has no tag`);
    if (tag === 'latest') findings.push('DL3007: FROM :latest');
  }
  const instructions = dockerfile.getInstructions();
  const users = instructions.filter((i) => i.getKeyword() === 'USER');
  const lastUser = users.at(-1)?.getArgumentsContent();
  if (users.length > 0 && lastUser !== `${uid}:${uid}`) findings.push(`DL3002: last USER is ${lastUser}`);
  for (const i of instructions) {
    const args = i.getArgumentsContent() ?? '';
    if (i.getKeyword() === 'ADD') findings.push('DL3020: ADD');
    if (i.getKeyword() === 'WORKDIR' && !args.startsWith('/')) findings.push('DL3000: relative WORKDIR');
    if (i.getKeyword() === 'RUN' && /\bpip\b.*\binstall\b/.test(args) && !args.includes('--no-cache-dir'))
      findings.push('DL3042: pip without --no-cache-dir');
    if (i.getKeyword() === 'RUN' && /(^|\s)cd\s/.test(args)) findings.push('DL3003: cd in RUN');
    if (['CMD', 'ENTRYPOINT'].includes(i.getKeyword()) && !args.trim().startsWith('['))
      findings.push(`DL3025: ${i.getKeyword()} not in JSON form`);
  }
  return findings;
}

describe('py-docker:testing', function () {
  let compose: string;
  const dirs = new Map<string, string>();

  before(async function () {
    compose = requireTool(this, 'docker-compose');
    for (const { label, options } of COMBINATIONS) {
      const result = await runGenerator('testing', { options: { yes: true, ...options } });
      dirs.set(label, result.cwd);
    }
  });

  it('a user runs `yo py-docker:testing --yes`: docker-compose.test.yml passes `docker compose config` with no .env, for every service combination', () => {
    for (const [label, dir] of dirs) {
      assert.equal(existsSync(join(dir, '.env')), false);
      const finding = composeConfigCheck(compose, dir, [TEST_FILE]);
      assert.ok(finding.ok, `${label}: ${finding.message}`);
      const project = (JSON.parse(read(dir, '.yo-rc.json')) as Record<string, { projectName: string }>)[
        'generator-py-docker'
      ]!.projectName;
      const merged = composeMerged(compose, dir, [TEST_FILE]);
      assert.deepEqual(testStackFindings(merged, read(dir, 'Dockerfile.test'), project), [], label);
      assert.equal(merged.services.tests?.environment?.DJANGO_DEBUG, 'false');
    }
  });

  it('the test-stack rules catch published ports, a persistent database and an unordered build', () => {
    const dir = dirs.get(COMBINATIONS[0]!.label)!;
    const merged = composeMerged(compose, dir, [TEST_FILE]);
    const broken = structuredClone(merged);
    broken.services.web!.ports = [{ target: 8000, published: '8000', host_ip: '127.0.0.1' }];
    broken.services.db!.tmpfs = [];
    delete broken.services.tests!.depends_on!.web;
    const findings = testStackFindings(broken, read(dir, 'Dockerfile.test'), 'other');
    for (const expected of [
      'web: publishes ports',
      'db: data not on tmpfs',
      'tests does not depend on web: builds unordered',
      `project name ${merged.name}`,
    ]) {
      assert.ok(findings.includes(expected), `missing "${expected}" in ${findings.join('; ')}`);
    }
  });

  it('Dockerfile.test follows the hadolint rules of checklist.md, and the check catches a bad one', () => {
    for (const dir of dirs.values())
      assert.deepEqual(dockerfileTestFindings(read(dir, 'Dockerfile.test'), 10001), []);
    const bad = 'FROM app\nADD x /x\nRUN cd /x && pip install -r r.txt\nUSER root\nCMD pytest\n';
    const findings = dockerfileTestFindings(bad, 10001);
    for (const rule of ['DL3006', 'DL3020', 'DL3003', 'DL3042', 'DL3002', 'DL3025'])
      assert.ok(
        findings.some((f) => f.startsWith(rule)),
        `${rule} in ${findings.join('; ')}`,
      );
  });

  it('a project whose dev requirements install pytest is tested with pytest; others with `manage.py test`', async () => {
    const files = {
      'requirements.txt': 'Django==4.2.20\n',
      'requirements-dev.txt': '-r requirements.txt\npytest-django==4.9.0\npytest==8.3.4  # runner\n',
    };
    const withPytest = await runGenerator('testing', {
      options: { yes: true, 'dev-requirements-file': 'requirements-dev.txt' },
      files,
    });
    const text = read(withPytest.cwd, 'Dockerfile.test');
    assert.match(text, /^CMD \["pytest","-p","no:cacheprovider"\]$/m);
    assert.match(text, /^COPY requirements-dev\.txt \/app\/requirements-dev\.txt$/m);
    assert.match(
      text,
      /^RUN python -m ensurepip \\\n {4}&& python -m pip install --no-cache-dir -r requirements-dev\.txt$/m,
    );
    // pytest only in a dev file the images do not install: Django's runner.
    const without = await runGenerator('testing', {
      options: { yes: true, 'dev-requirements-file': 'none' },
      files,
    });
    assert.match(read(without.cwd, 'Dockerfile.test'), /^CMD \["python","manage.py","test"\]$/m);
    assert.doesNotMatch(read(without.cwd, 'Dockerfile.test'), /pip install/);
  });

  it('container-structure-test.yaml is valid against the v2 schema, and the schema rejects broken configs', () => {
    const ajv = new Ajv({ allErrors: true, strict: true });
    const check = ajv.compile(structureTestSchema);
    for (const [label, dir] of dirs) {
      const config: unknown = parse(read(dir, STRUCTURE));
      assert.ok(check(config), `${label}: ${ajv.errorsText(check.errors)}`);
    }
    const good = parse(read(dirs.get(COMBINATIONS[0]!.label)!, STRUCTURE)) as Config;
    type Config = {
      schemaVersion?: string;
      metadataTest: Record<string, unknown>;
      fileExistenceTests: Record<string, unknown>[];
      commandTests: Record<string, unknown>[];
    };
    const broken: [string, (c: Config) => void][] = [
      ['no schemaVersion', (c) => delete c.schemaVersion],
      ['schemaVersion 1.0.0', (c) => (c.schemaVersion = '1.0.0')],
      // `env` is what a reader might guess; the tool's field is `envVars`.
      ['a metadata key the tool does not read', (c) => (c.metadataTest.env = c.metadataTest.envVars)],
      ['bad permissions', (c) => (c.fileExistenceTests[0]!.permissions = 'rwxr-xr-x')],
      ['command test without command', (c) => delete c.commandTests[0]!.command],
      ['exposed port as a number', (c) => (c.metadataTest.exposedPorts = [8000])],
    ];
    for (const [name, mutate] of broken) {
      const copy = structuredClone(good);
      mutate(copy);
      assert.equal(check(copy), false, `the schema accepts: ${name}`);
    }
  });

  it('container-structure-test.yaml is read whole by the real tool: every key one of its config structs, every value of its Go type', () => {
    for (const [label, dir] of dirs) assert.deepEqual(structFindings(read(dir, STRUCTURE)), [], label);
    const good = read(dirs.get(COMBINATIONS[0]!.label)!, STRUCTURE);
    const broken: [string, (text: string) => string, RegExp][] = [
      [
        '`env` instead of `envVars`',
        (t) => t.replace(/^ {2}envVars:$/m, '  env:'),
        /^metadataTest\.env: field env not found in type v2\.MetadataTest$/,
      ],
      [
        'a misspelled test key',
        (t) => t.replace('shouldExist:', 'shouldexist:'),
        /field shouldexist not found in type v2\.FileExistenceTest/,
      ],
      [
        'a quoted boolean',
        (t) => t.replace('shouldExist: true', 'shouldExist: "true"'),
        /shouldExist: the string "true" cannot fill Go bool/,
      ],
      [
        'args as one string',
        (t) => t.replace(/^( {4}args:)\n {6}- --version$/m, '$1 --version'),
        /commandTests\[0\]\.args: the string "--version" cannot fill Go \[\]string/,
      ],
      [
        'an exit code as text',
        (t) => t.replace(/^( {4}expectedOutput:)/m, '    exitCode: zero\n$1'),
        /exitCode: the string "zero" cannot fill Go int/,
      ],
      [
        'a top-level key of another schema version',
        (t) => `${t}tests: []\n`,
        /^tests: field tests not found in type v2\.StructureTest$/,
      ],
    ];
    for (const [name, breakIt, finding] of broken) {
      const text = breakIt(good);
      assert.notEqual(text, good, name);
      assert.match(structFindings(text).join('\n'), finding, name);
    }
    // YAML 1.1, as yaml.v2 reads it: an unquoted yes is a boolean, so it fills a bool.
    assert.deepEqual(structFindings(good.replace('shouldExist: true', 'shouldExist: yes')), []);
  });

  it('the JSON schema of the validation layer allows exactly the fields of the real structs, with their types', () => {
    const mismatches: string[] = [];
    const expected = (t: GoType): string =>
      typeof t === 'string'
        ? { string: 'string', bool: 'boolean', int: 'integer' }[t]
        : 'list' in t
          ? `array of ${expected(t.list)}`
          : 'pointer' in t
            ? expected(t.pointer)
            : `object ${t.struct}`;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON schema walked as data
    const actual = (schema: any): string =>
      schema.type === 'array'
        ? `array of ${actual(schema.items)}`
        : schema.const !== undefined
          ? typeof schema.const
          : schema.enum
            ? typeof schema.enum[0]
            : String(schema.type);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const compare = (schema: any, struct: string, path: string): void => {
      const fields = STRUCTS[struct]!.fields;
      assert.equal(schema.additionalProperties, false, `${path || '/'} is closed, as the tool's decoding is`);
      const keys = new Set([...Object.keys(schema.properties), ...Object.keys(fields)]);
      for (const key of keys) {
        const field = fields[key];
        const property = schema.properties[key];
        if (!field || !property) {
          mismatches.push(`${path}${key}: ${field ? 'missing from the schema' : `not a field of ${struct}`}`);
          continue;
        }
        const want = expected(field);
        const got = actual(property);
        const nested = want.replace(/^(array of )*object /, '');
        if (want.includes('object ')) {
          if (!/^(array of )*object$/.test(got) || got.split(' of ').length !== want.split(' of ').length)
            mismatches.push(`${path}${key}: ${got}, the tool reads ${want}`);
          else compare(got.startsWith('array') ? property.items : property, nested, `${path}${key}.`);
        } else if (got !== want) mismatches.push(`${path}${key}: ${got}, the tool reads ${want}`);
      }
    };
    compare(structureTestSchema, 'v2.StructureTest', '');
    assert.deepEqual(mismatches, []);
  });

  it('the structure test declares the user, port, entrypoint, scripts and versions the settings give', async () => {
    const result = await runGenerator('testing', {
      options: {
        yes: true,
        port: 9000,
        'python-version': '3.12.8',
        'django-version': '5.1',
        'app-uid': 12345,
      },
    });
    const config = parse(read(result.cwd, STRUCTURE)) as {
      metadataTest: { user: string; exposedPorts: string[]; entrypoint: string[]; cmd: string[] };
      fileExistenceTests: { path: string; shouldExist: boolean; permissions?: string }[];
      commandTests: { name: string; expectedOutput?: string[]; excludedOutput?: string[] }[];
    };
    assert.equal(config.metadataTest.user, '12345:12345');
    assert.deepEqual(config.metadataTest.exposedPorts, ['9000']);
    assert.deepEqual(config.metadataTest.entrypoint, ['/app/docker/entrypoint.sh']);
    assert.ok(config.metadataTest.cmd.includes('0.0.0.0:9000'));
    for (const script of ['entrypoint.sh', 'healthcheck.sh', 'wait-for-it.sh']) {
      const test = config.fileExistenceTests.find((t) => t.path === `/app/docker/${script}`);
      assert.equal(test?.permissions, '-rwxr-xr-x', script);
    }
    for (const path of ['/app/.env', '/app/.git'])
      assert.equal(config.fileExistenceTests.find((t) => t.path === path)?.shouldExist, false, path);
    // Go's regexp (the tool's) without multiline: JavaScript's default RegExp has the same `^`/`$`.
    const python = new RegExp(config.commandTests[0]!.expectedOutput![0]!);
    assert.ok(python.test('Python 3.12.8\n'));
    assert.ok(!python.test('Python 3.1.2\n') && !python.test('Python 3.13.0\n'));
    const django = new RegExp(config.commandTests[1]!.expectedOutput![0]!);
    // The line 5.1 is pinned (and checked) as its newest known release.
    assert.ok(django.test(`${DJANGO_RELEASES['5.1']!}\n`) && !django.test('5.1.4\n'));
    assert.ok(!django.test('5.10.1\n') && !django.test('5.2.1\n'));
    const line = new RegExp(versionPattern('5.1'));
    assert.ok(line.test('5.1.4\n') && line.test('5.1\n') && !line.test('5.10.1\n'));
    assert.ok(new RegExp(versionPattern('4.2.20')).test('4.2.20\n'));
    assert.ok(!new RegExp(versionPattern('4.2.20')).test('4.2.201\n'));
    const setuid = config.commandTests.find((t) => /setuid/.test(t.name))!;
    assert.ok(new RegExp(setuid.excludedOutput![0]!).test('/usr/bin/su\n'), 'a setuid file fails the test');
    // The app user can change none of the code: the check's script runs here over folders it can write.
    const owned = config.commandTests.find((t) => /root-owned/.test(t.name)) as
      { args: string[]; expectedOutput: string[] } | undefined;
    assert.ok(owned, 'a root-ownership test');
    const expected = new RegExp(owned.expectedOutput[0]!);
    const script = owned.args[1]!;
    const writable = mkdtempSync(join(tmpdir(), 'py-docker-'));
    writeFileSync(join(writable, 'views.py'), '');
    const out = execFileSync('python3', ['-c', script.replaceAll('"/app"', JSON.stringify(writable))], {
      encoding: 'utf8',
    });
    assert.match(out, /^owned or writable: /);
    assert.ok(!expected.test(out));
    assert.ok(expected.test('root-owned, read-only\n'));
  });

  it('with the docker part in the same folder, the structure test matches the Dockerfile`s production stage', async function () {
    if (!existsSync(generatorPath('docker'))) {
      console.log('      skipped: the docker part is not built');
      this.skip();
    }
    const options = { yes: true, port: 8123 };
    const docker = await runGenerator('docker', { options });
    await runGenerator('testing', { cwd: docker.cwd, options });
    const stage = dockerfileStage(read(docker.cwd, 'Dockerfile'), 'production');
    const config = parse(read(docker.cwd, STRUCTURE)) as {
      metadataTest: {
        user: string;
        exposedPorts: string[];
        entrypoint: string[];
        cmd: string[];
        workdir: string;
      };
    };
    assert.equal(stage.get('USER'), config.metadataTest.user);
    assert.deepEqual(stage.get('EXPOSE')?.split(/\s+/), config.metadataTest.exposedPorts);
    assert.deepEqual(JSON.parse(stage.get('ENTRYPOINT') ?? 'null'), config.metadataTest.entrypoint);
    assert.deepEqual(JSON.parse(stage.get('CMD') ?? 'null'), config.metadataTest.cmd);
    assert.equal(stage.get('WORKDIR'), config.metadataTest.workdir);
    assert.match(stage.get('HEALTHCHECK') ?? '', /healthcheck\.sh/);
    // The test stack's web service builds the production target that Dockerfile.test starts FROM.
    const test = parse(read(docker.cwd, TEST_FILE)) as MergedCompose;
    assert.equal(test.services.web?.build?.target, 'production');
    assert.ok(
      DockerfileParser.parse(read(docker.cwd, 'Dockerfile'))
        .getFROMs()
        .some((f) => f.getBuildStage() === 'production'),
    );
  });

  it('re-running `yo py-docker:testing` leaves every file identical', async () => {
    const dir = dirs.get('PostgreSQL, Redis and Celery')!;
    const before = snapshotFolder(dir);
    await runGenerator('testing', { cwd: dir, options: { yes: true } });
    const after = snapshotFolder(dir);
    for (const file of ['Dockerfile.test', TEST_FILE, STRUCTURE])
      assert.equal(after[file]!.content, before[file]!.content);
  });
});
