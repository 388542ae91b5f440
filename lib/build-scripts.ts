/**
 * The npm scripts of a package.json that build the assets: which script builds, which one rebuilds into
 * files on change, and every command a script runs. Pure over the scripts object.
 */
/** Script names that build the assets, in order of preference. */
export const BUILD_SCRIPTS = [
  'build',
  'build:prod',
  'build:production',
  'build:assets',
  'bundle',
  'bundle:prod',
  'compile',
];
/** Other names a build script goes by (`build:css`, `bundle-js`, `compile:scss`). */
const BUILD_NAME = /^(?:build|bundle|compile)[:_-]/;
/** Script names tried first for a watch build; any other script that is one counts after them. */
const WATCH_SCRIPTS = ['watch', 'build:watch', 'watch:assets', 'dev', 'start'];

/** A command split into the commands it chains (`a && b`, `a; b`, `a & b`). */
const commandsOf = (script: string): string[] =>
  script
    .split(/&&|\|\||;|&/)
    .map((c) => c.trim())
    .filter(Boolean);

/** The scripts a command runs through the package manager (`npm run x`, `yarn x`, `pnpm run x`). */
function scriptRefs(command: string, scripts: Record<string, string>): string[] {
  const run = /^(?:npm|pnpm)\s+(?:run(?:-script)?\s+)?([\w:.-]+)|^yarn\s+(?:run\s+)?([\w:.-]+)/.exec(command);
  const name = run?.[1] ?? run?.[2];
  return name && name in scripts ? [name] : [];
}

/** Every command a script runs, following `npm run` references (one script never twice). */
export function expandScript(
  name: string,
  scripts: Record<string, string>,
  seen = new Set<string>(),
): string[] {
  if (seen.has(name) || typeof scripts[name] !== 'string') return [];
  seen.add(name);
  return commandsOf(scripts[name]!).flatMap((command) => {
    const refs = scriptRefs(command, scripts);
    return refs.length > 0 ? refs.flatMap((r) => expandScript(r, scripts, seen)) : [command];
  });
}

// An in-memory dev server or a runner of several processes: never what the assets service runs.
const DEV_SERVER =
  /\bvite(?:\s+(?:dev|serve|preview)\b|\s*$|\s+--(?!.*\bbuild\b))|\bwebpack(?:-cli)?\s+serve\b|webpack-dev-server|\bparcel\s+(?:serve\b|(?!build\b|watch\b)[^-\s])|\bnext\s+dev\b|\bnuxt\s+dev\b|react-scripts\s+start|browser-sync|live-server|http-server|\brunserver\b|manage\.py|concurrently|npm-run-all|\brun-p\b/;
const WATCHES =
  /(?:^|\s)(?:--watch\b|-w\b)|\b(?:webpack|parcel|tsc)\s+(?:--\S+\s+)*watch\b|\bvite\s+build\b.*\s--watch\b/;

// Formatters and linters rewrite or check the sources (`prettier -w` is --write): never a watch build.
const SOURCE_TOOL = /^(?:npx\s+)?(?:prettier|eslint|stylelint|biome|tsc\s+--noEmit)\b/;

/** Whether a script rebuilds into files on change (never an in-memory dev server). */
export function isWatchBuild(name: string, scripts: Record<string, string>): boolean {
  const commands = expandScript(name, scripts);
  // `npm run build -- --watch` passes --watch on to the build script.
  const passed = /\s--\s+.*(?:--watch\b|-w\b)/.test(scripts[name] ?? '');
  if (commands.length === 0 || commands.some((c) => DEV_SERVER.test(c) || SOURCE_TOOL.test(c))) return false;
  return passed || commands.some((c) => WATCHES.test(c));
}

/**
 * The script that builds the assets: a preferred name, else the one script named like a build
 * (`build:css`) that neither watches nor serves. `others`: further such scripts, when the pick is a
 * guess between several.
 */
export function pickBuildScript(scripts: Record<string, string>): { script?: string; others: string[] } {
  const preferred = BUILD_SCRIPTS.find((n) => n in scripts);
  if (preferred) return { script: preferred, others: [] };
  const named = Object.keys(scripts).filter(
    (n) =>
      BUILD_NAME.test(n) &&
      !isWatchBuild(n, scripts) &&
      !expandScript(n, scripts).some((c) => DEV_SERVER.test(c)),
  );
  return { script: named[0], others: named.slice(1) };
}

/** The watch script: a preferred name first, then any other script that is a watch build. */
export function pickWatchScript(scripts: Record<string, string>): string | undefined {
  const names = [...WATCH_SCRIPTS, ...Object.keys(scripts).filter((n) => !WATCH_SCRIPTS.includes(n))];
  return names.find((n) => n in scripts && !BUILD_SCRIPTS.includes(n) && isWatchBuild(n, scripts));
}
