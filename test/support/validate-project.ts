/**
 * One validation layer over a generated project folder: every check that exists for every artifact
 * present, plus the rules that tie the artifacts to each other and to the settings. It composes the
 * checks of the other support modules (dockerfile-rules, compose-check, k8s-check, workflow-check,
 * structure-test-schema) and never throws a tool's error away: a tool that fails, crashes or is missing
 * becomes a finding that carries the tool's own output. The checks of each artifact are in
 * test/support/validate/ (dockerfile, scripts, env, compose, k8s, workflow, devcontainer,
 * structure-test, secrets), the tool runner and its cache in validate/tool-runner.ts.
 *
 * Expensive external tools (Compose, kustomize, shellcheck, supervisor's parser) can be left out per
 * call (`external`), and their results are cached by the content of their inputs, so a folder whose
 * files were already checked is not checked twice. The in-process checks always run.
 */
import { composeChecks } from './validate/compose.js';
import { type Context, Project, parseEnvFile, storedSettings } from './validate/context.js';
import { devcontainerChecks } from './validate/devcontainer.js';
import { dockerfileChecks } from './validate/dockerfile.js';
import { envChecks } from './validate/env.js';
import { EXTERNAL_CHECKS, type Finding, type ValidateOptions } from './validate/findings.js';
import { k8sChecks } from './validate/k8s.js';
import { scriptChecks, supervisorChecks } from './validate/scripts.js';
import { secretChecks } from './validate/secrets.js';
import { structureTestChecks } from './validate/structure-test.js';
import { guarded } from './validate/tool-runner.js';
import { workflowChecks } from './validate/workflow.js';

export {
  EXTERNAL_CHECKS,
  formatFindings,
  type ExternalCheck,
  type Finding,
  type ValidateOptions,
} from './validate/findings.js';
export { parseEnvFile } from './validate/context.js';
export { alpineDriverFindings } from './validate/dockerfile.js';
export { runBatch, type Job } from './validate/tool-runner.js';

/** Every check for every artifact in `dir`; [] when the folder passes them all. */
export async function validateProject(dir: string, options: ValidateOptions = {}): Promise<Finding[]> {
  const p = new Project(dir);
  const s = options.settings ?? storedSettings(p);
  if (!s)
    return [{ artifact: '.yo-rc.json', check: 'settings', message: 'no settings given and none stored' }];
  const example = parseEnvFile(p.read('.env.example') ?? '');
  const ctx: Context = {
    p,
    s,
    external: options.external ?? new Set(EXTERNAL_CHECKS),
    catalogue: new Set(Object.keys(example)),
    secretKeys: new Set(
      Object.entries(example)
        .filter(([, v]) => v.startsWith('change-me-'))
        .map(([k]) => k),
    ),
  };
  // The Dockerfile first: the structure tests are compared with what it says.
  const docker = await guarded('Dockerfile', 'dockerfile', () => dockerfileChecks(ctx));
  const k8s = guarded('k8s/', 'kubernetes', async () => {
    const r = await k8sChecks(ctx);
    return [
      ...r.findings,
      ...(await guarded('docker/supervisord.conf', 'supervisor', () => supervisorChecks(ctx, r.webArgs))),
    ];
  });
  const results = await Promise.all([
    k8s,
    guarded('docker/*.sh', 'scripts', () => scriptChecks(ctx)),
    guarded('docker-compose*.yml', 'compose', () => composeChecks(ctx)),
    guarded('.github/', 'workflows', () => workflowChecks(ctx)),
    guarded('.env*', 'env', () => envChecks(ctx)),
    guarded('.devcontainer/devcontainer.json', 'devcontainer', () => devcontainerChecks(ctx)),
    guarded('container-structure-test.yaml', 'structure-test', () => structureTestChecks(ctx)),
    guarded('(all files)', 'secrets', () => secretChecks(ctx)),
  ]);
  return [...docker, ...results.flat()];
}
