import { randomBytes } from 'node:crypto';
import { LOCK_FILE } from '../../lib/run-lock.js';
import { PyDockerGenerator, type PyDockerOptions } from '../../lib/base-generator.js';
import { renderEnvFile, localEnvValues } from '../../lib/env-files.js';
import { mergeLines, SECRET_FILES } from '../../lib/ignore-files.js';

/** `yo py-docker:env`: `.env` (local secrets, written once), `.env.example` and one file per environment. */
export default class EnvGenerator extends PyDockerGenerator {
  constructor(args: string[], options: PyDockerOptions) {
    super(args, options, 'env');
  }

  writing(): void {
    const m = this.model;
    const uid = typeof process.getuid === 'function' ? process.getuid() : 1000;
    const gid = typeof process.getgid === 'function' ? process.getgid() : 1000;
    // Never replaced once it exists (it holds this machine's real secrets); it only gains what it lacks.
    this.writeGenerated(
      '.env',
      renderEnvFile(
        m,
        'local',
        localEnvValues(m, (n) => randomBytes(n), { uid, gid }),
      ),
      { secrets: true },
    );
    this.writeGenerated('.env.example', renderEnvFile(m, 'example'));
    for (const environment of ['development', 'staging', 'production'] as const) {
      this.writeGenerated(`env.${environment}`, renderEnvFile(m, environment));
    }
    const gitignore = this.readMerged('.gitignore') ?? '';
    this.writeGenerated(
      '.gitignore',
      mergeLines(gitignore, [
        ...SECRET_FILES,
        '__pycache__/',
        '*.py[cod]',
        '.venv/',
        'node_modules/',
        'staticfiles/',
        ...(this.settings.frontend === 'npm' ? [`${this.settings.assetsDir}/`] : []),
        '*.py-docker-new',
        // A run's lock: only a killed run leaves it behind.
        LOCK_FILE,
      ]),
      { merge: true },
    );
  }
}
