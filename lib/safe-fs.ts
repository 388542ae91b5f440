/**
 * The file system as the generator may touch it: only inside the project. A path of the project that
 * is (or runs through) a symbolic link is followed only when the link stays inside the project; a link
 * that leaves it is refused before anything is read or written, and where it points is never printed.
 * Writes are atomic (a temporary file in the same folder, then a rename), so a killed run leaves each
 * file either as it was or as it was meant to be, never half written.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fchmodSync,
  fchownSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

export class OutsideProjectError extends Error {
  constructor(
    /** The path of the project that was to be used, relative to the project root. */
    readonly path: string,
    /** The link on that path (the path itself or one of its folders). */
    readonly link: string,
  ) {
    super(
      `${path}: ${link === path ? 'is' : `runs through ${link}, which is`} a symbolic link that leads outside the project; the generator never reads, writes or removes anything outside the project: replace the link with a file or folder of the project`,
    );
    this.name = 'OutsideProjectError';
  }
}

/** Whether an absolute path is the root itself or below it. */
const inside = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
};

export interface ProjectPath {
  /** Where the bytes really are (links inside the project followed), absolute. */
  real: string;
  /** The first link on the way and where it leads, both relative to the project root, when there is one. */
  link?: { at: string; to: string };
}

/**
 * Where `path` (relative to `root`, `/`-separated) really is. Each existing part of the path is checked
 * with lstat: a link is followed when its target (resolved, or for a dangling link the path it names)
 * is inside the project, and refused with an OutsideProjectError otherwise.
 */
export function projectPath(root: string, path: string): ProjectPath {
  const realRoot = realpathSync(root);
  let current = realRoot;
  let link: ProjectPath['link'];
  const segments = path.split('/').filter((s) => s !== '' && s !== '.');
  for (const [i, segment] of segments.entries()) {
    const next = join(current, segment);
    const at = segments.slice(0, i + 1).join('/');
    let stat;
    try {
      stat = lstatSync(next);
    } catch {
      // Nothing there yet: the rest of the path is created below a folder already checked.
      return { real: join(next, ...segments.slice(i + 1)), link };
    }
    if (!stat.isSymbolicLink()) {
      current = next;
      continue;
    }
    let target: string;
    try {
      target = realpathSync(next);
    } catch {
      // Dangling (or a loop): judged by the path it names, so a write cannot create a file outside.
      target = resolve(dirname(next), readlinkSync(next));
      if (!inside(realRoot, target)) throw new OutsideProjectError(path, at);
      // A link to a link that does not resolve: refuse rather than guess where a write would land.
      try {
        if (lstatSync(target).isSymbolicLink()) throw new OutsideProjectError(path, at);
      } catch (error) {
        if (error instanceof OutsideProjectError) throw error;
      }
    }
    if (!inside(realRoot, target)) throw new OutsideProjectError(path, at);
    link ??= { at, to: relative(realRoot, target).split(sep).join('/') || '.' };
    current = target;
  }
  return { real: current, link };
}

/**
 * The current content of a file the generator writes (undefined when there is none), as a string in
 * `encoding` (latin1 keeps every byte of a file that is merged, whatever its encoding). A link on the
 * path that leaves the project, a folder where the file goes, or a file where a folder of its path
 * goes, is a clear error naming the path, raised before anything is written (instead of writing
 * outside the project, or EISDIR/ENOTDIR halfway through).
 */
export function readProjectFile(root: string, path: string, encoding: BufferEncoding): string | undefined {
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
 * Writes `bytes` to `file` atomically: a temporary file beside it, flushed, then renamed over it. The
 * mode is `mode`, else that of the file it replaces (scripts stay executable), else the umask's; the
 * owner of a replaced file stays (the rename would otherwise give it to whoever runs the generator).
 */
export function atomicWrite(file: string, bytes: Buffer, mode?: number): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true });
  const temp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let existing: { mode: number; uid: number; gid: number } | undefined;
  try {
    existing = statSync(file);
  } catch {
    existing = undefined;
  }
  const fd = openSync(temp, 'wx', 0o666);
  try {
    try {
      const wanted = mode ?? existing?.mode;
      if (wanted !== undefined) fchmodSync(fd, wanted & 0o7777);
      // A file replaced by a run as another user (root in a developer's checkout) keeps its owner.
      if (existing && process.getuid?.() === 0) fchownSync(fd, existing.uid, existing.gid);
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  removeStaleTemps(dir, basename(file));
}

/** Temporary files of this file left by a run that was killed before its rename (its process is gone). */
function removeStaleTemps(dir: string, name: string): void {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^\\.${escaped}\\.([0-9]+)\\.[0-9a-f]{8}\\.tmp$`);
  for (const entry of readdirSync(dir)) {
    const pid = Number(pattern.exec(entry)?.[1]);
    if (pid && pid !== process.pid && !processAlive(pid)) rmSync(join(dir, entry), { force: true });
  }
}

/** Whether a process of this id runs (EPERM: it does, as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

/** Removes one file (never a folder, never through a link: a link itself is removed). */
export function removeFile(file: string): void {
  unlinkSync(file);
}

/**
 * Text for the terminal: control characters (C0 but newline and tab, DEL, C1) and the Unicode line
 * and bidirectional controls are shown escaped, so a file's content or name cannot move the cursor,
 * clear the screen or change what the rest of the output looks like.
 */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) =>
    c === '\r' ? '\\r' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
