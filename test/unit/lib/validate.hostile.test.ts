/**
 * Hostile and broken input through `yo py-docker --yes`: every setting flag with values that must not
 * reach a shell, YAML or Dockerfile (empty, too long, wrong characters, YAML- and shell-breaking text,
 * newlines, path traversal, out-of-range numbers, unknown choices, malformed versions), and project
 * files that are broken. Each is refused with a message naming the flag or file and leaves the folder
 * byte-identical; a value that is valid for its setting generates a folder that passes the in-process
 * checks of the validation layer, with no shell command of the value ever run.
 * lib/generator/options.test.ts checks one bad value per flag; lib/detect.test.ts the detection errors
 * without the generator.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SETTINGS, type SettingDef } from '../../../lib/settings.js';
import { fixtureFiles, runExpectingError, runGenerator, snapshotFolder } from '../../support/run.js';
import { requireTool } from '../../support/tools.js';
import { formatFindings, validateProject } from '../../support/validate-project.js';
import { supportModule } from '../../support/repo.js';

/** Created by any value that reaches a shell: must never exist. */
const MARKERS = mkdtempSync(join(tmpdir(), 'py-docker-hostile-'));
const MARKER = join(MARKERS, 'pwned');
/** Removed by any `rm -rf` of the values that reaches a shell. */
const SENTINEL = join(MARKERS, 'still-here');
writeFileSync(SENTINEL, '');

const noShellRan = (): void => {
  assert.equal(existsSync(MARKER), false, 'a value reached a shell (marker created)');
  assert.equal(existsSync(SENTINEL), true, 'a value reached a shell (rm -rf ran)');
};

/** The values every flag gets. */
const HOSTILE: [string, string][] = [
  ['empty', ''],
  ['300 characters', 'a'.repeat(300)],
  ['wrong characters', 'Ünï cödé!'],
  ['YAML-breaking `a: #b`', 'a: #b'],
  ['YAML-breaking quotes', `"it's"`],
  ['YAML-breaking `{x}`', '{x}'],
  ['shell-breaking $(...)', `$(touch ${MARKER})`],
  ['shell-breaking backticks', `\`touch ${MARKER}\``],
  ['shell-breaking `;rm -rf`', `x;rm -rf ${MARKERS}`],
  ['a newline', 'web\nUSER root'],
  ['path traversal', '../x'],
  ['port 0', '0'],
  ['port 65536', '65536'],
  ['an unknown variant', 'ubuntu'],
  ['a malformed version', '3.x'],
  ['a version with five parts', '1.2.3.4.5'],
  // YAML 1.1 takes these, written plain, for booleans, null and numbers (lib/yaml.ts quotes them).
  ['YAML 1.1 `yes`', 'yes'],
  ['YAML 1.1 `no`', 'no'],
  ['YAML 1.1 `on`', 'on'],
  ['YAML 1.1 `off`', 'off'],
  ['YAML 1.1 `y`', 'y'],
  ['YAML 1.1 `n`', 'n'],
  ['YAML `null`', 'null'],
  ['YAML `~`', '~'],
  ['octal-looking `010`', '010'],
  ['float-looking `1.5`', '1.5'],
];

/** The YAML words above, valid wherever a plain name is. */
const YAML_WORDS = ['yes', 'no', 'on', 'off', 'y', 'n', 'null'];
/** ...and the number-looking ones, valid wherever a path or image name is. */
const YAML_NUMBERS = ['010', '1.5'];

/**
 * Values of the table that are valid for a setting (everything else must be refused). Each one is
 * generated for real below, and the result must pass the validation layer.
 */
const VALID: Record<string, string[]> = {
  'app-dir': ['0', '65536', 'ubuntu', '3.x', '1.2.3.4.5', ...YAML_WORDS, ...YAML_NUMBERS],
  'requirements-file': ['0', '65536', 'ubuntu', '3.x', '1.2.3.4.5', ...YAML_WORDS, ...YAML_NUMBERS],
  'dev-requirements-file': ['0', '65536', 'ubuntu', '3.x', '1.2.3.4.5', ...YAML_WORDS, ...YAML_NUMBERS],
  'assets-dir': ['0', '65536', '3.x', '1.2.3.4.5', 'ubuntu', ...YAML_WORDS, ...YAML_NUMBERS],
  'assets-sources': ['0', '65536', '3.x', '1.2.3.4.5', 'ubuntu', ...YAML_WORDS, ...YAML_NUMBERS],
  'build-script': ['0', '65536', '3.x', '1.2.3.4.5', 'ubuntu', ...YAML_WORDS, ...YAML_NUMBERS],
  image: ['0', '65536', 'ubuntu', '3.x', '1.2.3.4.5', ...YAML_WORDS, ...YAML_NUMBERS],
  'project-name': ['ubuntu', ...YAML_WORDS],
  // Not "ubuntu": a settings module outside a package, which the starter refuses by name; the
  // starter also refuses other dev/test settings modules and import folders by name.
  'k8s-namespace': ['ubuntu', ...YAML_WORDS],
  'ingress-class': ['ubuntu', ...YAML_WORDS],
  'tls-issuer': ['ubuntu', ...YAML_WORDS],
  'ingress-host': ['3.x', '1.2.3.4.5', '1.5'],
  registry: ['3.x', '1.2.3.4.5', '1.5'],
  // Decimal, as written: 10 replicas, 10 and 1.5 CPUs.
  replicas: ['010'],
  'cpu-limit': ['010', '1.5'],
};

/**
 * What a valid value needs around it to be the user's real case: the project it names a path of, or
 * the setting it must agree with. Without this, the starter in an empty folder refuses it by name.
 */
const CONTEXT: Record<
  string,
  (value: string) => { files?: Record<string, string>; options?: Record<string, unknown> }
> = {
  // A path of the user's own front-end sources: an existing project (package.json) that has it.
  'assets-sources': (value) => ({
    files: { ...fixtureFiles('flat'), [`${value}/main.js`]: 'console.log("hi");\n' },
  }),
  // A registry host: the image is pushed there, so the image is named under it.
  registry: (value) => ({ options: { image: `${value}/example/shop` } }),
};

/** A folder holding one file of the user's, so "nothing written" is checked against real content. */
function userFolder(files: Record<string, string> = { 'notes.txt': 'the user was here\n' }): string {
  const dir = mkdtempSync(join(tmpdir(), 'py-docker-hostile-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** A flag with a value as the user types it: booleans only from the raw command line (see lib/generator/options.test.ts). */
const flagRun = (
  setting: SettingDef,
  value: string,
  options: Record<string, unknown> = {},
): Record<string, unknown> =>
  setting.type === 'boolean'
    ? { options: { yes: true, ...options }, args: [`--${setting.flag}=${value}`] }
    : { options: { yes: true, ...options, [setting.flag]: value } };

describe('hostile values for every flag of `yo py-docker --yes`', function () {
  after(() => rmSync(MARKERS, { recursive: true, force: true }));

  for (const setting of SETTINGS) {
    describe(`--${setting.flag}`, () => {
      for (const [what, value] of HOSTILE) {
        const valid = (VALID[setting.flag] ?? []).includes(value);
        if (!valid) {
          it(`${what} (${JSON.stringify(value.length > 40 ? `${value.slice(0, 12)}...` : value)}) is refused with "--${setting.flag}: ..." and the folder stays byte-identical`, async () => {
            const dir = userFolder();
            const before = snapshotFolder(dir);
            const error = await runExpectingError('app', { cwd: dir, ...flagRun(setting, value) });
            assert.ok(error.message.startsWith(`--${setting.flag}: `), error.message);
            assert.match(error.message, /allowed|must/, error.message);
            assert.deepEqual(snapshotFolder(dir), before);
            noShellRan();
          });
        } else {
          it(`${what} (${JSON.stringify(value)}) is valid here: the folder it generates passes the in-process checks`, async () => {
            const context = CONTEXT[setting.flag]?.(value) ?? {};
            const dir = userFolder(context.files);
            await runGenerator('app', { cwd: dir, ...flagRun(setting, value, context.options) });
            const findings = await validateProject(dir, { external: new Set() });
            assert.deepEqual(findings, [], formatFindings(findings));
            noShellRan();
          });
        }
      }
    });
  }

  it('the table of valid values has no stale entries (each is valid, so the refusal tests above can fail)', () => {
    for (const [flag, values] of Object.entries(VALID)) {
      const setting = SETTINGS.find((s) => s.flag === flag);
      assert.ok(setting, flag);
      for (const value of values)
        assert.equal(
          (setting.validate as (v: string | number) => true | string)(
            setting.type === 'integer' ? Number(value) : value,
          ),
          true,
          `--${flag} ${value}`,
        );
    }
  });
});

describe('broken project files', function () {
  const MANAGE = (module: string): string =>
    `import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "${module}")\n`;
  const DJANGO = { 'manage.py': MANAGE('shop.settings'), 'shop/__init__.py': '', 'shop/settings.py': '' };

  /** Files, and the error that must name the file. */
  const CASES: [string, Record<string, string>, RegExp][] = [
    [
      'an invalid package.json',
      { ...DJANGO, 'package.json': '{"name": "shop",' },
      /^package\.json: invalid JSON/,
    ],
    ['a package.json that is a list', { ...DJANGO, 'package.json': '[]' }, /^package\.json: invalid JSON/],
    [
      'an invalid pyproject.toml',
      { ...DJANGO, 'pyproject.toml': '[project\nname = "x"' },
      /^pyproject\.toml: invalid TOML/,
    ],
    [
      'manage.py without a settings module',
      { 'manage.py': 'print("hi")\n' },
      /^manage\.py: no DJANGO_SETTINGS_MODULE default/,
    ],
    [
      'a .yo-rc.json that is not JSON',
      { '.yo-rc.json': '{"generator-py-docker": ' },
      /\.yo-rc\.json\. Detail/,
    ],
    [
      'a stored answer that would break a shell',
      { '.yo-rc.json': JSON.stringify({ 'generator-py-docker': { healthPath: '/$(touch /tmp/x)' } }) },
      /^\.yo-rc\.json \(generator-py-docker\.healthPath\): "\/\$\(touch \/tmp\/x\)" is not a plain URL path/,
    ],
    [
      'manage.py naming a settings module that does not exist',
      { 'manage.py': MANAGE('gone.settings') },
      /^manage\.py: names the settings module gone\.settings/,
    ],
  ];

  for (const [what, files, message] of CASES) {
    it(`${what}: a clear error naming the file, and the folder stays byte-identical`, async () => {
      const dir = userFolder(files);
      const before = snapshotFolder(dir);
      const error = await runExpectingError('app', { cwd: dir, options: { yes: true } });
      assert.match(error.message, message);
      assert.deepEqual(snapshotFolder(dir), before);
    });
  }

  /** A folder where a file goes (or a file where a folder goes): the generator would have to write there. */
  const IN_THE_WAY: [string, (dir: string) => void, RegExp][] = [
    ['a folder named package.json', (d) => mkdirSync(join(d, 'package.json')), /^package\.json: is a folder/],
    ['a folder named manage.py', (d) => mkdirSync(join(d, 'manage.py')), /^manage\.py: is a folder/],
    ['a folder named .env', (d) => mkdirSync(join(d, '.env')), /^\.env: is a folder/],
    ['a folder named Dockerfile', (d) => mkdirSync(join(d, 'Dockerfile')), /^Dockerfile: is a folder/],
    [
      'a file named docker',
      (d) => writeFileSync(join(d, 'docker'), 'x'),
      /^docker: is a file, but the generator writes docker\//,
    ],
  ];
  for (const [what, make, message] of IN_THE_WAY) {
    it(`${what}: a clear error naming it, and the folder stays byte-identical`, async () => {
      const dir = userFolder();
      make(dir);
      const before = snapshotFolder(dir);
      const error = await runExpectingError('app', { cwd: dir, options: { yes: true } });
      assert.match(error.message, message);
      assert.deepEqual(snapshotFolder(dir), before);
    });
  }

  it('an unreadable package.json: a clear error naming it, and the folder stays byte-identical', async function () {
    const dir = userFolder({ ...DJANGO, 'package.json': '{}' });
    chmodSync(join(dir, 'package.json'), 0o000);
    chmodSync(dir, 0o777);
    const before = snapshotFolder(dir);
    let message: string;
    // Root reads any file whatever its mode: then the run happens as an unprivileged user.
    if (process.getuid?.() === 0) {
      const runuser = ['/usr/sbin/runuser', '/sbin/runuser'].find((p) => existsSync(p));
      const asNobody = (argv: string[]) =>
        spawnSync(runuser!, ['-u', 'nobody', '--', ...argv], {
          encoding: 'utf8',
          env: { PATH: process.env.PATH, HOME: tmpdir() },
        });
      const runJs = fileURLToPath(supportModule('run.js'));
      if (!runuser || asNobody(['test', '-r', runJs]).status !== 0) {
        console.log('      skipped: running as root, without runuser or a dist/ that nobody can read');
        this.skip();
      }
      const script = `
        const { runExpectingError } = await import(${JSON.stringify(supportModule('run.js').href)});
        const error = await runExpectingError('app', { cwd: process.argv[1], options: { yes: true } });
        console.log(error.message);`;
      const child = asNobody([process.execPath, '--input-type=module', '-e', script, dir]);
      assert.equal(child.status, 0, child.stderr);
      message = child.stdout.trim().split('\n').at(-1) ?? '';
    } else {
      message = (await runExpectingError('app', { cwd: dir, options: { yes: true } })).message;
    }
    assert.equal(message, 'package.json: cannot be read (EACCES); fix its permissions');
    assert.deepEqual(snapshotFolder(dir), before);
  });

  it('an app folder and a health path of unusual but valid characters generate a folder that passes the in-process checks', async function () {
    requireTool(this, 'busybox');
    const dir = userFolder();
    await runGenerator('app', {
      cwd: dir,
      options: { yes: true, 'app-dir': '1.2.3.4.5', 'health-path': '/-_.~/a/' },
    });
    assert.deepEqual(await validateProject(dir, { external: new Set() }), []);
  });
});
