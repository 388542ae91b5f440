/**
 * Generator upgrades: the output of an older release (test/fixtures/upgrade/<version>/<setup>/, made by
 * scripts/make-upgrade-fixture.mjs) is re-run with the current generator. Expected output is never
 * hard-coded: it is what a fresh run of the current version writes with the same stored settings.
 */
import assert from 'node:assert/strict';
import {
  appendFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIDE_BY_SIDE_SUFFIX, type FileRecords } from '../../../lib/drift.js';
import { runGenerator, snapshotFolder } from '../../support/run.js';
import { formatFindings, parseEnvFile, validateProject } from '../../support/validate-project.js';
import { REPO } from '../../support/repo.js';

const FIXTURES = join(REPO, 'test', 'fixtures', 'upgrade');
const CURRENT = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
/** Names the fixture script stores some files under (see the fixtures' README). */
const STORED_AS: Record<string, string> = { 'gitignore.fixture': '.gitignore' };

/** A user's edits: a note in a generated file, and a variable of their own in .env. */
const EDITED = 'docker-compose.yml';
const EDIT = '# ours: the staging host reads this file too\n';
const ENV_LINE = 'MY_PAYMENT_KEY=kept-across-upgrades\n';

const stored = (dir: string): Record<string, unknown> =>
  (JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8')) as Record<string, Record<string, unknown>>)[
    'generator-py-docker'
  ]!;
/** latin1, as snapshotFolder reads: byte-for-byte comparisons. */
const read = (dir: string, file: string): string => readFileSync(join(dir, file), 'latin1');
/** The stored answers, without the file records. */
const answers = (dir: string): Record<string, unknown> =>
  Object.fromEntries(Object.entries(stored(dir)).filter(([key]) => key !== 'files'));
const records = (dir: string): FileRecords => stored(dir).files as FileRecords;

/** A fresh folder named like the one the fixture was generated in (`shop`). */
const freshFolder = (): string => {
  const dir = join(mkdtempSync(join(tmpdir(), 'py-docker-upgrade-')), 'shop');
  mkdirSync(dir);
  return dir;
};

function restoreNames(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) restoreNames(full);
    else if (entry.name in STORED_AS) renameSync(full, join(dir, STORED_AS[entry.name]!));
  }
}

/** The fixture as the user has it, in a temporary folder. */
function copyOf(fixture: string): string {
  const dir = freshFolder();
  cpSync(fixture, dir, { recursive: true });
  restoreNames(dir);
  return dir;
}

/** The fixture, with the edits a user would have made since. */
function editedCopy(fixture: string): string {
  const dir = copyOf(fixture);
  appendFileSync(join(dir, EDITED), EDIT);
  appendFileSync(join(dir, '.env'), ENV_LINE);
  return dir;
}

/** What the current version writes for a new user with the settings stored in `from`. */
async function freshWithSettingsOf(from: string): Promise<string> {
  const dir = freshFolder();
  writeFileSync(join(dir, '.yo-rc.json'), JSON.stringify({ 'generator-py-docker': answers(from) }, null, 2));
  await runGenerator('app', { cwd: dir, options: { yes: true } });
  return dir;
}

type Snapshot = ReturnType<typeof snapshotFolder>;

/** A folder's files, without the two that differ by design between runs (.env secrets, records). */
const comparable = (dir: string): Snapshot => {
  const files = snapshotFolder(dir);
  delete files['.env'];
  delete files['.yo-rc.json'];
  return files;
};

/** Files present in only one snapshot, or with other content or mode, sorted. */
const differing = (a: Snapshot, b: Snapshot): string[] =>
  Object.keys({ ...a, ...b })
    .filter((f) => a[f]?.content !== b[f]?.content || a[f]?.mode !== b[f]?.mode)
    .sort();

const fixtures = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .flatMap((version) =>
    readdirSync(join(FIXTURES, version.name), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((setup) => ({
        version: version.name,
        setup: setup.name,
        dir: join(FIXTURES, version.name, setup.name),
      })),
  );

describe('upgrading the output of an older generator version', () => {
  it('keeps at least one fixture of an older version to upgrade from', () => {
    assert.ok(fixtures.length > 0, `no fixtures in ${FIXTURES}`);
    for (const f of fixtures)
      assert.notEqual(f.version, CURRENT, `${f.version}/${f.setup} is the current version`);
  });

  for (const fixture of fixtures) {
    describe(`a user of ${fixture.version} (${fixture.setup}) who edited a file re-runs \`yo py-docker --yes\``, () => {
      /** The upgraded folder, its files before the run, and a fresh run of the current version. */
      let dir: string;
      let edited: Snapshot;
      let fresh: Snapshot;
      let freshDir: string;
      before(async () => {
        dir = editedCopy(fixture.dir);
        edited = snapshotFolder(dir);
        await runGenerator('app', { cwd: dir, options: { yes: true } });
        freshDir = await freshWithSettingsOf(dir);
        fresh = comparable(freshDir);
      });

      it('keeps every answer stored by the older version', () => {
        const now = answers(dir);
        assert.deepEqual({ ...now, ...answers(fixture.dir) }, now);
      });

      it('the older version wrote something else, so the upgrade really changes files', () => {
        assert.ok(
          differing(comparable(copyOf(fixture.dir)), fresh).length > 0,
          `${fixture.version} writes exactly what ${CURRENT} writes`,
        );
      });

      it('gets every untouched file as a new user of this version would, and nothing stale', () => {
        const aside = `${EDITED}${SIDE_BY_SIDE_SUFFIX}`;
        const after = comparable(dir);
        assert.deepEqual(differing(after, fresh), [EDITED, aside]);
      });

      it('keeps their edited file byte-identical, with the new version next to it', () => {
        assert.equal(read(dir, EDITED), edited[EDITED]!.content);
        assert.equal(read(dir, `${EDITED}${SIDE_BY_SIDE_SUFFIX}`), fresh[EDITED]!.content);
      });

      it('keeps every line of their .env, their own variable too, and adds only what this version needs', () => {
        const old = edited['.env']!.content;
        const now = read(dir, '.env');
        assert.ok(now.startsWith(old), '.env lost or changed lines of the user');
        const had = Object.keys(parseEnvFile(old));
        const needed = Object.keys(parseEnvFile(read(freshDir, '.env'))).filter((k) => !had.includes(k));
        assert.deepEqual(Object.keys(parseEnvFile(now.slice(old.length))).sort(), needed.sort());
      });

      it('gets records of this version for every file it wrote; their edited file keeps its old one', () => {
        const now = records(dir);
        assert.deepEqual(Object.keys(now).sort(), Object.keys(records(freshDir)).sort());
        // .env is written only when it lacked variables; the edited file is not written at all.
        const envWritten = read(dir, '.env') !== edited['.env']!.content;
        for (const [file, record] of Object.entries(now)) {
          const left = file === EDITED || (file === '.env' && !envWritten);
          assert.equal(record.version, left ? fixture.version : CURRENT, `${file}: version`);
        }
      });

      it('passes the validation layer', async () => {
        const findings = await validateProject(dir);
        assert.deepEqual(findings, [], formatFindings(findings));
      });

      it('with --force gets their edited file replaced too, but never .env', async () => {
        const forced = editedCopy(fixture.dir);
        const env = read(forced, '.env');
        await runGenerator('app', { cwd: forced, options: { yes: true, force: true } });
        assert.deepEqual(differing(comparable(forced), fresh), []);
        assert.ok(read(forced, '.env').startsWith(env), '--force replaced .env');
      });
    });
  }
});
