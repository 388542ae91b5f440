/** What detection finds (the Detection record, its hints and problems), its error, and the file search every detector uses. */
import { type PackageManager } from './package-manager.js';
import { SKIPPED_DIRS, type FileTree } from './file-tree.js';
import type { SettingKey } from './settings.js';
import { under as join } from './paths.js';

export class DetectionError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'DetectionError';
  }
}

export interface Hint {
  value: string;
  /** The file the value came from, shown in the detection summary. */
  source: string;
}

/** Something detection could not work out for a setting: resolution fails with it only when no flag or
 * stored answer supplies the setting, and the message names the file and the flag. */
export interface DetectionProblem {
  file: string;
  problem: string;
}

export type PythonDepsKind = 'requirements' | 'pyproject' | 'uv' | 'none';

/** A Python version specifier of the project (`==3.12.*`, `>=3.10,<3.13`) and where it is written. */
export interface PythonConstraint {
  spec: string;
  /** The file and what it says, for the summary: `.python-version 3.12`, `Dockerfile FROM python:3.12-slim`. */
  source: string;
}

export interface Detection {
  /** A manage.py was found. */
  django: boolean;
  /** Folder holding manage.py, relative to the root ("." for a flat project, "src" for a src/ layout). */
  appDir?: Hint;
  settingsModule?: Hint;
  /** Per-environment settings modules beside the production one (config.settings.local, ...test). */
  settingsModules?: { development?: Hint; test?: Hint };
  /** Folders manage.py puts on sys.path ("src"), comma-separated, relative to the project root. */
  pythonPath?: Hint;
  wsgiApplication?: Hint;
  asgiApplication?: Hint;
  pythonDeps: { kind: PythonDepsKind; file?: string; devFile?: string };
  /** Lower-cased distribution names the project depends on (runtime and dev). */
  pythonPackages: Set<string>;
  /** A Python version or line the project names; `lowerBound`: from a range (requires-python >=3.10). */
  pythonVersion?: Hint & { lowerBound?: boolean };
  /**
   * Every Python the project names, strongest first (pins, then ranges, then its own Dockerfile's
   * FROM python), as version specifiers: the images' Python satisfies them all where a release does.
   */
  pythonConstraints?: PythonConstraint[];
  djangoVersion?: Hint;
  /**
   * What the project's own files say about the Django its images install: a lock file's or an exact
   * pin's version, or a range; neither when it names Django bare (pip installs the newest).
   */
  djangoInstall?: { version?: string; spec?: string; source: string };
  /**
   * package.json of the front-end build: at the root, beside manage.py, or in a subfolder with a
   * lockfile (project-static/, src-ui/, frontend/).
   */
  node?: {
    dir: string;
    buildScript?: string;
    /** A script that rebuilds into the assets folder on change (never an in-memory dev server). */
    watchScript?: string;
    /** Names of the scripts package.json defines. */
    scripts: string[];
    /** The lockfile of the package manager exists. */
    lockfile: boolean;
    manager: Hint & { value: PackageManager };
    /** The manager's version from package.json `packageManager`. */
    managerVersion?: Hint;
    /** yarn.lock is a Yarn 2+ lockfile. */
    berryLockfile?: boolean;
    /** Where the build writes, relative to the project root (Vite build.outDir, webpack output.path, --outdir). */
    outDir?: Hint;
  };
  nodeVersion?: Hint;
  npmVersion?: Hint;
  imageRepository?: Hint;
  projectName?: Hint;
  /** Things worth telling the user that are not errors (ignored hints and the like). */
  notes: string[];
  /** Settings detection could not work out, by setting (see DetectionProblem). */
  problems?: Partial<Record<SettingKey, DetectionProblem>>;
}

/** Finds files by name down to `depth` folders, skipping virtualenvs, node_modules and the like. */
export function findFiles(tree: FileTree, name: string, depth = 2, dir = '.'): string[] {
  const found: string[] = [];
  for (const entry of tree.list(dir)) {
    if (entry === name) found.push(join(dir, entry));
    else if (
      entry.endsWith('/') &&
      depth > 0 &&
      !SKIPPED_DIRS.has(entry.slice(0, -1)) &&
      !entry.startsWith('.')
    ) {
      found.push(...findFiles(tree, name, depth - 1, join(dir, entry.slice(0, -1))));
    }
  }
  return found.sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
}
