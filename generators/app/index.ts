import { fileURLToPath } from 'node:url';
import yosay from 'yosay';
import chalk from 'chalk';
import { PyDockerGenerator, type PyDockerOptions } from '../../lib/base-generator.js';
import { SUB_GENERATORS } from '../../lib/parts.js';

/** `yo py-docker`: detects the project, asks each question once, then runs every part. */
export default class AppGenerator extends PyDockerGenerator {
  constructor(args: string[], options: PyDockerOptions) {
    super(args, options, 'app');
  }

  override async initializing(): Promise<void> {
    if (!this.options.composed)
      this.log(yosay(`Container setup for ${chalk.green('Django + npm')} projects`));
    await super.initializing();
    this.log(this.detectionSummary());
  }

  private detectionSummary(): string {
    const { sources, settings } = this.resolution;
    const detected = Object.entries(sources).map(
      ([key, source]) => `  ${key}: ${String(settings[key as keyof typeof settings])} (from ${source})`,
    );
    const head =
      this.detection.django || detected.length > 0
        ? ['Detected:', ...detected]
        : ['No Django project found here: a starter project will be created.'];
    return [...head, ...this.detection.notes.map((n) => `  note: ${n}`)].join('\n');
  }

  override async configuring(): Promise<void> {
    super.configuring();
    // Composed here, after the questions: each part finds the answers stored and asks nothing again.
    const options = this.forwardedOptions();
    for (const part of SUB_GENERATORS) {
      // By path, so composing works whatever namespace the environment registered us under.
      await this.composeWith(
        fileURLToPath(new URL(`../${part}/index.js`, import.meta.url)),
        options as never,
      );
    }
  }

  end(): void {
    this.log(
      `\n${chalk.green('Done.')} Next:\n  docker compose up --build        development, with hot reload\n  see README.Docker.md              test, debug and deploy\n`,
    );
  }
}
