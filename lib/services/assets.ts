/**
 * The npm assets build in development: a Node.js service that installs into a node_modules volume and
 * keeps the watch script running, started by the dev container, with ESLint pointed at package.json.
 */
import {
  COREPACK_VERSION,
  INSTALLED_LOCKFILE,
  installCommand,
  LOCKFILES,
  nodeHasCorepack,
  runCommand,
  shortRun,
} from '../package-manager.js';
import type { BackingService } from './index.js';

/** The development volume holding node_modules of the front-end build. */
export const NODE_MODULES_VOLUME = 'node_modules';

const folder = (workdir: string, nodeDir: string): string =>
  nodeDir === '.' ? workdir : `${workdir}/${nodeDir}`;

export const assets: BackingService = {
  id: 'assets',
  settingsKeys: ['frontend', 'packageManager', 'packageManagerVersion', 'nodeVersion', 'assetsDir'],
  enabled: (s) => s.frontend === 'npm',
  compose: {
    override: (m, kit) => {
      const { s } = m;
      const name = m.services.assets;
      const workdir = folder('/app', kit.nodeDir);
      // node_modules lives in a named volume over the bind mount: the Linux builds of esbuild, rollup
      // and sass never land in the host's checkout. The web container creates it first, filled from the
      // development image (as your user), then the assets service installs only when the lockfile changed.
      const modules = `${NODE_MODULES_VOLUME}:${workdir}/node_modules`;
      const lockfile = LOCKFILES[s.packageManager];
      const corepack = nodeHasCorepack(s.nodeVersion) ? 'corepack' : `npx --yes corepack@${COREPACK_VERSION}`;
      const installed = `node_modules/${INSTALLED_LOCKFILE}`;
      return {
        services: {
          [name]: {
            image: m.nodeImage,
            user: kit.hostUser,
            init: true,
            working_dir: workdir,
            command: [
              'sh',
              '-c',
              [
                'set -e',
                `if ! cmp -s ${lockfile} ${installed}; then ${installCommand(s, corepack)}; cp ${lockfile} ${installed}; fi`,
                `exec ${runCommand(s, kit.watchScript, corepack)}`,
              ].join('; '),
            ],
            // Any uid: caches under /tmp, not in a home folder the image does not have for it.
            environment: {
              HOME: '/tmp',
              ...(s.packageManager === 'npm'
                ? {}
                : {
                    COREPACK_ENABLE_DOWNLOAD_PROMPT: '0',
                    COREPACK_NPM_REGISTRY: null,
                    COREPACK_INTEGRITY_KEYS: null,
                  }),
            },
            volumes: ['.:/app', modules],
            depends_on: { [m.services.web]: { condition: 'service_started' } },
            networks: kit.frontNetworks,
          },
        },
        volumes: [NODE_MODULES_VOLUME],
        webVolumes: [modules],
        comments: [
          {
            path: ['services', name],
            text: ` Rebuilds the front-end assets into ${s.assetsDir} on every change (${shortRun(s, kit.watchScript)}), as your user.`,
          },
          {
            path: ['services', name, 'command'],
            text: ` Installs into the ${NODE_MODULES_VOLUME} volume only when ${lockfile} changed since the last install (restart the service after changing dependencies).`,
          },
        ],
      };
    },
  },
  devServices: (m) => [m.services.assets],
  editorSettings: (m, nodeDir) => ({ 'eslint.workingDirectories': [folder(m.workdir, nodeDir)] }),
};
