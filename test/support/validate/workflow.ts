/**
 * The GitHub Actions workflow and Dependabot configuration.
 */
import { PINNED_ACTIONS } from '../../../generators/ci/actions.js';
import {
  actionlintFindings,
  checklistFindings as workflowChecklistFindings,
  dependabotFindings,
  imagePipelineFindings,
  pinFindings,
  runEnvFindings,
  shellcheckFindings as workflowShellcheckFindings,
  type Finding as WorkflowFinding,
} from '../workflow-check.js';
import { COMPOSE } from './compose.js';
import { type Context, type Obj, asObj, yamlDocs } from './context.js';
import { type Finding } from './findings.js';
import { cached, guarded, tool } from './tool-runner.js';

export async function workflowChecks(ctx: Context): Promise<Finding[]> {
  const { p, s } = ctx;
  const out: Finding[] = [];
  const wrap = (artifact: string, findings: WorkflowFinding[]): Finding[] =>
    findings.map((f) => ({ artifact, check: f.rule, message: f.message }));
  const workflows = p.files.filter((f) => /^\.github\/workflows\/[^/]+\.ya?ml$/.test(f));
  for (const file of workflows) {
    const src = p.read(file)!;
    out.push(
      ...(await guarded(file, 'actionlint', async () => wrap(file, await actionlintFindings(src, file)))),
    );
    out.push(
      ...(await guarded(file, 'workflow-rules', () =>
        wrap(file, [
          ...workflowChecklistFindings(src),
          ...pinFindings(src, PINNED_ACTIONS),
          ...runEnvFindings(src),
          ...imagePipelineFindings(src, {
            testCompose: COMPOSE.test,
            testsService: 'tests',
            structureTests: 'container-structure-test.yaml',
          }),
        ]),
      )),
    );
    out.push(...(await guarded(file, 'consistency', () => workflowConsistency(ctx, file, src))));
    if (ctx.external.has('workflow-shellcheck')) {
      const shellcheck = tool('shellcheck', file, out);
      if (shellcheck)
        out.push(
          ...(await cached('workflow-shellcheck', [src], () =>
            guarded(file, 'shellcheck', () => wrap(file, workflowShellcheckFindings(src, shellcheck))),
          )),
        );
    }
  }
  const dependabot = p.read('.github/dependabot.yml');
  if (dependabot !== undefined) {
    const ecosystems = ['docker', 'github-actions', s.pythonDeps === 'uv' ? 'uv' : 'pip', 'npm'];
    out.push(
      ...(await guarded('.github/dependabot.yml', 'dependabot', () =>
        wrap('.github/dependabot.yml', dependabotFindings(dependabot, ecosystems)),
      )),
    );
  }
  return out;
}

function workflowConsistency(ctx: Context, file: string, src: string): Finding[] {
  const { p, s } = ctx;
  const out: Finding[] = [];
  const add = (check: string, message: string): void => void out.push({ artifact: file, check, message });
  const doc = asObj(yamlDocs(file, src, out)[0]);
  const steps = Object.values(asObj(doc.jobs)).flatMap(
    (job) => (asObj(job).steps as Obj[] | undefined) ?? [],
  );
  const using = (name: string): Obj[] => steps.filter((st) => String(st.uses ?? '').startsWith(`${name}@`));
  for (const meta of using('docker/metadata-action'))
    if (asObj(meta.with).images !== s.imageRepository)
      add(
        'consistency:image',
        `docker/metadata-action images ${String(asObj(meta.with).images)}, not --image ${s.imageRepository}`,
      );
  for (const login of using('docker/login-action'))
    if (asObj(login.with).registry !== s.registry)
      add(
        'consistency:image',
        `docker/login-action registry ${String(asObj(login.with).registry)}, not --registry ${s.registry}`,
      );
  for (const build of using('docker/build-push-action')) {
    const w = asObj(build.with);
    if (w.push === true && w.platforms !== s.platforms)
      add('consistency:platforms', `pushes ${String(w.platforms)}, not --platforms ${s.platforms}`);
    if (w.load === true && w.tags !== `${s.projectName}:test`)
      add(
        'consistency:image',
        `the image under test is ${String(w.tags)}, not ${s.projectName}:test (docker-compose.test.yml)`,
      );
  }
  for (const needed of [COMPOSE.test, 'container-structure-test.yaml', 'Dockerfile'])
    if (src.includes(needed) && !p.has(needed))
      add('consistency:files', `uses ${needed}, which the project does not have`);
  return out;
}
