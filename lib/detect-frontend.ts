/**
 * Where a project's npm build writes, read from its build script's commands (lib/build-scripts.ts) and
 * the common bundler configs. Pure over a FileTree; anything that cannot be known from the text stays
 * undefined (the prompt asks then).
 */
import type { FileTree } from './file-tree.js';
import { dirOf, under as join } from './paths.js';
import { type Hint } from './detection.js';
import { expandScript } from './build-scripts.js';

/**
 * `rel` (relative to `base`, both relative to the project root) as a path relative to the root, without
 * "./", "..", or a trailing "/"; undefined when it is absolute or leaves the project.
 */
export function rootRelative(base: string, rel: string): string | undefined {
  if (rel.startsWith('/') || /^[A-Za-z]:/.test(rel)) return undefined;
  const out: string[] = base === '.' || base === '' ? [] : base.split('/');
  for (const part of rel.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(part);
  }
  return out.length === 0 ? '.' : out.join('/');
}

const STRING = String.raw`(['"\x60])([^'"\x60]+)\1`;

/** The value of a CLI option (`--outdir=x`, `--outdir x`, `-o x`) in a command. */
function optionValue(command: string, names: string[]): string | undefined {
  for (const name of names) {
    const re = new RegExp(String.raw`(?:^|\s)${name}(?:=|\s+)(?:(['"])([^'"]+)\1|([^\s'"]+))`);
    const match = re.exec(command);
    if (match) return match[2] ?? match[3];
  }
  return undefined;
}

const hasExtension = (path: string): boolean => /\.[A-Za-z0-9]+$/.test(path.split('/').at(-1) ?? '');

/** The text of the block that follows `key:` (`output: { ... }`), brace-matched, or undefined. */
function blockOf(text: string, key: string): string | undefined {
  const start = new RegExp(String.raw`\b${key}\s*:\s*\{`).exec(text);
  if (!start) return undefined;
  let depth = 0;
  for (let i = start.index + start[0].length - 1; i < text.length; i += 1) {
    if (text[i] === '{') depth += 1;
    else if (text[i] === '}') {
      depth -= 1;
      if (depth === 0) return text.slice(start.index, i + 1);
    }
  }
  return undefined;
}

/** The expression after `key:` up to the next top-level "," or "}" (brackets balanced). */
function valueOf(text: string, key: string): string | undefined {
  const start = new RegExp(String.raw`\b${key}\s*:\s*`).exec(text);
  if (!start) return undefined;
  let depth = 0;
  let i = start.index + start[0].length;
  const from = i;
  for (; i < text.length; i += 1) {
    const c = text[i]!;
    if ('([{'.includes(c)) depth += 1;
    else if (')]}'.includes(c)) {
      if (depth === 0) break;
      depth -= 1;
    } else if ((c === ',' || c === '\n') && depth === 0) break;
  }
  return text.slice(from, i).trim();
}

/**
 * A path expression of a config file, relative to `configDir`: 'x', path.resolve(__dirname, 'a', 'b'),
 * join(__dirname, 'x'), fileURLToPath(new URL('./x', import.meta.url)). `plain` strings are relative
 * to `plainBase` (Vite's root; webpack's working folder).
 */
function pathExpression(
  text: string,
  key: string,
  configDir: string,
  plainBase: string,
): string | undefined | null {
  const value = valueOf(text, key);
  if (value === undefined) return undefined;
  const plain = new RegExp(`^${STRING}$`).exec(value);
  if (plain) return rootRelative(plainBase, plain[2]!) ?? null;
  // Prettier breaks long calls over lines with a trailing comma.
  const call = /^(?:path\.)?(?:resolve|join)\(\s*__dirname\s*((?:,\s*(['"`])[^'"`]+\2\s*)+),?\s*\)$/.exec(
    value,
  );
  if (call) {
    const parts = [...call[1]!.matchAll(/(['"`])([^'"`]+)\1/g)].map((m) => m[2]!);
    return rootRelative(configDir, parts.join('/')) ?? null;
  }
  const url = /^fileURLToPath\(\s*new URL\(\s*(['"`])([^'"`]+)\1\s*,\s*import\.meta\.url\s*\)\s*\)$/.exec(
    value,
  );
  if (url) return rootRelative(configDir, url[2]!) ?? null;
  // Set, but by an expression this reader does not follow.
  return null;
}

/** Relative modules a config imports (`require('./common.config')`, `import x from './base.js'`). */
function importsOf(tree: FileTree, file: string): string[] {
  const text = tree.read(file) ?? '';
  const specs = [...text.matchAll(/(?:require\(\s*|from\s+)(['"])(\.{1,2}\/[^'"]+)\1/g)].map((m) => m[2]!);
  return specs.flatMap((spec) => {
    const base = rootRelative(dirOf(file), spec);
    if (!base) return [];
    const found = [base, `${base}.js`, `${base}.cjs`, `${base}.mjs`, `${base}.ts`].find(
      (f) => tree.read(f) !== undefined,
    );
    return found ? [found] : [];
  });
}

const firstFile = (tree: FileTree, dir: string, names: string[]): string | undefined =>
  names.map((n) => join(dir, n)).find((f) => tree.read(f) !== undefined);

function viteOutDir(tree: FileTree, dir: string, command: string): Hint | undefined {
  const flag = optionValue(command, ['--outDir']);
  if (flag) {
    const value = rootRelative(dir, flag);
    return value ? { value, source: `${join(dir, 'package.json')} (vite build --outDir)` } : undefined;
  }
  const given = optionValue(command, ['--config', '-c']);
  const config = given
    ? rootRelative(dir, given)
    : firstFile(
        tree,
        dir,
        ['js', 'mjs', 'ts', 'cjs', 'mts'].map((e) => `vite.config.${e}`),
      );
  const text = config ? tree.read(config) : undefined;
  if (config === undefined || text === undefined)
    return { value: rootRelative(dir, 'dist')!, source: 'Vite default (dist, no vite.config)' };
  const configDir = dirOf(config);
  // Vite's `root` (default: the folder it runs in) is where a relative build.outDir starts.
  const root = pathExpression(text, 'root', configDir, dir);
  if (root === null) return undefined;
  const viteRoot = root ?? dir;
  const build = blockOf(text, 'build');
  const outDir = build ? pathExpression(build, 'outDir', configDir, viteRoot) : undefined;
  if (outDir === null) return undefined;
  if (outDir === undefined) {
    return {
      value: rootRelative(viteRoot, 'dist')!,
      source: `${config} (Vite default dist${root ? ' under root' : ''})`,
    };
  }
  return { value: outDir, source: `${config} (build.outDir)` };
}

function webpackOutDir(tree: FileTree, dir: string, command: string): Hint | undefined {
  const given = optionValue(command, ['--config', '-c']);
  const config = given
    ? rootRelative(dir, given)
    : firstFile(tree, dir, [
        'webpack.config.js',
        'webpack.config.cjs',
        'webpack.config.mjs',
        'webpack.config.ts',
      ]);
  // webpack without a config writes to dist/ in the folder it runs in.
  if (config === undefined || tree.read(config) === undefined)
    return given
      ? undefined
      : { value: rootRelative(dir, 'dist')!, source: 'webpack default (dist, no webpack.config)' };
  // The output may be set in a config the given one merges (webpack-merge): follow relative imports.
  const queue = [config];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const output = blockOf(tree.read(file) ?? '', 'output');
    const path = output ? pathExpression(output, 'path', dirOf(file), dir) : undefined;
    if (path === null) return undefined;
    if (path !== undefined) return { value: path, source: `${file} (output.path)` };
    queue.push(...importsOf(tree, file));
  }
  return undefined;
}

/** Where one build command writes, relative to the project root, when the command or its config says. */
function outDirOf(tree: FileTree, dir: string, command: string): Hint | undefined | null {
  const pkg = join(dir, 'package.json');
  const option = optionValue(command, [
    '--outdir',
    '--out-dir',
    '--dist-dir',
    '--outfile',
    '--output',
    '-o',
    '-d',
  ]);
  if (option) {
    const path = hasExtension(option) ? dirOf(option) : option;
    const value = rootRelative(dir, path);
    return value ? { value, source: `${pkg} (${command.split(/\s+/)[0]} ${option})` } : null;
  }
  if (/\bvite\s+build\b/.test(command)) return viteOutDir(tree, dir, command) ?? null;
  if (/\bwebpack(?:-cli)?\b(?!\s+serve)/.test(command) && !/webpack-dev-server/.test(command))
    return webpackOutDir(tree, dir, command) ?? null;
  if (/\bparcel\s+build\b/.test(command))
    return { value: rootRelative(dir, 'dist')!, source: `${pkg} (parcel build default dist)` };
  return undefined;
}

/**
 * Where the build script writes, when the commands it runs that say agree on one folder. Undefined
 * when a command's output cannot be read from its text or config, or two commands write to two folders.
 */
export function detectOutDir(
  tree: FileTree,
  dir: string,
  buildScript: string,
  scripts: Record<string, string>,
): Hint | undefined {
  const found = expandScript(buildScript, scripts).map((c) => outDirOf(tree, dir, c));
  if (found.includes(null)) return undefined;
  const known = found.filter((h): h is Hint => h !== undefined);
  const folders = new Set(known.map((h) => h.value));
  // Two tools writing to two folders: there is no single assets folder to copy.
  return folders.size === 1 ? known[0] : undefined;
}
