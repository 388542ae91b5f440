/**
 * Mocha root hooks (`npm test` loads this file with `--require`): every temporary folder a test makes
 * is removed when its suite ends, and kept, with its path printed, when something in that suite failed.
 *
 * The run gets a temporary folder of its own as TMPDIR (which os.tmpdir() and every tool the tests
 * start read), so whatever a test creates there is found without knowing its name, and the folders of
 * other runs on the same machine are never touched. A folder belongs to what was running when it
 * appeared: the test (seen in afterEach), the suite whose `before` hooks made it (seen after them), or
 * the whole run (made while the test files loaded, or marked shared with temp-scope.ts). A test's
 * folder lives until its suite ends, since tests of a suite often share what an earlier one made.
 */
import { chmodSync, mkdtempSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { runScopedFolders } from './temp-scope.js';

const ROOT = mkdtempSync(join(tmpdir(), 'py-docker-run-'));
// Like /tmp: tests run tools as other users (runuser nobody), which need to write here too.
chmodSync(ROOT, 0o1777);
process.env.TMPDIR = ROOT;
/** Where the run started: yeoman-test leaves the process in the last folder it ran the generator in. */
const START = process.cwd();

type Owner = Mocha.Test | Mocha.Suite;
/** Folders kept after a failure: never claimed again, never removed. */
const KEPT = 'kept';
const owners = new Map<string, Owner | typeof KEPT>();
const isTest = (owner: Owner | typeof KEPT): owner is Mocha.Test =>
  owner !== KEPT && (owner as Mocha.Test).type === 'test';

/** Top-level folders of the run that tests mark as shared by the whole run (temp-scope.ts). */
const shared = (): Set<string> =>
  new Set(
    [...runScopedFolders()].map((p) => relative(ROOT, p).split(sep)[0]!).filter((n) => n && n !== '..'),
  );

/** Folders that appeared since the last look belong to `owner` (or to the run, when marked shared). */
function claim(owner: Owner): void {
  for (const name of readdirSync(ROOT)) if (!owners.has(name)) owners.set(name, owner);
  for (const name of shared()) if (owners.has(name) && owners.get(name) !== KEPT) owners.set(name, root!);
}

const HOOK_LISTS = ['_beforeAll', '_beforeEach', '_afterEach', '_afterAll'];

/** A test of the suite (or below) failed or never ran for a failed hook, or one of its hooks failed. */
function somethingFailed(suite: Mocha.Suite): boolean {
  const hooks = HOOK_LISTS.flatMap((list) => (suite as unknown as Record<string, Mocha.Hook[]>)[list] ?? []);
  return (
    hooks.some((h) => h.state === 'failed') ||
    suite.tests.some((t) => t.state === 'failed' || (t.state === undefined && !t.isPending())) ||
    suite.suites.some(somethingFailed)
  );
}

/** At the end of `suite`: removes its folders and its tests' folders, or keeps them when it failed. */
function release(suite: Mocha.Suite): void {
  claim(suite);
  for (const [name, owner] of owners) {
    const test = isTest(owner) ? owner : undefined;
    if (owner !== suite && test?.parent !== suite) continue;
    const failed = test ? test.state !== 'passed' && !test.isPending() : somethingFailed(suite);
    if (failed) {
      const what = test?.fullTitle() ?? (suite.fullTitle() || 'the run');
      console.log(`      kept for a look: ${join(ROOT, name)} (${what} failed)`);
      owners.set(name, KEPT);
    } else {
      const path = join(ROOT, name);
      if (`${process.cwd()}/`.startsWith(`${path}/`)) process.chdir(START);
      rmSync(path, { recursive: true, force: true });
      owners.delete(name);
    }
  }
}

/** The root suite: what the run as a whole owns. */
let root: Mocha.Suite | undefined;

export const mochaHooks = {
  beforeAll(this: Mocha.Context): void {
    root = this.test!.parent!;
    claim(root);
    const attach = (suite: Mocha.Suite): void => {
      for (const child of suite.suites) {
        // Appended last: after the suite's own `before` hooks (what they made is the suite's), and
        // after its own `after` hooks, which may still use its folders.
        child.beforeAll(() => claim(child));
        child.afterAll(() => release(child));
        attach(child);
      }
    };
    attach(root);
  },
  beforeEach(this: Mocha.Context): void {
    claim(this.currentTest!.parent!);
  },
  afterEach(this: Mocha.Context): void {
    claim(this.currentTest!);
  },
  afterAll(this: Mocha.Context): void {
    release(this.test!.parent!);
    try {
      rmdirSync(ROOT);
    } catch {
      console.log(`      temporary folders of this run kept in ${ROOT}`);
    }
  },
};
