/**
 * Celery beat schedulers, counted over what really runs: every compose service and Kubernetes workload,
 * times its replicas, and inside any container that runs supervisord, its programs. Two schedulers send
 * every periodic task twice, so the count must be exactly one with Celery and zero without.
 */
import type { K8sObject } from './k8s-check.js';

// Parsed compose and Kubernetes data, walked field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

/**
 * A process line: `celery ... beat`, or a worker with an embedded scheduler (`-B`, `--beat`); also
 * through watchfiles (development), which runs `celery.__main__.main` with its `--args` line.
 */
export function runsBeat(argv: readonly string[]): boolean {
  const at = argv.indexOf('--args');
  if (argv[0] === 'watchfiles' && argv.includes('celery.__main__.main') && at > 0)
    return runsBeat(['celery', ...(argv[at + 1] ?? '').split(/\s+/)]);
  return argv.includes('celery') && argv.some((a) => a === 'beat' || a === '-B' || a === '--beat');
}

/** Beat processes among supervisord programs (argv lists, as supervisord splits them). */
export const beatsIn = (programs: readonly { argv: readonly string[] }[]): number =>
  programs.filter((p) => runsBeat(p.argv)).length;

/** What one container runs: beat itself, or supervisord with its programs' beats. */
function beatsOf(argv: readonly string[], supervisordBeats: number): number {
  if (runsBeat(argv)) return 1;
  return argv.some((a) => a === 'supervisord' || a.endsWith('/supervisord')) ? supervisordBeats : 0;
}

export interface BeatContext {
  /** The app image's CMD: what a container runs that sets no command of its own. */
  imageCmd: readonly string[];
  /** Images built from the project (their containers fall back to imageCmd). */
  isAppImage: (image: string | undefined) => boolean;
  /** Beat programs in docker/supervisord.conf (0 without one). */
  supervisordBeats: number;
}

/** Beats per compose service of a merged model (`docker compose config --format json`). */
export function composeBeats(merged: { services: Record<string, Any> }, x: BeatContext): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, svc] of Object.entries(merged.services)) {
    const argv: string[] = svc.command ?? (x.isAppImage(svc.image) ? x.imageCmd : []);
    const replicas: number = svc.deploy?.replicas ?? svc.scale ?? 1;
    const beats = beatsOf(argv, x.supervisordBeats) * replicas;
    if (beats > 0) out.set(name, beats);
  }
  return out;
}

/**
 * Beats per Kubernetes workload of a build. A Deployment an HPA scales counts at the HPA's maximum;
 * `args` replaces the image's CMD, `command` its ENTRYPOINT and CMD.
 */
export function k8sBeats(docs: readonly K8sObject[], x: BeatContext): Map<string, number> {
  const out = new Map<string, number>();
  const hpaMax = (w: K8sObject): number | undefined =>
    docs.find(
      (h) =>
        h.kind === 'HorizontalPodAutoscaler' &&
        h.spec?.scaleTargetRef?.kind === w.kind &&
        h.spec.scaleTargetRef.name === w.metadata?.name,
    )?.spec?.maxReplicas;
  for (const w of docs) {
    const pod = w.spec?.template?.spec ?? w.spec?.jobTemplate?.spec?.template?.spec;
    if (!pod) continue;
    const replicas: number =
      w.kind === 'Deployment' || w.kind === 'StatefulSet' ? (hpaMax(w) ?? w.spec.replicas ?? 1) : 1;
    let beats = 0;
    for (const c of pod.containers ?? []) {
      const argv: string[] = c.command
        ? [...c.command, ...(c.args ?? [])]
        : (c.args ?? (x.isAppImage(c.image) ? x.imageCmd : []));
      beats += beatsOf(argv, x.supervisordBeats);
    }
    if (beats * replicas > 0) out.set(`${w.kind}/${w.metadata?.name}`, beats * replicas);
  }
  return out;
}

/** The finding when a count is not the one wanted; undefined when it is. */
export function beatFinding(counts: Map<string, number>, celery: boolean): string | undefined {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const want = celery ? 1 : 0;
  if (total === want) return undefined;
  const where = [...counts].map(([k, n]) => `${k} ×${n}`).join(', ') || 'none';
  return `${total} Celery beat schedulers (${where}), expected ${want}`;
}

/** `[program:x]` sections and their `command=` lines, split on whitespace (the generated commands are plain). */
export function supervisordPrograms(text: string): { name: string; argv: string[] }[] {
  const programs: { name: string; argv: string[] }[] = [];
  let current: { name: string; argv: string[] } | undefined;
  for (const line of text.split('\n')) {
    const section = /^\[program:([^\]]+)\]/.exec(line);
    if (section) programs.push((current = { name: section[1]!, argv: [] }));
    else if (/^\[/.test(line)) current = undefined;
    else if (current && /^command\s*=/.test(line))
      current.argv = line
        .replace(/^command\s*=\s*/, '')
        .split(/\s+/)
        .filter(Boolean);
  }
  return programs;
}
