/**
 * .devcontainer/devcontainer.json as a typed object: VS Code attaches to the compose development
 * service (docker-compose.yml + docker-compose.override.yml), as the development image's non-root
 * user. Nothing is downloaded when the container opens: no features, only the images compose builds.
 */
import { DEBUG_PORT, type Model } from '../../lib/model.js';
import { enabledServices } from '../../lib/services/index.js';

export interface PortAttributes {
  label: string;
  onAutoForward?: 'notify' | 'openBrowser' | 'silent' | 'ignore';
}

export interface DevContainer {
  name: string;
  dockerComposeFile: string[];
  service: string;
  runServices: string[];
  workspaceFolder: string;
  shutdownAction: 'none' | 'stopCompose';
  overrideCommand: boolean;
  remoteUser: string;
  updateRemoteUserUID: boolean;
  forwardPorts: number[];
  portsAttributes: Record<string, PortAttributes>;
  postCreateCommand: string;
  postStartCommand: string;
  customizations: { vscode: { extensions: string[]; settings: Record<string, unknown> } };
}

export const COMPOSE_FILES = ['../docker-compose.yml', '../docker-compose.override.yml'];
export const POST_CREATE = '.devcontainer/post-create.sh';
export const POST_START = '.devcontainer/post-start.sh';

export const EXTENSIONS = [
  'ms-python.python',
  'ms-python.vscode-pylance',
  'batisteo.vscode-django',
  'dbaeumer.vscode-eslint',
  'ms-azuretools.vscode-docker',
];

export interface DevContainerOptions {
  /** Folder of package.json, relative to the project root. */
  nodeDir: string;
  pytest: boolean;
}

export function devContainer(m: Model, opts: DevContainerOptions): DevContainer {
  const { s } = m;
  const svc = m.services;
  const services = enabledServices(m, 'devServices', 'editorSettings');
  const runServices = [svc.web, ...services.flatMap((service) => service.devServices?.(m) ?? [])];
  return {
    name: s.projectName,
    dockerComposeFile: COMPOSE_FILES,
    service: svc.web,
    runServices,
    workspaceFolder: m.workdir,
    shutdownAction: 'stopCompose',
    // VS Code keeps the container alive; start runserver (or the debugger) from the editor's terminal.
    overrideCommand: true,
    remoteUser: m.user,
    updateRemoteUserUID: true,
    forwardPorts: [s.port, DEBUG_PORT],
    portsAttributes: {
      [String(s.port)]: { label: 'Django (runserver)', onAutoForward: 'notify' },
      [String(DEBUG_PORT)]: { label: 'debugpy', onAutoForward: 'silent' },
    },
    postCreateCommand: POST_CREATE,
    postStartCommand: POST_START,
    customizations: {
      vscode: {
        extensions: EXTENSIONS,
        settings: {
          'python.defaultInterpreterPath': `${m.venv}/bin/python`,
          'python.terminal.activateEnvironment': false,
          'python.testing.pytestEnabled': opts.pytest,
          'python.testing.unittestEnabled': !opts.pytest,
          'python.testing.cwd': m.appRoot,
          ...Object.assign({}, ...services.map((service) => service.editorSettings?.(m, opts.nodeDir) ?? {})),
          'files.associations': { '**/templates/**/*.html': 'django-html' },
          'emmet.includeLanguages': { 'django-html': 'html' },
        },
      },
    },
  };
}
