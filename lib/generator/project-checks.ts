/**
 * The project folder as a part finds it: detection with errors that name the file, and the checks that
 * stop a part before any question when it has nothing to write for, or when the settings name paths
 * the project does not have.
 */
import { basename, relative } from 'node:path';
import { detectProject } from '../detect.js';
import { DiskTree } from '../file-tree.js';
import { printable } from '../safe-fs.js';
import type { Part, Settings } from '../settings.js';
import { missingAssetsSource } from '../assets-sources.js';
import { DetectionError, type Detection } from '../detection.js';

export function detectIn(root: string): Detection {
  try {
    return detectProject(new DiskTree(root), basename(root));
  } catch (error) {
    if (error instanceof DetectionError) throw new Error(printable(error.message));
    // A project file that exists but cannot be read (permissions): name it, relative to the project.
    const { code, path } = error as { code?: string; path?: string };
    if (code && path)
      throw new Error(`${relative(root, path)}: cannot be read (${code}); fix its permissions`);
    throw error;
  }
}

/**
 * A part run alone needs a project to write for: a Django project here, the answers of an earlier
 * `yo py-docker` (.yo-rc.json), or --settings-module naming it. Without any, it would write files for a
 * project that does not exist, so it stops before any question, and nothing is written.
 */
export function checkProjectHere(
  part: Part | 'app',
  settingsModule: string,
  project: { django: boolean; named: boolean; answered: () => boolean },
): void {
  if (part === 'app' || part === 'verify' || project.django || project.named || project.answered()) return;
  throw new Error(
    `yo py-docker:${part}: no Django project here (no manage.py found) and no .yo-rc.json of an earlier \`yo py-docker\`; it would write files for a project that does not exist (settings module ${settingsModule}), so nothing was written. Run \`yo py-docker\` first: it finds your project, or creates a starter one in an empty folder (or name your settings with --settings-module)`,
  );
}

/** In an existing project, the paths --assets-sources names must be there: the image build would fail. */
export function checkAssetsSources(settings: Settings, exists: (path: string) => boolean): void {
  const missing = missingAssetsSource(settings.assetsSources, exists);
  if (missing)
    throw new Error(
      `--assets-sources: ${JSON.stringify(missing)} is not in the project; allowed: "." or files and folders of the project that the npm build reads`,
    );
}
