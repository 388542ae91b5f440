/**
 * Temporary folders that tests of several suites share, such as a cache of generated projects: the
 * cleanup of `npm test` (test/support/temp-folders.ts) removes them when the run ends, not when the
 * suite that happened to make one first ends. Without that cleanup loaded, marking does nothing.
 */
const KEY = Symbol.for('generator-py-docker.run-scoped-folders');
type Registry = { [KEY]?: Set<string> };

/** The folders marked so far (shared with temp-folders.ts through a global, whichever loaded first). */
export function runScopedFolders(): Set<string> {
  return ((globalThis as Registry)[KEY] ??= new Set());
}

/** Marks `path` as shared by the whole run; returns it. */
export function runScoped(path: string): string {
  runScopedFolders().add(path);
  return path;
}
