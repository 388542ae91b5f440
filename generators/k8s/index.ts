import { PyDockerGenerator, type PyDockerOptions } from '../../lib/base-generator.js';
import { k8sFiles } from '../../lib/k8s.js';

/** `yo py-docker:k8s`: kustomize base, staging/production overlays and their secret wrappers. */
export default class K8sGenerator extends PyDockerGenerator {
  constructor(args: string[], options: PyDockerOptions) {
    super(args, options, 'k8s');
  }

  override async initializing(): Promise<void> {
    await super.initializing();
    this.checkHost();
  }

  override async prompting(): Promise<void> {
    await super.prompting();
    this.checkHost();
  }

  /** A wildcard host cannot be probed, prefixed with "staging." or served as one ALLOWED_HOSTS entry. */
  private checkHost(): void {
    if (this.settings.ingressHost.startsWith('*.')) {
      throw new Error(
        `--ingress-host: ${JSON.stringify(this.settings.ingressHost)} is a wildcard; allowed: one plain host name for the Kubernetes ingress, e.g. app.example.com`,
      );
    }
  }

  writing(): void {
    for (const file of k8sFiles(this.model)) this.writeGenerated(file.path, file.content);
  }
}
