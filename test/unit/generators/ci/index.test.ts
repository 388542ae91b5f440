import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ejs from 'ejs';
import { parse } from 'yaml';
import { ACTIONS, CONTAINER_STRUCTURE_TEST, PINNED_ACTIONS } from '../../../../generators/ci/actions.js';
import { emptyDetection } from '../../../../lib/detect-empty.js';
import { buildModel } from '../../../../lib/model.js';
import { readmeFacts } from '../../../../lib/requirements.js';
import { resolveSettings } from '../../../../lib/resolve.js';
import { SETTINGS, type Settings } from '../../../../lib/settings.js';
import { runExpectingError, runGenerator, snapshotFolder } from '../../../support/run.js';
import { requireTool } from '../../../support/tools.js';
import {
  actionlintFindings,
  checklistFindings,
  dependabotFindings,
  imagePipelineFindings,
  pinFindings,
  runEnvFindings,
  shellcheckAnswer,
  shellcheckFindings,
  type Finding,
} from '../../../support/workflow-check.js';
import { testImage, TESTS_SERVICE, WORKFLOW_PATH } from '../../../../lib/names.js';
import {
  DEPENDABOT_PATH,
  DEPLOY_SECRETS,
  GHCR,
  PIPELINE_INPUTS,
  REGISTRY_SECRETS,
} from '../../../../generators/ci/test-jobs.js';
import { DIST, fixturePath } from '../../../support/repo.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- parsed YAML is walked as plain data */

const EXPECT = {
  testCompose: PIPELINE_INPUTS.testCompose,
  testsService: TESTS_SERVICE,
  structureTests: PIPELINE_INPUTS.structureTests,
};

/** Every check of test/support/workflow-check.ts over one workflow. */
async function allFindings(src: string, shellcheck: string): Promise<Finding[]> {
  return [
    ...(await actionlintFindings(src, WORKFLOW_PATH)),
    ...checklistFindings(src),
    ...pinFindings(src, PINNED_ACTIONS),
    ...runEnvFindings(src),
    ...shellcheckFindings(src, shellcheck),
    ...imagePipelineFindings(src, EXPECT),
  ];
}

const show = (findings: Finding[]): string => findings.map((f) => `${f.rule}: ${f.message}`).join('\n');

async function settingsFor(options: Record<string, unknown>): Promise<Settings> {
  const flags = Object.fromEntries(
    SETTINGS.filter((s) => options[s.flag] !== undefined).map((s) => [s.key, options[s.flag]]),
  );
  return (await resolveSettings({ flags, stored: {}, detection: emptyDetection(), askable: new Set() }))
    .settings;
}

/** A copy of `src` with one edit; fails when `from` is not there (a mutation must really mutate). */
function mutate(src: string, from: string | RegExp, to: string): string {
  const out = src.replace(from, to);
  assert.notEqual(out, src, `mutation ${String(from)} changed nothing`);
  return out;
}

const read = (cwd: string, path: string): string => readFileSync(join(cwd, path), 'utf8');
const secretsOf = (src: string): string[] =>
  [...new Set([...src.matchAll(/secrets\.([A-Z_]+)/g)].map((m) => m[1]!))]
    .filter((s) => s !== 'GITHUB_TOKEN')
    .sort();

/** A fixed project name: otherwise it is detected from the name of the temporary folder. */
const BASE = { yes: true, 'project-name': 'shop' };

const SCENARIOS: [string, Record<string, unknown>][] = [
  ['with the defaults (GHCR, two platforms, no deploy job)', {}],
  ['with the staging deploy job', { 'deploy-job': true }],
  [
    'pushing to a private registry on a port, one platform',
    { image: 'registry.example.com:5000/acme/shop', platforms: 'linux/amd64' },
  ],
  ['pushing to Docker Hub (an image without a registry host)', { image: 'acme/shop' }],
  [
    'on slim with uv, three platforms, a registry of its own and the deploy job',
    {
      variant: 'slim',
      'python-deps': 'uv',
      image: 'registry.example.org/group/sub/shop',
      platforms: 'linux/amd64,linux/arm64,linux/arm/v7',
      'deploy-job': true,
    },
  ],
];

describe('ci: yo py-docker:ci', function () {
  let shellcheck: string;
  before(function () {
    shellcheck = requireTool(this, 'shellcheck');
  });

  describe('a user runs `yo py-docker:ci --yes`', () => {
    for (const [title, options] of SCENARIOS) {
      it(`${title}: the workflow passes actionlint and every checklist rule, with pins from generators/ci/actions.ts`, async () => {
        const { cwd } = await runGenerator('ci', { options: { ...BASE, ...options } });
        const src = read(cwd, WORKFLOW_PATH);
        const findings = await allFindings(src, shellcheck);
        assert.deepEqual(findings, [], show(findings));
        const s = await settingsFor({ ...BASE, ...options });
        const wf = parse(src);
        const m = buildModel(s);

        // Triggers and concurrency.
        assert.deepEqual(wf.on, {
          pull_request: { branches: ['main'] },
          push: { branches: ['main'], tags: ['v*'] },
        });
        assert.equal(wf.concurrency['cancel-in-progress'], "${{ github.event_name == 'pull_request' }}");
        assert.deepEqual(
          Object.keys(wf.jobs),
          s.deployJob ? ['test', 'scan', 'push', 'deploy'] : ['test', 'scan', 'push'],
        );

        // The image under test is the one docker-compose.test.yml and the structure tests use.
        const build = wf.jobs.test.steps.find((st: any) => st.uses?.startsWith(ACTIONS.buildPush.name));
        assert.equal(build.with.tags, testImage(m));
        assert.equal(build.with.target, 'production');
        assert.equal(build.with.load, true);

        // Push: the registry, its credentials and the write scope that goes with them.
        const push = wf.jobs.push;
        const login = push.steps.find((st: any) => st.uses?.startsWith(ACTIONS.login.name));
        assert.equal(login.with.registry, s.registry);
        const meta = push.steps.find((st: any) => st.uses?.startsWith(ACTIONS.metadata.name));
        assert.equal(meta.with.images, s.imageRepository);
        assert.match(meta.with.tags, /^type=sha$/m);
        const pushed = push.steps.find((st: any) => st.id === 'build');
        assert.equal(pushed.with.platforms, s.platforms);
        if (s.registry === GHCR) {
          assert.deepEqual(push.permissions, { contents: 'read', packages: 'write' });
          assert.equal(login.with.password, '${{ secrets.GITHUB_TOKEN }}');
        } else {
          assert.deepEqual(push.permissions, { contents: 'read' });
          assert.equal(login.with.username, `\${{ secrets.${REGISTRY_SECRETS.username} }}`);
          assert.equal(login.with.password, `\${{ secrets.${REGISTRY_SECRETS.password} }}`);
        }
        for (const [id, job] of Object.entries<any>(wf.jobs))
          if (id !== 'push') assert.equal(job.permissions.packages, undefined, `${id} has no packages scope`);
        assert.deepEqual(wf.jobs.scan.permissions, { contents: 'read', 'security-events': 'write' });

        // QEMU only for platforms the x64 runner cannot run natively.
        const qemu = push.steps.find((st: any) => st.uses?.startsWith(ACTIONS.setupQemu.name));
        const emulated = s.platforms.split(',').filter((p) => p !== 'linux/amd64');
        if (emulated.length === 0) assert.equal(qemu, undefined);
        else assert.equal(qemu.with.platforms, emulated.join(','));

        if (!s.deployJob) assert.doesNotMatch(src, /STAGING_|kubectl|kustomize/);
        const dependabot = read(cwd, DEPENDABOT_PATH);
        const python = s.pythonDeps === 'uv' ? 'uv' : 'pip';
        assert.deepEqual(dependabotFindings(dependabot, ['docker', 'github-actions', python, 'npm']), []);
      });
    }
  });

  it('in a generated project, the deploy job applies the staging overlay the k8s part wrote, by digest', async () => {
    const options = { yes: true, 'deploy-job': true, 'project-name': 'shop', celery: true, redis: true };
    const { cwd } = await runGenerator('app', { options });
    const wf = parse(read(cwd, WORKFLOW_PATH));
    const deploy = wf.jobs.deploy;
    assert.deepEqual(deploy.needs, ['push']);
    assert.equal(deploy.if, "github.ref == 'refs/heads/main'");
    assert.deepEqual(deploy.environment, { name: 'staging' });
    assert.deepEqual(deploy.permissions, { contents: 'read' });
    const [, setImage, credentials, apply] = deploy.steps;
    // kustomize edit runs in the overlay and sets the image the overlay declares.
    const overlay = parse(read(cwd, `${setImage['working-directory']}/kustomization.yaml`));
    // The commit's sha- tag (metadata-action type=sha), pinned by digest: the migrate Job is named after it.
    assert.equal(setImage.run, 'kustomize edit set image "$IMAGE=$IMAGE:sha-${GITHUB_SHA::7}@$DIGEST"');
    assert.ok(wf.jobs.push.steps.some((st: any) => /^type=sha$/m.test(st.with?.tags ?? '')));
    assert.equal(setImage.env.IMAGE, overlay.images[0].name);
    assert.equal(setImage.env.DIGEST, '${{ needs.push.outputs.digest }}');
    assert.equal(wf.jobs.push.outputs.digest, '${{ steps.build.outputs.digest }}');
    // The secrets file lands where k8s/deploy/staging reads it; KUBECONFIG comes from a secret.
    const deployDir = parse(read(cwd, 'k8s/deploy/staging/kustomization.yaml'));
    assert.match(
      credentials.run,
      new RegExp(`> k8s/deploy/staging/${deployDir.secretGenerator[0].envs[0]}\\n`),
    );
    assert.equal(credentials.env.KUBECONFIG_CONTENT, `\${{ secrets.${DEPLOY_SECRETS.kubeconfig} }}`);
    assert.match(apply.run, /^kubectl apply -k k8s\/deploy\/staging$/m);
    // Namespace and selectors match the manifests.
    assert.equal(apply.env.NAMESPACE, overlay.namespace);
    const job = parse(read(cwd, 'k8s/base/migrate-job.yaml'));
    const web = parse(read(cwd, 'k8s/base/deployment.yaml'));
    const [aKey, aValue] = apply.env.APP.split('=');
    // The release's Job: the base name's placeholder segment becomes the tag set above.
    assert.equal(job.metadata.name, `${apply.env.MIGRATE_JOB}-release`);
    assert.match(
      apply.run,
      /wait --for=condition=complete --timeout=15m "job\/\$MIGRATE_JOB-sha-\$\{GITHUB_SHA::7\}"$/m,
    );
    assert.doesNotMatch(apply.run, /delete job/);
    assert.equal(web.metadata.labels[aKey], aValue);
    // What the test job runs exists: Dockerfile with a production stage, the tests service on the image
    // the workflow loads, the structure tests.
    assert.match(read(cwd, PIPELINE_INPUTS.dockerfile), /^FROM \S+ AS production$/m);
    const testCompose = parse(read(cwd, PIPELINE_INPUTS.testCompose));
    assert.ok(testCompose.services[TESTS_SERVICE]);
    const loaded = wf.jobs.test.steps.find((st: any) => st.with?.load === true).with.tags;
    assert.equal(testCompose.services.web.image, loaded);
    assert.match(read(cwd, 'Dockerfile.test'), new RegExp(`^FROM ${loaded.replace(/\./g, '\\.')}$`, 'm'));
    assert.ok(existsSync(join(cwd, PIPELINE_INPUTS.structureTests)));
    // And README.Docker.md tells the user which secrets to set.
    const readme = read(cwd, 'README.Docker.md');
    for (const secret of secretsOf(read(cwd, WORKFLOW_PATH)))
      assert.match(readme, new RegExp(`\`${secret}\``));
  });

  describe('the workflow`s scripts, run as the runner runs them (bash -e) with stand-ins for the network', () => {
    let wf: any;
    let work: string;
    before(async () => {
      const { cwd } = await runGenerator('ci', { options: { ...BASE, 'deploy-job': true } });
      wf = parse(read(cwd, WORKFLOW_PATH));
      work = cwd;
    });
    const step = (job: string, name: RegExp): any => wf.jobs[job].steps.find((s: any) => name.test(s.name));

    /** Runs a step's script in `cwd` with its env, the runner's variables and a fake curl first in PATH. */
    function runStep(s: any, cwd: string, extra: Record<string, string>, download = '') {
      const fakes = mkdtempSync(join(tmpdir(), 'fake-bin-'));
      // curl -fsSL --retry 3 -o FILE URL: writes $FAKE_DOWNLOAD to FILE and logs the URL.
      writeFileSync(
        join(fakes, 'curl'),
        '#!/bin/sh\nwhile [ $# -gt 0 ]; do case $1 in -o) out=$2; shift;; http*) echo "$1" >> "$FAKE_LOG";; esac; shift; done\nprintf %s "$FAKE_DOWNLOAD" > "$out"\n',
        { mode: 0o755 },
      );
      const runnerTemp = mkdtempSync(join(tmpdir(), 'runner-temp-'));
      const env = {
        PATH: `${fakes}:/usr/bin:/bin`,
        HOME: runnerTemp,
        RUNNER_ARCH: 'X64',
        RUNNER_TEMP: runnerTemp,
        GITHUB_PATH: join(runnerTemp, 'github_path'),
        GITHUB_ENV: join(runnerTemp, 'github_env'),
        FAKE_LOG: join(runnerTemp, 'curl.log'),
        FAKE_DOWNLOAD: download,
        ...s.env,
        ...extra,
      };
      // GitHub's default for run: on Linux is `bash -e {0}`; no startup files, as on a clean runner.
      const result = spawnSync('bash', ['--noprofile', '--norc', '-e', '-c', s.run], {
        cwd,
        env,
        encoding: 'utf8',
      });
      const file = (name: string): string =>
        existsSync(join(runnerTemp, name)) ? readFileSync(join(runnerTemp, name), 'utf8') : '';
      return { status: result.status, output: result.stdout + result.stderr, runnerTemp, file };
    }

    it('container-structure-test is installed only when the download matches the pinned SHA-256', () => {
      const install = step('test', /Install container-structure-test/);
      const cst = CONTAINER_STRUCTURE_TEST;
      // The real release asset is not reachable here: a stand-in binary with the pinned sum swapped for its own.
      const binary = '#!/bin/sh\necho container-structure-test stand-in\n';
      const sum = createHash('sha256').update(binary).digest('hex');
      const ok = runStep(install, work, { CST_SHA256_X64: sum }, binary);
      assert.equal(ok.status, 0, ok.output);
      assert.equal(
        ok.file('curl.log').trim(),
        `https://github.com/${cst.repository}/releases/download/${cst.version}/${cst.sha256.X64.asset}`,
      );
      const bin = ok.file('github_path').trim();
      assert.equal(bin, join(ok.runnerTemp, 'bin'));
      assert.equal(
        execFileSync(join(bin, 'container-structure-test'), { encoding: 'utf8' }).trim(),
        'container-structure-test stand-in',
      );

      // A tampered download (the pinned sums as generated) fails the step and is never put on PATH.
      const tampered = runStep(install, work, {}, binary);
      assert.notEqual(tampered.status, 0);
      assert.match(tampered.output, /FAILED/);
      assert.equal(tampered.file('github_path'), '');
      // An architecture without a pinned binary fails with a message.
      const arm32 = runStep(install, work, { RUNNER_ARCH: 'ARM' }, binary);
      assert.notEqual(arm32.status, 0);
      assert.match(arm32.output, /::error::no pinned container-structure-test for ARM/);
      // And the arm64 runner gets the arm64 asset.
      const arm64 = runStep(install, work, { RUNNER_ARCH: 'ARM64', CST_SHA256_ARM64: sum }, binary);
      assert.equal(arm64.status, 0, arm64.output);
      assert.match(arm64.file('curl.log'), new RegExp(`/${cst.sha256.ARM64.asset}$`, 'm'));
    });

    it('the deploy job writes the kubeconfig and secrets.env readable by the runner user only, and refuses empty secrets', () => {
      const credentials = step('deploy', /credentials and the secrets/);
      // The folder the k8s part generates (this run generated the ci part only).
      mkdirSync(join(work, 'k8s/deploy/staging'), { recursive: true });
      const good = runStep(credentials, work, {
        KUBECONFIG_CONTENT: 'apiVersion: v1\nkind: Config',
        SECRETS_CONTENT: 'DJANGO_SECRET_KEY=x',
      });
      assert.equal(good.status, 0, good.output);
      assert.equal(good.file('kubeconfig'), 'apiVersion: v1\nkind: Config\n');
      assert.equal(statSync(join(good.runnerTemp, 'kubeconfig')).mode & 0o777, 0o600);
      const secrets = join(work, 'k8s/deploy/staging/secrets.env');
      assert.equal(readFileSync(secrets, 'utf8'), 'DJANGO_SECRET_KEY=x\n');
      assert.equal(statSync(secrets).mode & 0o777, 0o600);
      assert.equal(good.file('github_env'), `KUBECONFIG=${join(good.runnerTemp, 'kubeconfig')}\n`);
      // The clean-up step removes both.
      const cleanup = runStep(step('deploy', /Remove the credentials/), work, {
        RUNNER_TEMP: good.runnerTemp,
      });
      assert.equal(cleanup.status, 0, cleanup.output);
      assert.equal(existsSync(secrets), false);
      assert.equal(existsSync(join(good.runnerTemp, 'kubeconfig')), false);

      const missing = runStep(credentials, work, { KUBECONFIG_CONTENT: '', SECRETS_CONTENT: 'x' });
      assert.notEqual(missing.status, 0);
      assert.match(
        missing.output,
        new RegExp(`::error::set the environment secret ${DEPLOY_SECRETS.kubeconfig}`),
      );
      assert.equal(missing.file('kubeconfig'), '');
    });
  });

  it('the README section names exactly the secrets, jobs and files the workflow uses', async () => {
    const template = join(DIST, 'generators/ci/templates/readme.md.ejs');
    for (const [, options] of SCENARIOS) {
      const { cwd } = await runGenerator('ci', { options: { ...BASE, ...options } });
      const src = read(cwd, WORKFLOW_PATH);
      const s = await settingsFor({ ...BASE, ...options });
      const text = ejs.render(
        readFileSync(template, 'utf8'),
        { m: buildModel(s), s, ...readmeFacts(s) },
        { filename: template },
      );
      const mentioned = [...new Set([...text.matchAll(/`([A-Z][A-Z_]+_[A-Z_]+)`/g)].map((x) => x[1]!))]
        .filter((name) => name !== 'GITHUB_TOKEN')
        .sort();
      assert.deepEqual(mentioned, secretsOf(src), JSON.stringify(options));
      for (const job of Object.keys(parse(src).jobs)) assert.match(text, new RegExp(`\`${job}\``));
      assert.match(text, new RegExp(`--exit-code-from ${TESTS_SERVICE}\\b`));
      assert.doesNotMatch(text, /undefined|NaN|\[object/);
    }
  });

  it('Dependabot watches the manifests where the project has them (detected, or the flags)', async () => {
    const dirOf = async (
      fixture: string,
      options: Record<string, unknown>,
      extra: Record<string, string> = {},
    ) => {
      const cwd = mkdtempSync(join(tmpdir(), 'py-docker-'));
      cpSync(fixturePath(fixture), cwd, { recursive: true });
      for (const [path, text] of Object.entries(extra)) {
        mkdirSync(dirname(join(cwd, path)), { recursive: true });
        writeFileSync(join(cwd, path), text);
      }
      await runGenerator('ci', { cwd, options: { yes: true, ...options } });
      const updates = parse(read(cwd, DEPENDABOT_PATH)).updates;
      return Object.fromEntries(updates.map((u: any) => [u['package-ecosystem'], u.directory]));
    };
    // package.json beside manage.py in src/, requirements.txt at the root.
    assert.deepEqual(await dirOf('src-layout', {}), {
      docker: '/',
      'github-actions': '/',
      pip: '/',
      npm: '/src',
    });
    // A requirements file in a folder of its own.
    assert.deepEqual(
      await dirOf(
        'src-layout',
        { 'requirements-file': 'deps/base.txt' },
        { 'deps/base.txt': 'Django==4.2.20\n' },
      ),
      { docker: '/', 'github-actions': '/', pip: '/deps', npm: '/src' },
    );
    // uv.lock: Dependabot's uv ecosystem instead of pip.
    const uv = await dirOf('pyproject-uv', {});
    assert.equal(uv.uv, '/');
    assert.equal(uv.pip, undefined);
  });

  it('a re-run with the same answers leaves every file identical', async () => {
    const { cwd } = await runGenerator('ci', {
      options: { yes: true, 'deploy-job': true, image: 'acme/shop' },
    });
    const before = snapshotFolder(cwd);
    await runGenerator('ci', { cwd, options: { yes: true } });
    assert.deepEqual(snapshotFolder(cwd), before);
    assert.match(read(cwd, WORKFLOW_PATH), /deploy:/);
  });

  describe('bad values are rejected with the flag named, and nothing is written', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ registry: 'https://ghcr.io' }, /^--registry: .*not a registry host/],
      [{ registry: 'GHCR.IO' }, /^--registry: /],
      [{ platforms: 'linux/amd64,windows/amd64' }, /^--platforms: .*not a platform list/],
      [{ platforms: 'linux/amd64,linux/amd64' }, /^--platforms: /],
      [{ platforms: '' }, /^--platforms: /],
      // Logging in to one registry and pushing elsewhere would only fail in CI.
      [
        { registry: 'registry.example.com' },
        /^--registry: .*not the registry of the image "ghcr\.io\/example\/[^"]+"/,
      ],
      [{ image: 'acme/shop', registry: 'ghcr.io' }, /^--registry: .*\(docker\.io\)/],
    ];
    for (const [options, message] of cases) {
      it(`${JSON.stringify(options)}`, async () => {
        const cwd = mkdtempSync(join(tmpdir(), 'py-docker-'));
        writeFileSync(join(cwd, 'keep.txt'), 'x');
        const error = await runExpectingError('ci', { cwd, options: { yes: true, ...options } });
        assert.match(error.message, message);
        assert.deepEqual(Object.keys(snapshotFolder(cwd)), ['keep.txt']);
      });
    }
  });

  describe('the checks fail on a workflow that breaks a rule', () => {
    let src: string;
    before(async () => {
      const { cwd } = await runGenerator('ci', { options: { yes: true, 'deploy-job': true } });
      src = read(cwd, WORKFLOW_PATH);
    });
    const sha = ACTIONS.checkout.sha;
    const cases: [
      string,
      (src: string) => string,
      (src: string) => Promise<Finding[]> | Finding[],
      RegExp,
    ][] = [
      [
        'an action pinned to a tag',
        (s) => mutate(s, `actions/checkout@${sha} # v6.0.2`, 'actions/checkout@v6'),
        checklistFindings,
        /pinned: actions\/checkout@v6 is not pinned to a full 40-hex commit SHA/,
      ],
      [
        'a pin without its version comment',
        (s) => mutate(s, `@${sha} # v6.0.2`, `@${sha}`),
        checklistFindings,
        /pinned: .* has no "# vX\.Y\.Z" comment/,
      ],
      [
        'a pin that is not the one in generators/ci/actions.ts',
        (s) => mutate(s, `@${sha} # v6.0.2`, '@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2'),
        (s) => pinFindings(s, PINNED_ACTIONS),
        /pin-table: actions\/checkout@11bd7.*generators\/ci\/actions\.ts pins de0fac2e/,
      ],
      [
        'a pull request title inside run:',
        (s) =>
          mutate(
            s,
            'run: kustomize edit',
            'run: echo "${{ github.event.pull_request.title }}" && kustomize edit',
          ),
        checklistFindings,
        /run-expressions: .*untrusted input \$\{\{ github\.event\.pull_request\.title \}\} inside run:/,
      ],
      [
        'a step output expanded inside run:',
        (s) =>
          mutate(
            s,
            '"$IMAGE=$IMAGE:sha-${GITHUB_SHA::7}@$DIGEST"',
            '"$IMAGE=$IMAGE:sha-${GITHUB_SHA::7}@${{ needs.push.outputs.digest }}"',
          ),
        checklistFindings,
        /run-expressions: /,
      ],
      [
        'checkout keeping the token',
        (s) => mutate(s, /persist-credentials: false/, 'persist-credentials: true'),
        checklistFindings,
        /persist-credentials: .*actions\/checkout without persist-credentials: false/,
      ],
      [
        'a write-all token at the top',
        (s) => mutate(s, /^permissions:\n {2}contents: read$/m, 'permissions: write-all'),
        checklistFindings,
        /top-permissions: /,
      ],
      [
        'packages: write on the job that runs the tests',
        (s) =>
          mutate(s, /(test:\n(?:.*\n)*? {4}permissions:\n {6}contents: read)/, '$1\n      packages: write'),
        checklistFindings,
        /job-permissions: jobs\.test: packages: write, but no step of the job needs it/,
      ],
      [
        'security-events: write without an upload',
        (s) => mutate(s, /( {6}security-events: write\n)/, '$1      id-token: write\n'),
        checklistFindings,
        /job-permissions: jobs\.scan: id-token: write/,
      ],
      [
        'a pull_request_target trigger',
        // `"on"`: quoted, so YAML 1.1 readers do not take the key for true (lib/yaml.ts).
        (s) => mutate(s, /^"on":\n/m, '"on":\n  pull_request_target:\n    branches:\n      - main\n'),
        checklistFindings,
        /triggers: on: pull_request_target/,
      ],
      [
        'a job without a timeout',
        (s) => mutate(s, / {4}timeout-minutes: 30\n/, ''),
        checklistFindings,
        /timeouts: jobs\.scan: /,
      ],
      [
        'no concurrency group',
        (s) => mutate(s, /^concurrency:\n(?: {2}.*\n)+/m, ''),
        checklistFindings,
        /concurrency: /,
      ],
      [
        'a job that needs a job that does not exist',
        (s) => mutate(s, /needs:\n {6}- test\n/, 'needs:\n      - tset\n'),
        (s) => actionlintFindings(s, WORKFLOW_PATH),
        /actionlint:job-needs: .*tset/,
      ],
      [
        'a broken expression',
        (s) => mutate(s, "if: github.event_name == 'push'", "if: github.event_name == 'push' &&"),
        (s) => actionlintFindings(s, WORKFLOW_PATH),
        /actionlint:expression: /,
      ],
      [
        'a variable that no env: defines',
        (s) => mutate(s, /( {8}env:\n {10}IMAGE: \S+\n)( {8}run: container-structure-test)/, '$2'),
        runEnvFindings,
        /run-env: .*reads \$IMAGE, which no env: defines/,
      ],
      [
        'an unquoted variable in a script',
        (s) => mutate(s, 'mkdir -p "$bin"', 'mkdir -p $bin'),
        (s) => shellcheckFindings(s, shellcheck),
        /shellcheck:SC2086: /,
      ],
      [
        'a push that does not wait for the tests',
        (s) => mutate(s, /needs:\n {6}- test\n {6}- scan\n/, 'needs:\n      - scan\n'),
        (s) => imagePipelineFindings(s, EXPECT),
        /test-before-push: .*runs the tests service of docker-compose\.test\.yml/,
      ],
      [
        'a scan that never fails',
        (s) => mutate(s, /exit-code: 1\n/, 'exit-code: 0\n'),
        (s) => imagePipelineFindings(s, EXPECT),
        /test-before-push: .*fixable CRITICAL\/HIGH/,
      ],
      [
        'a push without provenance',
        (s) => mutate(s, 'provenance: mode=max', 'provenance: false'),
        (s) => imagePipelineFindings(s, EXPECT),
        /image-push: .*provenance must be mode=max/,
      ],
      [
        'a push with its own tags',
        (s) => mutate(s, 'tags: ${{ steps.meta.outputs.tags }}', 'tags: ghcr.io/example/app:latest'),
        (s) => imagePipelineFindings(s, EXPECT),
        /image-push: .*tags must come from docker\/metadata-action/,
      ],
    ];
    for (const [title, broken, check, expected] of cases) {
      it(`${title}`, async () => {
        assert.deepEqual(await check(src), [], 'the generated workflow itself is clean');
        const findings = await check(broken(src));
        assert.match(show(findings), expected);
      });
    }

    describe('a shellcheck that does not answer is a finding, never a pass', () => {
      let bin: string;
      const fake = (name: string, body: string): string => {
        const path = join(bin, name);
        writeFileSync(path, `#!/bin/sh\n${body}\n`);
        chmodSync(path, 0o755);
        return path;
      };
      before(() => {
        bin = mkdtempSync(join(tmpdir(), 'py-docker-fake-shellcheck-'));
      });
      after(() => rmSync(bin, { recursive: true, force: true }));

      const tools: [string, () => string, RegExp][] = [
        ['/bin/false', () => '/bin/false', /exit 1 with output that is not its JSON/],
        ['/bin/true (exit 0, no output)', () => '/bin/true', /exit 0 with output that is not its JSON/],
        ['a shellcheck that crashes', () => fake('segv', 'kill -SEGV $$'), /killed by SIGSEGV/],
        [
          'a shellcheck that exits 2 with an error',
          () => fake('two', 'echo "shellcheck: internal error" >&2; exit 2'),
          /exit 2: shellcheck: internal error/,
        ],
        [
          'one that prints another format',
          () => fake('gcc', "echo '-:1:6: warning: x [SC2086]'; exit 1"),
          /not its JSON/,
        ],
        [
          'one that finds issues but lists none',
          () => fake('none', "echo '[]'; exit 1"),
          /exit 1 with 0 issues/,
        ],
        ['one that is not there', () => join(bin, 'missing'), /ENOENT/],
      ];
      for (const [what, tool, why] of tools) {
        it(`${what}`, () => {
          const findings = shellcheckFindings(src, tool());
          assert.ok(findings.length > 0, 'a finding');
          assert.ok(
            findings.every((f) => f.rule === 'shellcheck:did-not-run'),
            show(findings),
          );
          assert.match(show(findings), why);
        });
      }

      it('the validation layer reads the scripts` shellcheck by the same rule', () => {
        const issue = '[{"file":"docker/x.sh","line":3,"code":2086,"message":"Double quote"}]';
        assert.deepEqual(shellcheckAnswer({ code: 1, stdout: issue, stderr: '' }), JSON.parse(issue));
        assert.deepEqual(shellcheckAnswer({ code: 0, stdout: '[]', stderr: '' }), []);
        for (const r of [
          { code: 0, stdout: '', stderr: '' },
          { code: 1, stdout: '', stderr: '' },
          { code: 139, stdout: '', stderr: 'Segmentation fault' },
          { code: null, stdout: '', stderr: '', error: 'spawn shellcheck ENOENT' },
          { code: 0, stdout: '{"comments":[]}', stderr: '' },
        ])
          assert.match(
            String(shellcheckAnswer(r)),
            /^shellcheck did not check the script: /,
            JSON.stringify(r),
          );
      });
    });

    it('a dependabot.yml without npm, or with a daily schedule', async () => {
      const { cwd } = await runGenerator('ci', { options: { yes: true } });
      const text = read(cwd, DEPENDABOT_PATH);
      const all = ['docker', 'github-actions', 'pip', 'npm'];
      assert.deepEqual(dependabotFindings(text, all), []);
      assert.match(
        show(dependabotFindings(mutate(text, 'package-ecosystem: npm', 'package-ecosystem: bundler'), all)),
        /no npm updates/,
      );
      assert.match(
        show(dependabotFindings(mutate(text, 'interval: weekly', 'interval: daily'), all)),
        /docker: schedule\.interval must be weekly/,
      );
      assert.match(
        show(dependabotFindings(mutate(text, /^ *- patch\n/m, ''), all)),
        /docker: no group of minor and patch updates/,
      );
    });
  });
});
