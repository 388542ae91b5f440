import { type Hint } from './detection.js';
/**
 * The Node.js package manager of the front-end build (npm, yarn or pnpm) and the commands each one
 * runs. yarn and pnpm run through corepack, pinned to a version, so no global install of theirs is
 * needed: the official Node.js images 18-24 carry corepack; from Node.js 25 on they do not, and
 * corepack itself is installed with npm (COREPACK_VERSION).
 */

export const PACKAGE_MANAGERS = ['npm', 'yarn', 'pnpm'] as const;
export type PackageManager = (typeof PACKAGE_MANAGERS)[number];

/** What yarn and pnpm default to when package.json names no `packageManager` version. */
export const DEFAULT_MANAGER_VERSIONS: Record<Exclude<PackageManager, 'npm'>, string> = {
  yarn: '1.22.22',
  pnpm: '10.34.9',
};

/** corepack installed with npm where the Node.js image has none (Node.js 25 and newer). */
export const COREPACK_VERSION = '0.34.6';
/** The first Node.js release whose distribution (and official image) no longer bundles corepack. */
export const NODE_WITHOUT_COREPACK = 25;

export const LOCKFILES: Record<PackageManager, string> = {
  npm: 'package-lock.json',
  yarn: 'yarn.lock',
  pnpm: 'pnpm-lock.yaml',
};

/** The lockfile's copy in node_modules: which lockfile node_modules was installed from. */
export const INSTALLED_LOCKFILE = '.py-docker-lockfile';

/** Where each manager caches downloads for root (the assets stage's cache mount). */
export const ROOT_CACHES: Record<PackageManager, string> = {
  npm: '/root/.npm',
  yarn: '/usr/local/share/.cache/yarn',
  pnpm: '/root/.local/share/pnpm/store',
};

/** The package manager a package.json and the lockfiles beside it name, and the version, if any. */
export interface ManagerDetection {
  manager: Hint & { value: PackageManager };
  version?: Hint;
  /** yarn.lock is a Yarn 2+ lockfile ("__metadata:"), whatever the version says. */
  berryLockfile?: boolean;
  notes: string[];
}

const MANAGER_FIELD = /^(npm|yarn|pnpm)@([0-9]+\.[0-9]+\.[0-9]+(?:-[0-9A-Za-z.-]+)?)(?:\+[0-9A-Za-z.]+)?$/;

/**
 * Reads `packageManager` ("yarn@1.22.22+sha512...") first, then the lockfiles: pnpm-lock.yaml, yarn.lock,
 * package-lock.json. `read` gets a file of the package.json folder (undefined: no such file).
 */
export function detectManager(
  packageJson: string,
  field: unknown,
  read: (name: string) => string | undefined,
  join: (name: string) => string,
): ManagerDetection {
  const notes: string[] = [];
  const lockfiles = (['pnpm', 'yarn', 'npm'] as const).filter((pm) => read(LOCKFILES[pm]) !== undefined);
  const berryLockfile = lockfiles.includes('yarn') && /^__metadata:/m.test(read(LOCKFILES.yarn) ?? '');
  const named = typeof field === 'string' ? MANAGER_FIELD.exec(field.trim()) : null;
  if (typeof field === 'string' && !named)
    notes.push(
      `${packageJson}: packageManager "${field}" is not npm, yarn or pnpm with an exact version; ignored`,
    );
  if (named) {
    const manager = named[1] as PackageManager;
    const other = lockfiles.find((pm) => pm !== manager);
    if (other && !lockfiles.includes(manager))
      notes.push(
        `${packageJson} names ${manager} (packageManager) but ${join(LOCKFILES[other])} is ${other}'s lockfile: the build uses ${manager}`,
      );
    return {
      manager: { value: manager, source: `${packageJson} (packageManager)` },
      version: { value: named[2]!, source: `${packageJson} (packageManager)` },
      berryLockfile,
      notes,
    };
  }
  const first = lockfiles[0] ?? 'npm';
  if (lockfiles.length > 1)
    notes.push(
      `${lockfiles.map((pm) => join(LOCKFILES[pm])).join(' and ')} are lockfiles of ${lockfiles.join(' and ')}: the build uses ${first} (--package-manager to choose)`,
    );
  return {
    manager: {
      value: first,
      source: lockfiles.length > 0 ? join(LOCKFILES[first]) : `${packageJson} (no lockfile: npm)`,
    },
    berryLockfile,
    notes,
  };
}

/** Yarn 2 and newer ("berry"): another install flag, and no node_modules cache folder of yarn 1's. */
export const isBerry = (manager: PackageManager, version: string): boolean =>
  manager === 'yarn' && Number(version.split('.')[0]) >= 2;

/** What the manager needs of the settings. */
export interface ManagerSettings {
  packageManager: PackageManager;
  packageManagerVersion: string;
  nodeVersion: string;
}

/** Node.js of this version has corepack in its official image (18-24). */
export const nodeHasCorepack = (nodeVersion: string): boolean =>
  Number(nodeVersion.split('.')[0]) < NODE_WITHOUT_COREPACK;

/**
 * The command that starts the manager: `npm`, or corepack running the pinned yarn/pnpm. `corepack`
 * is the corepack binary (`npx --yes corepack@X` where a non-root user cannot install it).
 */
export function managerCommand(s: ManagerSettings, corepack = 'corepack'): string {
  return s.packageManager === 'npm' ? 'npm' : `${corepack} ${s.packageManager}@${s.packageManagerVersion}`;
}

/** The install from the lockfile, never changing it (npm ci and the frozen installs of yarn and pnpm). */
export function installCommand(s: ManagerSettings, corepack?: string): string {
  const run = managerCommand(s, corepack);
  if (s.packageManager === 'npm') return `${run} ci --no-audit --no-fund`;
  if (s.packageManager === 'pnpm') return `${run} install --frozen-lockfile`;
  return isBerry('yarn', s.packageManagerVersion)
    ? `${run} install --immutable`
    : `${run} install --frozen-lockfile --non-interactive`;
}

/** `<manager> run <script>`. */
export function runCommand(s: ManagerSettings, script: string, corepack?: string): string {
  return `${managerCommand(s, corepack)} run ${script}`;
}

/** The run as a person types it: `npm run build`, `yarn run bundle`. */
export function shortRun(s: ManagerSettings, script: string): string {
  return `${s.packageManager} run ${script}`;
}

/**
 * Commands of the root assets stage that make corepack available: the image's own, else (Node.js 25
 * and newer) corepack from npm. Those images may still link yarn classic into /usr/local/bin, which
 * would make npm refuse to link corepack's yarn shims: the links go first.
 */
export function corepackSetup(s: ManagerSettings): string[] {
  if (s.packageManager === 'npm') return [];
  return [
    `if ! command -v corepack >/dev/null 2>&1; then rm -f /usr/local/bin/yarn /usr/local/bin/yarnpkg; npm install --global --no-audit --no-fund "corepack@${COREPACK_VERSION}"; fi`,
    `${managerCommand(s)} --version`,
  ];
}
