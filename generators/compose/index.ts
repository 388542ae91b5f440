import { PyDockerGenerator, type PyDockerOptions } from '../../lib/base-generator.js';
import { composeYaml } from '../../lib/compose-file.js';
import { baseCompose } from './base.js';
import { overrideCompose } from './override.js';
import { prodCompose } from './prod.js';

/** npm scripts that keep rebuilding on change, in the order detection (lib/detect.ts) prefers them. */
const WATCH_SCRIPTS = ['watch', 'dev', 'start'];

/** `yo py-docker:compose`: docker-compose.yml, docker-compose.override.yml, docker-compose.prod.yml. */
export default class ComposeGenerator extends PyDockerGenerator {
  constructor(args: string[], options: PyDockerOptions) {
    super(args, options, 'compose');
  }

  /**
   * package.json as this run sees it (the starter `app` writes in the same run included), so the
   * first run and every re-run pick the same script: a watch script, else the build script (run once).
   */
  private watchScript(nodeDir: string): string {
    const path = this.destinationPath(nodeDir === '.' ? 'package.json' : `${nodeDir}/package.json`);
    const pkg = this.fs.readJSON(path, {}) as { scripts?: Record<string, unknown> };
    const scripts = pkg.scripts ?? {};
    return (
      this.detection.node?.watchScript ??
      WATCH_SCRIPTS.find((name) => typeof scripts[name] === 'string') ??
      this.settings.buildScript
    );
  }

  writing(): void {
    const m = this.model;
    const nodeDir = this.detection.node?.dir ?? '.';
    this.writeGenerated('docker-compose.yml', composeYaml(baseCompose(m)));
    this.writeGenerated(
      'docker-compose.override.yml',
      composeYaml(overrideCompose(m, { nodeDir, watchScript: this.watchScript(nodeDir) })),
    );
    this.writeGenerated('docker-compose.prod.yml', composeYaml(prodCompose(m)));
  }
}
