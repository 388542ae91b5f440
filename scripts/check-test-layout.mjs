// Keeps test/unit/ a mirror of the source tree: test/unit/P.test.ts tests the module P.ts (or
// P.mjs, or P/index.ts), test/unit/P.<aspect>.test.ts is a further test file of that module, and a
// test of a repository file that is not a module names the file itself (test/unit/README.md.test.ts).
// Helpers belong in test/support/, and unit tests nowhere else than test/unit/ (test/e2e/ holds
// *.e2e.ts). Run by `npm run lint`; prints each misplaced file and exits 1.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const UNIT = 'test/unit/';
const TEST = '.test.ts';

/** The files a test file P.test.ts (P relative to test/unit/) may be the test of. */
function sourcesOf(path) {
  const names = [path];
  // One aspect at most: lib/drift.rerun -> lib/drift.
  const aspect = path.match(/^(.*\/)?([^/.]+)\.[^/.]+$/);
  if (aspect) names.push(`${aspect[1] ?? ''}${aspect[2]}`);
  return names.flatMap((p) => [p, `${p}.ts`, `${p}.mjs`, `${p}/index.ts`]);
}

/**
 * The misplaced files among `files` (every file of the repository, relative, POSIX separators), each
 * with why, in the order given. Pure, so the rule is tested without touching the disk.
 */
export function misplacedTests(files) {
  const present = new Set(files);
  const found = [];
  for (const file of files) {
    if (file.startsWith(UNIT)) {
      if (!file.endsWith('.ts')) continue;
      if (!file.endsWith(TEST)) {
        found.push({ file, why: 'not a test: helpers of tests go to test/support/' });
        continue;
      }
      const path = file.slice(UNIT.length, -TEST.length);
      if (!sourcesOf(path).some((source) => present.has(source)))
        found.push({
          file,
          why: `no source module at the mirrored path (${path}.ts, ${path}/index.ts, or ${path} itself)`,
        });
    } else if (file.startsWith('test/') && file.endsWith(TEST)) {
      found.push({
        file,
        why: 'a unit test outside test/unit/: move it to the path that mirrors its module',
      });
    }
  }
  return found;
}

/** The repository's files as git sees them (tracked and new, not ignored), that exist on disk. */
function repositoryFiles(root) {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return out.split('\0').filter((file) => file && existsSync(`${root}/${file}`));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const found = misplacedTests(repositoryFiles(root));
  for (const { file, why } of found) console.error(`${file}: ${why}`);
  if (found.length > 0) {
    console.error(
      `check-test-layout: ${found.length} misplaced test file(s); see "Testing" in README.md for the layout`,
    );
    process.exit(1);
  }
}
