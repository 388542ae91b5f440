/** The workflow syntax the ci part writes, as types, and the step builders (pinned actions with their version comments). */
import { isScalar, visit, type Document, type Pair } from 'yaml';
import { ACTIONS, pinOf, usesRef, type ActionKey } from './actions.js';

// ---------------------------------------------------------------------------------------------------
// Typed model (the subset of the workflow syntax we write)

export type PermissionScope =
  | 'actions'
  | 'attestations'
  | 'checks'
  | 'contents'
  | 'deployments'
  | 'id-token'
  | 'issues'
  | 'packages'
  | 'pages'
  | 'pull-requests'
  | 'security-events'
  | 'statuses';
export type Permissions = Partial<Record<PermissionScope, 'read' | 'write' | 'none'>>;

type Scalar = string | number | boolean;

interface StepBase {
  name: string;
  id?: string;
  if?: string;
  'working-directory'?: string;
  env?: Record<string, string>;
}
export interface RunStep extends StepBase {
  run: string;
  shell?: 'bash' | 'sh';
}
export interface UsesStep extends StepBase {
  uses: string;
  with?: Record<string, Scalar>;
}
export type Step = RunStep | UsesStep;

export interface Job {
  name: string;
  needs?: string[];
  if?: string;
  'runs-on': string;
  container?: { image: string };
  environment?: { name: string };
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  permissions: Permissions;
  'timeout-minutes': number;
  strategy?: { 'fail-fast': boolean; matrix: Record<string, Scalar[]> };
  env?: Record<string, string>;
  outputs?: Record<string, string>;
  steps: Step[];
}

export interface Workflow {
  name: string;
  on: {
    pull_request?: { branches?: string[] };
    push?: { branches?: string[]; tags?: string[] };
    workflow_dispatch?: Record<string, never>;
  };
  permissions: Permissions;
  concurrency: { group: string; 'cancel-in-progress': boolean | string };
  jobs: Record<string, Job>;
}

// ---------------------------------------------------------------------------------------------------
// Builders

/** A step running a pinned action from generators/ci/actions.ts. */
export function action(key: ActionKey, step: Omit<UsesStep, 'uses'>): UsesStep {
  const { name, id, if: condition, ...rest } = step;
  return {
    name,
    ...(id ? { id } : {}),
    ...(condition ? { if: condition } : {}),
    uses: usesRef(ACTIONS[key]),
    ...rest,
  };
}

/** A shell step; multi-line scripts end with a newline so they serialize as a plain `|` block. */
export function run(
  name: string,
  script: string | string[],
  extra: Omit<RunStep, 'name' | 'run'> = {},
): RunStep {
  const text = Array.isArray(script) ? `${script.join('\n')}\n` : script;
  const { id, if: condition, ...rest } = extra;
  return { name, ...(id ? { id } : {}), ...(condition ? { if: condition } : {}), ...rest, run: text };
}

/** Checkout without leaving the token in .git/config for later steps (zizmor artipacked). */
export const checkout = (): UsesStep =>
  action('checkout', { name: 'Check out the repository', with: { 'persist-credentials': false } });

/**
 * What a workflow (or any file holding `uses:` values) adds when written by lib/yaml.ts: the `# vX.Y.Z`
 * comment of every pinned action, and a blank line between jobs and top sections.
 */
export function pinComments(doc: Document): void {
  visit(doc, {
    Pair(_key, pair: Pair) {
      if (!isScalar(pair.key) || pair.key.value !== 'uses' || !isScalar(pair.value)) return;
      const pin = pinOf(String(pair.value.value));
      if (!pin) throw new Error(`workflow: ${String(pair.value.value)} is not in generators/ci/actions.ts`);
      pair.value.comment = ` ${pin.version}`;
    },
  });
  const jobs = doc.get('jobs', true);
  if (jobs && typeof jobs === 'object' && 'items' in jobs) {
    (jobs as { items: Pair[] }).items.forEach((pair, i) => {
      if (i > 0 && isScalar(pair.key)) pair.key.spaceBefore = true;
    });
  }
  for (const key of ['permissions', 'concurrency', 'jobs']) {
    const pair = (doc.contents as unknown as { items: Pair[] }).items.find(
      (p) => isScalar(p.key) && p.key.value === key,
    );
    if (pair && isScalar(pair.key)) pair.key.spaceBefore = true;
  }
}
