/**
 * What every sub-generator shares: flags registered from the settings model, detection, validation
 * before anything is written, prompting for what is missing, storage in .yo-rc.json, and one write path
 * (`emit`) for every generated file.
 */
import { basename } from 'node:path';
import { readFileSync } from 'node:fs';
import ejs from 'ejs';
import chalk from 'chalk';
import Generator, { type BaseOptions } from 'yeoman-generator';
import { DetectionError, detectProject, type Detection } from './detect.js';
import { DiskTree } from './file-tree.js';
import { lifecycleWarnings } from './lifecycle.js';
import { buildModel, type Model } from './model.js';
import { checkValue, resolveSettings, SettingError, type Resolved } from './resolve.js';
import {
  SETTINGS,
  settingsFor,
  type Part,
  type SettingDef,
  type SettingKey,
  type Settings,
} from './settings.js';

export type PyDockerOptions = BaseOptions & {
  yes?: boolean;
  /** Set by `app` when it composes a part: the questions were asked already. */
  composed?: boolean;
  /** Fixed clock for lifecycle warnings (ISO date), for tests and reproducible output. */
  today?: string;
  [key: string]: unknown;
};

const camel = (flag: string): string => flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

export abstract class PyDockerGenerator extends Generator<Record<string, unknown>, PyDockerOptions> {
  protected detection!: Detection;
  protected resolution!: Resolved;

  /** `part` says which sub-generator this is (`app` for the whole set): it picks flags, questions, storage. */
  constructor(
    args: string[],
    options: PyDockerOptions,
    readonly part: Part | 'app',
  ) {
    super(args, options, { inheritTasks: true, unique: 'namespace' } as never);
    this.option('yes', {
      type: Boolean,
      alias: 'y',
      description: 'Ask nothing: flags, then stored answers, then detected values, then defaults',
    });
    this.option('today', {
      type: String,
      hide: true,
      description: 'Date for lifecycle warnings (YYYY-MM-DD)',
    });
    this.option('composed', { type: Boolean, hide: true, description: 'Composed by py-docker:app' });
    // The settings model registers its flags with the sub-generator's help (app: all of them).
    for (const setting of settingsFor(part)) {
      const shown = ` (default: ${String(setting.default({}, emptyDetection()))})`;
      const choices = setting.choices ? ` [${setting.choices.join('|')}]` : '';
      this.option(setting.flag, {
        type: setting.type === 'boolean' ? Boolean : String,
        description: `${setting.description}${choices}${shown}`,
      });
    }
  }

  get settings(): Settings {
    return this.resolution.settings;
  }

  get model(): Model {
    return buildModel(this.resolution.settings);
  }

  /** The options a composed part should see: our flags and switches, never yeoman's internal ones. */
  protected forwardedOptions(): Record<string, unknown> {
    const forwarded: Record<string, unknown> = { yes: true, composed: true };
    for (const name of ['today', 'force', 'skip-install', ...SETTINGS.map((s) => s.flag)]) {
      const value = this.options[name] ?? this.options[camel(name)];
      if (value !== undefined) forwarded[name] = value;
    }
    return forwarded;
  }

  private flagValues(): Partial<Record<SettingKey, unknown>> {
    const flags: Partial<Record<SettingKey, unknown>> = {};
    for (const setting of SETTINGS) {
      const raw = this.options[setting.flag] ?? this.options[camel(setting.flag)];
      if (raw !== undefined) flags[setting.key] = raw;
    }
    return flags;
  }

  private detect(): Detection {
    try {
      return detectProject(new DiskTree(this.destinationRoot()), basename(this.destinationRoot()));
    } catch (error) {
      if (error instanceof DetectionError) throw new Error(error.message);
      throw error;
    }
  }

  private async resolve(ask: boolean): Promise<Resolved> {
    const askable = new Set(settingsFor(this.part).map((s) => s.key));
    try {
      return await resolveSettings({
        flags: this.flagValues(),
        stored: this.config.getAll() as Record<string, unknown>,
        detection: this.detection,
        askable,
        ask: ask ? (setting, fallback) => this.askOne(setting, fallback) : undefined,
      });
    } catch (error) {
      // A clear one-line message naming the flag or file; yeoman exits non-zero before writing.
      if (error instanceof SettingError) throw new Error(error.message);
      throw error;
    }
  }

  private async askOne(setting: SettingDef, fallback: unknown): Promise<unknown> {
    const validate = (input: unknown): true | string => {
      try {
        const raw = setting.type === 'integer' ? String(input) : input;
        checkValue(setting, raw, setting.flag);
        return true;
      } catch (error) {
        return (error as Error).message.replace(/^[^:]+: /, '');
      }
    };
    const question =
      setting.type === 'boolean'
        ? { type: 'confirm' as const, name: 'value', message: setting.prompt!, default: fallback as boolean }
        : setting.choices
          ? {
              type: 'list' as const,
              name: 'value',
              message: setting.prompt!,
              choices: [...setting.choices],
              default: fallback,
            }
          : {
              type: 'input' as const,
              name: 'value',
              message: setting.prompt!,
              default: String(fallback),
              validate,
            };
    const answers = await this.prompt<{ value: unknown }>([question as never]);
    return answers.value;
  }

  protected get interactive(): boolean {
    return !this.options.yes && !this.options.composed;
  }

  async initializing(): Promise<void> {
    this.detection = this.detect();
    // Resolve without questions first: every flag and stored value is validated before any prompt.
    this.resolution = await this.resolve(false);
  }

  async prompting(): Promise<void> {
    if (this.interactive) this.resolution = await this.resolve(true);
    if (!this.options.composed) this.warnLifecycle();
  }

  protected warnLifecycle(): void {
    const today = this.options.today ? new Date(`${this.options.today}T12:00:00Z`) : new Date();
    for (const warning of lifecycleWarnings(this.settings, today))
      this.log(`${chalk.yellow('warning')} ${warning.message}`);
  }

  configuring(): void {
    // Store what this part depends on, so the next run (of any part) reuses it.
    for (const setting of settingsFor(this.part)) {
      if (setting.relevant && !setting.relevant(this.settings)) continue;
      this.config.set(setting.key, this.settings[setting.key] as never);
    }
  }

  /** Renders an EJS template of this sub-generator (`<%-` only: values are validated, never escaped). */
  protected render(template: string, data: Record<string, unknown> = {}): string {
    const file = this.templatePath(template);
    return ejs.render(
      readFileSync(file, 'utf8'),
      { m: this.model, s: this.settings, ...data },
      { filename: file },
    );
  }

  /**
   * The single write path for generated files. `executable` sets mode 0755; `once` never replaces an
   * existing file (used for `.env`, which holds real secrets).
   */
  protected writeGenerated(
    path: string,
    content: string,
    opts: { executable?: boolean; once?: boolean } = {},
  ): void {
    const target = this.destinationPath(path);
    if (opts.once && this.fs.exists(target)) {
      this.log.info(`${path} exists; kept as it is`);
      return;
    }
    this.fs.write(target, content, opts.executable ? { stat: { mode: 0o755 } as never } : undefined);
  }
}

export function emptyDetection(): Detection {
  return { django: false, pythonDeps: { kind: 'none' }, pythonPackages: new Set(), notes: [] };
}
