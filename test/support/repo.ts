/**
 * Where the repository and its build are, whatever folder a test sits in: tests run from dist/test/…
 * at any depth (test/unit mirrors the source tree), so no test counts `../` from its own location.
 * Everything here is relative to this module, built to dist/test/support/repo.js.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder (with a trailing slash). */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
/** dist/ of this build (with a trailing slash): the built generators, their templates, the tests. */
export const DIST = fileURLToPath(new URL('../../', import.meta.url));

/** A path under the repository's root: `repoPath('README.md')`, `repoPath('.github', 'workflows')`. */
export const repoPath = (...parts: string[]): string => join(REPO, ...parts);
/** A path under dist/: `distPath('generators', 'app', 'templates', ...)`. */
export const distPath = (...parts: string[]): string => join(DIST, ...parts);
/** A fixture project of test/fixtures/ (or a path inside one). */
export const fixturePath = (...parts: string[]): string => repoPath('test', 'fixtures', ...parts);
/** The golden snapshots, test/golden/. */
export const GOLDEN = repoPath('test', 'golden');
/** A built module of test/support/ (`'run.js'`), as a URL a child process can import. */
export const supportModule = (file: string): URL => new URL(file, import.meta.url);
