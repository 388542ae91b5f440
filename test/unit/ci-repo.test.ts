import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ACTIONS, CONTAINER_STRUCTURE_TEST, PINNED_ACTIONS } from '../../lib/actions.js';
import { requireTool } from '../support/tools.js';
import {
  actionlintFindings,
  checklistFindings,
  dependabotFindings,
  pinFindings,
  runEnvFindings,
  shellcheckFindings,
  type Finding,
} from '../support/workflow-check.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- parsed YAML is walked as plain data */

const ROOT = new URL('../../../', import.meta.url);
const readRoot = (path: string): string => readFileSync(new URL(path, ROOT), 'utf8');
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

  it('pins exactly the SHAs of lib/actions.ts, each commented with its version', () => {
    assert.deepEqual(pinFindings(src, PINNED_ACTIONS), []);
    // The check notices a pin that drifted from the table.
    const drifted = src.replace(ACTIONS.setupNode.sha, '49933ea5288caeca8642d1e84afbd3f7d6820020');
    assert.notEqual(drifted, src);
    assert.match(
      show(pinFindings(drifted, PINNED_ACTIONS)),
      /actions\/setup-node@49933ea.*lib\/actions\.ts pins 6044e13b/,
    );
  });

  it('runs lint, the type check, the unit tests on Node 20 and 22, and the end-to-end tests with real images', () => {
    const pkg = JSON.parse(readRoot('package.json')) as {
      scripts: Record<string, string>;
      engines: { node: string };
    };
    assert.deepEqual(Object.keys(wf.jobs), ['lint', 'typecheck', 'test', 'e2e']);
    assert.ok(runs('lint').includes('npm run lint'));
    assert.ok(runs('typecheck').includes('npm run typecheck'));
    for (const job of Object.keys(wf.jobs)) assert.ok(runs(job).includes('npm ci --no-audit --no-fund'), job);
    for (const script of ['lint', 'typecheck', 'test', 'test:e2e']) assert.ok(pkg.scripts[script], script);

    // Unit tests: the matrix, on Debian with the tools the validation tests need, failing when one is missing.
    const test = wf.jobs.test;
    assert.deepEqual(test.strategy.matrix.node, [20, 22]);
    const minimum = Number(/>=\s*(\d+)/.exec(pkg.engines.node)![1]);
    for (const node of test.strategy.matrix.node) assert.ok(node >= minimum, `Node ${node} meets engines`);
    assert.equal(test.container.image, 'node:${{ matrix.node }}-bookworm');
    assert.deepEqual(runs('test'), [
      'bash scripts/provision/tools.sh',
      'npm ci --no-audit --no-fund',
      'npm test',
    ]);
    assert.ok(existsSync(new URL('scripts/provision/tools.sh', ROOT)));
    assert.equal(test.env.CI, 'true');

    // End-to-end: on the runner itself (a real Docker engine), with the real images.
    const e2e = wf.jobs.e2e;
    assert.equal(e2e['runs-on'], 'ubuntu-latest');
    assert.equal(e2e.container, undefined);
    assert.equal(e2e.env.PY_DOCKER_E2E_REAL_IMAGES, '1');
    assert.equal(runs('e2e').at(-1), 'npm run test:e2e');
    assert.deepEqual(e2e.needs, ['test']);
  });

  it('Dependabot keeps the npm packages and the action SHAs fresh', () => {
    const findings = dependabotFindings(readRoot('.github/dependabot.yml'), ['npm', 'github-actions']);
    assert.deepEqual(findings, [], show(findings));
  });

  it('lib/actions.ts is one well-formed table: full SHAs, release tags, how each was checked', () => {
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
