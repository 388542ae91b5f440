import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, normalize as normalizePath } from 'node:path';
import { projectPath } from './safe-fs.js';

/**
 * The read-only view of a project that detection works on. Detection is pure over this interface, so
 * unit tests hand it an in-memory tree and the generator hands it the real folder.
 */
export interface FileTree {
  /** File contents, or undefined when there is no such file. Throws when the file exists but cannot be read. */
  read(path: string): string | undefined;
  /** Names directly inside a folder (folders end with "/"), or [] when there is no such folder. */
  list(dir: string): string[];
}

/** Folders never worth descending into while detecting. */
export const SKIPPED_DIRS = new Set([
  '.git',
  'node_modules',
  '.venv',
  'venv',
  'env',
  '__pycache__',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
  'dist',
  'build',
  'staticfiles',
]);

export class DiskTree implements FileTree {
  constructor(private readonly root: string) {}

  /**
   * Only files of the project are read: a path that climbs out of it (an include such as
   * `-r ../../x.txt`) reads as no file, and a link that leads out throws an OutsideProjectError naming
   * the path, so nothing outside the project is ever read, let alone printed.
   */
  read(path: string): string | undefined {
    if (normalizePath(path).split(/[\\/]/)[0] === '..') return undefined;
    const full = projectPath(this.root, path).real;
    let isFile: boolean;
    try {
      isFile = statSync(full).isFile();
    } catch {
      return undefined;
    }
    if (!isFile) return undefined;
    return readFileSync(full, 'utf8');
  }

  list(dir: string): string[] {
    try {
      return readdirSync(join(this.root, dir), { withFileTypes: true }).map((entry) =>
        entry.isDirectory() ? `${entry.name}/` : entry.name,
      );
    } catch {
      return [];
    }
  }
}

/** In-memory tree from a `{ "path/to/file": "contents" }` map. */
export class MemoryTree implements FileTree {
  constructor(private readonly files: Record<string, string>) {}

  read(path: string): string | undefined {
    return this.files[normalize(path)];
  }

  list(dir: string): string[] {
    const prefix = normalize(dir) === '' ? '' : `${normalize(dir)}/`;
    const names = new Set<string>();
    for (const path of Object.keys(this.files)) {
      if (!path.startsWith(prefix)) continue;
      const rest = path.slice(prefix.length);
      const slash = rest.indexOf('/');
      names.add(slash === -1 ? rest : `${rest.slice(0, slash)}/`);
    }
    return [...names].sort();
  }
}

// Only a leading "." folder ("." or "./x"): ".nvmrc" and ".git/config" keep their dot.
const normalize = (path: string): string => path.replace(/^\.(\/|$)/, '').replace(/\/+$/, '');
