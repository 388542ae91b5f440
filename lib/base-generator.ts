/**
 * What every sub-generator shares: flags registered from the settings model (lib/generator/options.ts),
 * detection, validation before anything is written, prompting for what is missing, storage in
 * .yo-rc.json, and one write path for every generated file (lib/generator/drift-writer.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import ejs from 'ejs';
import chalk from 'chalk';
import Generator from 'yeoman-generator';
import { checkDetectedPaths } from './detected-paths.js';
import { DiskTree } from './file-tree.js';
import type { FileRecords } from './drift.js';
import { helpText } from './flags-table.js';
import { DriftWriter, type WriteOptions, type WriterHost } from './generator/drift-writer.js';
import { storedRecords } from './generator/record-book.js';
import {
  checkCommandLine,
  commandOf,
  flagValues,
  forwardedOptions,
  registerOptions,
  registeredOptions,
  type PyDockerOptions,
} from './generator/options.js';
import { checkAssetsSources, checkProjectHere, detectIn } from './generator/project-checks.js';
import { changeAnswers, resolvePart } from './generator/questions.js';
import { CommitSlot, guardRun } from './generator/run-guard.js';
import { gitTracks } from './git-tracked.js';
import { endOfLifeLines } from './lifecycle.js';
import { buildModel, type Model } from './model.js';
import { projectPath } from './safe-fs.js';
import { noteMustFix } from './summary.js';
import type { Resolved } from './resolve.js';
import { settingsFor, type Part, type SettingDef, type Settings } from './settings.js';
import { secretsFileChoice, TRACKED_ENV_SECRETS_FILE } from './secrets-file.js';
import { type Detection } from './detection.js';

export type { PyDockerOptions };

export abstract class PyDockerGenerator extends Generator<Record<string, unknown>, PyDockerOptions> {
  protected detection!: Detection;
  protected resolution!: Resolved;
  private readonly commit: CommitSlot;
  private readonly writer: DriftWriter;
  /** What the commit of this run changed on disk (set once it ran; the part the user ran commits). */
  protected changedPaths?: string[];

  /** `part` says which sub-generator this is (`app` for the whole set): it picks flags, questions, storage. */
  constructor(
    args: string[],
    options: PyDockerOptions,
    readonly part: Part | 'app',
  ) {
    // customInstallTask (app, the only part that writes a package.json): the starter's lockfile is
    // complete, so npm install never runs in the user's project.
    const commit = new CommitSlot();
    super(args, options, {
      inheritTasks: true,
      unique: 'namespace',
      customInstallTask: part === 'app',
      // The part the user ran commits for every part it composes (lib/writer.ts, set up in initializing).
      customCommitTask: options.composed ? undefined : commit.task,
    } as never);
    this.commit = commit;
    registerOptions(this, part);
    this.writer = new DriftWriter(this as unknown as WriterHost, {
      part,
      dryRun: () => this.dryRun,
      // Only the user's own --force (yo passes it to us too); test environments force the conflicter.
      force: () => Boolean(this.options.force),
      restore: () => Boolean(this.options.restore),
      asksAboutEdits: () => !this.options.yes,
    });
  }

  override usage(): string {
    return `${commandOf(this.part)} [options]`;
  }

  override help(): string {
    return helpText(this.part, Object.values(registeredOptions(this)));
  }

  /**
   * yeoman's own default reads package.json in the constructor, so a broken one failed with yeoman's
   * message before detection could name it; the project name comes from detection anyway.
   */
  override determineAppname(): string {
    return basename(this.destinationRoot());
  }

  get settings(): Settings {
    return this.resolution.settings;
  }

  get model(): Model {
    return buildModel(this.resolution.settings, { secretsFile: this.secretsFile.file });
  }

  /** The file records of `.yo-rc.json` as stored (checked: lib/records.ts). */
  protected get storedRecords(): FileRecords {
    return storedRecords(this.config);
  }

  private secretsFileCache?: { file: string; reason?: string };
  /**
   * Where the generated secrets go (generators/env/env-files.ts): `.env`, or another gitignored file when git
   * tracks `.env`; asked of git once per part.
   */
  protected get secretsFile(): { file: string; reason?: string } {
    const before = (): boolean => this.writer.records()[TRACKED_ENV_SECRETS_FILE] !== undefined;
    this.secretsFileCache ??= secretsFileChoice(gitTracks(this.destinationRoot(), '.env'), before());
    return this.secretsFileCache;
  }

  /** The options a composed part should see: our flags and switches, never yeoman's internal ones. */
  protected forwardedOptions(): Record<string, unknown> {
    return forwardedOptions(this.options);
  }

  /** The settings from flags, stored answers and detection; with `ask`, questions for what is missing. */
  private resolve(ask: boolean, askStored = false): Promise<Resolved> {
    return resolvePart(this.part, {
      flags: flagValues(this.options),
      stored: this.config.getAll() as Record<string, unknown>,
      detection: this.detection,
      prompt: ask ? (question) => this.prompt<{ value: unknown }>([question as never]) : undefined,
      tell: (note) => this.log(note),
      askStored,
      today: this.today,
    });
  }

  protected get interactive(): boolean {
    return !this.options.yes && !this.options.composed;
  }

  async initializing(): Promise<void> {
    this.guardRun();
    checkCommandLine(this, this.part);
    this.detection = detectIn(this.destinationRoot());
    // Resolve without questions first: every flag and stored value is validated before any prompt.
    this.resolution = await this.resolve(false);
    if (!this.options.composed)
      checkProjectHere(this.part, this.settings.settingsModule, {
        django: Boolean(this.detection.django),
        named: this.resolution.origins.settingsModule === 'flag',
        answered: () => this.answersStored(),
      });
    this.checkResolved();
  }

  async prompting(): Promise<void> {
    if (this.interactive) {
      const again = await changeAnswers(this.part, this.resolution, Boolean(this.options.askAnswered), this);
      this.resolution = await this.resolve(true, again);
    }
    this.checkResolved();
    const tree = new DiskTree(this.destinationRoot());
    checkDetectedPaths(this.detection, this.settings, (path) => tree.read(path));
  }

  /**
   * The part's own checks of the settings, run after each resolve (flags and stored values before any
   * question, then the answers): a part overrides it, calling this one first. In an existing project,
   * the paths --assets-sources names must be there (the image build would fail on them).
   */
  protected checkResolved(): void {
    if (this.detection.django && settingsFor(this.part).some((s) => s.key === 'assetsSources'))
      checkAssetsSources(this.settings, (p) => existsSync(this.destinationPath(p)));
  }

  /** Whether `.yo-rc.json` holds the answers of an earlier run. */
  private answersStored(): boolean {
    const rc = this.destinationPath('.yo-rc.json');
    const stored = this.fs.exists(rc)
      ? (this.fs.readJSON(rc) as Record<string, unknown> | undefined)
      : undefined;
    return stored?.[this.rootGeneratorName()] !== undefined;
  }

  /**
   * Before anything else: `.yo-rc.json` and its records inside the project; then, by the part the user
   * ran, the run lock and the commit (lib/generator/run-guard.ts).
   */
  private guardRun(): void {
    const root = this.destinationRoot();
    projectPath(root, '.yo-rc.json');
    // A malformed record stops the run here, naming its key (lib/records.ts).
    storedRecords(this.config);
    if (this.options.composed) return;
    guardRun(this.commit, {
      env: this.env as never,
      root,
      configKey: this.rootGeneratorName(),
      locks: this.part !== 'verify',
      dryRun: this.dryRun,
      log: (message) => this.log(message),
      info: (message) => this.log.info(message),
      committed: (paths) => (this.changedPaths = paths),
    });
  }

  /** The settings this part depends on, with these answers (no Node.js version without an npm build). */
  private get relevantSettings(): SettingDef[] {
    return settingsFor(this.part).filter((s) => !s.relevant || s.relevant(this.settings));
  }

  private get today(): Date {
    return this.options.today ? new Date(`${this.options.today}T12:00:00Z`) : new Date();
  }

  /**
   * The end-of-life warnings of the versions this part's output uses (relevant ones only: no Node.js
   * without an npm build), for the run's final summary: said once, by the part the user ran.
   */
  protected lifecycleLines(): string[] {
    const used = this.relevantSettings.map((s) => ({
      key: s.key,
      flag: s.flag,
      value: String(this.settings[s.key]),
    }));
    return endOfLifeLines(used, this.today).map((line) => `${chalk.yellow('warning')} ${line}`);
  }

  /** A part run alone ends with its end-of-life warnings (`app` puts them in its summary). */
  end(): void {
    if (this.options.composed || this.part === 'app') return;
    for (const line of this.lifecycleLines()) this.log(line);
  }

  /**
   * A problem that stops the image build or the stack: a warning now, and in the app's summary the
   * fix is the next command instead of `docker compose up` (lib/summary.ts).
   */
  protected mustFix(problem: string, fix: string): void {
    this.log(`${chalk.yellow('warning')} ${problem}`);
    noteMustFix(this.env, { problem, fix });
  }

  configuring(): void {
    if (this.dryRun) return;
    // Store what this part depends on, so the next run (of any part) reuses it.
    for (const setting of this.relevantSettings)
      this.config.set(setting.key, this.settings[setting.key] as never);
  }

  /** Renders an EJS template of this sub-generator (`<%-` only: values are validated, never escaped). */
  protected render(template: string, data: Record<string, unknown> = {}): string {
    const file = this.templatePath(template);
    return ejs.render(
      readFileSync(file, 'utf8'),
      { m: this.model, s: this.settings, ...data },
      // Compiled once per process, keyed by file name: later runs in the same process skip the compile.
      { filename: file, cache: true },
    );
  }

  /** yo passes --force and --dry-run to the environment (its conflicter) rather than to us. */
  private get envOptions(): Record<string, unknown> {
    return (this.env as unknown as { options?: Record<string, unknown> }).options ?? {};
  }

  protected get dryRun(): boolean {
    return Boolean(this.options['dry-run'] ?? this.options.dryRun ?? this.envOptions.dryRun);
  }

  /** The current content of a file the generator writes, checked (lib/generator/drift-writer.ts). */
  protected readGenerated(path: string, encoding: BufferEncoding = 'utf8'): string | undefined {
    return this.writer.readGenerated(path, encoding);
  }

  /** A file another part merges into (`.gitignore`, `.dockerignore`), byte for byte (latin1). */
  protected readMerged(path: string): string | undefined {
    return this.writer.readMerged(path);
  }

  /** The single write path for generated files, with the safe re-run rules of lib/drift.ts. */
  protected writeGenerated(path: string, content: string, opts: WriteOptions = {}): void {
    this.writer.write(path, content, opts);
  }

  /** The user's own container files (none, or --force adopts ours): lib/held-back.ts. */
  protected get ownContainerFiles(): string[] {
    return this.writer.ownContainerFiles;
  }

  protected get heldBack(): boolean {
    return this.writer.heldBack;
  }

  /** Files this part generated on an earlier run but not on this one are removed; records are stored. */
  conflicts(): void {
    this.writer.removeStale();
  }
}
