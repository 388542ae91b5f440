/**
 * Paths that come from the project rather than from a flag (the folder of package.json or
 * pyproject.toml, the files a requirements file includes) end up in Dockerfile COPY and WORKDIR lines
 * just like a flag's path. They are held to the same rule as the flags (validate.ts relativePath), and
 * a bad one stops the run naming the file it came from, before anything is written.
 */
import { printable } from './safe-fs.js';
import type { Settings } from './settings.js';
import { relativePath } from './validate.js';
import { dirOf } from './paths.js';
import { requirementClosure } from './requirements.js';
import { type Detection } from './detection.js';

/** A file's name as the message shows it: quoted (with escapes) when it holds more than plain characters. */
const named = (path: string): string => (/^[\w./-]+$/.test(path) ? path : printable(JSON.stringify(path)));

/** Where `include` (as written in `from`) lands, relative to the root, or undefined when it leaves it. */
function includedPath(from: string, include: string): string | undefined {
  if (include.startsWith('/')) return undefined;
  const out: string[] = [];
  for (const part of [...dirOf(from).split('/'), ...include.split('/')]) {
    if (part === '' || part === '.') continue;
    if (part !== '..') out.push(part);
    else if (out.pop() === undefined) return undefined;
  }
  return out.join('/');
}

/** Throws an Error naming the project file whose path would reach a Dockerfile unchecked. */
export function checkDetectedPaths(
  detection: Detection,
  settings: Settings,
  read: (path: string) => string | undefined,
): void {
  const folder = (file: string): void => {
    const problem = relativePath(dirOf(file));
    if (problem !== true)
      throw new Error(
        `${named(file)}: its folder ${printable(problem)}; the Dockerfile copies from that folder: rename it`,
      );
  };
  if (detection.node)
    folder(detection.node.dir === '.' ? 'package.json' : `${detection.node.dir}/package.json`);
  const deps = detection.pythonDeps;
  if ((deps.kind === 'pyproject' || deps.kind === 'uv') && deps.file) folder(deps.file);
  if (settings.pythonDeps !== 'requirements') return;
  const onInclude = (from: string, include: string): void => {
    const landed = includedPath(from, include);
    const problem =
      landed === undefined
        ? `${JSON.stringify(include)} is outside the project; allowed: requirement files inside the project`
        : relativePath(landed);
    if (problem !== true)
      throw new Error(
        `${named(from)}: includes ${printable(JSON.stringify(include))}, but ${printable(problem)}; the Dockerfile copies every included file`,
      );
  };
  for (const file of [settings.requirementsFile, settings.devRequirementsFile]) {
    if (file !== 'none') requirementClosure(read, file, onInclude);
  }
}
