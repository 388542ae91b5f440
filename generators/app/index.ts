import { existsSync, readdirSync } from 'node:fs';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import yosay from 'yosay';
import chalk from 'chalk';
import { PyDockerGenerator, type PyDockerOptions } from '../../lib/base-generator.js';
import { hashOf, SIDE_BY_SIDE_SUFFIX } from '../../lib/drift.js';
import { composeVars, envCatalog } from '../../lib/env-vars.js';
import { partTemplatePath, README_SECTION, SUB_GENERATORS } from '../../lib/parts.js';
import { heldBackCandidates, heldBackPath, heldBackSummary } from '../../lib/held-back.js';
import { printable } from '../../lib/safe-fs.js';
import { readmeFacts } from '../../lib/requirements.js';
import { wrapList } from '../../lib/text.js';
import { SETTINGS } from '../../lib/settings.js';
import { mustFixesOf, mustFixLines } from '../../lib/summary.js';
import { starterContext, starterFiles } from './starter.js';
import { starterProblem, starterWarnings } from './starter-checks.js';
import { shortRun } from '../../lib/package-manager.js';
import { firstScanLines, newerPatches, type NewerPatch } from '../../lib/versions.js';
import { sampleReport } from '../../lib/verify-report.js';

/** Names for the detection summary where a setting's description says more than what was detected. */
const SUMMARY_WORDS: Record<string, string> = {
  djangoVersion: 'Django version',
  appDir: 'Folder holding manage.py',
  assetsDir: 'Folder the build script writes assets to',
};

/** `yo py-docker`: detects the project, asks each question once, then runs every part. */
export default class AppGenerator extends PyDockerGenerator {
  /** Whether this run writes (or keeps up to date) the starter Django project. */
  private starter = false;

  constructor(args: string[], options: PyDockerOptions) {
    super(args, options, 'app');
    this.option('starter', {
      type: Boolean,
      description:
        'Create a starter Django + npm project when none is found (default: asked; on with --yes; --no-starter for none)',
    });
  }

  override async initializing(): Promise<void> {
    if (!this.options.composed)
      this.log(yosay(`Container setup for ${chalk.green('Django + npm')} projects`));
    await super.initializing();
    // Folder names and file contents (a .nvmrc) are shown with their control characters escaped.
    this.log(printable(this.detectionSummary()));
    // Without questions the decision is known now, so a starter problem fails before anything else.
    if (!this.interactive) this.decideStarter(this.options.starter !== false);
  }

  override async prompting(): Promise<void> {
    let wanted = this.options.starter !== false;
    if (this.interactive && !this.detection.django && this.options.starter === undefined) {
      const answers = await this.prompt<{ starter: boolean }>([
        {
          type: 'confirm',
          name: 'starter',
          message: 'No Django project here. Create a starter Django + npm project?',
          default: true,
        },
      ]);
      wanted = answers.starter;
    }
    await super.prompting();
    if (this.interactive) this.decideStarter(wanted);
  }

  /**
   * Written where no Django project exists (when wanted), and kept up to date wherever an earlier run
   * wrote it: its manage.py is found then, but untouched files still follow the settings. Never
   * dropped once written, so no re-run (not even --no-starter) removes the user's project files.
   */
  private decideStarter(wanted: boolean): void {
    const records = this.storedRecords;
    const recorded = starterFiles(this.model).some((f) => records[f.path]?.part === 'app');
    this.starter = recorded || (wanted && !this.detection.django);
    if (!this.starter) return;
    const problem = starterProblem(this.settings);
    if (problem) throw new Error(`--${problem.flag}: ${problem.message}`);
    for (const warning of starterWarnings(this.settings)) this.log(`${chalk.yellow('warning')} ${warning}`);
  }

  private detectionSummary(): string {
    const { sources, settings } = this.resolution;
    // Words, never internal keys: the setting's description up to its first detail, or a shorter name.
    const label = (key: string): string =>
      SUMMARY_WORDS[key] ?? (SETTINGS.find((s) => s.key === key)?.description ?? key).split(/ \(|: |; /)[0]!;
    const shown = (value: unknown): string =>
      typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);
    const detected = Object.entries(sources).map(
      ([key, source]) => `  ${label(key)}: ${shown(settings[key as keyof typeof settings])} (from ${source})`,
    );
    const found = this.detection.appDir ? [`Django project: ${this.detection.appDir.source}`] : [];
    const head =
      found.length + detected.length > 0
        ? ['Detected:', ...found.map((f) => `  ${f}`), ...detected]
        : ['No Django project found here.'];
    const notes = [...this.detection.notes, ...this.resolution.notes];
    // One line per entry: a newline in a folder name or a file's content is shown as \n.
    return [...head, ...notes.map((n) => `  note: ${n}`)]
      .map((line) => line.replace(/\n/g, '\\n'))
      .join('\n');
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

  writing(): void {
    if (this.starter) this.writeStarter();
    this.writeGenerated('README.Docker.md', this.readmeDocker());
  }

  private writeStarter(): void {
    const c = starterContext(this.model);
    const records = this.storedRecords;
    for (const file of starterFiles(this.model)) {
      const content = file.content ?? this.render(`starter/${file.template!}`, { c, ...file.data });
      // The starter is the user's project: a file that is not exactly as we last wrote it (their own
      // requirements.txt, an edited view) is kept as it is, without a side-by-side copy.
      const onDisk = this.readGenerated(file.path);
      const theirs = onDisk !== undefined && records[file.path]?.hash !== hashOf(onDisk);
      this.writeGenerated(file.path, content, { executable: file.executable, once: theirs });
    }
  }

  /** README.Docker.md with the section each part keeps in its folder (generators/<part>/templates/readme.md.ejs). */
  private readmeDocker(): string {
    const sections = SUB_GENERATORS.map((part) => partTemplatePath(part, README_SECTION))
      .filter((file) => existsSync(file))
      .map((file) => this.render(file, readmeFacts(this.settings)).trim());
    const m = this.model;
    return this.render('README.Docker.md.ejs', {
      sections,
      envVars: envCatalog(m),
      composeVars: composeVars(m),
      starter: this.starter,
      verifySample: sampleReport(this.settings),
      cell: (value: string) => (value === '' ? '(empty)' : `\`${value.replace(/\|/g, '\\|')}\``),
    });
  }

  /** The held-back set of a project with its own Docker files (lib/held-back.ts), for the summary. */
  private heldBackLines(): string[] {
    const own = this.ownContainerFiles;
    if (own.length === 0) return [];
    const held = [...heldBackCandidates(), ...this.heldBackManifests()].filter((path) =>
      existsSync(this.destinationPath(heldBackPath(path))),
    );
    const lines = heldBackSummary(own, held);
    return lines.length > 0 ? [...lines.map((l) => chalk.yellow(l)), ''] : [];
  }

  /** The Kubernetes manifests the k8s part held back in this project (`k8s/**\/<name>.py-docker-new`). */
  private heldBackManifests(): string[] {
    const dir = this.destinationPath('k8s');
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((path) => path.endsWith(SIDE_BY_SIDE_SUFFIX))
      .map((path) => `k8s/${path.split(sep).join('/').slice(0, -SIDE_BY_SIDE_SUFFIX.length)}`)
      .sort();
  }

  override end(): void {
    if (this.dryRun) return;
    // What each part owns now (the records of lib/drift.ts), then the commands to run next.
    const records = this.storedRecords;
    const byPart = new Map<string, string[]>();
    for (const [path, record] of Object.entries(records)) {
      byPart.set(record.part, [...(byPart.get(record.part) ?? []), path]);
    }
    const written = [...byPart].flatMap(([part, paths]) => wrapList(part.padEnd(13), paths.sort()));
    const prod = 'docker compose -f docker-compose.yml -f docker-compose.prod.yml up -d --build';
    // Something to fix first (a missing lockfile): no "Done.", and the fix is the last word.
    const fixes = mustFixesOf(this.env);
    // A re-run that changed nothing says so instead of listing every file again.
    const files =
      this.changedPaths?.length === 0
        ? [chalk.green('Nothing changed:') + ' every generated file is up to date.']
        : [
            fixes.length > 0
              ? 'Generated files by part:'
              : chalk.green('Done.') + ' Generated files by part:',
            ...written,
          ];
    const m = this.model;
    const s = this.settings;
    const held = this.heldBackLines();
    // Held back, the commands below would run the user's own files: adopting comes first.
    const adopt =
      held.length > 0
        ? ['  yo py-docker --force                           adopt the held-back set; then, with it:']
        : [];
    this.log(
      [
        '',
        ...files,
        '',
        ...held,
        'In the containers:',
        `  settings     ${m.bridgeModule} (${m.bridgeDir}/${m.bridgeModule}.py) imports ${s.settingsModule}${s.devSettingsModule !== s.settingsModule ? ` (development: ${s.devSettingsModule})` : ''}${s.testSettingsModule !== s.settingsModule ? ` (tests: ${s.testSettingsModule})` : ''} and applies the environment on top`,
        `  health       ${s.healthPath} (liveness) and ${m.readinessPath} (readiness, with the database), answered by a middleware`,
        `  front end    ${this.frontEndLine()}`,
        '',
        ...(byPart.has('ci') ? firstScanSummary(newerPatches(s)) : []),
        // Once for the whole run, whatever parts it composed.
        ...lifecycleBlock(this.lifecycleLines()),
        fixes.length > 0 ? 'Once fixed:' : 'Next:',
        ...adopt,
        '  docker compose up --build                      development, with hot reload',
        `  ${prod}`,
        '  docker compose -f docker-compose.test.yml up --build --abort-on-container-exit --exit-code-from tests',
        '  yo py-docker:verify                            prove the setup works with your Docker',
        '  README.Docker.md                               testing, debugging and deploying',
        '',
        ...mustFixLines(fixes).map((line) => (line.startsWith(' ') ? line : chalk.yellow(line))),
        ...(fixes.length > 0 ? [''] : []),
      ].join('\n'),
    );
  }

  /** What builds the front end, or why nothing does. */
  private frontEndLine(): string {
    const s = this.settings;
    const node = this.detection.node;
    const file = node ? (node.dir === '.' ? 'package.json' : `${node.dir}/package.json`) : undefined;
    if (s.frontend === 'npm')
      return `${shortRun(s, s.buildScript)} into ${s.assetsDir}${s.packageManager === 'npm' ? '' : ` (${s.packageManager} ${s.packageManagerVersion} through corepack)`}`;
    if (file && !node?.buildScript)
      return `none: ${file} has no build script, so no assets stage (--build-script <name> --frontend npm to run one)`;
    return file ? 'none (--frontend none)' : 'none (no package.json found; --frontend npm to add one)';
  }
}

/**
 * The pipeline's scan fails on fixed HIGH/CRITICAL advisories, and old patch releases have them: said
 * before the first push is refused, with the newest release of each pinned line. The gate stays.
 */
function firstScanSummary(patches: readonly NewerPatch[]): string[] {
  if (patches.length === 0) return [];
  return [
    chalk.yellow('The first CI run:') +
      ' the scan job fails on fixed HIGH/CRITICAL advisories, and nothing is pushed until it passes.',
    ...firstScanLines(patches).map((line) => `  ${line}`),
    '  Upgrade these pins before the first push (README.Docker.md, "The first CI run").',
    '',
  ];
}

/** The end-of-life warnings as a block of the summary (nothing when there are none). */
const lifecycleBlock = (lines: string[]): string[] =>
  lines.length > 0 ? ['End of life:', ...lines.map((line) => `  ${line}`), ''] : [];
