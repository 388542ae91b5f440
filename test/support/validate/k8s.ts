/**
 * The Kubernetes manifests as written (schema, agreement with the other files) and as kustomize builds
 * them.
 */
import { serversFor } from '../../../lib/services/index.js';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GRACEFUL_TIMEOUT_S, readinessPathOf } from '../../../lib/model.js';
import {
  checklistFindings as k8sChecklistFindings,
  parseManifests,
  schemaFindings,
  type Expectations,
  type K8sObject,
} from '../k8s-check.js';
import { beatFinding, k8sBeats } from '../beat-count.js';
import { beatContext } from './compose.js';
import { type Any, type Context, parseEnvFile, yamlDocs } from './context.js';
import { type Finding } from './findings.js';
import { type ToolResult, cached, runBatch, tool, toolOutput } from './tool-runner.js';

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
    egressPorts: serversFor(s).map((x) => x.port),
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

export async function k8sChecks(ctx: Context): Promise<{ findings: Finding[]; webArgs?: string[] }> {
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
