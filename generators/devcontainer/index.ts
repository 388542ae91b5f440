import { PyDockerGenerator, type PyDockerOptions } from '../../lib/base-generator.js';
import { commandLine } from '../../lib/commands.js';
import { dependencyFiles } from '../../lib/compose.js';
import { devContainer, POST_CREATE, POST_START } from './devcontainer.js';
import { LOCKFILES } from '../../lib/package-manager.js';
import { pytestInstalled } from '../../lib/requirements.js';

/** `yo py-docker:devcontainer`: .devcontainer/devcontainer.json and its two scripts. */
export default class DevcontainerGenerator extends PyDockerGenerator {
  constructor(args: string[], options: PyDockerOptions) {
    super(args, options, 'devcontainer');
  }

  writing(): void {
    const m = this.model;
    const nodeDir = this.detection.node?.dir ?? '.';
    const read = (path: string): string | undefined =>
      this.fs.exists(this.destinationPath(path)) ? this.fs.read(this.destinationPath(path)) : undefined;
    const config = devContainer(m, { nodeDir, pytest: pytestInstalled(m, read) });
    this.writeGenerated('.devcontainer/devcontainer.json', `${JSON.stringify(config, null, 2)}\n`);
    const reqFiles = m.s.pythonDeps === 'requirements' ? dependencyFiles(m) : [];
    this.writeGenerated(
      POST_CREATE,
      this.render('post-create.sh.ejs', {
        reqFiles,
        lockfile:
          nodeDir === '.' ? LOCKFILES[m.s.packageManager] : `${nodeDir}/${LOCKFILES[m.s.packageManager]}`,
        // Shell-quoted when needed: the folder names come from the project.
        q: (word: string) => commandLine([word]),
      }),
      {
        executable: true,
      },
    );
    this.writeGenerated(
      POST_START,
      this.render('post-start.sh.ejs', { q: (word: string) => commandLine([word]) }),
      {
        executable: true,
      },
    );
  }
}
