import { PyDockerGenerator, type PyDockerOptions } from '../../lib/base-generator.js';
import { k8sFiles } from './manifests.js';

/** `yo py-docker:k8s`: kustomize base, staging/production overlays and their secret wrappers. */
export default class K8sGenerator extends PyDockerGenerator {
  constructor(args: string[], options: PyDockerOptions) {
    super(args, options, 'k8s');
  }

  writing(): void {
    for (const file of k8sFiles(this.model)) this.writeGenerated(file.path, file.content);
  }
}
