/**
 * Validation of Kubernetes manifests, reusable by every test that generates them. Each check returns
 * findings (strings naming the object and the rule) instead of asserting, so a test can show them all.
 *
 * - `schemaFindings`: the kubernetes-models validator (types, enums, required fields) plus a walk over
 *   the object against the model's TypeScript declarations, which the validator does not do: every key
 *   must be a field the Kubernetes API knows (a misspelled `readOnlyRootFilesytem` passes the validator).
 * - `kustomizeBuild`: `kubectl kustomize` of a folder, parsed strictly.
 * - `checklistFindings`: the "Kubernetes" rules of checklist.md over a build's output.
 */
import { readinessPathOf } from '../../lib/model.js';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';

/** Parsed YAML: any shape, checked field by field below. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

/** A Kubernetes object as parsed from YAML. */
export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; [k: string]: Any };
  [k: string]: Any;
};

interface KindInfo {
  /** Module of kubernetes-models declaring the interface, and the interface's name. */
  module: string;
  iface: string;
  validate: (obj: K8sObject) => void;
}

const model =
  (Model: new (data: never) => { validate(): void }) =>
  (obj: K8sObject): void =>
    new Model(obj as never).validate();

const KINDS: Record<string, KindInfo> = {
  'apps/v1/Deployment': { module: 'apps/v1/Deployment', iface: 'IDeployment', validate: model(Deployment) },
  'batch/v1/Job': { module: 'batch/v1/Job', iface: 'IJob', validate: model(Job) },
  'autoscaling/v2/HorizontalPodAutoscaler': {
    module: 'autoscaling/v2/HorizontalPodAutoscaler',
    iface: 'IHorizontalPodAutoscaler',
    validate: model(HorizontalPodAutoscaler),
  },
  'networking.k8s.io/v1/Ingress': {
    module: 'networking.k8s.io/v1/Ingress',
    iface: 'IIngress',
    validate: model(Ingress),
  },
  'networking.k8s.io/v1/NetworkPolicy': {
    module: 'networking.k8s.io/v1/NetworkPolicy',
    iface: 'INetworkPolicy',
    validate: model(NetworkPolicy),
  },
  'policy/v1/PodDisruptionBudget': {
    module: 'policy/v1/PodDisruptionBudget',
    iface: 'IPodDisruptionBudget',
    validate: model(PodDisruptionBudget),
  },
  'v1/ConfigMap': { module: 'v1/ConfigMap', iface: 'IConfigMap', validate: model(ConfigMap) },
  'v1/Secret': { module: 'v1/Secret', iface: 'ISecret', validate: model(Secret) },
  'v1/PersistentVolumeClaim': {
    module: 'v1/PersistentVolumeClaim',
    iface: 'IPersistentVolumeClaim',
    validate: model(PersistentVolumeClaim),
  },
  'v1/Service': { module: 'v1/Service', iface: 'IService', validate: model(Service) },
  'v1/ServiceAccount': {
    module: 'v1/ServiceAccount',
    iface: 'IServiceAccount',
    validate: model(ServiceAccount),
  },
};

const kindKey = (obj: K8sObject): string => `${obj.apiVersion}/${obj.kind}`;
export const objectName = (obj: K8sObject): string => `${obj.kind}/${obj.metadata?.name ?? '?'}`;

// ---------------------------------------------------------------------------------------------------
// Unknown keys: the declarations of kubernetes-models, read with the TypeScript compiler (once).

let declarations: { checker: ts.TypeChecker; types: Map<string, ts.Type> } | undefined;

function loadDeclarations(): { checker: ts.TypeChecker; types: Map<string, ts.Type> } {
  if (declarations) return declarations;
  const pkg = createRequire(import.meta.url).resolve('kubernetes-models/package.json');
  // A virtual module beside node_modules that names every interface; resolution follows the package's exports.
  const root = join(dirname(dirname(dirname(pkg))), '__k8s_declarations__.ts');
  const entries = Object.entries(KINDS);
  const source = [
    ...entries.map(([, k], i) => `import type { ${k.iface} as T${i} } from 'kubernetes-models/${k.module}';`),
    `export interface All { ${entries.map((_e, i) => `t${i}: T${i};`).join(' ')} }`,
  ].join('\n');
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (name, version, ...rest) =>
    name === root ? ts.createSourceFile(name, source, version) : getSourceFile(name, version, ...rest);
  host.fileExists = (name) => name === root || fileExists(name);
  const program = ts.createProgram([root], options, host);
  const problems = ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  if (problems.length > 0)
    throw new Error(`kubernetes-models declarations did not load: ${problems.join('; ')}`);
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(root)!;
  const all = checker.getExportsOfModule(checker.getSymbolAtLocation(file)!).find((s) => s.name === 'All')!;
  const allType = checker.getDeclaredTypeOfSymbol(all);
  const types = new Map<string, ts.Type>();
  entries.forEach(([key], i) => types.set(key, checker.getTypeOfSymbol(allType.getProperty(`t${i}`)!)));
  declarations = { checker, types };
  return declarations;
}

function unknownKeys(value: unknown, type: ts.Type, path: string, out: string[]): void {
  const { checker } = loadDeclarations();
  if (value === null || value === undefined) return;
  const t = checker.getNonNullableType(type);
  const parts = t.isUnion() ? t.types : [t];
  if (Array.isArray(value)) {
    const element = parts
      .filter((p) => checker.isArrayType(p))
      .map((p) => checker.getTypeArguments(p as ts.TypeReference)[0]!)[0];
    if (!element) {
      out.push(`${path}: a list where the API expects ${checker.typeToString(t)}`);
      return;
    }
    value.forEach((item, i) => unknownKeys(item, element, `${path}[${i}]`, out));
    return;
  }
  if (typeof value !== 'object') return;
  const objects = parts.filter((p) => p.flags & ts.TypeFlags.Object && !checker.isArrayType(p));
  if (objects.length === 0) {
    out.push(`${path}: an object where the API expects ${checker.typeToString(t)}`);
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    const prop = objects.map((o) => o.getProperty(key)).find(Boolean);
    const index = objects.map((o) => checker.getIndexInfoOfType(o, ts.IndexKind.String)).find(Boolean);
    if (prop) unknownKeys(child, checker.getTypeOfSymbol(prop), `${path}.${key}`, out);
    else if (index) unknownKeys(child, index.type, `${path}.${key}`, out);
    else out.push(`${path}.${key}: unknown field`);
  }
}

/** kubernetes-models validation and unknown keys of one object; [] when it is valid. */
export function schemaFindings(obj: K8sObject): string[] {
  const info = KINDS[kindKey(obj)];
  if (!info) return [`${objectName(obj)}: ${kindKey(obj)} is not a kind these checks know`];
  const out: string[] = [];
  try {
    info.validate(obj);
  } catch (error) {
    out.push(`${objectName(obj)}: ${(error as Error).message}`);
  }
  const keys: string[] = [];
  unknownKeys(obj, loadDeclarations().types.get(kindKey(obj))!, '', keys);
  return [...out, ...keys.map((k) => `${objectName(obj)}: ${k.replace(/^\./, '')}`)];
}

// ---------------------------------------------------------------------------------------------------
// YAML and kustomize

/** All documents of a YAML text, parsed strictly (duplicate keys are errors). */
export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text, { uniqueKeys: true, strict: true })
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('; '));
      return doc.toJS() as K8sObject | null;
    })
    .filter((doc): doc is K8sObject => doc !== null);
}

/** `kubectl kustomize DIR`, parsed; throws with kustomize's message when the build fails. */
export function kustomizeBuild(kubectl: string, dir: string): K8sObject[] {
  const out = execFileSync(kubectl, ['kustomize', dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return parseManifests(out);
}

// ---------------------------------------------------------------------------------------------------
// checklist.md "Kubernetes", over the output of a build

export interface Expectations {
  /** Host the environment serves (ingress rule, probe Host header). */
  host: string;
  /** DJANGO_ALLOWED_HOSTS of the environment: the probe Host header must be one of them. */
  allowedHosts: string[];
  healthPath: string;
  port: number;
  tls: 'none' | 'secret' | 'cert-manager';
  tlsIssuer: string;
  ingressClass: string;
  /** Minimum replicas of the web Deployment (2 in production). */
  minReplicas: number;
  /** gunicorn's graceful timeout: terminationGracePeriodSeconds must be above it. */
  gracefulTimeout: number;
  /** Secret values allowed in the output (the placeholders); anything else is a leaked secret. */
  secretPlaceholders: Record<string, string>;
  /** Ports the app needs to reach (DNS 53 is always expected). */
  egressPorts: number[];
  /**
   * The database is a sqlite file (no PostgreSQL): one web replica replaced on update (Recreate), no
   * HPA, the file on a PersistentVolumeClaim that every app pod mounts on the web pod's node.
   */
  sqlite?: boolean;
}

const POD_KINDS = new Set(['Deployment', 'Job', 'StatefulSet', 'DaemonSet']);
const SAFE_VOLUMES = ['configMap', 'secret', 'emptyDir', 'projected', 'persistentVolumeClaim', 'downwardAPI'];

/*
 * Pod Security Standards "restricted" (which includes "baseline"),
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/. A field that both the pod's and
 * a container's securityContext have is the container's when it sets it: a pod that runs as 10001 with
 * a container that sets runAsUser 0 runs that container as root, and a restricted namespace refuses it.
 */
const INHERITED = ['runAsNonRoot', 'runAsUser', 'runAsGroup', 'seccompProfile'];
const pick = (o: Any, keys: string[]): Any =>
  Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
/** Sysctls the baseline profile allows. */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);
const SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];
const APPARMOR_ANNOTATION = /^(runtime\/default|localhost\/.+)$/;

/** Fields each level (pod or container securityContext) is checked on by itself. */
function levelFindings(sc: Any): string[] {
  const out: string[] = [];
  if (sc.windowsOptions?.hostProcess === true) out.push('windowsOptions.hostProcess is true');
  const se = sc.seLinuxOptions ?? {};
  if (se.type !== undefined && !SELINUX_TYPES.includes(se.type))
    out.push(`seLinuxOptions.type ${se.type} is not one of the container types`);
  for (const key of ['user', 'role'])
    if (se[key] !== undefined && se[key] !== '') out.push(`seLinuxOptions.${key} is set`);
  const appArmor = sc.appArmorProfile?.type;
  if (appArmor !== undefined && appArmor !== 'RuntimeDefault' && appArmor !== 'Localhost')
    out.push(`appArmorProfile ${appArmor} is not RuntimeDefault or Localhost`);
  if (sc.seccompProfile?.type === 'Unconfined') out.push('seccompProfile is Unconfined');
  return out;
}

const matches = (
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean =>
  !!selector &&
  Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/** Claims a pod mounts: volume name -> claim name. */
const claimsOf = (w: K8sObject): Map<string, string> =>
  new Map(
    (w.spec?.template?.spec?.volumes ?? [])
      .filter((v: Any) => v.persistentVolumeClaim)
      .map((v: Any) => [v.name, v.persistentVolumeClaim.claimName]),
  );

/**
 * One writer of a sqlite file: the web Deployment runs exactly one pod, replaced (never rolled, never
 * autoscaled) on update; its claim exists; every other Deployment that mounts it is bound to the web
 * pod's node (a ReadWriteOnce volume attaches to one node).
 */
function sqliteFindings(
  docs: K8sObject[],
  web: K8sObject,
  fail: (obj: K8sObject, rule: string) => void,
): void {
  if (web.spec.replicas !== 1) fail(web, `sqlite: replicas ${web.spec.replicas}, not 1`);
  if (web.spec.strategy?.type !== 'Recreate') fail(web, 'sqlite: strategy is not Recreate');
  const claims = claimsOf(web);
  if (claims.size !== 1) {
    fail(web, 'sqlite: the web pod mounts no PersistentVolumeClaim');
    return;
  }
  const claim = [...claims.values()][0]!;
  const pvc = docs.find((d) => d.kind === 'PersistentVolumeClaim' && d.metadata?.name === claim);
  if (!pvc) fail(web, `sqlite: PersistentVolumeClaim ${claim} is missing`);
  const webLabels = web.spec.template.metadata.labels;
  for (const w of docs.filter((d) => POD_KINDS.has(d.kind) && d !== web)) {
    if (![...claimsOf(w).values()].includes(claim)) {
      fail(w, `sqlite: does not mount ${claim}, the database`);
      continue;
    }
    const together = (w.spec.template.spec.affinity?.podAffinity
      ?.requiredDuringSchedulingIgnoredDuringExecution ?? []) as Any[];
    if (
      !together.some(
        (a) => a.topologyKey === 'kubernetes.io/hostname' && matches(a.labelSelector?.matchLabels, webLabels),
      )
    )
      fail(w, `sqlite: not bound to the web pod's node, where ${claim} is attached`);
  }
  for (const hpa of docs.filter((d) => d.kind === 'HorizontalPodAutoscaler'))
    fail(hpa, 'sqlite: an autoscaler would start a second writer');
}

/** Every rule of checklist.md "Kubernetes" over the objects of one build; [] when all hold. */
export function checklistFindings(docs: K8sObject[], x: Expectations): string[] {
  const out: string[] = [];
  const fail = (obj: K8sObject, rule: string): void => void out.push(`${objectName(obj)}: ${rule}`);
  const of = (kind: string): K8sObject[] => docs.filter((d) => d.kind === kind);
  const workloads = docs.filter((d) => POD_KINDS.has(d.kind));
  const services = of('Service');
  const serviceAccounts = new Map(of('ServiceAccount').map((s) => [s.metadata!.name, s]));
  const secrets = new Map(of('Secret').map((s) => [s.metadata!.name, s]));
  const configMaps = new Map(of('ConfigMap').map((c) => [c.metadata!.name, c]));

  // An HPA owns the size of what it scales: a replicas field there resets it on every apply.
  const scalers = (w: K8sObject): K8sObject[] =>
    of('HorizontalPodAutoscaler').filter(
      (h) => h.spec?.scaleTargetRef?.kind === w.kind && h.spec.scaleTargetRef.name === w.metadata?.name,
    );
  for (const w of workloads)
    for (const hpa of scalers(w))
      if (w.spec?.replicas !== undefined)
        fail(w, `sets replicas (${w.spec.replicas}) although ${objectName(hpa)} scales it`);

  for (const w of workloads) {
    const pod: Any = w.spec?.template?.spec ?? {};
    const podLabels = w.spec?.template?.metadata?.labels;
    if (w.kind !== 'Job' && !matches(w.spec?.selector?.matchLabels, podLabels))
      fail(w, 'selector does not match the pod labels');
    for (const key of ['name', 'component', 'part-of', 'managed-by'])
      if (!podLabels?.[`app.kubernetes.io/${key}`]) fail(w, `pod label app.kubernetes.io/${key} missing`);
    // PSS restricted, pod level (the per-container values are checked below, container over pod)
    const psc = pod.securityContext ?? {};
    if (psc.runAsNonRoot !== true) fail(w, 'pod securityContext.runAsNonRoot is not true');
    for (const id of ['runAsUser', 'runAsGroup', 'fsGroup'])
      if (!(psc[id] >= 10000)) fail(w, `pod securityContext.${id} is not a numeric id >= 10000`);
    if (psc.seccompProfile?.type !== 'RuntimeDefault') fail(w, 'pod seccompProfile is not RuntimeDefault');
    for (const problem of levelFindings(psc)) fail(w, `pod securityContext: ${problem}`);
    for (const sysctl of psc.sysctls ?? [])
      if (!SAFE_SYSCTLS.has(sysctl.name)) fail(w, `pod sysctl ${sysctl.name} is not in the safe set`);
    if (pod.hostNetwork || pod.hostPID || pod.hostIPC) fail(w, 'uses a host namespace');
    for (const v of pod.volumes ?? [])
      if (!SAFE_VOLUMES.some((k) => k in v)) fail(w, `volume ${v.name} is not an allowed type`);
    for (const [key, value] of Object.entries(w.spec?.template?.metadata?.annotations ?? {}))
      if (
        key.startsWith('container.apparmor.security.beta.kubernetes.io/') &&
        !APPARMOR_ANNOTATION.test(String(value))
      )
        fail(w, `annotation ${key}: ${String(value)} is not runtime/default or localhost/*`);
    // own service account, no token
    if (pod.automountServiceAccountToken !== false) fail(w, 'pod mounts a service account token');
    const sa = serviceAccounts.get(pod.serviceAccountName);
    if (!sa) fail(w, `service account ${pod.serviceAccountName ?? '(default)'} is not one of its own`);
    else if (sa.automountServiceAccountToken !== false) fail(sa, 'automountServiceAccountToken is not false');
    if (!(pod.terminationGracePeriodSeconds > x.gracefulTimeout))
      fail(w, `terminationGracePeriodSeconds is not above gunicorn's graceful timeout ${x.gracefulTimeout}`);
    const writable = new Set<string>();
    const containers = [
      ...(pod.containers ?? []),
      ...(pod.initContainers ?? []),
      ...(pod.ephemeralContainers ?? []),
    ] as Any[];
    for (const c of containers) {
      const where = `container ${c.name}`;
      const sc = c.securityContext ?? {};
      // What the container runs with: its own value where it sets one, else the pod's.
      const effective: Any = { ...pick(psc, INHERITED), ...pick(sc, INHERITED) };
      if (effective.runAsNonRoot !== true) fail(w, `${where}: runAsNonRoot is not true (container over pod)`);
      for (const id of ['runAsUser', 'runAsGroup'])
        if (!(effective[id] >= 10000))
          fail(w, `${where}: ${id} ${effective[id]} is not a numeric id >= 10000 (container over pod)`);
      if (effective.seccompProfile?.type !== 'RuntimeDefault')
        fail(
          w,
          `${where}: seccompProfile ${effective.seccompProfile?.type} is not RuntimeDefault (container over pod)`,
        );
      for (const problem of levelFindings(sc)) fail(w, `${where}: ${problem}`);
      if (sc.procMount !== undefined && sc.procMount !== 'Default')
        fail(w, `${where}: procMount ${sc.procMount} is not Default`);
      if (sc.allowPrivilegeEscalation !== false) fail(w, `${where}: allowPrivilegeEscalation is not false`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) fail(w, `${where}: capabilities do not drop ALL`);
      if ((sc.capabilities?.add ?? []).length > 0) fail(w, `${where}: adds capabilities`);
      if (sc.privileged) fail(w, `${where}: privileged`);
      if (sc.readOnlyRootFilesystem !== true) fail(w, `${where}: root filesystem is writable`);
      for (const vm of c.volumeMounts ?? []) {
        const volume = (pod.volumes ?? []).find((v: Any) => v.name === vm.name);
        if (volume?.emptyDir) writable.add(vm.mountPath);
      }
      if (!writable.has('/tmp')) fail(w, `${where}: no emptyDir on /tmp`);
      for (const p of c.ports ?? []) if (p.hostPort) fail(w, `${where}: hostPort`);
      for (const kind of ['requests', 'limits'])
        for (const r of ['cpu', 'memory', 'ephemeral-storage'])
          if (!c.resources?.[kind]?.[r]) fail(w, `${where}: no ${r} ${kind}`);
      const [, tag] = /:([^/:@]+)$/.exec(c.image ?? '') ?? [];
      if (!tag || tag === 'latest') fail(w, `${where}: image ${c.image} has no tag or "latest"`);
      if (!['IfNotPresent', 'Always', 'Never'].includes(c.imagePullPolicy))
        fail(w, `${where}: no explicit imagePullPolicy`);
      for (const e of c.env ?? []) {
        if (e.name in x.secretPlaceholders && !e.valueFrom?.secretKeyRef)
          fail(w, `${where}: secret ${e.name} is not from a secretKeyRef`);
        const ref = e.valueFrom?.secretKeyRef;
        if (ref) {
          const s = secrets.get(ref.name);
          if (!s) fail(w, `${where}: ${e.name} refers to a missing Secret ${ref.name}`);
          else if (!(ref.key in (s.data ?? {})) && !(ref.key in (s.stringData ?? {})))
            fail(w, `${where}: ${e.name} refers to key ${ref.key} missing from Secret ${ref.name}`);
        }
      }
      for (const source of c.envFrom ?? []) {
        if (source.configMapRef && !configMaps.has(source.configMapRef.name))
          fail(w, `${where}: envFrom a missing ConfigMap ${source.configMapRef.name}`);
        if (source.secretRef) fail(w, `${where}: envFrom a Secret (use secretKeyRef per variable)`);
      }
    }
    if (w.kind === 'Job') {
      if (typeof w.spec?.ttlSecondsAfterFinished !== 'number') fail(w, 'Job has no ttlSecondsAfterFinished');
      if (typeof w.spec?.backoffLimit !== 'number') fail(w, 'Job has no backoffLimit');
      if (pod.restartPolicy !== 'Never' && pod.restartPolicy !== 'OnFailure') fail(w, 'Job restartPolicy');
    }
  }

  // The web Deployment: the one a Service selects.
  const webs = of('Deployment').filter((d) =>
    services.some((s) => matches(s.spec?.selector, d.spec?.template?.metadata?.labels)),
  );
  if (webs.length === 0) out.push('no Deployment is selected by a Service');
  for (const web of webs) {
    const pod: Any = web.spec.template.spec;
    const container: Any = (pod.containers as Any[]).find((c) => (c.ports ?? []).length > 0);
    if (!container) {
      fail(web, 'no container has a port');
      continue;
    }
    const portByName = new Map<string, number>(
      (container.ports as Any[]).map((p) => [p.name, p.containerPort]),
    );
    const resolve = (port: string | number): number | undefined =>
      typeof port === 'number' ? port : portByName.get(port);
    if (![...portByName.values()].includes(x.port)) fail(web, `no container port ${x.port}`);
    // The HPA sets the size of the web Deployment (the rule below keeps replicas out of it).
    const webHpa = scalers(web)[0];
    const webReplicas: number = webHpa?.spec?.minReplicas ?? web.spec.replicas ?? 1;
    const strategy = web.spec.strategy ?? {};
    if (x.sqlite) sqliteFindings(docs, web, fail);
    else {
      if (!(webReplicas >= x.minReplicas)) fail(web, `replicas below ${x.minReplicas}`);
      if (strategy.type !== 'RollingUpdate' || strategy.rollingUpdate?.maxUnavailable !== 0)
        fail(web, 'not a rolling update with maxUnavailable 0');
    }
    const keys = (pod.topologySpreadConstraints ?? [])
      .filter((t: Any) => matches(t.labelSelector?.matchLabels, web.spec.template.metadata.labels))
      .map((t: Any) => t.topologyKey);
    const antiAffinity = pod.affinity?.podAntiAffinity;
    if (!keys.includes('kubernetes.io/hostname') && !antiAffinity)
      fail(web, 'no topology spread or anti-affinity by host');
    if (!container.lifecycle?.preStop) fail(web, 'no preStop hook (endpoints drain before SIGTERM)');
    const probes = ['startupProbe', 'readinessProbe', 'livenessProbe'];
    for (const name of probes) {
      const probe = container[name];
      if (!probe) {
        fail(web, `no ${name}`);
        continue;
      }
      const get = probe.httpGet;
      if (!get) {
        fail(web, `${name} is not an HTTP check of the health view`);
        continue;
      }
      // Readiness also checks the database: the health middleware's readiness path.
      const want = name === 'readinessProbe' ? readinessPathOf(x.healthPath) : x.healthPath;
      if (get.path !== want) fail(web, `${name} path ${get.path} is not ${want}`);
      if (resolve(get.port) !== x.port) fail(web, `${name} port ${get.port} does not resolve to ${x.port}`);
      const host = (get.httpHeaders ?? []).find((h: Any) => h.name.toLowerCase() === 'host')?.value;
      if (!host || !x.allowedHosts.includes(host))
        fail(
          web,
          `${name} Host header ${host ?? '(none)'} is not in DJANGO_ALLOWED_HOSTS (${x.allowedHosts.join(',')})`,
        );
    }
    const strip = (p: Any): string => JSON.stringify({ ...p, httpGet: undefined });
    if (
      container.readinessProbe &&
      container.livenessProbe &&
      strip(container.readinessProbe) === strip(container.livenessProbe)
    )
      fail(web, 'readiness and liveness probes are identical');

    // Service -> pods, Ingress -> Service, PDB, HPA, NetworkPolicy
    const webLabels = web.spec.template.metadata.labels;
    const svc = services.find((s) => matches(s.spec?.selector, webLabels))!;
    for (const p of svc.spec.ports ?? [])
      if (resolve(p.targetPort ?? p.port) !== x.port)
        fail(svc, `port ${p.name ?? p.port} does not target container port ${x.port}`);
    const ingresses = of('Ingress');
    if (ingresses.length === 0) out.push('no Ingress');
    for (const ing of ingresses) {
      if (ing.spec?.ingressClassName !== x.ingressClass)
        fail(ing, `ingressClassName is not ${x.ingressClass}`);
      const rules = ing.spec?.rules ?? [];
      if (!rules.some((r: Any) => r.host === x.host)) fail(ing, `no rule for host ${x.host}`);
      for (const r of rules)
        for (const path of r.http?.paths ?? []) {
          const backend = path.backend?.service;
          if (backend?.name !== svc.metadata!.name)
            fail(ing, `backend ${backend?.name} is not Service ${svc.metadata!.name}`);
          const sp = (svc.spec.ports as Any[]).find(
            (p) => p.name === backend?.port?.name || p.port === backend?.port?.number,
          );
          if (!sp) fail(ing, `backend port ${JSON.stringify(backend?.port)} is not a port of the Service`);
        }
      const tls = ing.spec?.tls ?? [];
      if (x.tls === 'none') {
        if (tls.length > 0) fail(ing, 'has TLS although none was asked for');
      } else {
        if (!tls.some((t: Any) => (t.hosts ?? []).includes(x.host) && t.secretName))
          fail(ing, `no TLS for ${x.host} with a secretName`);
        const issuer = ing.metadata?.annotations?.['cert-manager.io/cluster-issuer'];
        if (x.tls === 'cert-manager' && issuer !== x.tlsIssuer)
          fail(ing, `cert-manager issuer is ${issuer}, not ${x.tlsIssuer}`);
        if (x.tls === 'secret' && issuer) fail(ing, 'cert-manager annotation with an existing TLS secret');
      }
    }
    const pdbs = of('PodDisruptionBudget').filter((p) => matches(p.spec?.selector?.matchLabels, webLabels));
    if (pdbs.length === 0) fail(web, 'no PodDisruptionBudget');
    for (const pdb of pdbs) {
      const replicas = webReplicas;
      if (
        pdb.spec.minAvailable !== undefined &&
        !(typeof pdb.spec.minAvailable === 'number' && pdb.spec.minAvailable < replicas)
      )
        fail(pdb, `minAvailable ${pdb.spec.minAvailable} blocks every eviction with ${replicas} replicas`);
      if (pdb.spec.maxUnavailable !== undefined && !(pdb.spec.maxUnavailable >= 1))
        fail(pdb, 'maxUnavailable below 1');
    }
    const hpas = scalers(web);
    if (hpas.length === 0 && !x.sqlite) fail(web, 'no HorizontalPodAutoscaler');
    for (const hpa of hpas) {
      if (!(hpa.spec.maxReplicas > hpa.spec.minReplicas)) fail(hpa, 'maxReplicas leaves no room to scale');
      if (!(hpa.spec.metrics ?? []).some((m: Any) => m.resource?.name === 'cpu'))
        fail(hpa, 'does not scale on CPU');
    }
    const policies = of('NetworkPolicy').filter((n) => matches(n.spec?.podSelector?.matchLabels, webLabels));
    if (policies.length === 0) fail(web, 'no NetworkPolicy selects the web pods');
    for (const np of policies) {
      const types: string[] = np.spec.policyTypes ?? [];
      if (!types.includes('Ingress') || !types.includes('Egress'))
        fail(np, 'does not restrict both ingress and egress');
      for (const rule of np.spec.ingress ?? []) {
        if (
          !(rule.from ?? []).length ||
          rule.from.some((f: Any) => !f.namespaceSelector?.matchLabels && !f.podSelector)
        )
          fail(np, 'admits traffic from anywhere');
        for (const p of rule.ports ?? [])
          if (resolve(p.port) !== x.port) fail(np, `admits port ${p.port}, not the app port`);
        if (!(rule.ports ?? []).length) fail(np, 'admits every port');
      }
      const egress = (np.spec.egress ?? []).flatMap((r: Any) =>
        (r.ports ?? [{ port: 'any' }]).map((p: Any) => p.port),
      );
      for (const port of [53, ...x.egressPorts])
        if (!egress.includes(port)) fail(np, `no egress to port ${port}`);
      if (egress.includes('any')) fail(np, 'allows egress to every port');
    }
  }

  // kustomize generators name ConfigMaps and Secrets after a hash of their values: a changed value is a
  // new name in the pod templates, so the pods roll.
  for (const obj of [...configMaps.values(), ...secrets.values()])
    if (!/-[a-z0-9]{10}$/.test(obj.metadata!.name!))
      fail(obj, 'name has no content hash (kustomize generator): a changed value would not roll the pods');
  // Jobs are immutable: each release's migrate Job needs its own name, the tag of its image.
  for (const job of of('Job')) {
    const image: string = job.spec?.template?.spec?.containers?.[0]?.image ?? '';
    const tag = image.replace(/@.*$/, '').split('/').pop()!.split(':')[1];
    if (!tag || !job.metadata!.name!.endsWith(`-${tag}`))
      fail(
        job,
        `name does not end in its image tag (${tag ?? 'none'}): the next release's apply hits the immutable Job`,
      );
  }
  for (const s of secrets.values()) {
    const values: Record<string, string> = {
      ...Object.fromEntries(
        Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(String(v), 'base64').toString()]),
      ),
      ...(s.stringData ?? {}),
    };
    for (const [k, v] of Object.entries(values))
      if (x.secretPlaceholders[k] !== v)
        fail(s, `${k} is not its placeholder: a real secret in the manifests`);
  }
  return out;
}
