import { randomBytes } from 'node:crypto';
import { LOCK_FILE } from '../../lib/run-lock.js';
import { PyDockerGenerator, type PyDockerOptions } from '../../lib/base-generator.js';
import { renderEnvFile, localEnvValues } from './env-files.js';
import { gitTracks } from '../../lib/git-tracked.js';
import { isIgnored, mergeLines, parseIgnore, SECRET_FILES } from '../../lib/ignore-files.js';

/**
 * `yo py-docker:env`: `.env` (local secrets, written once), `.env.example` and one file per environment.
 * A `.env` that git tracks is never written: the secrets go to a gitignored file of their own.
 */
export default class EnvGenerator extends PyDockerGenerator {
  constructor(args: string[], options: PyDockerOptions) {
    super(args, options, 'env');
  }

  writing(): void {
    const m = this.model;
    const uid = typeof process.getuid === 'function' ? process.getuid() : 1000;
    const gid = typeof process.getgid === 'function' ? process.getgid() : 1000;
    const values = localEnvValues(m, (n) => randomBytes(n), { uid, gid });
    // Never replaced once it exists (it holds this machine's real secrets); it only gains what it lacks.
    if (m.secretsFile === '.env')
      this.writeGenerated('.env', renderEnvFile(m, 'local', values), { secrets: true });
    else {
      this.checkSecretsFileUntracked(m.secretsFile);
      this.writeGenerated(m.secretsFile, renderEnvFile(m, 'secrets', values), { secrets: true });
      if (this.secretsFile.reason) this.log.info(this.secretsFile.reason);
    }
    this.writeGenerated('.env.example', renderEnvFile(m, 'example'));
    for (const environment of ['development', 'staging', 'production'] as const) {
      this.writeGenerated(`env.${environment}`, renderEnvFile(m, environment));
    }
    const gitignore = this.readMerged('.gitignore') ?? '';
    // A .env the project commits is theirs to commit: only the file holding the secrets is ignored.
    const secretLines =
      m.secretsFile === '.env' ? SECRET_FILES : [...SECRET_FILES.filter((l) => l !== '.env'), m.secretsFile];
    const merged = mergeLines(gitignore, [
      ...secretLines,
      '__pycache__/',
      '*.py[cod]',
      '.venv/',
      'node_modules/',
      'staticfiles/',
      ...(this.settings.frontend === 'npm' ? [`${this.settings.assetsDir}/`] : []),
      '*.py-docker-new',
      // A run's lock: only a killed run leaves it behind.
      LOCK_FILE,
    ]);
    if (m.secretsFile !== '.env') this.checkIgnored(merged, m.secretsFile);
    this.writeGenerated('.gitignore', merged, { merge: true });
  }

  /** The secrets file itself must not be tracked (a commit of an earlier copy): say how to untrack it. */
  private checkSecretsFileUntracked(file: string): void {
    if (gitTracks(this.destinationRoot(), file) === true)
      throw new Error(
        `${file}: is tracked by git, so its secrets would be committed; untrack it (git rm --cached ${file}) and run again`,
      );
  }

  /** A line of the user's `.gitignore` that lets the secrets file back in (`!.env*`) stops the run. */
  private checkIgnored(gitignore: string, file: string): void {
    if (isIgnored(parseIgnore(gitignore), file)) return;
    throw new Error(
      `.gitignore: a line puts ${file} back (an exception like "!${file}"), so its secrets could be committed; allowed: lines that keep ${file} ignored: remove that line`,
    );
  }
}
