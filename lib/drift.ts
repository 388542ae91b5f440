/**
 * Safe re-runs: what to do with each generated file, given what is on disk and what the generator wrote
 * last time (a content hash recorded in .yo-rc.json). Pure, so every rule is unit-tested.
 */
import { createHash } from 'node:crypto';

export interface FileRecord {
  /** sha256 of the content this generator last wrote. */
  hash: string;
  /** Version of generator-py-docker that wrote it. */
  version: string;
  /** Sub-generator that owns the file. */
  part: string;
}

export type FileRecords = Record<string, FileRecord>;

export type WriteAction =
  /** New file, or a file the user never touched: written without a question. */
  | 'write'
  /** Same content already on disk. */
  | 'identical'
  /** Kept as it is (`.env`: it holds real secrets). */
  | 'keep'
  /** The user deleted a file we generated: not recreated unless asked (--restore). */
  | 'skip-deleted'
  /** The user edited it, --yes: keep theirs, write ours next to it as `<name>.py-docker-new`. */
  | 'side-by-side'
  /** The user edited it, interactive: show the diff and ask. */
  | 'ask'
  /** The user edited it, --force: overwrite. */
  | 'overwrite';

export interface WriteInput {
  /** Content on disk, undefined when there is no file. */
  onDisk: string | undefined;
  content: string;
  record: FileRecord | undefined;
  /** Never replace an existing file (`.env`). */
  once?: boolean;
  /** The new content was computed from the file on disk (merged ignore files): never an edit conflict. */
  merge?: boolean;
  force?: boolean;
  restore?: boolean;
  interactive?: boolean;
  /** How `onDisk` encodes the file's bytes (latin1 for files merged byte for byte). */
  encoding?: BufferEncoding;
}

export const SIDE_BY_SIDE_SUFFIX = '.py-docker-new';

/** sha256 of a file's bytes: a Buffer, or a string in `encoding` (latin1 for files kept byte for byte). */
export const hashOf = (content: string | Buffer, encoding: BufferEncoding = 'utf8'): string =>
  createHash('sha256')
    .update(typeof content === 'string' ? Buffer.from(content, encoding) : content)
    .digest('hex');

export function decideWrite(input: WriteInput): WriteAction {
  const { onDisk, content, record } = input;
  if (onDisk === undefined) return record && !input.restore ? 'skip-deleted' : 'write';
  if (onDisk === content) return 'identical';
  if (input.once) return 'keep';
  if (input.merge) return 'write';
  if (record && hashOf(onDisk, input.encoding) === record.hash) return 'write';
  if (input.force) return 'overwrite';
  return input.interactive ? 'ask' : 'side-by-side';
}

export type RemoveAction = 'delete' | 'keep-edited' | 'gone';

/**
 * A file this part generated before but no longer generates (a service was turned off): deleted when
 * the user never touched it, kept (with a note) when they did.
 */
export function decideRemoval(onDisk: string | Buffer | undefined, record: FileRecord): RemoveAction {
  if (onDisk === undefined) return 'gone';
  return hashOf(onDisk) === record.hash ? 'delete' : 'keep-edited';
}

/** Whether `text` holds the closing `quote` of a quoted env value (a backslash escapes it). */
function closesQuote(text: string, quote: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === quote) return true;
  }
  return false;
}

/**
 * The names an env file sets, in every form Compose or sh reads: `KEY=value`, `export KEY=value`,
 * `KEY = value`, `KEY: value`, a bare `KEY` or `export KEY` (taken from the environment), quoted values,
 * and quoted values over several lines (whose inner lines are not names).
 */
export function envFileNames(text: string): Set<string> {
  const names = new Set<string>();
  let open: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (open) {
      if (closesQuote(line, open)) open = undefined;
      continue;
    }
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(?:[=:]\s*(.*))?$/.exec(line);
    if (!match) continue;
    names.add(match[1]!);
    const value = match[2] ?? '';
    const quote = value[0];
    if ((quote === '"' || quote === "'") && !closesQuote(value.slice(1), quote)) open = quote;
  }
  return names;
}

/**
 * The entries (`KEY=value` with the comment lines right above it) of a freshly rendered env file whose
 * keys the file on disk lacks (a service turned on, a variable a newer version added): their names, and
 * the text to append ('' when nothing is missing). Nothing of the user's file is changed or removed; a
 * name the file sets in any form (see envFileNames) counts as there.
 */
export function missingEnvEntries(onDisk: string, content: string): { names: string[]; text: string } {
  const key = (line: string): string | undefined => /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(line)?.[1];
  const present = envFileNames(onDisk);
  const names: string[] = [];
  const blocks: string[] = [];
  let comments: string[] = [];
  for (const line of content.split('\n')) {
    const name = key(line);
    if (name === undefined) comments = line.startsWith('#') ? [...comments, line] : [];
    else {
      if (!present.has(name)) {
        names.push(name);
        blocks.push([...comments, line].join('\n'));
      }
      comments = [];
    }
  }
  if (blocks.length === 0) return { names, text: '' };
  const separator = onDisk === '' || onDisk.endsWith('\n') ? '' : '\n';
  return {
    names,
    text: `${separator}\n# Added by a later run of yo py-docker: variables this setup now needs.\n\n${blocks.join('\n\n')}\n`,
  };
}
