import chalk from 'chalk';
import { PyDockerGenerator, type PyDockerOptions } from '../../lib/base-generator.js';
import { dockerBuildWorkflowYaml } from './workflow.js';
import { dirOf } from '../../lib/paths.js';
import { SECRETS_FILE, WORKFLOW_PATH } from '../../lib/names.js';
import { DEPENDABOT_PATH, DEPLOY_ENVIRONMENT, PIPELINE_INPUTS, registryProblem } from './test-jobs.js';
import { dependabotYaml, type ManifestDirs } from './dependabot.js';

/**
 * `yo py-docker:ci`: the GitHub Actions image pipeline (.github/workflows/docker-build.yml) and the
 * Dependabot configuration that keeps its pins, base images and packages fresh.
 */
export default class CiGenerator extends PyDockerGenerator {
  constructor(args: string[], options: PyDockerOptions) {
    super(args, options, 'ci');
  }

  /** Logging in to one registry and pushing to another fails only in CI: refuse it now. */
  protected override checkResolved(): void {
    super.checkResolved();
    const problem = registryProblem(this.model);
    if (problem) throw new Error(`--registry: ${problem}`);
  }

  /** Where Dependabot finds the Python and npm manifests (detected; the root by default). */
  private manifestDirs(): ManifestDirs {
    const s = this.settings;
    const deps = this.detection.pythonDeps;
    return {
      python:
        s.pythonDeps === 'requirements'
          ? dirOf(s.requirementsFile)
          : deps.kind === s.pythonDeps && deps.file
            ? dirOf(deps.file)
            : '.',
      npm: this.detection.node?.dir ?? '.',
    };
  }

  writing(): void {
    const m = this.model;
    this.writeGenerated(WORKFLOW_PATH, dockerBuildWorkflowYaml(m));
    this.writeGenerated(DEPENDABOT_PATH, dependabotYaml(m, this.manifestDirs()));
    const missing = this.inputs().filter((path) => !this.fs.exists(this.destinationPath(path)));
    // A held-back workflow sits beside held-back inputs: the summary says how to adopt them all.
    if (missing.length > 0 && !this.heldBack) {
      this.log(
        `${chalk.yellow('warning')} ${WORKFLOW_PATH} runs ${missing.join(', ')}, which this project does not have yet: ` +
          'generate them with `yo py-docker` (or the docker, testing and k8s parts).',
      );
    }
  }

  /** Files of the other parts that the workflow needs. */
  private inputs(): string[] {
    return [
      ...Object.values(PIPELINE_INPUTS),
      ...(this.settings.deployJob
        ? [
            `k8s/overlays/${DEPLOY_ENVIRONMENT}/kustomization.yaml`,
            `k8s/deploy/${DEPLOY_ENVIRONMENT}/kustomization.yaml`,
            `k8s/deploy/${DEPLOY_ENVIRONMENT}/${SECRETS_FILE}.example`,
          ]
        : []),
    ];
  }
}
