import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { ACTIONS, CONTAINER_STRUCTURE_TEST, PINNED_ACTIONS } from '../../../../generators/ci/actions.js';
import { inCI, missing, requireTool } from '../../../support/tools.js';
import {
  actionlintFindings,
  checklistFindings,
  dependabotFindings,
  pinFindings,
  runEnvFindings,
  shellcheckFindings,
  type Finding,
} from '../../../support/workflow-check.js';
import { repoPath } from '../../../support/repo.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- parsed YAML is walked as plain data */

const readRoot = (path: string): string => readFileSync(repoPath(path), 'utf8');
const show = (findings: Finding[]): string => findings.map((f) => `${f.rule}: ${f.message}`).join('\n');

describe('this repository: .github/workflows/ci.yml and .github/dependabot.yml', function () {
  const src = readRoot('.github/workflows/ci.yml');
  const wf = parse(src);
  const runs = (job: string): string[] => wf.jobs[job].steps.map((s: any) => s.run).filter(Boolean);

  it('a contributor`s pull request is checked by a workflow that passes actionlint with zero findings', async () => {
    const findings = await actionlintFindings(src, '.github/workflows/ci.yml');
    assert.deepEqual(findings, [], show(findings));
  });

  it('follows the checklist: read-only token, pinned actions, no expressions in run:, concurrency, timeouts', function () {
    const shellcheck = requireTool(this, 'shellcheck');
    const findings = [
      ...checklistFindings(src),
      ...runEnvFindings(src),
      ...shellcheckFindings(src, shellcheck),
    ];
    assert.deepEqual(findings, [], show(findings));
  });

  it('pins exactly the SHAs of generators/ci/actions.ts, each commented with its version', () => {
    assert.deepEqual(pinFindings(src, PINNED_ACTIONS), []);
    // The check notices a pin that drifted from the table.
    const drifted = src.replace(ACTIONS.setupNode.sha, '49933ea5288caeca8642d1e84afbd3f7d6820020');
    assert.notEqual(drifted, src);
    assert.match(
      show(pinFindings(drifted, PINNED_ACTIONS)),
      /actions\/setup-node@49933ea.*generators\/ci\/actions\.ts pins 6044e13b/,
    );
  });

  it('runs lint, the type check, the unit tests on Node 20 and 22, and the end-to-end tests with real images', () => {
    const pkg = JSON.parse(readRoot('package.json')) as { engines: { node: string } };
    assert.deepEqual(Object.keys(wf.jobs), ['lint', 'typecheck', 'test', 'e2e']);
    for (const job of Object.keys(wf.jobs)) assert.deepEqual(runs(job), [`.ci/run ${job}`], job);

    // Unit tests: the matrix, on Debian (as root, so tools.sh can install the validation tools).
    const test = wf.jobs.test;
    assert.deepEqual(test.strategy.matrix.node, [20, 22]);
    const minimum = Number(/>=\s*(\d+)/.exec(pkg.engines.node)![1]);
    for (const node of test.strategy.matrix.node) assert.ok(node >= minimum, `Node ${node} meets engines`);
    assert.equal(test.container.image, 'node:${{ matrix.node }}-bookworm');

    // End-to-end: on the runner itself (a real Docker engine), with the real images.
    const e2e = wf.jobs.e2e;
    assert.equal(e2e['runs-on'], 'ubuntu-latest');
    assert.equal(e2e.container, undefined);
    assert.equal(e2e.env.PY_DOCKER_E2E_REAL_IMAGES, '1');
    assert.deepEqual(e2e.needs, ['test']);
  });

  describe('the jobs run what `.ci/run` runs by hand, with CI=true', () => {
    /**
     * A copy of .ci/run and scripts/test-all.sh (the real ones) beside stand-ins that only write down
     * how they were called: npm on the PATH, the provisioning scripts and the tools' env file.
     */
    let sandbox: string;
    const calls = (): string[] => {
      const log = join(sandbox, 'calls.log');
      const lines = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
      rmSync(log, { force: true });
      return lines;
    };
    const stub = (path: string, line: string): void => {
      mkdirSync(dirname(join(sandbox, path)), { recursive: true });
      writeFileSync(join(sandbox, path), `#!/bin/sh\necho ${line} "$@" "CI=\${CI-unset}" >>"$CALLS"\n`);
      chmodSync(join(sandbox, path), 0o755);
    };
    /** Runs a shell command in the sandbox as a job step (bash -e) with `env` on top of a clean one. */
    const sh = (script: string, env: Record<string, string> = {}) =>
      spawnSync('bash', ['-e', '-c', script], {
        cwd: sandbox,
        encoding: 'utf8',
        env: {
          PATH: `${join(sandbox, 'bin')}:/usr/bin:/bin`,
          HOME: sandbox,
          CALLS: join(sandbox, 'calls.log'),
          PY_DOCKER_CACHE: join(sandbox, 'cache'),
          ...env,
        },
      });

    before(() => {
      sandbox = mkdtempSync(join(tmpdir(), 'py-docker-ci-run-'));
      for (const path of ['.ci/run', 'scripts/test-all.sh']) {
        mkdirSync(dirname(join(sandbox, path)), { recursive: true });
        copyFileSync(repoPath(path), join(sandbox, path));
        chmodSync(join(sandbox, path), 0o755);
      }
      stub('bin/npm', 'npm');
      stub('scripts/provision/tools.sh', 'tools.sh');
      stub('scripts/provision/wheelhouse.sh', 'wheelhouse.sh');
      stub('cache/tools/env.sh', "'tools/env.sh sourced'");
    });
    after(() => rmSync(sandbox, { recursive: true, force: true }));

    /** What `.ci/run` does with no arguments: every stage, in order. */
    const BY_HAND = [
      'npm ci --no-audit --no-fund',
      'npm run lint',
      'npm run typecheck',
      'tools.sh',
      'tools/env.sh sourced',
      // The Django .debs of the starter's own test (test/unit/generators/app/starter.test.ts).
      'wheelhouse.sh build',
      'npm test',
      'npm run test:e2e',
    ];

    it('a contributor runs `.ci/run` without CI set: every stage runs, each command sees CI=true', () => {
      const result = sh('.ci/run');
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(
        calls(),
        BY_HAND.map((c) => `${c} CI=true`),
      );
    });

    it('the workflow`s jobs together run exactly those commands, each job after its own npm ci', () => {
      const done: string[] = [];
      for (const [id, job] of Object.entries(wf.jobs as Record<string, any>)) {
        for (const s of job.steps.filter((st: any) => st.run)) {
          const env = Object.fromEntries(
            Object.entries({ ...job.env, ...s.env }).map(([k, v]) => [k, String(v)]),
          );
          const result = sh(s.run, env);
          assert.equal(result.status, 0, `${id}: ${result.stderr}`);
        }
        const ran = calls();
        assert.equal(ran[0], 'npm ci --no-audit --no-fund CI=true', `${id} starts from a clean install`);
        done.push(...ran.slice(1));
      }
      assert.deepEqual(
        done,
        BY_HAND.slice(1).map((c) => `${c} CI=true`),
      );
    });

    it('an unknown stage is refused with the stages allowed, before anything runs', () => {
      const result = sh('.ci/run tests');
      assert.equal(result.status, 2);
      assert.match(result.stderr, /unknown stage "tests"; allowed: lint typecheck test e2e/);
      assert.deepEqual(calls(), ['npm ci --no-audit --no-fund CI=true']);
    });
  });

  it('any truthy CI value makes a missing tool a failure; only an unset or false one skips', () => {
    const context = {
      skip: () => {
        throw new Error('skipped');
      },
    } as unknown as Mocha.Context;
    const outcome = (CI?: string): string => {
      const log = console.log;
      console.log = () => undefined;
      try {
        missing(context, 'the tool is not installed', CI === undefined ? {} : { CI });
      } catch (error) {
        return (error as Error).message;
      } finally {
        console.log = log;
      }
      return 'returned';
    };
    for (const value of ['true', '1', 'yes', 'TRUE', 'on', 'woodpecker'])
      assert.equal(outcome(value), 'the tool is not installed', `CI=${value} fails`);
    for (const value of [undefined, '', '0', 'false', 'no', 'off', 'False'])
      assert.equal(outcome(value), 'skipped', `CI=${value} skips`);
    assert.equal(inCI({ CI: '1' }), true);
  });

  it('Dependabot keeps the npm packages and the action SHAs fresh', () => {
    const findings = dependabotFindings(readRoot('.github/dependabot.yml'), ['npm', 'github-actions']);
    assert.deepEqual(findings, [], show(findings));
  });

  it('generators/ci/actions.ts is one well-formed table: full SHAs, release tags, how each was checked', () => {
    const names = PINNED_ACTIONS.map((a) => a.name);
    assert.equal(new Set(names).size, names.length, 'one row per action');
    for (const a of PINNED_ACTIONS) {
      assert.match(a.sha, /^[0-9a-f]{40}$/, a.name);
      assert.match(a.version, /^v\d+\.\d+\.\d+$/, a.name);
      assert.ok(a.verified.length > 20, `${a.name}: says how the SHA was checked`);
    }
    assert.match(CONTAINER_STRUCTURE_TEST.version, /^v\d+\.\d+\.\d+$/);
    for (const { asset, sum } of Object.values(CONTAINER_STRUCTURE_TEST.sha256)) {
      assert.match(sum, /^[0-9a-f]{64}$/, asset);
      assert.match(asset, /^container-structure-test-linux-(amd64|arm64)$/);
    }
  });
});
