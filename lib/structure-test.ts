/**
 * container-structure-test.yaml (schemaVersion 2.0.0) as a typed object: what the production image
 * must look like (user, port, entrypoint, command, environment), which files it must and must not hold,
 * and commands that prove the Python and Django versions and the Django configuration. Also the choice
 * of test runner for Dockerfile.test, which the devcontainer settings share.
 */
import { gunicornArgs } from './commands.js';
import { testEnvironment } from './compose.js';
import { parseRequirement } from './detect.js';
import type { Model } from './model.js';

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
 * mode, so the trailing newline is matched explicitly. "4.2" accepts any 4.2.x.
 */
export function versionPattern(version: string): string {
  const patch = version.split('.').length === 2 ? '(\\.[0-9]+)?' : '';
  return `^${escape(version)}${patch}\\s*$`;
}

export function structureTest(m: Model): StructureTest {
  const { s } = m;
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
        name: `Django ${s.djangoVersion}`,
        command: 'python',
        args: ['-c', 'import django; print(django.get_version())'],
        expectedOutput: [versionPattern(s.djangoVersion)],
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

/**
 * Requirement files of the project that declare pytest (following `-r` includes). Only files the images
 * install count: requirements mode, the runtime file and the dev file (unless "none").
 */
export function pytestInstalled(m: Model, read: (path: string) => string | undefined): boolean {
  const { s } = m;
  if (s.pythonDeps !== 'requirements') return false;
  const seen = new Set<string>();
  const declares = (file: string): boolean => {
    if (seen.has(file)) return false;
    seen.add(file);
    const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
    return (read(file) ?? '').split(/\r?\n/).some((line) => {
      const include = /^\s*(?:-r|--requirement)\s+(\S+)/.exec(line);
      if (include) return declares(`${dir}${include[1]}`);
      return parseRequirement(line)?.name === 'pytest';
    });
  };
  const files = [s.requirementsFile, ...(s.devRequirementsFile === 'none' ? [] : [s.devRequirementsFile])];
  return files.some(declares);
}

/** The command Dockerfile.test runs: pytest when the project installs it, else Django's runner. */
export function testRunner(pytest: boolean): string[] {
  return pytest ? ['pytest', '-p', 'no:cacheprovider'] : ['python', 'manage.py', 'test'];
}
