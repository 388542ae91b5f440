/** Detection of the npm build: package.json (root or a subfolder with its lockfile), its scripts, Node.js and the package manager. */
import { detectOutDir } from './detect-frontend.js';
import { detectManager, LOCKFILES } from './package-manager.js';
import { type FileTree } from './file-tree.js';
import { dirOf, under as join } from './paths.js';
import { Detection, DetectionError, findFiles } from './detection.js';
import { FULL_VERSION, NVMRC_VERSION } from './detect-python-version.js';
import { pickBuildScript, pickWatchScript } from './build-scripts.js';

/** package.json parsed, or a DetectionError naming the file. */
function readPackageJson(tree: FileTree, file: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(tree.read(file)!);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not a JSON object');
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw new DetectionError(file, `invalid JSON (${(error as Error).message})`);
  }
}

/** The string-valued, non-empty scripts of a package.json. */
function scriptsOf(pkg: Record<string, unknown>): Record<string, string> {
  const scripts = (typeof pkg.scripts === 'object' && pkg.scripts !== null ? pkg.scripts : {}) as Record<
    string,
    unknown
  >;
  return Object.fromEntries(
    Object.entries(scripts).filter(
      (e): e is [string, string] => typeof e[1] === 'string' && e[1].trim() !== '',
    ),
  );
}

const hasLockfile = (tree: FileTree, dir: string): boolean =>
  Object.values(LOCKFILES).some((f) => tree.read(join(dir, f)) !== undefined);

/**
 * The package.json of the front-end build: at the root or beside manage.py; else one in a subfolder
 * (down to three levels) that a package manager installed (a lockfile beside it), since vendored
 * libraries under static/ carry package.json files too. Among subfolders, one with a build script
 * first, then the shallowest.
 */
function findPackageJson(tree: FileTree, detection: Detection, appDir: string): string | undefined {
  const near = [...new Set(['package.json', join(appDir, 'package.json')])].find(
    (f) => tree.read(f) !== undefined,
  );
  if (near) return near;
  const candidates = findFiles(tree, 'package.json', 3).filter((f) => hasLockfile(tree, dirOf(f)));
  if (candidates.length === 0) return undefined;
  const builds = (f: string): boolean => {
    try {
      return pickBuildScript(scriptsOf(readPackageJson(tree, f))).script !== undefined;
    } catch {
      return false;
    }
  };
  const ranked = [...candidates.filter(builds), ...candidates.filter((f) => !builds(f))];
  if (ranked.length > 1)
    detection.notes.push(
      `front-end build: ${ranked[0]} (also found ${ranked.slice(1).join(', ')}); the build runs in ${dirOf(ranked[0]!)}`,
    );
  return ranked[0];
}

export function detectNode(tree: FileTree, detection: Detection, appDir: string): void {
  const file = findPackageJson(tree, detection, appDir);
  if (!file) return;
  const pkg = readPackageJson(tree, file);
  const dir = dirOf(file);
  const commands = scriptsOf(pkg);
  const { script: buildScript, others } = pickBuildScript(commands);
  const managed = detectManager(
    file,
    pkg.packageManager,
    (name) => tree.read(join(dir, name)),
    (name) => join(dir, name),
  );
  detection.notes.push(...managed.notes);
  const manager = managed.manager.value;
  detection.node = {
    dir,
    buildScript,
    watchScript: pickWatchScript(commands),
    scripts: Object.keys(commands),
    lockfile: tree.read(join(dir, LOCKFILES[manager])) !== undefined,
    manager: managed.manager,
    ...(managed.version ? { managerVersion: managed.version } : {}),
    ...(managed.berryLockfile ? { berryLockfile: true } : {}),
  };
  if (buildScript && others.length > 0)
    detection.notes.push(
      `${file}: "${buildScript}" builds the assets; ${others.map((o) => `"${o}"`).join(', ')} too? --build-script names the one script that builds everything`,
    );
  if (!buildScript)
    detection.notes.push(
      `${file} has no build script (${Object.keys(commands).length > 0 ? `scripts: ${Object.keys(commands).join(', ')}` : 'no scripts'}): no assets stage, as with --frontend none; --build-script <name> runs one`,
    );
  const outDir = buildScript ? detectOutDir(tree, dir, buildScript, commands) : undefined;
  if (outDir) detection.node.outDir = outDir;
  const install = { npm: 'npm install', yarn: 'yarn install', pnpm: 'pnpm install' }[manager];
  if (!detection.node.lockfile) {
    detection.notes.push(
      `${join(dir, LOCKFILES[manager])} is missing: run "${install}" once so the image can install from the lockfile`,
    );
  }
  if (managed.berryLockfile && !managed.version && buildScript)
    (detection.problems ??= {}).packageManagerVersion = {
      file: join(dir, LOCKFILES.yarn),
      problem:
        'a Yarn 2+ lockfile, and package.json names no packageManager version; pass --package-manager-version (e.g. 4.9.2) or add "packageManager": "yarn@<version>" to package.json',
    };
  const nvmrc = tree.read(join(dir, '.nvmrc'))?.trim();
  const engines = (typeof pkg.engines === 'object' && pkg.engines !== null ? pkg.engines : {}) as Record<
    string,
    unknown
  >;
  const nvm = nvmrc ? NVMRC_VERSION.exec(nvmrc) : null;
  const engine = typeof engines.node === 'string' ? FULL_VERSION.exec(engines.node.replace(/^=/, '')) : null;
  if (nvm) detection.nodeVersion = { value: nvm[1]!, source: join(dir, '.nvmrc') };
  else if (engine) detection.nodeVersion = { value: engine[1]!, source: `${file} (engines.node)` };
  else if (nvmrc)
    detection.notes.push(`${join(dir, '.nvmrc')}: "${nvmrc}" is not a version like 22 or 18.20.7; ignored`);
  if (manager === 'npm' && managed.version) detection.npmVersion = managed.version;
  if (typeof pkg.name === 'string' && !detection.projectName)
    detection.projectName = { value: pkg.name, source: file };
}
