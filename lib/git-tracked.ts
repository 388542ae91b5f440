/**
 * Whether git tracks a file of the project, so the generator never writes secrets into a committed file.
 *
 * `git ls-files --error-unmatch` answers when git runs (it knows worktrees, parent repositories, split
 * and sparse indexes). When git is not installed, or refuses the repository (another owner's folder,
 * "dubious ownership"), the index file is read directly. A folder in no repository tracks nothing.
 * `undefined` means it could not be told (an index this reader does not know): callers treat that as
 * tracked, since a secret committed by mistake cannot be taken back by the generator.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** `git` by default; tests name a missing command to take the no-git path. */
export interface GitOptions {
  git?: string;
}

export function gitTracks(root: string, path: string, options: GitOptions = {}): boolean | undefined {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_OPTIONAL_LOCKS: '0' };
  // The folder decides which repository answers, never a GIT_DIR the user's shell happens to carry.
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE']) delete env[name];
  const run = spawnSync(options.git ?? 'git', ['ls-files', '--error-unmatch', '--', path], {
    cwd: root,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 10_000,
  });
  if (!run.error && run.status === 0) return true;
  // 1: no such file in the index.
  if (!run.error && run.status === 1) return false;
  if (!run.error && /not a git repository/i.test(run.stderr)) return false;
  return indexTracks(root, path);
}

/** The repository holding `root`: its work tree top and git folder, or undefined outside any. */
function findRepository(root: string): { top: string; gitDir: string } | undefined {
  for (let dir = resolve(root); ; dir = dirname(dir)) {
    const dotGit = join(dir, '.git');
    if (existsSync(dotGit)) {
      if (statSync(dotGit).isDirectory()) return { top: dir, gitDir: dotGit };
      // A worktree or submodule: `.git` is a file naming the git folder.
      const named = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, 'utf8'))?.[1];
      if (!named) return undefined;
      return { top: dir, gitDir: isAbsolute(named) ? named : resolve(dir, named) };
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** Reads `.git/index` for `path` (relative to `root`) without git. */
export function indexTracks(root: string, path: string): boolean | undefined {
  const repo = findRepository(root);
  if (!repo) return false;
  const index = join(repo.gitDir, 'index');
  // A repository with nothing added yet has no index.
  if (!existsSync(index)) return false;
  // A worktree's git folder names the common one (with the config) in `commondir`.
  const common = existsSync(join(repo.gitDir, 'commondir'))
    ? resolve(repo.gitDir, readFileSync(join(repo.gitDir, 'commondir'), 'utf8').trim())
    : repo.gitDir;
  const config = existsSync(join(common, 'config')) ? readFileSync(join(common, 'config'), 'utf8') : '';
  const hashLength = /^\s*objectformat\s*=\s*sha256\s*$/im.test(config) ? 32 : 20;
  const paths = parseGitIndex(readFileSync(index), hashLength);
  if (!paths) return undefined;
  const wanted = relative(repo.top, resolve(root, path)).split(sep).join('/');
  return paths.includes(wanted);
}

/**
 * The paths of a git index (format versions 2 to 4, as gitformat-index describes it), or undefined for
 * what this reader cannot list completely: another format, a split index (entries in a shared file) or
 * a sparse index (folders standing for the files below them).
 */
export function parseGitIndex(data: Buffer, hashLength = 20): string[] | undefined {
  if (data.length < 12 || data.toString('latin1', 0, 4) !== 'DIRC') return undefined;
  const version = data.readUInt32BE(4);
  if (version < 2 || version > 4) return undefined;
  const count = data.readUInt32BE(8);
  const paths: string[] = [];
  let previous: Buffer = Buffer.alloc(0);
  let pos = 12;
  for (let i = 0; i < count; i += 1) {
    const start = pos;
    // ctime, mtime, dev, ino, mode, uid, gid, size (40 bytes), the object name, 16 bits of flags.
    const flagsAt = start + 40 + hashLength;
    if (flagsAt + 2 > data.length) return undefined;
    const mode = data.readUInt32BE(start + 24);
    const flags = data.readUInt16BE(flagsAt);
    pos = flagsAt + 2;
    if (flags & 0x4000) {
      if (version < 3) return undefined;
      pos += 2;
    }
    let name: Buffer;
    if (version === 4) {
      // The name is the previous one less N trailing bytes (a varint), then a NUL-terminated suffix.
      let byte = data[pos++] ?? 0;
      let strip = byte & 0x7f;
      while (byte & 0x80) {
        byte = data[pos++] ?? 0;
        strip = ((strip + 1) << 7) | (byte & 0x7f);
      }
      const end = data.indexOf(0, pos);
      if (end < 0 || strip > previous.length) return undefined;
      name = Buffer.concat([previous.subarray(0, previous.length - strip), data.subarray(pos, end)]);
      pos = end + 1;
    } else {
      const end = data.indexOf(0, pos);
      if (end < 0) return undefined;
      name = data.subarray(pos, end);
      // 1 to 8 NULs pad the entry to a multiple of 8 bytes.
      const length = end - start;
      pos = start + ((length + 8) & ~7);
    }
    if ((mode & 0o170000) === 0o040000) return undefined;
    previous = name;
    paths.push(name.toString('utf8'));
  }
  // Extensions: a split index keeps most entries in a shared index file.
  while (pos + 8 <= data.length - hashLength) {
    const signature = data.toString('latin1', pos, pos + 4);
    if (signature === 'link' || signature === 'sdir') return undefined;
    pos += 8 + data.readUInt32BE(pos + 4);
  }
  return paths;
}
