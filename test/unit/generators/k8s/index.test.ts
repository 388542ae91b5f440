import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ejs from 'ejs';
import { parseDocument } from 'yaml';
import { emptyDetection } from '../../../../lib/detect-empty.js';
import { secretPlaceholder, secretVars } from '../../../../lib/env-vars.js';
import { buildModel, GRACEFUL_TIMEOUT_S } from '../../../../lib/model.js';
import { resolveSettings } from '../../../../lib/resolve.js';
import { SETTINGS, type Settings } from '../../../../lib/settings.js';
import {
  checklistFindings,
  kustomizeBuild,
  parseManifests,
  schemaFindings,
  type Expectations,
  type K8sObject,
} from '../../../support/k8s-check.js';
import { runExpectingError, runGenerator, snapshotFolder } from '../../../support/run.js';
import { requireTool } from '../../../support/tools.js';
import { DIST } from '../../../support/repo.js';

const ENVS = ['staging', 'production'] as const;
type Env = (typeof ENVS)[number];

/** The settings a run with these flags resolves to (the generator's own resolution, no detection). */
async function settingsFor(options: Record<string, unknown>): Promise<Settings> {
  const flags = Object.fromEntries(
    SETTINGS.filter((s) => options[s.flag] !== undefined).map((s) => [s.key, options[s.flag]]),
  );
  return (await resolveSettings({ flags, stored: {}, detection: emptyDetection(), askable: new Set() }))
    .settings;
}

/** KEY=value lines of an env file as the env sub-generator wrote it. */
function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match) out[match[1]!] = match[2]!;
  }
  return out;
}

/** What the checklist expects of an environment: from the settings and the env file beside the manifests. */
function expectations(s: Settings, envFile: Record<string, string>, minReplicas: number): Expectations {
  const allowedHosts = envFile.DJANGO_ALLOWED_HOSTS!.split(',');
  return {
    host: allowedHosts[0]!,
    allowedHosts,
    healthPath: s.healthPath,
    port: s.port,
    tls: s.tls,
    tlsIssuer: s.tlsIssuer,
    ingressClass: s.ingressClass,
    minReplicas,
    gracefulTimeout: GRACEFUL_TIMEOUT_S,
    secretPlaceholders: Object.fromEntries(
      secretVars(buildModel(s)).map((v) => [v.name, secretPlaceholder(v.name)]),
    ),
    egressPorts: [...(s.postgres ? [5432] : []), ...(s.redis ? [6379] : [])],
    sqlite: !s.postgres,
  };
}

const yamlFiles = (dir: string): string[] => {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith('.yaml')) out.push(path);
    }
  };
  walk('k8s');
  return out.sort();
};

const VARIANTS: Record<string, Record<string, unknown>> = {
  'defaults (PostgreSQL, cert-manager TLS)': {},
  'Celery with Redis, an existing TLS secret, 5 replicas, port 9000 and /healthz/': {
    celery: true,
    redis: true,
    tls: 'secret',
    replicas: '5',
    port: '9000',
    'health-path': '/healthz/',
    'app-dir': 'src',
  },
  'no database, no TLS, another ingress class and namespace': {
    postgres: false,
    tls: 'none',
    'ingress-class': 'traefik',
    'k8s-namespace': 'shop',
    'ingress-host': 'shop.example.org',
    'cpu-request': '100m',
    'memory-limit': '1Gi',
  },
};

describe('py-docker:k8s', function () {
  let kubectl: string;
  before(function () {
    kubectl = requireTool(this, 'kubectl');
  });

  it('a new user runs `yo py-docker:k8s --yes` in a folder where `yo py-docker` ran before and gets base, overlays and deploy folders', async () => {
    const result = await runGenerator('k8s', { options: { yes: true, 'project-name': 'shop' } });
    const base = ['kustomization', 'deployment', 'service', 'ingress', 'migrate-job']
      .concat(['serviceaccount', 'pdb', 'hpa', 'networkpolicy'])
      .map((f) => `k8s/base/${f}.yaml`);
    const envFiles = ENVS.flatMap((e) => [
      `k8s/overlays/${e}/kustomization.yaml`,
      `k8s/deploy/${e}/kustomization.yaml`,
      `k8s/deploy/${e}/secrets.env.example`,
    ]);
    result.assertFile([...base, ...envFiles]);
    result.assertNoFile(['k8s/base/worker.yaml', 'k8s/base/beat.yaml', 'k8s/deploy/staging/secrets.env']);
    // Settings and placeholder secrets come from the base's generators, not from manifests.
    result.assertNoFile(['k8s/base/configmap.yaml', 'k8s/base/secret.yaml', 'k8s/base/data-pvc.yaml']);
    for (const file of yamlFiles(result.cwd)) {
      const text = readFileSync(join(result.cwd, file), 'utf8');
      assert.match(text, /^# \S/, `${file} starts with a comment saying what it is`);
      assert.equal(parseManifests(text).length, 1, `${file} holds one document`);
      assert.doesNotMatch(text, /[&*]a\d/, `${file} has no YAML anchors`);
    }
  });

  for (const [name, options] of Object.entries(VARIANTS)) {
    describe(`with ${name}`, () => {
      let cwd: string;
      let s: Settings;
      const builds: Partial<Record<Env, K8sObject[]>> = {};
      before(async () => {
        const all = { yes: true, 'project-name': 'shop', ...options };
        s = await settingsFor(all);
        // env and k8s in one folder: the ConfigMaps must equal the env files the env part writes.
        cwd = (await runGenerator('env', { options: all })).cwd;
        await runGenerator('k8s', { cwd, options: all });
      });

      it('every manifest and patch in the folder validates with kubernetes-models and has no unknown field', () => {
        for (const file of yamlFiles(cwd)) {
          const doc = parseManifests(readFileSync(join(cwd, file), 'utf8'))[0]!;
          if (doc.kind === 'Kustomization') continue; // kustomize itself rejects unknown fields in these
          // Patches are partial objects: only unknown keys count, required fields live in the base.
          const findings = schemaFindings(doc).filter(
            (f) => !file.includes('/patches/') || /unknown field|where the API/.test(f),
          );
          assert.deepEqual(findings, [], file);
        }
      });

      it('`kubectl kustomize` builds the base and both overlays, and every built object is valid', () => {
        kustomizeBuild(kubectl, join(cwd, 'k8s/base'));
        for (const env of ENVS) {
          const docs = kustomizeBuild(kubectl, join(cwd, `k8s/overlays/${env}`));
          assert.deepEqual(docs.flatMap(schemaFindings), [], env);
          builds[env] = docs;
        }
      });

      for (const env of ENVS) {
        it(`the ${env} overlay meets every Kubernetes rule of the checklist`, () => {
          const docs = builds[env] ?? kustomizeBuild(kubectl, join(cwd, `k8s/overlays/${env}`));
          const envFile = parseEnvFile(readFileSync(join(cwd, `env.${env}`), 'utf8'));
          const x = expectations(s, envFile, env === 'production' ? 2 : 1);
          assert.deepEqual(checklistFindings(docs, x), []);
          // Every object lands in the environment's namespace.
          for (const d of docs) assert.equal(d.metadata?.namespace, `${s.namespace}-${env}`, d.kind);
          // The image tag is the placeholder CI replaces, on every workload.
          const images = docs.flatMap((d) =>
            [
              ...(d.spec?.template?.spec?.containers ?? []),
              ...(d.spec?.template?.spec?.initContainers ?? []),
            ].map((c: { image: string }) => c.image),
          );
          assert.ok(
            images.length >= 2 && images.every((i: string) => i === `${s.imageRepository}:sha-0000000`),
            images.join(),
          );
        });

        it(`the ${env} ConfigMap equals the non-secret values of env.${env}, and secrets come only from the Secret`, () => {
          const docs = builds[env] ?? kustomizeBuild(kubectl, join(cwd, `k8s/overlays/${env}`));
          const envFile = parseEnvFile(readFileSync(join(cwd, `env.${env}`), 'utf8'));
          const configMaps = docs.filter((d) => d.kind === 'ConfigMap');
          assert.equal(configMaps.length, 1);
          assert.deepEqual(configMaps[0]!.data, envFile);
          const secretObj = docs.find((d) => d.kind === 'Secret')!;
          const secretKeys = Object.keys(secretObj.stringData ?? secretObj.data ?? {});
          const example = parseEnvFile(readFileSync(join(cwd, '.env.example'), 'utf8'));
          for (const key of secretKeys) {
            assert.ok(key in example && !(key in envFile), `${key} is a secret of the catalogue`);
          }
          for (const key of ['DJANGO_SECRET_KEY', ...(s.postgres ? ['POSTGRES_PASSWORD'] : [])])
            assert.ok(secretKeys.includes(key), key);
        });
      }

      it('the migrations run once per release with the app image (the Job, or with sqlite the one web pod`s init container), and no replica migrates', () => {
        const docs = builds.production ?? kustomizeBuild(kubectl, join(cwd, 'k8s/overlays/production'));
        const jobs = docs.filter((d) => d.kind === 'Job');
        const web = docs.find(
          (d) => d.kind === 'Deployment' && d.metadata?.labels?.['app.kubernetes.io/component'] === 'web',
        )!;
        // Without PostgreSQL the web pod migrates its own sqlite file before gunicorn starts.
        assert.equal(jobs.length, s.postgres ? 1 : 0);
        const job = s.postgres
          ? jobs[0]!
          : { spec: { template: { spec: { ...web.spec.template.spec, restartPolicy: 'Never' } } } };
        const jobC = s.postgres
          ? job.spec.template.spec.containers[0]
          : web.spec.template.spec.initContainers[0];
        const webC = web.spec.template.spec.containers[0];
        assert.deepEqual(jobC.args.slice(-2), ['migrate', '--noinput']);
        assert.equal(jobC.args[1], s.appDir === '.' ? 'manage.py' : `${s.appDir}/manage.py`);
        assert.equal(job.spec.template.spec.restartPolicy, 'Never');
        assert.equal(jobC.image, webC.image);
        assert.deepEqual(jobC.securityContext, webC.securityContext);
        assert.deepEqual(jobC.envFrom, webC.envFrom);
        assert.deepEqual(jobC.volumeMounts, webC.volumeMounts);
        for (const d of docs.filter((o) => o.kind === 'Deployment'))
          assert.deepEqual(
            d.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === 'DJANGO_MIGRATE'),
            { name: 'DJANGO_MIGRATE', value: 'false' },
            d.metadata!.name,
          );
        const celery = docs.filter((d) =>
          ['worker', 'beat'].includes(d.metadata?.labels?.['app.kubernetes.io/component']),
        );
        assert.equal(celery.length, s.celery ? 2 : 0);
        const beat = celery.find((d) => d.metadata!.labels!['app.kubernetes.io/component'] === 'beat');
        if (beat) assert.deepEqual([beat.spec.replicas, beat.spec.strategy.type], [1, 'Recreate']);
      });

      it('every Deployment waits in an init container until `migrate --check` passes (PostgreSQL): no pod runs new code on the old schema', () => {
        const docs = builds.production ?? kustomizeBuild(kubectl, join(cwd, 'k8s/overlays/production'));
        const web = docs.find((d) => d.kind === 'Deployment' && d.metadata!.name!.endsWith('-web'))!;
        // The container that applies the migrations: the Job's, or with sqlite the web pod's init container.
        const job = s.postgres
          ? docs.find((d) => d.kind === 'Job')!.spec.template.spec.containers[0]
          : web.spec.template.spec.initContainers[0];
        const deployments = docs.filter((d) => d.kind === 'Deployment');
        assert.equal(deployments.length, s.celery ? 3 : 1);
        for (const d of deployments) {
          const gates = d.spec.template.spec.initContainers;
          if (!s.postgres && d === web) {
            assert.deepEqual(
              gates.map((g: { name: string; args: string[] }) => [g.name, g.args.slice(-2)]),
              [['migrate', ['migrate', '--noinput']]],
            );
            continue;
          }
          assert.equal(gates.length, 1, d.metadata!.name);
          const gate = gates[0];
          assert.equal(gate.name, 'wait-for-migrations');
          const [shell, flag, script] = gate.args as string[];
          assert.deepEqual([shell, flag], ['sh', '-c']);
          const manage = s.appDir === '.' ? 'manage.py' : `${s.appDir}/manage.py`;
          assert.match(
            script!,
            new RegExp(`^until python ${manage.replace('.', '\\.')} migrate --check; do .*sleep 5; done$`),
          );
          // The same image, settings, secrets and folder as the Job that applies the migrations.
          for (const key of ['image', 'envFrom', 'env', 'workingDir', 'securityContext'])
            assert.deepEqual(gate[key], job[key], `${d.metadata!.name}: ${key}`);
        }
      });

      it('the deploy folder builds once secrets.env exists and swaps the placeholders for its values', () => {
        for (const env of ENVS) {
          const dir = join(cwd, `k8s/deploy/${env}`);
          assert.throws(
            () => kustomizeBuild(kubectl, dir),
            /secrets\.env/,
            'no secrets.env: nothing to deploy',
          );
          const example = readFileSync(join(dir, 'secrets.env.example'), 'utf8');
          const real = Object.fromEntries(
            Object.keys(parseEnvFile(example)).map((k) => [k, `real-${k.length}-x`]),
          );
          writeFileSync(
            join(dir, 'secrets.env'),
            Object.entries(real)
              .map(([k, v]) => `${k}=${v}\n`)
              .join(''),
          );
          const docs = kustomizeBuild(kubectl, dir);
          const secretObj = docs.find((d) => d.kind === 'Secret')!;
          assert.equal(
            secretObj.stringData,
            undefined,
            'no placeholder stringData left to override the data',
          );
          const decoded = Object.fromEntries(
            Object.entries(secretObj.data as Record<string, string>).map(([k, v]) => [
              k,
              Buffer.from(v, 'base64').toString(),
            ]),
          );
          assert.deepEqual(decoded, real);
          assert.equal(secretObj.metadata!.namespace, `${s.namespace}-${env}`);
          const envFile = parseEnvFile(readFileSync(join(cwd, `env.${env}`), 'utf8'));
          const x = { ...expectations(s, envFile, 1), secretPlaceholders: real };
          assert.deepEqual(checklistFindings(docs, x), []);
        }
      });

      it('the ConfigMap and Secret have hashed names from kustomize generators: a changed setting renames them and changes every pod template', () => {
        const dir = join(cwd, 'k8s/overlays/production');
        const docs = kustomizeBuild(kubectl, dir);
        const named = (kind: string): string => docs.find((d) => d.kind === kind)!.metadata!.name!;
        assert.match(named('ConfigMap'), /^shop-config-[a-z0-9]{10}$/);
        assert.match(named('Secret'), /^shop-secrets-[a-z0-9]{10}$/);
        const refs = (objs: K8sObject[]): string[] =>
          objs
            .filter((d) => ['Deployment', 'Job'].includes(d.kind))
            .flatMap((d) => [
              ...d.spec.template.spec.containers,
              ...(d.spec.template.spec.initContainers ?? []),
            ])
            .flatMap((c: { envFrom: { configMapRef: { name: string } }[] }) =>
              c.envFrom.map((e) => e.configMapRef.name),
            );
        assert.ok(refs(docs).length >= 1 && refs(docs).every((r) => r === named('ConfigMap')));
        const file = join(dir, 'kustomization.yaml');
        const original = readFileSync(file, 'utf8');
        try {
          writeFileSync(file, original.replace('DJANGO_LOG_LEVEL=INFO', 'DJANGO_LOG_LEVEL=DEBUG'));
          const changed = kustomizeBuild(kubectl, dir);
          const renamed = changed.find((d) => d.kind === 'ConfigMap')!.metadata!.name!;
          assert.notEqual(renamed, named('ConfigMap'));
          assert.ok(
            refs(changed).every((r) => r === renamed),
            'every pod template follows the new name',
          );
        } finally {
          writeFileSync(file, original);
        }
      });
    });
  }

  describe('the migrate Job is named after the release`s image tag, so each release applies a new Job', () => {
    const jobName = (docs: K8sObject[]): string => docs.find((d) => d.kind === 'Job')!.metadata!.name!;
    const withImages = (cwd: string, images: object[]): K8sObject[] => {
      const file = join(cwd, 'k8s/overlays/production/kustomization.yaml');
      const doc = parseDocument(readFileSync(file, 'utf8'));
      doc.set('images', images);
      writeFileSync(file, doc.toString());
      return kustomizeBuild(kubectl, join(cwd, 'k8s/overlays/production'));
    };

    it('the placeholder tag, a tag set by `kustomize edit set image`, and a tag pinned by digest (as CI deploys)', async () => {
      const { cwd } = await runGenerator('k8s', { options: { yes: true, 'project-name': 'shop' } });
      const repo = 'ghcr.io/example/shop';
      assert.equal(
        jobName(kustomizeBuild(kubectl, join(cwd, 'k8s/overlays/production'))),
        'shop-migrate-sha-0000000',
      );
      assert.equal(
        jobName(withImages(cwd, [{ name: repo, newTag: 'sha-1a2b3c4' }])),
        'shop-migrate-sha-1a2b3c4',
      );
      const digest = `sha256:${'ab'.repeat(32)}`;
      // `kustomize edit set image "$IMAGE=$IMAGE:$TAG@$DIGEST"` writes newName with the tag, and the digest.
      const pinned = withImages(cwd, [{ name: repo, newName: `${repo}:sha-9f8e7d6`, digest }]);
      assert.equal(jobName(pinned), 'shop-migrate-sha-9f8e7d6');
      const job = pinned.find((d) => d.kind === 'Job')!;
      assert.equal(job.spec.template.spec.containers[0].image, `${repo}:sha-9f8e7d6@${digest}`);
      // The label the README waits on stays.
      assert.equal(job.metadata!.labels!['app.kubernetes.io/component'], 'migrate');
      assert.deepEqual(schemaFindings(job), []);
    });

    it('a registry with a port and a project name with a dash', async () => {
      const image = 'registry.example:5000/team/my-shop';
      const { cwd } = await runGenerator('k8s', { options: { yes: true, 'project-name': 'my-shop', image } });
      assert.equal(jobName(withImages(cwd, [{ name: image, newTag: 'v1.2.3' }])), 'my-shop-migrate-v1.2.3');
    });
  });

  it('without PostgreSQL: the sqlite file on a PersistentVolumeClaim, one web pod replaced on update, no HPA, and the Celery pods on its node', async () => {
    const options = { yes: true, 'project-name': 'shop', postgres: false, celery: true, redis: true };
    const { cwd } = await runGenerator('env', { options });
    await runGenerator('k8s', { cwd, options });
    const s = await settingsFor(options);
    assert.equal(existsSync(join(cwd, 'k8s/base/hpa.yaml')), false);
    assert.equal(existsSync(join(cwd, 'k8s/base/migrate-job.yaml')), false);
    for (const env of ENVS) {
      const docs = kustomizeBuild(kubectl, join(cwd, `k8s/overlays/${env}`));
      const envFile = parseEnvFile(readFileSync(join(cwd, `env.${env}`), 'utf8'));
      const x = expectations(s, envFile, 1);
      assert.deepEqual(checklistFindings(docs, x), [], env);
      const pvc = docs.find((d) => d.kind === 'PersistentVolumeClaim')!;
      assert.deepEqual(pvc.spec.accessModes, ['ReadWriteOnce']);
      assert.equal(docs.find((d) => d.kind === 'ConfigMap')!.data.DJANGO_SQLITE_PATH, '/data/db.sqlite3');
      for (const d of docs.filter((o) => o.kind === 'Deployment'))
        for (const c of [...d.spec.template.spec.containers, ...d.spec.template.spec.initContainers])
          assert.deepEqual(
            c.volumeMounts.find((v: { mountPath: string }) => v.mountPath === '/data'),
            { name: 'data', mountPath: '/data' },
            `${d.metadata!.name}/${c.name}`,
          );
      // The same checks refuse a second writer.
      const web = docs.find((d) => d.kind === 'Deployment' && d.metadata!.name === 'shop-web')!;
      const broken = structuredClone(docs);
      const brokenWeb = broken.find((d) => d.kind === 'Deployment' && d.metadata!.name === 'shop-web')!;
      brokenWeb.spec.replicas = 2;
      brokenWeb.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } };
      delete broken.find((d) => d.metadata!.name === 'shop-worker')!.spec.template.spec.affinity;
      const findings = checklistFindings(broken, x).join('\n');
      assert.match(findings, /sqlite: replicas 2, not 1/);
      assert.match(findings, /sqlite: strategy is not Recreate/);
      assert.match(findings, /shop-worker: sqlite: not bound to the web pod's node/);
      assert.equal(web.spec.replicas, 1);
    }
  });

  it('secrets.env is gitignored and secrets.env.example is not', async () => {
    const { cwd } = await runGenerator('env', { options: { yes: true } });
    await runGenerator('k8s', { cwd, options: { yes: true } });
    execFileSync('git', ['init', '-q'], { cwd });
    const ignored = (path: string): boolean => {
      try {
        execFileSync('git', ['check-ignore', '-q', path], { cwd });
        return true;
      } catch {
        return false;
      }
    };
    assert.equal(ignored('k8s/deploy/production/secrets.env'), true);
    assert.equal(ignored('k8s/deploy/production/secrets.env.example'), false);
    assert.equal(ignored('k8s/overlays/production/kustomization.yaml'), false);
  });

  it('staging runs half the production replicas through the HPA alone, and its PDB still makes sense', async () => {
    const options = { yes: true, replicas: '7', celery: true, redis: true };
    const { cwd } = await runGenerator('k8s', { options });
    const build = (dir: string): K8sObject[] => kustomizeBuild(kubectl, join(cwd, dir));
    const of = (docs: K8sObject[], kind: string, component?: string): K8sObject =>
      docs.find(
        (d) =>
          d.kind === kind &&
          (!component || d.metadata?.labels?.['app.kubernetes.io/component'] === component),
      )!;
    const [base, staging, production] = ['k8s/base', ...ENVS.map((e) => `k8s/overlays/${e}`)].map(build);
    // The HPA scales web: no replicas in the base, nor after an overlay's replicas transformer.
    for (const docs of [base!, staging!, production!])
      assert.equal(of(docs, 'Deployment', 'web').spec.replicas, undefined);
    assert.deepEqual(
      [staging!, production!].map((d) => [
        of(d, 'HorizontalPodAutoscaler').spec.minReplicas,
        of(d, 'HorizontalPodAutoscaler').spec.maxReplicas,
      ]),
      [
        [3, 7],
        [7, 14],
      ],
    );
    // No HPA scales the worker: its count is fixed per environment.
    assert.deepEqual(
      [staging!, production!].map((d) => of(d, 'Deployment', 'worker').spec.replicas),
      [3, 7],
    );
    assert.equal(of(staging!, 'PodDisruptionBudget').spec.maxUnavailable, 1);
  });

  describe('the checks catch broken manifests', () => {
    let docs: K8sObject[];
    let x: Expectations;
    before(async () => {
      const all = { yes: true, 'project-name': 'shop' };
      const { cwd } = await runGenerator('env', { options: all });
      await runGenerator('k8s', { cwd, options: all });
      docs = kustomizeBuild(kubectl, join(cwd, 'k8s/overlays/production'));
      const envFile = parseEnvFile(readFileSync(join(cwd, 'env.production'), 'utf8'));
      x = expectations(await settingsFor(all), envFile, 2);
      assert.deepEqual(checklistFindings(docs, x), []);
    });

    const broken: [string, (d: K8sObject[]) => void, RegExp][] = [
      [
        'a misspelled field',
        (d) => (web(d).securityContext.readOnlyRootFilesytem = true),
        /readOnlyRootFilesytem: unknown field/,
      ],
      ['a wrong type', (d) => (web(d).imagePullPolicy = 'Sometimes'), /imagePullPolicy/],
    ];
    const rules: [string, (d: K8sObject[]) => void, RegExp][] = [
      [
        'writable root filesystem',
        (d) => delete web(d).securityContext.readOnlyRootFilesystem,
        /root filesystem is writable/,
      ],
      ['root user', (d) => (pod(d).securityContext.runAsUser = 0), /runAsUser is not a numeric id >= 10000/],
      // Pod Security Standards "restricted", per container: the container's own value beats the pod's.
      [
        'a container that runs as root under a non-root pod',
        (d) => (web(d).securityContext.runAsUser = 0),
        /container app: runAsUser 0 is not a numeric id >= 10000 \(container over pod\)/,
      ],
      [
        'a container that may run as root',
        (d) => (web(d).securityContext.runAsNonRoot = false),
        /container app: runAsNonRoot is not true/,
      ],
      [
        'a container in the root group',
        (d) => (web(d).securityContext.runAsGroup = 0),
        /container app: runAsGroup 0 is not a numeric id >= 10000/,
      ],
      [
        'a container without seccomp',
        (d) => (web(d).securityContext.seccompProfile = { type: 'Unconfined' }),
        /container app: seccompProfile Unconfined is not RuntimeDefault/,
      ],
      [
        'an unmasked /proc',
        (d) => (web(d).securityContext.procMount = 'Unmasked'),
        /container app: procMount Unmasked is not Default/,
      ],
      [
        'a container with an SELinux type of the host',
        (d) => (web(d).securityContext.seLinuxOptions = { type: 'spc_t' }),
        /container app: seLinuxOptions\.type spc_t/,
      ],
      [
        'a pod with an SELinux user',
        (d) => (pod(d).securityContext.seLinuxOptions = { user: 'system_u' }),
        /pod securityContext: seLinuxOptions\.user is set/,
      ],
      [
        'a container without AppArmor',
        (d) => (web(d).securityContext.appArmorProfile = { type: 'Unconfined' }),
        /container app: appArmorProfile Unconfined/,
      ],
      [
        'an AppArmor annotation that turns it off',
        (d) =>
          (deployment(d).spec.template.metadata.annotations = {
            'container.apparmor.security.beta.kubernetes.io/app': 'unconfined',
          }),
        /annotation container\.apparmor\.security\.beta\.kubernetes\.io\/app: unconfined/,
      ],
      [
        'a Windows host process',
        (d) => (web(d).securityContext.windowsOptions = { hostProcess: true }),
        /container app: windowsOptions\.hostProcess is true/,
      ],
      [
        'an unsafe sysctl',
        (d) => (pod(d).securityContext.sysctls = [{ name: 'kernel.msgmax', value: '65536' }]),
        /pod sysctl kernel\.msgmax is not in the safe set/,
      ],
      [
        'an init container that runs as root',
        (d) =>
          (pod(d).initContainers = [
            {
              ...structuredClone(web(d)),
              name: 'setup',
              securityContext: { ...web(d).securityContext, runAsUser: 0 },
            },
          ]),
        /container setup: runAsUser 0/,
      ],
      [
        'a host path volume',
        (d) => pod(d).volumes.push({ name: 'host', hostPath: { path: '/' } }),
        /volume host/,
      ],
      ['capabilities kept', (d) => (web(d).securityContext.capabilities.drop = []), /drop ALL/],
      [
        'no ephemeral-storage limit',
        (d) => delete web(d).resources.limits['ephemeral-storage'],
        /no ephemeral-storage limits/,
      ],
      ['latest tag', (d) => (web(d).image = 'x/y:latest'), /"latest"/],
      ['implicit pull policy', (d) => delete web(d).imagePullPolicy, /imagePullPolicy/],
      [
        'identical probes',
        (d) => (web(d).livenessProbe = structuredClone(web(d).readinessProbe)),
        /identical/,
      ],
      [
        'a Host Django rejects',
        (d) => (web(d).readinessProbe.httpGet.httpHeaders[0].value = 'evil.example'),
        /Host header evil/,
      ],
      ['a wrong health path', (d) => (web(d).livenessProbe.httpGet.path = '/'), /livenessProbe path/],
      ['token mounted', (d) => (pod(d).automountServiceAccountToken = true), /token/],
      [
        'one replica in production',
        (d) => (kind(d, 'HorizontalPodAutoscaler').spec.minReplicas = 1),
        /replicas below 2/,
      ],
      [
        'replicas on a Deployment the HPA scales',
        (d) => (deployment(d).spec.replicas = 2),
        /Deployment\/shop-web: sets replicas \(2\) although HorizontalPodAutoscaler\/shop-web scales it/,
      ],
      ['no spread', (d) => delete pod(d).topologySpreadConstraints, /topology spread/],
      ['recreate strategy', (d) => (deployment(d).spec.strategy = { type: 'Recreate' }), /rolling update/],
      [
        'short grace period',
        (d) => (pod(d).terminationGracePeriodSeconds = 30),
        /terminationGracePeriodSeconds/,
      ],
      [
        'selector mismatch',
        (d) => (kind(d, 'Service').spec.selector['app.kubernetes.io/component'] = 'x'),
        /no Deployment is selected/,
      ],
      [
        'Service on another port',
        (d) => (kind(d, 'Service').spec.ports[0].targetPort = 9999),
        /does not target container port/,
      ],
      [
        'Ingress elsewhere',
        (d) => (kind(d, 'Ingress').spec.rules[0].http.paths[0].backend.service.name = 'x'),
        /backend x/,
      ],
      ['Ingress without TLS', (d) => delete kind(d, 'Ingress').spec.tls, /no TLS/],
      [
        'a real secret',
        (d) => (kind(d, 'Secret').data.DJANGO_SECRET_KEY = Buffer.from('hunter2').toString('base64')),
        /real secret/,
      ],
      [
        'a literal secret env',
        (d) => (web(d).env[1] = { name: 'DJANGO_SECRET_KEY', value: 'x' }),
        /not from a secretKeyRef/,
      ],
      [
        'Job without ttl',
        (d) => delete kind(d, 'Job').spec.ttlSecondsAfterFinished,
        /ttlSecondsAfterFinished/,
      ],
      ['Job without backoffLimit', (d) => delete kind(d, 'Job').spec.backoffLimit, /backoffLimit/],
      [
        'a migrate Job with the same name in every release',
        (d) => (kind(d, 'Job').metadata!.name = 'shop-migrate'),
        /Job\/shop-migrate: name does not end in its image tag \(sha-0000000\)/,
      ],
      [
        'a ConfigMap written as a manifest (no hash: a changed setting does not roll the pods)',
        (d) => {
          const name = kind(d, 'ConfigMap').metadata!.name;
          kind(d, 'ConfigMap').metadata!.name = 'shop-config';
          for (const o of d.filter((x) => x.kind === 'Deployment' || x.kind === 'Job'))
            for (const c of [
              ...o.spec.template.spec.containers,
              ...(o.spec.template.spec.initContainers ?? []),
            ])
              for (const e of c.envFrom)
                if (e.configMapRef?.name === name) e.configMapRef.name = 'shop-config';
        },
        /ConfigMap\/shop-config: name has no content hash/,
      ],
      ['no PDB', (d) => d.splice(d.indexOf(kind(d, 'PodDisruptionBudget')), 1), /no PodDisruptionBudget/],
      ['no NetworkPolicy', (d) => d.splice(d.indexOf(kind(d, 'NetworkPolicy')), 1), /no NetworkPolicy/],
      ['open NetworkPolicy', (d) => (kind(d, 'NetworkPolicy').spec.ingress[0].from = []), /from anywhere/],
      ['no egress to the database', (d) => kind(d, 'NetworkPolicy').spec.egress.pop(), /egress to port 5432/],
    ];
    const kind = (d: K8sObject[], k: string): K8sObject => d.find((o) => o.kind === k)!;
    const deployment = (d: K8sObject[]): K8sObject => kind(d, 'Deployment');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const pod = (d: K8sObject[]): any => deployment(d).spec.template.spec;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const web = (d: K8sObject[]): any => pod(d).containers[0];

    for (const [what, breakIt, finding] of broken) {
      it(`the schema check reports ${what}`, () => {
        const copy = structuredClone(docs);
        breakIt(copy);
        assert.match(schemaFindings(deployment(copy)).join('\n'), finding);
      });
    }
    it('a container that leaves its user to the pod runs as the pod`s user: no finding', () => {
      const copy = structuredClone(docs);
      for (const key of ['runAsUser', 'runAsGroup', 'runAsNonRoot', 'seccompProfile'])
        delete web(copy).securityContext[key];
      assert.deepEqual(checklistFindings(copy, x), []);
      // ...and takes the pod's root user with it.
      pod(copy).securityContext.runAsUser = 0;
      assert.match(checklistFindings(copy, x).join('\n'), /container app: runAsUser 0/);
    });
    for (const [what, breakIt, finding] of rules) {
      it(`the checklist reports ${what}`, () => {
        const copy = structuredClone(docs);
        breakIt(copy);
        assert.match(checklistFindings(copy, x).join('\n'), finding);
      });
    }
  });

  describe('bad values are rejected with the flag named, and nothing is written', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ 'k8s-namespace': 'Bad_NS' }, /--k8s-namespace: /],
      [{ 'k8s-namespace': 'kube-system' }, /--k8s-namespace: .*system namespace/],
      [{ 'k8s-namespace': 'a'.repeat(53) }, /--k8s-namespace: .*at most 52/],
      [{ 'ingress-host': 'not a host' }, /--ingress-host: /],
      [{ 'ingress-host': '*.example.com' }, /--ingress-host: .*wildcard/],
      [{ replicas: '1' }, /--replicas: .*from 2 to 50/],
      [{ 'cpu-request': '2', 'cpu-limit': '1' }, /--cpu-request: .*above the limit/],
      [{ 'memory-limit': 'lots' }, /--memory-limit: /],
      [{ image: 'Example/App:latest' }, /--image: /],
      [{ tls: 'maybe' }, /--tls: /],
    ];
    for (const [options, message] of cases) {
      it(`${JSON.stringify(options)}`, async () => {
        const cwd = mkdtempSync(join(tmpdir(), 'py-docker-'));
        writeFileSync(join(cwd, 'keep.txt'), 'x');
        const error = await runExpectingError('k8s', { cwd, options: { yes: true, ...options } });
        assert.match(error.message, message);
        assert.deepEqual(Object.keys(snapshotFolder(cwd)), ['keep.txt']);
      });
    }

    it('and the folder stays as it was', async () => {
      const { cwd } = await runGenerator('env', { options: { yes: true } });
      const before = snapshotFolder(cwd);
      await runExpectingError('k8s', { cwd, options: { yes: true, 'ingress-host': '*.example.com' } });
      await runExpectingError('k8s', { cwd, options: { yes: true, replicas: '0' } });
      assert.deepEqual(snapshotFolder(cwd), before);
      assert.equal(existsSync(join(cwd, 'k8s')), false);
    });
  });

  it('the README section names folders, labels and files that the generated manifests really have', async () => {
    const options = { yes: true, 'project-name': 'shop', celery: true, redis: true, tls: 'secret' };
    const { cwd } = await runGenerator('k8s', { options });
    const s = await settingsFor(options);
    const template = join(DIST, 'generators/k8s/templates/readme.md.ejs');
    const text = ejs.render(readFileSync(template, 'utf8'), { m: buildModel(s), s }, { filename: template });
    const paths = [...text.matchAll(/\bk8s\/[a-z/]+[a-z](?:\.[a-z]+)*/g)].map((p) => p[0]);
    assert.ok(paths.length > 5);
    for (const path of paths)
      if (!path.endsWith('/secrets.env')) assert.ok(existsSync(join(cwd, path)), `${path} exists`);
    const docs = kustomizeBuild(kubectl, join(cwd, 'k8s/overlays/production'));
    for (const [, key, value] of text.matchAll(/-l (app\.kubernetes\.io\/[a-z-]+)=([a-z0-9-]+)/g))
      assert.ok(
        docs.some((d) => d.metadata?.labels?.[key!] === value),
        `an object is labelled ${key}=${value}`,
      );
    assert.match(text, /create secret tls shop-tls/);
    assert.ok(docs.some((d) => d.kind === 'Ingress' && d.spec.tls[0].secretName === 'shop-tls'));
    assert.doesNotMatch(text, /undefined|NaN|\[object/);
  });

  it('a re-run with the same answers leaves every file identical', async () => {
    const options = { yes: true, celery: true, redis: true };
    const { cwd } = await runGenerator('k8s', { options });
    const before = snapshotFolder(cwd);
    await runGenerator('k8s', { cwd, options: { yes: true } });
    assert.deepEqual(snapshotFolder(cwd), before);
    // And the stored answers are what the second run used.
    assert.ok(existsSync(join(cwd, 'k8s/base/worker.yaml')));
    const kustomization = parseDocument(
      readFileSync(join(cwd, 'k8s/base/kustomization.yaml'), 'utf8'),
    ).toJS();
    assert.ok(kustomization.resources.includes('worker.yaml'));
  });

  it('turning Celery off removes the worker and beat manifests it generated', async () => {
    const { cwd } = await runGenerator('k8s', { options: { yes: true, celery: true, redis: true } });
    await runGenerator('k8s', { cwd, options: { yes: true, celery: false } });
    assert.equal(existsSync(join(cwd, 'k8s/base/worker.yaml')), false);
    kustomizeBuild(kubectl, join(cwd, 'k8s/overlays/production'));
    copyFileSync(
      join(cwd, 'k8s/deploy/staging/secrets.env.example'),
      join(cwd, 'k8s/deploy/staging/secrets.env'),
    );
    assert.ok(kustomizeBuild(kubectl, join(cwd, 'k8s/deploy/staging')).some((d) => d.kind === 'Secret'));
  });
});
