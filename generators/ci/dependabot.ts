/** Dependabot's configuration: the ecosystems of the project and of the generated files. */
import { toYaml } from '../../lib/yaml.js';
import type { Model } from '../../lib/model.js';
import { pinComments } from './workflow-model.js';

// ---------------------------------------------------------------------------------------------------
// Dependabot

export type DependabotEcosystem = 'docker' | 'github-actions' | 'pip' | 'uv' | 'npm';

export interface DependabotUpdate {
  'package-ecosystem': DependabotEcosystem;
  directory: string;
  schedule: { interval: 'daily' | 'weekly' | 'monthly' };
  groups: Record<string, { patterns: string[]; 'update-types': ('minor' | 'patch')[] }>;
}

export interface DependabotConfig {
  version: 2;
  updates: DependabotUpdate[];
}

/** Folders of the manifests, relative to the repository root ("." for the root). */
export interface ManifestDirs {
  python: string;
  npm: string;
}

const dependabotDir = (dir: string): string =>
  dir === '.' || dir === '' ? '/' : `/${dir.replace(/^\.\//, '')}`;

/** Weekly updates, minor and patch versions grouped in one pull request per ecosystem. */
export function dependabotConfig(m: Model, dirs: ManifestDirs): DependabotConfig {
  const update = (ecosystem: DependabotEcosystem, dir: string): DependabotUpdate => ({
    'package-ecosystem': ecosystem,
    directory: dependabotDir(dir),
    schedule: { interval: 'weekly' },
    groups: { [`${ecosystem}-minor-and-patch`]: { patterns: ['*'], 'update-types': ['minor', 'patch'] } },
  });
  return {
    version: 2,
    updates: [
      update('docker', '.'),
      update('github-actions', '.'),
      // uv.lock is Dependabot's uv ecosystem; requirements files and pyproject.toml are pip's.
      update(m.s.pythonDeps === 'uv' ? 'uv' : 'pip', dirs.python),
      update('npm', dirs.npm),
    ],
  };
}

export function dependabotYaml(m: Model, dirs: ManifestDirs): string {
  const header = [
    'Keeps pinned versions fresh: base images, the SHAs of the workflow actions, Python and npm packages.',
    'Minor and patch updates arrive grouped, one pull request per ecosystem a week.',
  ];
  return toYaml(dependabotConfig(m, dirs), { header, decorate: pinComments });
}
