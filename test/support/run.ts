/**
 * Running the built generators (dist/) with yeoman-test. Every sub-generator is registered under its
 * real namespace (`py-docker:<name>`), whatever folder the repository was cloned into.
 */
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import helpers, { type RunResult } from 'yeoman-test';
import { PARTS } from '../../lib/settings.js';
import { DIST, fixturePath } from './repo.js';

/** Every sub-generator: `app` and the parts of lib/settings.ts. */
export const ALL_GENERATORS = ['app', ...PARTS];

export const generatorPath = (name: string): string => join(DIST, 'generators', name, 'index.js');

/** A fixed date so lifecycle warnings do not change with the clock. */
export const TODAY = '2026-11-25';

export interface RunOptions {
  options?: Record<string, unknown>;
  answers?: Record<string, unknown>;
  /** Run in this existing folder (a re-run); otherwise in a fresh temporary one. */
  cwd?: string;
  /** Files to create before running, in a fresh folder. */
  files?: Record<string, string>;
  /** Raw command-line tokens, parsed by yeoman like `yo` does (e.g. `['--postgres', 'maybe']`). */
  args?: string[];
  /** Sees (and may replace) each answer, the conflicter's `action` included, while the run asks. */
  answerCallback?: (answer: unknown, options: { question: { name?: string } }) => unknown;
  /** Options of the yeoman environment (its conflicter), on top of `yo`'s own: `{ force: false }`. */
  envOptions?: Record<string, unknown>;
  /**
   * A part (not app or verify) runs where `yo py-docker` ran before: a folder without a `.yo-rc.json`
   * gets one with the generator's section (a part alone refuses a folder with no project and no
   * answers). `alone: true` leaves it out: the part runs in a folder `yo py-docker` never saw.
   */
  alone?: boolean;
}

/** Whether a path exists, a dangling link included. */
function lexists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs a generator the way `yo` does: yeoman-test forces the conflicter by default, `yo` does not, so
 * its questions are asked here too, and a question in a `--yes` run fails the run as it fails `yo`'s
 * (no one is there to answer it).
 */
export async function runGenerator(name: string, run: RunOptions = {}): Promise<RunResult> {
  const yes = Boolean(run.options?.yes);
  const context = helpers
    .run(generatorPath(name), { namespace: `py-docker:${name}` }, {
      force: false,
      ...run.envOptions,
    } as never)
    // The generator's own --force is the user's, never yeoman-test's default.
    .withOptions({ today: TODAY, skipInstall: true, force: false, ...run.options } as never)
    .withAnswers(run.answers ?? {}, {
      throwOnMissingAnswer: yes,
      ...(run.answerCallback ? { callback: run.answerCallback as never } : {}),
    })
    .withArguments(run.args ?? []);
  // In memory, as yeoman reads it: a run that stops writes nothing, one that succeeds stores its answers.
  const earlierRun =
    !run.alone &&
    name !== 'app' &&
    name !== 'verify' &&
    !(run.cwd ? lexists(join(run.cwd, '.yo-rc.json')) : '.yo-rc.json' in (run.files ?? {}));
  if (earlierRun) context.withYoRcConfig('generator-py-docker', {});
  if (run.cwd) {
    context.cd(run.cwd);
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'py-docker-'));
    context.inDir(dir, () => undefined);
    if (run.files) context.withFiles(run.files);
  }
  return context;
}

/** Runs and returns the error the generator failed with (or throws if it succeeded). */
export async function runExpectingError(name: string, run: RunOptions = {}): Promise<Error> {
  try {
    await runGenerator(name, run);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`py-docker:${name} succeeded, but an error was expected`);
}

/** Every file of a fixture project under test/fixtures/ (path -> contents). */
export function fixtureFiles(name: string): Record<string, string> {
  const root = fixturePath(name);
  const files: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else files[path] = readFileSync(join(root, path), 'utf8');
    }
  };
  walk('');
  return files;
}

/** Every file below `dir` (relative path -> contents and mode), for byte-for-byte comparisons. */
export function snapshotFolder(dir: string): Record<string, { content: string; mode: number }> {
  const out: Record<string, { content: string; mode: number }> = {};
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[relative(dir, full)] = { content: readFileSync(full, 'latin1'), mode: statSync(full).mode };
    }
  };
  walk(dir);
  return out;
}

/** Everything the generator printed in a run (yeoman-test's adapter log spies), one call per line. */
export function printed(result: RunResult): string {
  type Spy = { mock?: { calls: { arguments: unknown[] }[] } };
  const log = result.env.adapter.log as unknown as Spy;
  return [log, ...(Object.values(log) as Spy[])]
    .flatMap((spy) => spy?.mock?.calls ?? [])
    .map((call) => call.arguments.map(String).join(' '))
    .join('\n');
}

/**
 * A fresh folder holding `files` on disk, for a run with `cwd` (yeoman-test's `files` only fill its
 * in-memory store, and detection reads the disk, as it does for a real user).
 */
export function folderOnDisk(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'py-docker-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}
