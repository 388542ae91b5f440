/**
 * What every sub-generator shares: flags registered from the settings model, detection, validation
 * before anything is written, prompting for what is missing, storage in .yo-rc.json, and one write path
 * (`emit`) for every generated file.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, relative } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import ejs from 'ejs';
import chalk from 'chalk';
import Generator, { type BaseOptions } from 'yeoman-generator';
import { DetectionError, detectProject, type Detection } from './detect.js';
import { checkDetectedPaths } from './detected-paths.js';
import { missingAssetsSource } from './dockerfile.js';
import { emptyDetection } from './detect-empty.js';
import { secretsFileFor, secretsFileReason, TRACKED_ENV_SECRETS_FILE } from './env-files.js';
import { gitTracks } from './git-tracked.js';
import { DiskTree } from './file-tree.js';
import {
  decideRemoval,
  decideWrite,
  hashOf,
  missingEnvEntries,
  SIDE_BY_SIDE_SUFFIX,
  type FileRecord,
  type FileRecords,
} from './drift.js';
import { argsProblem } from './cli-args.js';
import { heldBackPath, isHeldBackPath, ownContainerFiles } from './held-back.js';
import { helpText, type HelpOption } from './flags-table.js';
import { endOfLifeLines, questionNote } from './lifecycle.js';
import { buildModel, type Model } from './model.js';
import { checkRecords } from './records.js';
import { acquireRunLock } from './run-lock.js';
import { printable, projectPath } from './safe-fs.js';
import { KEEP_ANSWERS_QUESTION, storedAnswers, storedAnswersText } from './stored-answers.js';
import { dryRunSummary, noteDryRun, noteMustFix } from './summary.js';
import { commitProject } from './writer.js';
import { checkValue, coerce, resolveSettings, SettingError, type Resolved } from './resolve.js';
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
  restore?: boolean;
  force?: boolean;
  [key: string]: unknown;
};

const camel = (flag: string): string => flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/** The version recorded with every generated file, read once from our package.json. */
const GENERATOR_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The commit task yeoman calls, given to it in the constructor and filled in once the run is set up. */
class CommitSlot {
  run?: () => Promise<void>;
  readonly task = async (): Promise<void> => {
    if (!this.run) throw new Error('the run stopped before it was set up; nothing was written');
    await this.run();
  };
}

type Prompting = { prompt(...args: unknown[]): Promise<unknown>; actualAdapter?: Prompting };
const QUIET_INTERRUPT = Symbol('py-docker quiet interrupt');

/**
 * Ctrl-C at a question (ours or the conflicter's, both asked through the terminal adapter under the
 * queue): one line and exit status 130, instead of yeoman's "An error occured while running ..." and
 * the prompt's "User force closed the prompt". Every question is asked before the first write (the
 * conflicter's run before lib/writer.ts writes anything), so nothing was written.
 */
function stopQuietlyOnInterrupt(queued: unknown): void {
  const adapter = ((queued as Prompting).actualAdapter ?? queued) as Prompting & {
    [QUIET_INTERRUPT]?: true;
  };
  if (adapter[QUIET_INTERRUPT]) return;
  adapter[QUIET_INTERRUPT] = true;
  const prompt = adapter.prompt.bind(adapter);
  adapter.prompt = async (...args: unknown[]) => {
    try {
      return await prompt(...args);
    } catch (error) {
      if ((error as Error).name !== 'ExitPromptError') throw error;
      process.stderr.write('\nStopped at a question; nothing was written.\n');
      process.exit(130);
    }
  };
}

export abstract class PyDockerGenerator extends Generator<Record<string, unknown>, PyDockerOptions> {
  protected detection!: Detection;
  protected resolution!: Resolved;
  /** Every path this run generated (kept, side-by-side or written), so stale ones can be removed. */
  private readonly generated = new Set<string>();
  private readonly commit: CommitSlot;
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
      // The part the user ran commits for every part it composes (lib/writer.ts, set up in guardRun).
      customCommitTask: options.composed ? undefined : commit.task,
    } as never);
    this.commit = commit;
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
    this.option('restore', { type: Boolean, description: 'Recreate generated files you deleted' });
    this.option('force', { type: Boolean, description: 'Overwrite files you edited (never `.env`)' });
    this.option('dry-run', {
      type: Boolean,
      description: 'Print a unified diff of every change; write nothing',
    });
    // The settings model registers its flags with the sub-generator's help (app: all of them).
    for (const setting of settingsFor(part)) {
      const shown = ` (default: ${String(setting.default({}, emptyDetection()))})`;
      const choices = setting.choices ? ` [${setting.choices.join('|')}]` : '';
      this.option(setting.flag, {
        type: setting.type === 'boolean' ? Boolean : String,
        description: `${setting.description}${choices}${shown}`,
      });
    }
    // yeoman's own switches do nothing here (no install runs, answers are stored per setting).
    const registered = (this as unknown as { _options: Record<string, HelpOption> })._options;
    for (const name of ['skip-cache', 'skip-install', 'force-install'])
      if (registered[name]) registered[name].hide = true;
    // yeoman's --ask-answered is ours: every question again, the stored answers as defaults.
    if (registered['ask-answered'])
      registered['ask-answered'].description =
        'Ask every question again, with the stored answers as defaults';
  }

  override usage(): string {
    return `yo ${this.part === 'app' ? 'py-docker' : `py-docker:${this.part}`} [options]`;
  }

  override help(): string {
    const registered = (this as unknown as { _options: Record<string, HelpOption> })._options;
    return helpText(this.part, Object.values(registered));
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

  private secretsFileCache?: { file: string; reason?: string };
  /**
   * Where the generated secrets go (lib/env-files.ts): `.env`, or another gitignored file when git
   * tracks `.env`; asked of git once per part.
   */
  protected get secretsFile(): { file: string; reason?: string } {
    if (!this.secretsFileCache) {
      const before = this.records()[TRACKED_ENV_SECRETS_FILE] !== undefined;
      const tracked = gitTracks(this.destinationRoot(), '.env');
      this.secretsFileCache = {
        file: secretsFileFor(tracked, before),
        reason: secretsFileReason(tracked, before),
      };
    }
    return this.secretsFileCache;
  }

  /** The options a composed part should see: our flags and switches, never yeoman's internal ones. */
  protected forwardedOptions(): Record<string, unknown> {
    const forwarded: Record<string, unknown> = { yes: Boolean(this.options.yes), composed: true };
    for (const name of [
      'today',
      'force',
      'restore',
      'dry-run',
      'skip-install',
      ...SETTINGS.map((s) => s.flag),
    ]) {
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
      if (error instanceof DetectionError) throw new Error(printable(error.message));
      // A project file that exists but cannot be read (permissions): name it, relative to the project.
      const { code, path } = error as { code?: string; path?: string };
      if (code && path)
        throw new Error(
          `${relative(this.destinationRoot(), path)}: cannot be read (${code}); fix its permissions`,
        );
      throw error;
    }
  }

  private async resolve(ask: boolean, askStored = false): Promise<Resolved> {
    const askable = new Set(settingsFor(this.part).map((s) => s.key));
    try {
      return await resolveSettings({
        flags: this.flagValues(),
        stored: this.config.getAll() as Record<string, unknown>,
        detection: this.detection,
        askable,
        ask: ask ? (setting, fallback) => this.askOne(setting, fallback) : undefined,
        tell: (note) => this.log(note),
        askStored,
      });
    } catch (error) {
      // A clear one-line message naming the flag or file; yeoman exits non-zero before writing.
      if (error instanceof SettingError) throw new Error(printable(error.message));
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
    // A default past its end of life says so at the question; so does each such choice.
    const note = questionNote(setting.key, String(fallback), this.today);
    const message = note ? `${setting.prompt!} (${note})` : setting.prompt!;
    const choice = (value: string) => {
      const said = questionNote(setting.key, value, this.today);
      return said ? { name: `${value} (${said.slice(value.length + 2)})`, value } : { name: value, value };
    };
    const question =
      setting.type === 'boolean'
        ? { type: 'confirm' as const, name: 'value', message: setting.prompt!, default: fallback as boolean }
        : setting.choices
          ? {
              type: 'select' as const,
              name: 'value',
              message: setting.prompt!,
              choices: setting.choices.map(choice),
              default: fallback,
            }
          : {
              type: 'input' as const,
              name: 'value',
              message,
              default: String(fallback),
              validate,
            };
    const answers = await this.prompt<{ value: unknown }>([question as never]);
    return answers.value;
  }

  /**
   * Whether the stored answers are asked again: always with --ask-answered; otherwise the re-run lists
   * them and asks whether to keep them (a first run, with none stored, asks nothing here).
   */
  private async changeAnswers(): Promise<boolean> {
    // verify writes nothing: it checks the files the stored answers generated, so it offers no change.
    if (this.part === 'verify') return false;
    if (this.options.askAnswered) return true;
    const answers = storedAnswers(settingsFor(this.part), this.resolution);
    if (answers.length === 0) return false;
    this.log(storedAnswersText(answers));
    const { keep } = await this.prompt<{ keep: boolean }>([
      { type: 'confirm', name: 'keep', message: KEEP_ANSWERS_QUESTION, default: true },
    ]);
    return !keep;
  }

  /**
   * yeoman parses boolean flags with minimist, which reads `--postgres=maybe` and `--postgres maybe` as
   * true: the raw command line is checked so such a value fails like any other bad flag value.
   */
  private checkBooleanFlags(): void {
    const raw = (this as unknown as { _args?: string[] })._args ?? [];
    // Unknown flags, and values on yes/no flags (lib/cli-args.ts): a stop, like any bad flag value.
    const registered =
      (this as unknown as { _options?: Record<string, { name: string; type: unknown; alias?: string }> })
        ._options ?? {};
    const problem = argsProblem(
      raw,
      Object.values(registered).map((o) => ({ name: o.name, boolean: o.type === Boolean, alias: o.alias })),
      this.part === 'app' ? 'yo py-docker' : `yo py-docker:${this.part}`,
    );
    if (problem) throw new Error(problem);
    for (const setting of settingsFor(this.part).filter((s) => s.type === 'boolean')) {
      raw.forEach((token, i) => {
        const next = raw[i + 1];
        const value = token.startsWith(`--${setting.flag}=`)
          ? token.slice(setting.flag.length + 3)
          : token === `--${setting.flag}` && next !== undefined && !next.startsWith('-')
            ? next
            : undefined;
        const problem = value === undefined ? undefined : coerce(setting, value);
        if (problem && 'error' in problem) throw new Error(`--${setting.flag}: ${problem.error}`);
      });
    }
  }

  protected get interactive(): boolean {
    return !this.options.yes && !this.options.composed;
  }

  async initializing(): Promise<void> {
    this.guardRun();
    this.checkBooleanFlags();
    this.detection = this.detect();
    // Resolve without questions first: every flag and stored value is validated before any prompt.
    this.resolution = await this.resolve(false);
    if (!this.options.composed) this.checkProjectHere();
  }

  /**
   * A part run alone needs a project to write for: a Django project here, the answers of an earlier
   * `yo py-docker` (.yo-rc.json), or --settings-module naming it. Without any, it would write files for a
   * project that does not exist, so it stops before any question, and nothing is written.
   */
  private checkProjectHere(): void {
    if (this.part === 'app' || this.part === 'verify' || this.detection.django) return;
    if (this.resolution.origins.settingsModule === 'flag') return;
    const rc = this.destinationPath('.yo-rc.json');
    const stored = this.fs.exists(rc)
      ? (this.fs.readJSON(rc) as Record<string, unknown> | undefined)
      : undefined;
    if (stored?.[this.rootGeneratorName()] !== undefined) return;
    throw new Error(
      `yo py-docker:${this.part}: no Django project here (no manage.py found) and no .yo-rc.json of an earlier \`yo py-docker\`; it would write files for a project that does not exist (settings module ${this.settings.settingsModule}), so nothing was written. Run \`yo py-docker\` first: it finds your project, or creates a starter one in an empty folder (or name your settings with --settings-module)`,
    );
  }

  async prompting(): Promise<void> {
    if (this.interactive) this.resolution = await this.resolve(true, await this.changeAnswers());
    this.checkProjectPaths();
    const tree = new DiskTree(this.destinationRoot());
    checkDetectedPaths(this.detection, this.settings, (path) => tree.read(path));
  }

  /**
   * Before anything else: one run at a time in the folder (the part the user ran holds the lock for the
   * parts it composes; verify, which writes nothing, takes none), `.yo-rc.json` and its records inside
   * the project, and the commit of lib/writer.ts (atomic writes, records last) in place of yeoman's.
   */
  private guardRun(): void {
    const root = this.destinationRoot();
    projectPath(root, '.yo-rc.json');
    checkRecords(this.config.get('files'));
    if (this.options.composed) return;
    stopQuietlyOnInterrupt(this.env.adapter);
    // verify writes nothing, and its image builds must not find a lock file in the build context.
    if (this.part !== 'verify') {
      const release = acquireRunLock(root);
      const events = this.env as unknown as { once(event: string, listener: () => void): void };
      events.once('end', release);
      events.once('error', release);
    }
    const dryRun = this.dryRun;
    this.commit.run = async () => {
      // Every part has printed its diffs by now: the count is the last word of a dry run.
      if (dryRun) {
        this.log(`\n${dryRunSummary(this.env)}`);
        return;
      }
      this.changedPaths = await commitProject(this.env as never, {
        root,
        configKey: this.rootGeneratorName(),
        info: (message) => this.log.info(message),
      });
    };
  }

  /** In an existing project, paths the settings name must be there: the image build would fail on them. */
  private checkProjectPaths(): void {
    if (!this.detection.django || !settingsFor(this.part).some((s) => s.key === 'assetsSources')) return;
    const missing = missingAssetsSource(this.settings.assetsSources, (p) =>
      existsSync(this.destinationPath(p)),
    );
    if (missing)
      throw new Error(
        `--assets-sources: ${JSON.stringify(missing)} is not in the project; allowed: "." or files and folders of the project that the npm build reads`,
      );
  }

  private get today(): Date {
    return this.options.today ? new Date(`${this.options.today}T12:00:00Z`) : new Date();
  }

  /**
   * The end-of-life warnings of the versions this part's output uses (relevant ones only: no Node.js
   * without an npm build), for the run's final summary: said once, by the part the user ran.
   */
  protected lifecycleLines(): string[] {
    const used = settingsFor(this.part)
      .filter((s) => !s.relevant || s.relevant(this.settings))
      .map((s) => ({ key: s.key, flag: s.flag, value: String(this.settings[s.key]) }));
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

  /** Only the user's own --force (yo passes it to us too); test environments force the conflicter. */
  private get force(): boolean {
    return Boolean(this.options.force);
  }

  /** The records as this part sees them: .yo-rc.json's, read once, plus this run's changes. */
  private recordView?: FileRecords;
  /** This run's record changes (undefined: removed), stored once per part in conflicts(): rewriting
   * .yo-rc.json for every generated file made a run quadratic in the number of files. */
  private readonly recordChanges = new Map<string, FileRecord | undefined>();

  private records(): FileRecords {
    this.recordView ??= { ...checkRecords(this.config.get('files')) };
    return this.recordView;
  }

  private saveRecord(path: string, record: FileRecord | undefined): void {
    if (this.dryRun) return;
    const records = this.records();
    if (record) records[path] = record;
    else delete records[path];
    this.recordChanges.set(path, record);
  }

  /** Applies this part's changes to the stored records, on top of what the other parts stored. */
  private storeRecords(): void {
    if (this.recordChanges.size === 0) return;
    const stored = { ...checkRecords(this.config.get('files')) };
    for (const [path, record] of this.recordChanges) {
      if (record) stored[path] = record;
      else delete stored[path];
    }
    this.config.set('files', stored as never);
    this.recordChanges.clear();
  }

  /**
   * The current content of a file the generator writes (undefined when there is none), as a string in
   * `encoding` (latin1 keeps every byte of a file that is merged, whatever its encoding). A link on the
   * path that leaves the project, a folder where the file goes, or a file where a folder of its path
   * goes, is a clear error naming the path, raised before anything is written (instead of writing
   * outside the project, or EISDIR/ENOTDIR halfway through).
   */
  protected readGenerated(path: string, encoding: BufferEncoding = 'utf8'): string | undefined {
    const root = this.destinationRoot();
    const target = projectPath(root, path).real;
    const segments = path.split('/');
    segments.forEach((_s, i) => {
      const at = segments.slice(0, i + 1).join('/');
      const full = projectPath(root, at).real;
      if (!existsSync(full)) return;
      const isFile = statSync(full).isFile();
      if (i === segments.length - 1 ? !isFile : isFile)
        throw new Error(
          `${at}: is a ${isFile ? 'file' : 'folder'}, but the generator writes ${path} there; move it away and run again`,
        );
    });
    return existsSync(target) ? readFileSync(target).toString(encoding) : undefined;
  }

  /**
   * A file another part merges into (`.gitignore`, `.dockerignore`) as this run sees it, one character
   * per byte (latin1), so the merge keeps bytes that are not UTF-8; checked like readGenerated.
   */
  protected readMerged(path: string): string | undefined {
    this.readGenerated(path);
    const full = this.destinationPath(path);
    return this.fs.exists(full)
      ? (this.fs.read(full, { raw: true }) as Buffer).toString('latin1')
      : undefined;
  }

  /**
   * The single write path for generated files, with the safe re-run rules of lib/drift.ts: untouched
   * files are updated, edited ones are never overwritten silently, deleted ones are not recreated,
   * `once` files are never replaced, and --dry-run prints a diff instead of writing.
   * `merge`: the content was computed from the file on disk (ignore files, read with readMerged), so it
   * is never a conflict. `secrets` (`.env`): never replaced, but gains the entries it lacks; its diffs
   * show no context lines. Both are handled byte for byte (latin1 strings): no byte of the user's changes.
   */
  protected writeGenerated(
    path: string,
    content: string,
    opts: { executable?: boolean; once?: boolean; merge?: boolean; secrets?: boolean } = {},
  ): void {
    const encoding: BufferEncoding = opts.merge || opts.secrets ? 'latin1' : 'utf8';
    const record = this.records()[path];
    this.generated.add(path);
    // The user's own Docker files stay in charge: the container set goes beside them (lib/held-back.ts).
    if (this.heldBack && isHeldBackPath(path)) {
      // No secrets file beside theirs: their own build could copy it into an image. Adopting writes it.
      if (opts.secrets) return;
      const aside = heldBackPath(path);
      if (this.dryRun) {
        this.log(printable(createTwoFilesPatch('/dev/null', `b/${aside}`, '', content, '', '')));
        noteDryRun(this.env, aside, 'change');
        return;
      }
      this.fs.write(this.destinationPath(aside), Buffer.from(content, encoding), {
        stat: { mode: opts.executable ? 0o100755 : 0o100644 } as never,
      });
      this.markForced(aside);
      return;
    }
    const target = this.destinationPath(path);
    const onDisk = this.readGenerated(path, encoding);
    // A secrets file gains the variables it lacks (a service turned on, a newer version): every line of
    // the user's stays as it is, the new entries are appended.
    const { names, text: added } =
      opts.secrets && onDisk !== undefined ? missingEnvEntries(onDisk, content) : { names: [], text: '' };
    if (added) {
      content = onDisk + added;
      if (!this.dryRun) this.log.info(`${path} exists; kept it and added ${names.join(', ')} to its end`);
    }
    const action = decideWrite({
      onDisk,
      content,
      record,
      once: (opts.once || opts.secrets) && !added,
      merge: opts.merge || Boolean(added),
      force: this.force,
      restore: Boolean(this.options.restore),
      // Composed parts keep the user's --yes: an interactive `yo py-docker` still asks about edited files.
      interactive: !this.options.yes,
      encoding,
    });
    if (this.dryRun) {
      if (action !== 'identical' && action !== 'keep' && action !== 'skip-deleted')
        this.dryRunDiff(path, action, onDisk, content, { encoding, secrets: opts.secrets });
      return;
    }
    // A full st_mode (regular file | 0755): the conflicter compares it with the disk's, so a bare 0o755
    // would report an unchanged script as a conflict on every re-run.
    const stat = opts.executable ? { stat: { mode: 0o100755 } as never } : undefined;
    const newRecord: FileRecord = {
      hash: hashOf(content, encoding),
      version: GENERATOR_VERSION,
      part: this.part,
    };
    const bytes = Buffer.from(content, encoding);
    // A file the generator never wrote is the user's own, not an edited copy of ours.
    const whose = record ? 'has your changes' : 'is your own file';
    switch (action) {
      case 'keep':
        this.log.info(`${path} exists; kept as it is`);
        return;
      case 'skip-deleted':
        this.log.info(`${path} was deleted after it was generated; not recreated (--restore recreates it)`);
        return;
      case 'side-by-side': {
        const aside = `${path}${SIDE_BY_SIDE_SUFFIX}`;
        this.fs.write(this.destinationPath(aside), bytes, stat);
        this.markForced(aside);
        this.log.info(`${path} ${whose}; kept it and wrote the new version to ${aside}`);
        return;
      }
      case 'write':
      case 'overwrite':
        this.fs.write(target, bytes, stat);
        // Untouched by the user (or --force): no question; the conflicter shows it as "force".
        if (onDisk !== undefined) this.markForced(path);
        this.dropAdoptedCopy(path, bytes);
        break;
      case 'ask':
        // The user's changes against the new version first; then the conflicter asks whether to overwrite.
        this.log(`${path} ${whose}; the new version differs:`);
        this.log(
          printable(createTwoFilesPatch(`a/${path}`, `b/${path}`, onDisk ?? '', content, 'yours', 'new')),
        );
        this.fs.write(target, bytes, stat);
        break;
      default:
        // identical: the conflicter compares and reports it.
        this.fs.write(target, bytes, stat);
    }
    this.saveRecord(path, newRecord);
  }

  /**
   * What a real run would do with one file, as a diff. An edited file is never shown as if it were
   * simply replaced: the diff is the user's version against the new one, under what the run would do
   * (ask, keep theirs and write the new one beside it, or --force replace it).
   */
  private dryRunDiff(
    path: string,
    action: 'write' | 'overwrite' | 'ask' | 'side-by-side',
    onDisk: string | undefined,
    content: string,
    opts: { encoding: BufferEncoding; secrets?: boolean },
  ): void {
    const shown = (text: string): string => Buffer.from(text, opts.encoding).toString('utf8');
    // No context lines from a secrets file: they would print the user's secrets.
    const context = opts.secrets ? 0 : 3;
    const edited = action !== 'write';
    const to = action === 'side-by-side' ? `b/${path}${SIDE_BY_SIDE_SUFFIX}` : `b/${path}`;
    if (edited)
      this.log(
        action === 'ask'
          ? `would ask: ${path} has your changes; a real run shows this diff and asks before replacing them`
          : action === 'side-by-side'
            ? `${path} has your changes; a real run keeps them and writes the new version to ${path}${SIDE_BY_SIDE_SUFFIX}:`
            : `${path} has your changes; --force replaces them with the new version:`,
      );
    const from = onDisk === undefined ? '/dev/null' : `a/${path}`;
    const [yours, next] = edited ? ['yours', 'new'] : ['', ''];
    this.log(
      printable(createTwoFilesPatch(from, to, shown(onDisk ?? ''), shown(content), yours, next, { context })),
    );
    noteDryRun(
      this.env,
      action === 'side-by-side' ? `${path}${SIDE_BY_SIDE_SUFFIX}` : path,
      action === 'ask' ? 'ask' : 'change',
    );
  }

  /** A held-back copy that is now in place (the set was adopted): the copy beside it goes. */
  private dropAdoptedCopy(path: string, bytes: Buffer): void {
    const aside = this.destinationPath(heldBackPath(path));
    if (isHeldBackPath(path) && existsSync(aside) && readFileSync(aside).equals(bytes)) {
      this.fs.delete(aside);
      this.markForced(heldBackPath(path));
    }
  }

  /** The user's own container files (none, or --force adopts ours): lib/held-back.ts. */
  protected get ownContainerFiles(): string[] {
    const isFile = (path: string): boolean => {
      const full = this.destinationPath(path);
      return existsSync(full) && statSync(full).isFile();
    };
    return ownContainerFiles(isFile, this.records());
  }

  private heldBackCache?: boolean;
  protected get heldBack(): boolean {
    this.heldBackCache ??= !this.force && this.ownContainerFiles.length > 0;
    return this.heldBackCache;
  }

  private markForced(path: string): void {
    // Nothing on disk, nothing to ask: the conflicter reports a plain "create", not a yellow "force".
    if (!existsSync(this.destinationPath(path))) return;
    const file = this.env.sharedFs.get(this.destinationPath(path)) as { conflicter?: string };
    file.conflicter = 'force';
  }

  /**
   * Files this part generated on an earlier run but not on this one (a service turned off): removed when
   * the user never touched them, kept with a note when they did.
   */
  conflicts(): void {
    for (const [path, record] of Object.entries({ ...this.records() })) {
      if (record.part !== this.part || this.generated.has(path)) continue;
      // Through links inside the project only (an OutsideProjectError names the path otherwise).
      const real = projectPath(this.destinationRoot(), path).real;
      const onDisk = existsSync(real) && statSync(real).isFile() ? readFileSync(real) : undefined;
      const action = decideRemoval(onDisk, record);
      if (this.dryRun) {
        if (action === 'delete') {
          this.log(
            printable(
              createTwoFilesPatch(`a/${path}`, '/dev/null', onDisk?.toString('utf8') ?? '', '', '', ''),
            ),
          );
          noteDryRun(this.env, path, 'change');
        }
        continue;
      }
      if (action === 'keep-edited') {
        this.log.info(`${path} is no longer generated but has your changes; kept it`);
        continue;
      }
      if (action === 'delete') {
        this.fs.delete(this.destinationPath(path));
        // Untouched since it was generated: removed without a question (which --yes could not answer).
        this.markForced(path);
        this.log.info(`${path} is no longer generated and was not changed; removed it`);
      }
      this.saveRecord(path, undefined);
    }
    this.storeRecords();
  }
}
