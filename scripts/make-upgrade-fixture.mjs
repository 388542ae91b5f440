// Stores what an OLDER release of this generator writes, as fixtures for test/unit/lib/drift.upgrade.test.ts.
// Checks the given commit out into a temporary git worktree, installs and builds it there, runs its
// `py-docker:app` into empty folders with fixed options and copies the output (every file, .yo-rc.json
// with its records included; no node_modules) to test/fixtures/upgrade/<version>/<setup>/.
//
// Usage: node scripts/make-upgrade-fixture.mjs <commit-or-tag> [setup ...]   (default: every setup)
// Re-runnable: the fixture folders of that version are replaced. See test/fixtures/upgrade/README.md.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Flags every fixture is generated with: no questions, a fixed name and clock, no npm install. */
export const FIXED = ['--yes', '--project-name', 'shop', '--today', '2026-11-25', '--skip-install'];

/** The setups stored per version (folder name -> extra flags). Only flags every release accepts. */
export const SETUPS = {
  default: [],
  'redis-celery-slim': ['--redis', '--celery', '--variant', 'slim'],
};

/**
 * Files git would not store as they are: a generated .gitignore would hide the fixture's own .env from
 * git, so it is stored under this name; the test restores it when it copies the fixture.
 */
export const STORED_AS = { '.gitignore': 'gitignore.fixture' };

const repo = fileURLToPath(new URL('..', import.meta.url));
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: 'inherit' });
const capture = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8' });

// The runner is written into the worktree so it imports the OLD release's own yeoman-environment.
const RUNNER = `import { readdirSync } from 'node:fs';
import { createEnv } from 'yeoman-environment';
const [folder, ...flags] = process.argv.slice(2);
const generators = new URL('./dist/generators/', import.meta.url).pathname;
process.chdir(folder);
const env = createEnv({ cwd: folder });
for (const name of readdirSync(generators))
  env.register(generators + name + '/index.js', { namespace: 'py-docker:' + name });
await env.run(['py-docker:app', ...flags]);
`;

/** Renames, at any depth, the files of STORED_AS to their stored names. */
function storeSpecialNames(folder) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = join(folder, entry.name);
    if (entry.isDirectory()) storeSpecialNames(full);
    else if (entry.name in STORED_AS) renameSync(full, join(folder, STORED_AS[entry.name]));
  }
}

function main() {
  const [commit, ...wanted] = process.argv.slice(2);
  if (!commit) {
    console.error('usage: node scripts/make-upgrade-fixture.mjs <commit-or-tag> [setup ...]');
    process.exit(2);
  }
  const setups = wanted.length > 0 ? wanted : Object.keys(SETUPS);
  const unknown = setups.filter((s) => !(s in SETUPS));
  if (unknown.length > 0)
    throw new Error(`unknown setup ${unknown.join(', ')}; known: ${Object.keys(SETUPS).join(', ')}`);
  const version = JSON.parse(capture('git', ['show', `${commit}:package.json`], repo)).version;

  const tmp = mkdtempSync(join(tmpdir(), 'py-docker-upgrade-'));
  const src = join(tmp, 'src');
  run('git', ['worktree', 'add', '--detach', src, commit], repo);
  try {
    // npm ci also builds (the package's prepare script); build explicitly if a release did not.
    run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], src);
    if (!existsSync(join(src, 'dist', 'generators', 'app', 'index.js'))) run('npm', ['run', 'build'], src);
    writeFileSync(join(src, 'make-upgrade-fixture.run.mjs'), RUNNER);
    for (const setup of setups) {
      const out = join(tmp, 'out', setup, 'shop');
      mkdirSync(out, { recursive: true });
      run('node', ['make-upgrade-fixture.run.mjs', out, ...FIXED, ...SETUPS[setup]], src);
      const target = join(repo, 'test', 'fixtures', 'upgrade', version, setup);
      rmSync(target, { recursive: true, force: true });
      cpSync(out, target, {
        recursive: true,
        filter: (from) => !from.split('/').includes('node_modules'),
      });
      storeSpecialNames(target);
      console.log(`stored ${readdirSync(target).length} entries of ${version} (${setup}) in ${target}`);
    }
  } finally {
    run('git', ['worktree', 'remove', '--force', src], repo);
    rmSync(tmp, { recursive: true, force: true });
  }
}

// Imported by nothing but runnable; exports above document the fixed options for readers and tests.
if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) main();
