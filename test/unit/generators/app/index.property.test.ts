/**
 * Property-based generation: random valid settings (every variant, service combination, version in
 * range, names at their length limits, hosts, namespaces, resources, registries, detected project
 * shapes) through `yo py-docker --yes`, and every generated folder passes the whole validation layer
 * (test/support/validate-project.ts).
 *
 * Cost: generating and the in-process checks take a fraction of a second per case; the external tools
 * (Compose, kustomize, shellcheck, supervisor's parser) take seconds. They run on every 20th case and
 * on each case that is the first of its kind for that tool (the settings the tool's input depends on),
 * and the layer skips inputs whose content it has already checked.
 *
 * PY_DOCKER_PROPERTY_RUNS raises the number of configurations (default 200); PY_DOCKER_PROPERTY_SEED
 * replays a run (a failure prints its seed and the shrunk settings).
 */
import assert from 'node:assert/strict';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { memoryToBytes } from '../../../../lib/settings.js';
import { pythonTooOldFor } from '../../../../lib/versions.js';
import { HEALTH_PATH } from '../../../support/defaults.js';
import { runGenerator, snapshotFolder } from '../../../support/run.js';
import { requireTool } from '../../../support/tools.js';
import {
  EXTERNAL_CHECKS,
  formatFindings,
  validateProject,
  type ExternalCheck,
} from '../../../support/validate-project.js';
import { fixturePath } from '../../../support/repo.js';

/** Detected project shapes: an empty folder (the starter) and copies of the fixture projects. */
const SHAPES = [
  'starter',
  'flat',
  'src-layout',
  'settings-package',
  'pyproject-uv',
  'no-package-json',
] as const;
type Shape = (typeof SHAPES)[number];

const RUNS = Number(process.env.PY_DOCKER_PROPERTY_RUNS ?? 200);
const SEED = process.env.PY_DOCKER_PROPERTY_SEED ? Number(process.env.PY_DOCKER_PROPERTY_SEED) : undefined;
/** Every n-th case runs every external tool, whatever it saw before. */
const EVERY = 20;

// ---------------------------------------------------------------------------------------------------
// Arbitraries: values each setting's validator accepts, with the edges (length limits, extremes).

const label = (max: number): fc.Arbitrary<string> =>
  fc.oneof(
    fc.stringMatching(new RegExp(`^[a-z]([-a-z0-9]{0,${Math.min(max, 12) - 2}}[a-z0-9])?$`)),
    // Exactly at the length limit.
    fc.stringMatching(new RegExp(`^[a-z][-a-z0-9]{${max - 2}}[a-z0-9]$`)),
  );

const pick = <T>(values: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...values);
const range = (lo: number, hi: number): fc.Arbitrary<number> => fc.integer({ min: lo, max: hi });

const pythonVersion = fc
  .tuple(range(8, 14), fc.option(range(0, 30), { nil: undefined }))
  .map(([minor, patch]) => `3.${minor}${patch === undefined ? '' : `.${patch}`}`);
const threePart = (lo: number, hi: number): fc.Arbitrary<string> =>
  fc.tuple(range(lo, hi), range(0, 30), range(0, 30)).map((v) => v.join('.'));
const djangoVersion = fc
  .tuple(
    pick(['3.2', '4.0', '4.1', '4.2', '5.0', '5.1', '5.2', '6.0']),
    fc.option(range(0, 30), { nil: undefined }),
  )
  .map(([mm, patch]) => (patch === undefined ? mm : `${mm}.${patch}`));

const component = fc.stringMatching(/^[a-z0-9]{1,8}([._-][a-z0-9]{1,8}){0,2}$/);
const host = fc
  .tuple(
    fc.array(fc.oneof(label(63), fc.stringMatching(/^[0-9][a-z0-9]{0,5}$/)), { minLength: 1, maxLength: 3 }),
    pick(['com', 'org', 'io', 'example']),
  )
  .map(([labels, tld]) => [...labels, tld].join('.'));
/** A registry host with an optional port, as the image repository and --registry take it. */
const registryHost = fc
  .tuple(
    pick(['ghcr.io', 'registry.example.com', 'registry.gitlab.com', 'harbor.acme.internal', 'localhost']),
    fc.option(range(1, 65535), { nil: undefined }),
  )
  .map(([h, port]) => (port === undefined ? h : `${h}:${port}`));
const image = fc.oneof(
  fc
    .tuple(registryHost, fc.array(component, { minLength: 1, maxLength: 3 }))
    .map(([r, path]) => `${r}/${path.join('/')}`),
  // Docker Hub: no registry host (a first part with a dot would be read as one).
  fc
    .tuple(fc.stringMatching(/^[a-z0-9]{1,8}([_-][a-z0-9]{1,8})?$/), fc.array(component, { maxLength: 2 }))
    .map(([owner, path]) => [owner, ...path].join('/')),
);

const milli = (m: number, asCores: boolean): string => (asCores ? String(m / 1000) : `${m}m`);
const cpu = fc
  .tuple(range(1, 4000), range(0, 4000), fc.boolean(), fc.boolean())
  .map(([request, extra, c1, c2]) => ({
    'cpu-request': milli(request, c1),
    'cpu-limit': milli(request + extra, c2),
  }));
const UNITS = ['Ki', 'Mi', 'Gi', 'k', 'M', 'G'] as const;
const memory = fc
  .tuple(range(1, 4096), pick(UNITS), pick(UNITS), range(0, 2048))
  .map(([n, unit, limitUnit, extra]) => {
    const request = `${n}${unit}`;
    const perUnit = memoryToBytes(`1${limitUnit}`);
    const limit = `${Math.ceil(memoryToBytes(request) / perUnit) + extra}${limitUnit}`;
    return { 'memory-request': request, 'memory-limit': limit };
  })
  .filter((m) => /^[1-9][0-9]{0,6}[A-Za-z]+$/.test(m['memory-limit']));

const healthPath = fc.oneof(
  fc.constant('/'),
  fc
    .tuple(
      fc.array(fc.stringMatching(/^[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,11}$/), { minLength: 1, maxLength: 3 }),
      fc.boolean(),
    )
    .map(([segments, slash]) => `/${segments.join('/')}${slash ? '/' : ''}`),
);
const services = pick([
  { postgres: true, redis: false, celery: false },
  { postgres: false, redis: false, celery: false },
  { postgres: true, redis: true, celery: false },
  { postgres: true, redis: true, celery: true },
  { postgres: false, redis: true, celery: true },
]);
const platforms = fc
  .shuffledSubarray(['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/ppc64le', 'linux/s390x'], {
    minLength: 1,
  })
  .map((list) => list.join(','));

/** Settings only the starter takes as flags (a detected project has its own). */
const starterOnly = fc.record(
  {
    'settings-module': fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/).map((pkg) => `site_${pkg}.settings`),
    'build-script': fc.stringMatching(/^[a-z][a-z0-9:._-]{0,15}$/),
    'assets-dir': fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}(\/[a-z0-9_-]{1,8}){0,2}$/),
    'requirements-file': pick(['requirements.txt', 'requirements/base.txt', 'reqs/prod.txt']),
    'dev-requirements-file': pick(['requirements-dev.txt', 'requirements/dev.txt', 'none']),
  },
  { requiredKeys: [] },
);

export interface Case {
  shape: Shape;
  flags: Record<string, string | number | boolean>;
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    shape: pick(SHAPES),
    base: fc.record(
      {
        'project-name': label(40),
        variant: pick(['alpine', 'slim']),
        'alpine-version': pick(['3.18', '3.19', '3.20', '3.21', '3.22', '3.23']),
        'debian-release': pick(['bookworm', 'trixie']),
        'python-version': pythonVersion,
        'node-version': threePart(16, 26),
        'npm-version': threePart(8, 12),
        'django-version': djangoVersion,
        port: range(1024, 65535),
        'health-path': healthPath,
        'app-uid': range(10000, 65533),
        'postgres-version': range(13, 18).map(String),
        'redis-version': fc.oneof(
          pick(['6.2']),
          range(0, 4).map((m) => `7.${m}`),
          range(0, 9).map((m) => `8.${m}`),
        ),
        'process-manager': pick(['gunicorn', 'supervisord']),
        'k8s-namespace': label(52).filter((n) => !n.startsWith('kube-')),
        'ingress-host': host,
        'ingress-class': label(63),
        tls: pick(['none', 'secret', 'cert-manager']),
        'tls-issuer': label(63),
        replicas: range(2, 50),
        platforms,
        'deploy-job': fc.boolean(),
      },
      // Any subset of the flags: the rest comes from detection and the defaults.
      { requiredKeys: ['project-name'] },
    ),
    services,
    image: fc.option(image, { nil: undefined }),
    registryFlag: fc.boolean(),
    resources: fc.option(fc.tuple(cpu, memory), { nil: undefined }),
    starter: starterOnly,
  })
  .map(({ shape, base, services: svc, image: img, registryFlag, resources, starter }) => {
    const flags: Case['flags'] = { ...base, ...svc };
    // A Python older than the Django's lowest stops the run (lib/versions.ts): not a valid configuration.
    const [py, dj] = [flags['python-version'], flags['django-version']];
    if (typeof py === 'string' && typeof dj === 'string' && pythonTooOldFor(py, dj))
      delete flags['python-version'];
    if (img) {
      flags.image = img;
      // --registry must be the image's registry: given explicitly, or left to its default.
      const first = img.split('/')[0]!;
      if (registryFlag && img.includes('/') && (first.includes('.') || first.includes(':')))
        flags.registry = first;
    }
    if (resources) Object.assign(flags, ...resources);
    if (shape === 'starter') Object.assign(flags, starter);
    return { shape, flags };
  });

// ---------------------------------------------------------------------------------------------------

/**
 * The settings each external tool's input depends on. A case whose value of one of them the tool has
 * not seen yet runs the tool (each value of each dimension is covered, not every combination).
 */
const TOOL_KEYS: Record<ExternalCheck, (c: Case) => unknown[]> = {
  compose: (c) => [`${c.flags.postgres}${c.flags.redis}${c.flags.celery}`, c.shape],
  kustomize: (c) => [`${c.flags.postgres}${c.flags.redis}${c.flags.celery}`, c.flags.tls],
  shellcheck: (c) => [c.shape, c.flags['process-manager']],
  supervisord: (c) => [c.flags['process-manager'] === 'supervisord' && c.flags.celery],
  'workflow-shellcheck': (c) => [c.flags['deploy-job'], c.flags.registry === undefined, c.shape],
};

function folderFor(shape: Shape): string {
  const dir = mkdtempSync(join(tmpdir(), `py-docker-property-${shape}-`));
  if (shape === 'starter') return dir;
  cpSync(fixturePath(shape), dir, { recursive: true });
  // The generator warns about a missing package.json or package-lock.json (the assets stage runs
  // `npm ci` and the build script): do what the warning says, as a user would before building.
  const nodeDir = existsSync(join(dir, 'src', 'manage.py')) ? join(dir, 'src') : dir;
  const pkg = join(nodeDir, 'package.json');
  if (!existsSync(pkg)) writeFileSync(pkg, '{"name": "x", "scripts": {"build": "node -e 0"}}\n');
  if (!existsSync(join(nodeDir, 'package-lock.json')))
    writeFileSync(join(nodeDir, 'package-lock.json'), '{"lockfileVersion": 3, "packages": {}}\n');
  return dir;
}

/** The starter refuses package names that would shadow a Python module: a documented refusal. */
const DOCUMENTED_REFUSAL =
  /^--(settings-module|wsgi-application): the starter package "[^"]+" (is a Python keyword|would shadow)/;

describe('random valid configurations through `yo py-docker --yes`', function () {
  const stats = {
    cases: 0,
    refused: 0,
    external: 0,
    generateMs: 0,
    validateMs: 0,
    ms: 0,
    byShape: {} as Record<string, number>,
  };

  before(function () {
    for (const name of ['shellcheck', 'busybox', 'dash', 'docker-compose', 'kubectl', 'python3'] as const)
      requireTool(this, name);
  });

  after(() => {
    if (stats.cases > 0)
      console.log(
        `      ${stats.cases} configurations (${stats.refused} refused as documented, ${stats.external} with every external tool) in ${(stats.ms / 1000).toFixed(1)} s (generating ${(stats.generateMs / 1000).toFixed(1)} s, validating ${(stats.validateMs / 1000).toFixed(1)} s); shapes ${JSON.stringify(stats.byShape)}`,
      );
  });

  it(`${RUNS} configurations: every generated folder passes every check of the validation layer`, async function () {
    this.timeout(0);
    const started = Date.now();
    const seen = new Map<ExternalCheck, Set<string>>(EXTERNAL_CHECKS.map((c) => [c, new Set()]));
    let index = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const external = new Set(
          EXTERNAL_CHECKS.filter((check) => {
            const keys = TOOL_KEYS[check](c).map((value, i) => `${i}=${JSON.stringify(value)}`);
            const fresh = keys.filter((k) => !seen.get(check)!.has(k));
            for (const k of keys) seen.get(check)!.add(k);
            return fresh.length > 0 || index % EVERY === 0;
          }),
        );
        index += 1;
        const dir = folderFor(c.shape);
        const before = snapshotFolder(dir);
        try {
          const t0 = Date.now();
          try {
            await runGenerator('app', { cwd: dir, options: { yes: true, ...c.flags } });
            stats.generateMs += Date.now() - t0;
          } catch (error) {
            const message = (error as Error).message;
            assert.match(message, DOCUMENTED_REFUSAL, `the generator failed on valid settings: ${message}`);
            assert.deepEqual(snapshotFolder(dir), before, 'a refused run changed the folder');
            stats.refused += 1;
            return;
          }
          const t1 = Date.now();
          const findings = await validateProject(dir, { external });
          stats.validateMs += Date.now() - t1;
          assert.deepEqual(findings, [], `${dir}\n${formatFindings(findings)}`);
          stats.cases += 1;
          stats.external += external.size === EXTERNAL_CHECKS.length ? 1 : 0;
          stats.byShape[c.shape] = (stats.byShape[c.shape] ?? 0) + 1;
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
    stats.ms = Date.now() - started;
    assert.ok(stats.cases >= RUNS * 0.9, `only ${stats.cases} of ${RUNS} configurations were generated`);
  });
});

describe('the validation layer reports broken folders', function () {
  let dir: string;
  before(async function () {
    for (const name of ['shellcheck', 'busybox', 'dash', 'docker-compose', 'kubectl', 'python3'] as const)
      requireTool(this, name);
    const options = {
      yes: true,
      'project-name': 'shop',
      redis: true,
      celery: true,
      'process-manager': 'supervisord',
    };
    dir = (await runGenerator('app', { options })).cwd;
    assert.deepEqual(await validateProject(dir), []);
  });

  /** One edit of one file, the finding it must cause, and the external tool that finds it (if any). */
  const MUTATIONS: [string, string, (text: string) => string, RegExp, ExternalCheck[]][] = [
    [
      'a Dockerfile syntax error',
      'Dockerfile',
      (t) => t.replace('EXPOSE 8000', 'EXPOSE eighty'),
      /dockerfile-utils/,
      [],
    ],
    [
      'a Dockerfile running as root',
      'Dockerfile',
      (t) => t.replace('USER 10001:10001', 'USER root'),
      /DL3002/,
      [],
    ],
    [
      'Dockerfile.test as another user',
      'Dockerfile.test',
      (t) => t.replace(/USER 10001:10001\n\nWORKDIR/, 'USER 10002:10002\n\nWORKDIR'),
      /consistency:user/,
      [],
    ],
    [
      'a shell syntax error',
      'docker/entrypoint.sh',
      (t) => `${t}if then\n`,
      /busybox sh -n[\s\S]*dash -n/,
      [],
    ],
    [
      'a shellcheck warning',
      'docker/healthcheck.sh',
      (t) => `${t}echo $undefined_var\n`,
      /\[shellcheck\]/,
      ['shellcheck'],
    ],
    [
      'the healthcheck on another port',
      'docker/healthcheck.sh',
      (t) => t.replace('PORT:-8000', 'PORT:-8080'),
      /consistency:port/,
      [],
    ],
    [
      'supervisord.conf without the worker',
      'docker/supervisord.conf',
      (t) => t.replace('[program:worker]', '[program:wrker]'),
      /programs \[web, wrker\]/,
      ['supervisord'],
    ],
    [
      'a broken supervisord.conf',
      'docker/supervisord.conf',
      (t) => t.replace(/stopsignal=TERM/, 'stopsignal=NOPE'),
      /\[supervisor\]/,
      ['supervisord'],
    ],
    [
      'a misspelled compose key',
      'docker-compose.yml',
      (t) => t.replace('    healthcheck:\n', '    healthchek:\n'),
      /docker compose config[\s\S]*healthchek/,
      ['compose'],
    ],
    [
      'a weakened production file',
      'docker-compose.prod.yml',
      (t) => t.replace(/(cap_drop:\n\s+- )ALL/, '$1NET_RAW'),
      /compose:hardening/,
      ['compose'],
    ],
    [
      'a compose variable .env.example lacks',
      'docker-compose.override.yml',
      (t) => t.replace('${WEB_PORT:-8000}', '${WEB_PORTT:-8000}'),
      /WEB_PORTT/,
      [],
    ],
    [
      'a misspelled Kubernetes field',
      'k8s/base/deployment.yaml',
      (t) => t.replace('readOnlyRootFilesystem', 'readOnlyRootFilesytem'),
      /unknown field/,
      [],
    ],
    [
      'a broken kustomization',
      'k8s/overlays/staging/kustomization.yaml',
      (t) => t.replace('../../base', '../../bsae'),
      /kubectl kustomize/,
      ['kustomize'],
    ],
    [
      'a probe on another path',
      'k8s/overlays/production/patches/web-probes.yaml',
      (t) => t.replace(`path: ${HEALTH_PATH}`, 'path: /healthz/'),
      /consistency:health-path[\s\S]*k8s-checklist/,
      ['kustomize'],
    ],
    [
      'another image in Kubernetes',
      'k8s/base/migrate-job.yaml',
      (t) => t.replace('ghcr.io/example/shop', 'ghcr.io/example/other'),
      /consistency:image/,
      [],
    ],
    [
      'a ConfigMap key outside the catalogue',
      'k8s/base/kustomization.yaml',
      (t) => t.replace('DJANGO_DEBUG=', 'DJANGO_DEBUGGING='),
      /configMapGenerator sets DJANGO_DEBUGGING, not in \.env\.example/,
      [],
    ],
    [
      'an unpinned action',
      '.github/workflows/docker-build.yml',
      (t) => t.replace(/actions\/checkout@[0-9a-f]{40}/, 'actions/checkout@v4'),
      /pinned/,
      [],
    ],
    [
      'a workflow expression error',
      '.github/workflows/docker-build.yml',
      (t) => t.replace('${{ github.ref }}', '${{ github.reff }}'),
      /actionlint/,
      [],
    ],
    [
      'devcontainer.json with a trailing garbage',
      '.devcontainer/devcontainer.json',
      (t) => `${t}}`,
      /jsonc/,
      [],
    ],
    [
      'devcontainer.json on a missing service',
      '.devcontainer/devcontainer.json',
      (t) => t.replace('"service": "web"', '"service": "app"'),
      /service app is not/,
      [],
    ],
    [
      'a structure test with an unknown key',
      'container-structure-test.yaml',
      (t) => t.replace('shouldExist: true', 'shoudExist: true'),
      /\[schema\]/,
      [],
    ],
    [
      'a structure test on another port',
      'container-structure-test.yaml',
      (t) => t.replace('- "8000"', '- "8001"'),
      /consistency:port/,
      [],
    ],
    [
      'a committed secret value',
      'env.production',
      (t) => `${t}DJANGO_SECRET_KEY=${secretOf(dir)}\n`,
      /\[secrets\]/,
      [],
    ],
    ['.env no longer ignored', '.gitignore', (t) => t.replace(/^\.env$/m, ''), /\.env is not ignored/, []],
  ];

  const secretOf = (folder: string): string =>
    /^DJANGO_SECRET_KEY=(.*)$/m.exec(readFileSync(join(folder, '.env'), 'utf8'))![1]!;

  for (const [what, file, edit, expected, external] of MUTATIONS) {
    it(`reports ${what} (${file})`, async () => {
      const copy = mkdtempSync(join(tmpdir(), 'py-docker-mutant-'));
      try {
        cpSync(dir, copy, { recursive: true });
        const path = join(copy, file);
        const original = readFileSync(path, 'utf8');
        const mutated = edit(original);
        assert.notEqual(mutated, original, 'the mutation changed nothing');
        writeFileSync(path, mutated);
        // Only the external tool the mutation is for (the in-process checks always run).
        const findings = formatFindings(await validateProject(copy, { external: new Set(external) }));
        assert.match(findings, expected, findings || '(no findings)');
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    });
  }

  it('reports a script that lost its executable bit', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'py-docker-mutant-'));
    try {
      cpSync(dir, copy, { recursive: true });
      chmodSync(join(copy, 'docker/wait-for-it.sh'), 0o644);
      assert.match(
        formatFindings(await validateProject(copy)),
        /docker\/wait-for-it\.sh \[scripts\] not executable/,
      );
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
