import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PyDockerGenerator, type PyDockerOptions } from '../../lib/base-generator.js';
import { verify } from './verify.js';
import { formatTable, type StepResult } from '../../lib/verify-report.js';
import { spawnRunner, type VerifyOptions } from './runner.js';
import { plainProgress, terminalProgress } from './progress.js';

/**
 * `yo py-docker:verify`: checks the generated setup for real with your Docker and prints a table of
 * steps. Writes nothing; exits non-zero when a step fails.
 */
export default class VerifyGenerator extends PyDockerGenerator {
  /** The steps of the last run, for programs that compose this generator (and the end-to-end tests). */
  results: StepResult[] = [];

  constructor(args: string[], options: PyDockerOptions) {
    super(args, options, 'verify');
    this.option('skip-build', { type: Boolean, description: 'Use images built before; skip both builds' });
    this.option('skip-tests', {
      type: Boolean,
      description: 'Skip the test suite (docker-compose.test.yml)',
    });
    this.option('keep-up', {
      type: Boolean,
      description: 'Leave the production stack running for debugging',
    });
    this.option('health-timeout', {
      type: String,
      description: 'Seconds to wait for healthy services (default: 120)',
    });
    this.option('build-arg', {
      type: String,
      description: 'KEY=VALUE build argument for every build, comma-separated (e.g. PIP_INDEX_URL=...)',
    });
    this.option('build-network', {
      type: String,
      description: 'Network for builds, e.g. host (default: Docker’s)',
    });
  }

  override async initializing(): Promise<void> {
    const missing = [
      'docker-compose.yml',
      'docker-compose.prod.yml',
      'docker-compose.test.yml',
      'Dockerfile',
    ].filter((file) => !existsSync(this.destinationPath(file)));
    if (missing.length > 0) throw missingFiles(missing, '.env');
    const timeout = this.options['health-timeout'];
    if (timeout !== undefined && !/^[1-9][0-9]{0,3}$/.test(String(timeout))) {
      throw new Error(
        `--health-timeout: ${JSON.stringify(timeout)} is not a number of seconds; allowed: 1 to 9999`,
      );
    }
    const buildArgs = this.buildArgs();
    const network = this.options['build-network'];
    if (network !== undefined && !/^[a-z0-9][a-z0-9_.-]*$/.test(String(network))) {
      throw new Error(`--build-network: ${JSON.stringify(network)} is not a network name`);
    }
    void buildArgs;
    await super.initializing();
    // .env, or the file the secrets went to when git tracks .env.
    if (!existsSync(this.destinationPath(this.model.secretsFile)))
      throw missingFiles([this.model.secretsFile], this.model.secretsFile);
  }

  private buildArgs(): string[] {
    const raw = this.options['build-arg'];
    if (raw === undefined || raw === '') return [];
    return String(raw)
      .split(',')
      .map((pair) => {
        if (!/^[A-Za-z_][A-Za-z0-9_]*=[^\s]*$/.test(pair)) {
          throw new Error(
            `--build-arg: ${JSON.stringify(pair)} is not KEY=VALUE; allowed: comma-separated KEY=VALUE pairs`,
          );
        }
        return pair;
      });
  }

  // verify checks; it stores and writes nothing.
  override configuring(): void {}

  override conflicts(): void {}

  async default(): Promise<void> {
    const network = this.options['build-network'] as string | undefined;
    const options: VerifyOptions = {
      skipBuild: Boolean(this.options['skip-build']),
      skipTests: Boolean(this.options['skip-tests']),
      keepUp: Boolean(this.options['keep-up']),
      healthTimeout: Number(this.options['health-timeout'] ?? 120),
      buildArgs: [
        ...this.buildArgs().flatMap((pair) => ['--build-arg', pair]),
        ...(network ? ['--network', network] : []),
      ],
    };
    const abort = new AbortController();
    const onSigint = (): void => abort.abort();
    process.once('SIGINT', onSigint);
    this.log(
      `Verifying ${this.settings.projectName} with Docker (this builds images and starts containers)…`,
    );
    const results = await verify({
      m: this.model,
      run: spawnRunner(this.destinationRoot()),
      options,
      envProduction: readFileSync(this.destinationPath('env.production'), 'utf8'),
      runId: randomBytes(3).toString('hex'),
      log: (line) => this.log(line),
      structureTest: onPath('container-structure-test'),
      // yeoman logs to stderr: the progress line goes where the rest of the output is.
      progress: process.stderr.isTTY
        ? terminalProgress(process.stderr)
        : plainProgress((line) => this.log(line)),
      signal: abort.signal,
    }).finally(() => process.removeListener('SIGINT', onSigint));
    this.results = results;
    this.log(`\n${formatTable(results)}\n`);
    const failed = results.filter((r) => r.status === 'fail');
    if (failed.length > 0 || abort.signal.aborted) {
      // The steps travel with the error too: a caller sees which step failed, and why.
      throw Object.assign(
        new Error(`verify: ${failed.length} step(s) failed: ${failed.map((r) => r.name).join('; ')}`),
        { results },
      );
    }
    this.log('verify: every step passed.');
  }
}

function missingFiles(files: string[], secretsFile: string): Error {
  return new Error(
    `verify: ${files.join(', ')} not found; run \`yo py-docker\` first (and keep ${secretsFile})`,
  );
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, command)));
}
