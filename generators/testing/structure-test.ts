/**
 * container-structure-test.yaml (schemaVersion 2.0.0) as a typed object: what the production image
 * must look like (user, port, entrypoint, command, environment), which files it must and must not hold,
 * and commands that prove the Python and Django versions and the Django configuration. Also the choice
 * of test runner for Dockerfile.test, which the devcontainer settings share.
 */
import { gunicornArgs } from '../../lib/commands.js';
import { testEnvironment } from '../../lib/compose.js';
import type { Model } from '../../lib/model.js';

export interface KeyValue {
  key: string;
  value: string;
  isRegex?: boolean;
}

export interface MetadataTest {
  /** `envVars`: the tool reads no `env` key (and refuses the whole file for it). */
  envVars?: KeyValue[];
  exposedPorts?: string[];
  entrypoint?: string[];
  cmd?: string[];
  workdir?: string;
  user?: string;
}

export interface FileExistenceTest {
  name: string;
  path: string;
  shouldExist: boolean;
  permissions?: string;
  isExecutableBy?: 'owner' | 'group' | 'other' | 'any';
}

export interface CommandTest {
  name: string;
  command: string;
  args?: string[];
  envVars?: KeyValue[];
  expectedOutput?: string[];
  excludedOutput?: string[];
  exitCode?: number;
}

export interface StructureTest {
  schemaVersion: '2.0.0';
  metadataTest: MetadataTest;
  fileExistenceTests: FileExistenceTest[];
  commandTests: CommandTest[];
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The container scripts the image must hold, executable by the non-root user. */
export const SCRIPTS = ['entrypoint.sh', 'healthcheck.sh', 'wait-for-it.sh'];

/** The production image's CMD (lib/commands.ts): gunicorn, or supervisord in all-in-one mode. */
export function productionCmd(m: Model): string[] {
  return m.s.processManager === 'supervisord'
    ? ['supervisord', '-c', `${m.scriptsDir}/supervisord.conf`]
    : gunicornArgs(m);
}

/**
 * A regular expression for a version printed on its own line. Go's regexp (the tool's) has no multiline
 * mode, so the trailing newline is matched explicitly. A line accepts its releases: "4.2" any 4.2.x,
 * "4" any 4.y.z.
 */
export function versionPattern(version: string): string {
  const parts = version.split('.').length;
  const rest = parts === 1 ? '\\.[0-9]+(\\.[0-9]+)?' : parts === 2 ? '(\\.[0-9]+)?' : '';
  return `^${escape(version)}${rest}\\s*$`;
}

/** What the Django check of the structure test expects: its name and the pattern of the version. */
export interface VersionCheck {
  name: string;
  pattern: string;
}

/** A regular expression for the whole numbers from `low` on (to `high`, when there is one). */
function numbersFrom(low: number, high?: number): string {
  if (high !== undefined && high - low <= 20)
    return `(${Array.from({ length: high - low + 1 }, (_v, i) => low + i).join('|')})`;
  // Open upward: low to 9 by a digit class, then every number of two digits or more.
  return low <= 9 ? `([${low}-9]|[1-9][0-9]+)` : '[0-9]+';
}

/**
 * The Django the production image installs, as a check: the exact version where it is known (the
 * project's exact pin or its lock file, or the requirements file the generator writes with
 * --django-version), else the release lines a range allows (the same major.minor line, or a range of
 * minors of one major, or of majors), else any Django version (the project names Django without one:
 * pip installs the newest, which nothing here can know).
 */
export function djangoCheck(
  djangoVersion: string,
  installed: { version?: string; spec?: string; source: string } | undefined,
): VersionCheck {
  if (!installed) return { name: `Django ${djangoVersion}`, pattern: versionPattern(djangoVersion) };
  if (installed.version)
    return {
      name: `Django ${installed.version} (${installed.source})`,
      pattern: versionPattern(installed.version),
    };
  const bounds = installed.spec ? rangeBounds(installed.spec) : undefined;
  if (!bounds)
    return {
      name: `Django (${installed.source} names no version it can be checked against)`,
      pattern: '^[1-9][0-9]*\\.[0-9]+(\\.[0-9]+)?\\s*$',
    };
  const name = `Django${installed.spec!} (${installed.source})`;
  const [lowMajor, lowMinor] = bounds.low;
  const high = bounds.high;
  if (high && high[0] === lowMajor) {
    // One major: the minors from the lower bound to the highest below the upper one.
    const topMinor = high[2] ? high[1] : high[1] - 1;
    return topMinor === lowMinor
      ? { name, pattern: versionPattern(`${lowMajor}.${lowMinor}`) }
      : { name, pattern: `^${lowMajor}\\.${numbersFrom(lowMinor, topMinor)}(\\.[0-9]+)?\\s*$` };
  }
  if (high && high[0] === lowMajor + 1 && high[1] === 0 && !high[2])
    return { name, pattern: `^${lowMajor}\\.${numbersFrom(lowMinor)}(\\.[0-9]+)?\\s*$` };
  // Several majors, or no upper bound: the major line only.
  const topMajor = high ? (high[1] === 0 && !high[2] ? high[0] - 1 : high[0]) : undefined;
  return { name, pattern: `^${numbersFrom(lowMajor, topMajor)}\\.[0-9]+(\\.[0-9]+)?\\s*$` };
}

/**
 * The lower bound (major, minor) and upper bound (major, minor, inclusive) of a PEP 440 range, from its
 * `>=`, `>`, `~=`, `==X.*`, `<` and `<=` clauses (`!=` narrows nothing a line check sees). Undefined
 * when a clause cannot be read or none bounds anything.
 */
export function rangeBounds(
  spec: string,
): { low: [number, number]; high?: [number, number, boolean] } | undefined {
  let low: [number, number] | undefined;
  let high: [number, number, boolean] | undefined;
  const atLeast = (major: number, minor: number): void => {
    if (!low || major > low[0] || (major === low[0] && minor > low[1])) low = [major, minor];
  };
  const below = (major: number, minor: number, inclusive: boolean): void => {
    if (!high || major < high[0] || (major === high[0] && minor < high[1])) high = [major, minor, inclusive];
  };
  for (const clause of spec
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean)) {
    const match = /^(~=|===|==|!=|<=|>=|<|>)\s*([0-9]+)(?:\.([0-9]+))?((?:\.[0-9]+)*)(\.\*)?$/.exec(clause);
    if (!match) return undefined;
    const [, op, majorText, minorText, more, wildcard] = match;
    const major = Number(majorText);
    const minor = Number(minorText ?? 0);
    if (op === '!=') continue;
    if (op === '>=' || op === '>') atLeast(major, minor);
    else if (op === '<') below(major, minor, Boolean(more && !/^(\.0)+$/.test(more)));
    else if (op === '<=') below(major, minor, true);
    else if (op === '~=') {
      atLeast(major, minor);
      // ~=X.Y: the same X; ~=X.Y.Z: the same X.Y.
      if (more) below(major, minor, true);
      else below(major + 1, 0, false);
    } else if (wildcard) {
      atLeast(major, minor);
      if (minorText === undefined) below(major + 1, 0, false);
      else below(major, minor, true);
    } else {
      atLeast(major, minor);
      below(major, minor, true);
    }
  }
  // Only an upper bound (Django<4): from the first release on.
  return low || high ? { low: low ?? [1, 0], high } : undefined;
}

/**
 * `installed`: what the project's own files say its images install (Detection.djangoInstall), when the
 * project declares its dependencies; undefined when the generator writes the Django pin itself.
 */
export function structureTest(
  m: Model,
  installed?: { version?: string; spec?: string; source: string },
): StructureTest {
  const { s } = m;
  const django = djangoCheck(s.djangoVersion, installed);
  // `manage.py check` needs settings that load, not services: no waiting, no migrations.
  const checkEnv = Object.entries(testEnvironment(m))
    .filter(([key, value]) => value !== '' && key !== 'WAIT_FOR' && key !== 'DJANGO_MIGRATE')
    .map(([key, value]) => ({ key, value }));
  const managePy = m.managePy;
  const files: FileExistenceTest[] = SCRIPTS.map((script) => ({
    name: `${script} is executable`,
    path: `${m.scriptsDir}/${script}`,
    shouldExist: true,
    permissions: '-rwxr-xr-x',
  }));
  files.push({
    name: 'gunicorn.conf.py is present',
    path: `${m.scriptsDir}/gunicorn.conf.py`,
    shouldExist: true,
  });
  if (s.processManager === 'supervisord') {
    files.push({
      name: 'supervisord.conf is present',
      path: `${m.scriptsDir}/supervisord.conf`,
      shouldExist: true,
    });
  }
  files.push(
    {
      name: 'the container settings are present',
      path: `${m.bridgePath}/${m.bridgeModule}.py`,
      shouldExist: true,
    },
    { name: 'manage.py is present', path: `${m.workdir}/${managePy}`, shouldExist: true },
    { name: 'static files were collected', path: m.staticRoot, shouldExist: true },
    { name: 'no .env in the image', path: `${m.workdir}/.env`, shouldExist: false },
    { name: 'no .git in the image', path: `${m.workdir}/.git`, shouldExist: false },
    { name: 'no node_modules in the image', path: `${m.workdir}/node_modules`, shouldExist: false },
  );
  return {
    schemaVersion: '2.0.0',
    metadataTest: {
      envVars: [
        { key: 'PATH', value: `^${escape(m.venv)}/bin:`, isRegex: true },
        { key: 'DJANGO_SETTINGS_MODULE', value: m.bridgeModule },
        { key: 'PROJECT_SETTINGS_MODULE', value: s.settingsModule },
      ],
      exposedPorts: [String(s.port)],
      entrypoint: [`${m.scriptsDir}/entrypoint.sh`],
      cmd: productionCmd(m),
      workdir: m.workdir,
      user: `${m.uid}:${m.gid}`,
    },
    fileExistenceTests: files,
    commandTests: [
      {
        name: `Python ${m.pythonMinor}`,
        command: 'python',
        args: ['--version'],
        expectedOutput: [`^Python ${escape(m.pythonMinor)}\\.`],
      },
      {
        name: django.name,
        command: 'python',
        args: ['-c', 'import django; print(django.get_version())'],
        expectedOutput: [django.pattern],
      },
      {
        name: 'manage.py check passes',
        command: 'python',
        args: [managePy, 'check'],
        envVars: checkEnv,
        expectedOutput: ['System check identified no issues'],
      },
      {
        // Root owns the code and the venv; the app user (the image's USER) can change none of it.
        name: 'the code and the venv are root-owned and read-only to the app user',
        command: 'python',
        args: ['-c', readOnlyCodeCheck([m.workdir, m.venv])],
        expectedOutput: ['^root-owned, read-only'],
      },
      {
        // Permission errors (as the non-root user) are expected and dropped; any other output, a
        // setuid/setgid file or an error of find itself, fails the test.
        name: 'no setuid or setgid files',
        command: 'sh',
        args: ['-c', "find / -xdev -perm /6000 -type f 2>&1 | grep -v 'Permission denied' || true"],
        excludedOutput: ['.'],
      },
    ],
  };
}

/** Python that prints `root-owned, read-only`, or the first paths the user owns or may write. */
function readOnlyCodeCheck(roots: readonly string[]): string {
  return [
    'import os',
    `w = [p for t in ${JSON.stringify(roots)} for r, _, fs in os.walk(t) for p in [r] + [os.path.join(r, f) for f in fs] if not os.path.islink(p) and (os.stat(p).st_uid != 0 or os.access(p, os.W_OK))]`,
    'print("root-owned, read-only" if not w else "owned or writable: " + " ".join(w[:5]))',
  ].join('; ');
}

export const STRUCTURE_TEST_HEADER = [
  'container-structure-test for the production image (schemaVersion 2.0.0):',
  `  docker build --target production -t IMAGE . && container-structure-test test --image IMAGE --config container-structure-test.yaml`,
  'Metadata, files and commands mirror the Dockerfile; change them together.',
];

/** The command Dockerfile.test runs: pytest when the project installs it, else Django's runner. */
export function testRunner(pytest: boolean): string[] {
  return pytest ? ['pytest', '-p', 'no:cacheprovider'] : ['python', 'manage.py', 'test'];
}
