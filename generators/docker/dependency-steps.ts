/**
 * What each dependency mode (requirements files, pyproject.toml, uv.lock) bind-mounts at the builder's
 * wheel step and copies into the development stage, the commands that write its requirement files,
 * and pip's `-r` arguments.
 */
import type { Model } from '../../lib/model.js';
import { dirOf, under } from '../../lib/paths.js';
import {
  CONTAINER_DEV_REQUIREMENTS,
  CONTAINER_REQUIREMENTS,
  hasContainerDevRequirements,
} from '../../lib/requirements.js';
import {
  bindMounts,
  type CopyStep,
  copyLines,
  copySteps,
  PYPROJECT_DEPS_SCRIPT,
} from './dockerfile-steps.js';

/** Where the dependency manifests are (from detection; defaults at the root). */
export interface DependencyInputs {
  /** Folder of pyproject.toml (and uv.lock) in the pyproject and uv modes. */
  pyprojectDir: string;
  /** Runtime requirement files with every file they include (`-r`/`-c`), requirements mode. */
  requirements: readonly string[];
  /** Development requirement files with their includes; empty when there are none. */
  devRequirements: readonly string[];
}

export interface DependencySteps {
  /**
   * Bind mounts of the dependency manifests at the wheel step: bound, not copied, they add no layer
   * (two steps fewer on every dependency change), and still key that step's cache.
   */
  depsMounts: string[];
  /** Commands that write the runtime requirement file (pyproject, uv). */
  depsPrepare: string[];
  /** pip's `-r` arguments for the runtime dependencies, the container's own included. */
  depsRequirements: string;
  /** COPY lines and commands of the development dependencies. */
  devCopy: string[];
  devInstall: string[];
  /** pyproject.toml's path in the project. */
  pyproject: string;
}

export function dependencySteps(m: Model, inputs: DependencyInputs): DependencySteps {
  const { s } = m;
  const reqPath = (file: string): string => `${m.workdir}/${file}`;
  const depsWorkdir =
    s.pythonDeps !== 'requirements' && inputs.pyprojectDir !== '.'
      ? `${m.workdir}/${inputs.pyprojectDir}`
      : m.workdir;
  let depsSteps: CopyStep[];
  // Commands that write the requirement files (pyproject, uv), and pip's `-r` arguments for them.
  let depsPrepare: string[] = [];
  let depsRequirements: string;
  let devCopy: string[] = [];
  let devInstall: string[] = [];
  const pyproject = under(inputs.pyprojectDir, 'pyproject.toml');
  const extract = (groups: string, out: string): string =>
    `python -c '${PYPROJECT_DEPS_SCRIPT}' ${depsWorkdir}/pyproject.toml${groups} > ${out}`;
  switch (s.pythonDeps) {
    case 'pyproject':
      depsSteps = [{ sources: [pyproject], dest: `${depsWorkdir}/` }];
      // The development stage reads pyproject.toml for its groups: the builder only bound it.
      devCopy = copyLines(depsSteps);
      depsPrepare = [extract('', '/tmp/requirements.txt')];
      depsRequirements = '-r /tmp/requirements.txt';
      devInstall = [
        extract(' dev test', '/tmp/requirements-dev.txt'),
        'pip install -r /tmp/requirements-dev.txt',
      ];
      break;
    case 'uv': {
      depsSteps = [{ sources: [pyproject, under(inputs.pyprojectDir, 'uv.lock')], dest: `${depsWorkdir}/` }];
      devCopy = copyLines(depsSteps);
      // uv only reads the lockfile (no network); pip installs, so PIP_INDEX_URL works for uv projects too.
      const exportCmd = (extra: string, out: string): string =>
        `UV_PYTHON_DOWNLOADS=never /opt/uv/bin/uv export --project ${depsWorkdir} --frozen --no-emit-project --no-header${extra} --output-file ${out}`;
      depsPrepare = [exportCmd(' --no-dev', '/tmp/requirements.txt')];
      depsRequirements = '-r /tmp/requirements.txt';
      devInstall = [exportCmd('', '/tmp/requirements-dev.txt'), 'pip install -r /tmp/requirements-dev.txt'];
      break;
    }
    default:
      depsSteps = copySteps(m, inputs.requirements);
      depsRequirements = `-r ${reqPath(s.requirementsFile)}`;
      if (s.devRequirementsFile !== 'none') {
        devCopy = copyLines(copySteps(m, inputs.devRequirements));
        devInstall = [`pip install -r ${reqPath(s.devRequirementsFile)}`];
      }
  }
  // The container's own needs (docker/requirements.txt) resolve together with the project's.
  const containerFile = `${m.workdir}/${CONTAINER_REQUIREMENTS}`;
  depsSteps.push({
    sources: [CONTAINER_REQUIREMENTS],
    dest: `${m.workdir}/${dirOf(CONTAINER_REQUIREMENTS)}/`,
  });
  depsRequirements += ` -r ${containerFile}`;
  // The development image adds docker/requirements-dev.txt (Celery: watchfiles), with the dev deps.
  if (hasContainerDevRequirements(s)) {
    devCopy = [
      ...devCopy,
      `COPY ${CONTAINER_DEV_REQUIREMENTS} ${m.workdir}/${dirOf(CONTAINER_DEV_REQUIREMENTS)}/`,
    ];
    const devFile = `-r ${m.workdir}/${CONTAINER_DEV_REQUIREMENTS}`;
    devInstall =
      devInstall.length > 0
        ? [...devInstall.slice(0, -1), `${devInstall.at(-1)!} ${devFile}`]
        : [`pip install ${devFile}`];
  }
  return { depsMounts: bindMounts(depsSteps), depsPrepare, depsRequirements, devCopy, devInstall, pyproject };
}
