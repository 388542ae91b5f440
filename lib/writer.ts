/**
 * The commit of a run: yeoman's own steps (.yo-resolve, the conflicter with the user's --force, its
 * questions), then every file written atomically through lib/safe-fs.ts, and `.yo-rc.json` last, with
 * its `files` records checked against what really is on disk. So a question that cannot be answered
 * fails before anything is written, a killed run never leaves a half-written file or records newer
 * than the files, and a run that fails partway says which files it changed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import { Transform } from 'node:stream';
import { createConflicterTransform, createYoResolveTransform } from '@yeoman/conflicter';
import {
  clearFileState,
  isFileNew,
  isFilePending,
  isFileStateDeleted,
  isFileStateModified,
  setCommittedFile,
} from 'mem-fs-editor/state';
import type { MemFsEditorFile } from 'mem-fs-editor';
import { hashOf, type FileRecord, type FileRecords } from './drift.js';
import { atomicWrite, OutsideProjectError, printable, projectPath, removeFile } from './safe-fs.js';
import { dirOf } from './paths.js';

type MemFile = MemFsEditorFile;

/** What of the yeoman environment the commit uses (the same the environment's own commit uses). */
export interface CommitEnvironment {
  adapter: unknown;
  conflicterOptions?: Record<string, unknown>;
  sharedFs: {
    pipeline(options: { filter: (file: MemFile) => boolean }, ...transforms: unknown[]): Promise<void>;
  };
}

export interface CommitOptions {
  root: string;
  /** The key of the generator's answers in .yo-rc.json. */
  configKey: string;
  info: (message: string) => void;
}

const toPosix = (path: string): string => path.split(sep).join('/');

/** The bytes of a project file now (undefined: none, or not reachable inside the project). */
function bytesOf(root: string, path: string): Buffer | undefined {
  try {
    return readFileSync(projectPath(root, path).real);
  } catch {
    return undefined;
  }
}

/** Writes or removes one file inside the project (links followed only inside it). */
function commitFile(root: string, file: MemFile, info: (message: string) => void): void {
  const path = toPosix(relative(root, file.path));
  if (path === '..' || path.startsWith('../') || isAbsolute(path)) {
    // A file of a generator that composed ours, outside this project: written as yeoman would.
    if (isFileStateModified(file))
      atomicWrite(file.path, file.contents ?? Buffer.alloc(0), file.stat?.mode ?? undefined);
    else removeFile(file.path);
  } else if (isFileStateModified(file)) {
    const { real, link } = projectPath(root, path);
    atomicWrite(real, file.contents ?? Buffer.alloc(0), file.stat?.mode ?? undefined);
    if (link) {
      const where = link.at === path ? path : `${path}: ${link.at}`;
      const wrote = toPosix(relative(projectPath(root, '.').real, real));
      info(
        `${printable(where)} is a link to ${printable(link.to)} inside the project; wrote ${printable(wrote)}`,
      );
    }
  } else {
    // The folders are followed (inside the project only); a link in the file's place is removed itself.
    const name = path.slice(path.lastIndexOf('/') + 1);
    removeFile(resolve(projectPath(root, dirOf(path)).real, name));
  }
  setCommittedFile(file);
  clearFileState(file);
}

/**
 * The records of `.yo-rc.json` as they may be stored: a record this run changed is kept only when the
 * disk agrees (a written file has its hash, a removed one is gone); otherwise the earlier record stays.
 */
function checkedRecords(root: string, next: FileRecords, before: FileRecords): FileRecords {
  const out: FileRecords = { ...next };
  for (const path of new Set([...Object.keys(next), ...Object.keys(before)])) {
    const now: FileRecord | undefined = next[path];
    const old = before[path];
    if (JSON.stringify(now) === JSON.stringify(old)) continue;
    const bytes = bytesOf(root, path);
    const holds = now ? bytes !== undefined && hashOf(bytes) === now.hash : bytes === undefined;
    if (holds) continue;
    if (old) out[path] = old;
    else delete out[path];
  }
  return out;
}

/** The `.yo-rc.json` content to write: this run's answers, and records that match the disk. */
function finalConfig(root: string, file: MemFile, key: string): Buffer {
  const parse = (text: string | undefined): Record<string, Record<string, unknown>> => {
    try {
      return text ? (JSON.parse(text) as Record<string, Record<string, unknown>>) : {};
    } catch {
      return {};
    }
  };
  const next = parse(file.contents?.toString('utf8'));
  const before = parse(bytesOf(root, '.yo-rc.json')?.toString('utf8'));
  const ours = next[key];
  if (ours && typeof ours.files === 'object' && ours.files !== null) {
    const old = (before[key]?.files ?? {}) as FileRecords;
    ours.files = checkedRecords(root, ours.files as FileRecords, old);
  }
  return Buffer.from(`${JSON.stringify(next, null, 2)}\n`);
}

const YO_FILES = new Set(['.yo-rc.json', '.yo-resolve', '.yo-rc-global.json']);

/**
 * Yeoman's own files are never asked about, like yeoman's forceYoFiles does; but only one that exists
 * and changes is forced, so a new folder shows `create .yo-rc.json` and an unchanged re-run
 * `identical .yo-rc.json`, not a yellow `force` that reads as a warning.
 */
const forceExistingYoFiles = (): Transform =>
  new Transform({
    objectMode: true,
    transform(file: MemFile & { conflicter?: string }, _encoding, callback) {
      if (
        isFilePending(file) &&
        YO_FILES.has(basename(file.path)) &&
        existsSync(file.path) &&
        !readFileSync(file.path).equals(file.contents ?? Buffer.alloc(0))
      )
        file.conflicter = 'force';
      callback(null, file);
    },
  });

/**
 * Runs the commit and returns the project paths it changed (`.yo-rc.json` included); throws an Error
 * naming the file that failed and the files the run changed.
 */
export async function commitProject(env: CommitEnvironment, options: CommitOptions): Promise<string[]> {
  const { root, configKey, info } = options;
  const files: MemFile[] = [];
  const collect = new Transform({
    objectMode: true,
    transform(file: MemFile, _encoding, callback) {
      files.push(file);
      callback(null, file);
    },
  });
  await env.sharedFs.pipeline(
    { filter: (file) => isFilePending(file) || file.path.endsWith('.yo-resolve') },
    createYoResolveTransform(),
    forceExistingYoFiles(),
    createConflicterTransform(env.adapter as never, env.conflicterOptions as never),
    collect,
  );
  const yoRc = resolve(root, '.yo-rc.json');
  const pending = files.filter(
    (f) => isFileStateModified(f) || (isFileStateDeleted(f as never) && !isFileNew(f as never)),
  );
  const changed: string[] = [];
  let failure: { path: string; error: Error } | undefined;
  for (const file of pending.filter((f) => f.path !== yoRc)) {
    const path = toPosix(relative(root, file.path));
    try {
      commitFile(root, file, info);
      changed.push(path);
    } catch (error) {
      failure = { path, error: error as Error };
      break;
    }
  }
  // Last, so a run killed before this point leaves the records of the files as they were before it.
  const config = pending.find((f) => f.path === yoRc);
  if (config && (!failure || changed.length > 0)) {
    config.contents = finalConfig(root, config, configKey);
    // The same bytes as on disk (the records were pruned back to them): nothing to write or report.
    if (bytesOf(root, '.yo-rc.json')?.equals(config.contents)) {
      setCommittedFile(config);
      clearFileState(config);
    } else {
      try {
        commitFile(root, config, info);
        changed.push('.yo-rc.json');
      } catch (error) {
        failure ??= { path: '.yo-rc.json', error: error as Error };
      }
    }
  }
  if (failure) {
    const { path, error } = failure;
    const why =
      error instanceof OutsideProjectError
        ? error.message.slice(error.message.indexOf(': ') + 2)
        : `could not be written (${(error as { code?: string }).code ?? error.message})`;
    const done =
      changed.length > 0
        ? `this run changed ${changed.map(printable).join(', ')} and nothing else (the records in .yo-rc.json match them)`
        : 'this run changed no file';
    throw new Error(`${printable(path)}: ${why}; ${done}. Fix the cause and run again`);
  }
  return changed;
}
