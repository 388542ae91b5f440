/**
 * The user's own Docker files stay in charge. When a project has a Dockerfile, a compose file or a
 * container script of its own (one the generator never wrote), every generated file that would depend
 * on ours or change what theirs do is held back: written beside its place as `<name>.py-docker-new`,
 * a name Docker and Compose never pick up, until the user adopts the whole set with `--force`.
 */
import { SIDE_BY_SIDE_SUFFIX, type FileRecords } from './drift.js';
import { wrapList } from './text.js';
import { WORKFLOW_PATH } from './names.js';

/** Files of the user's that mean "this project runs its containers its own way". */
export const OWN_CONTAINER_FILES = [
  'Dockerfile',
  'docker-compose.yml',
  'docker-compose.yaml',
  'compose.yml',
  'compose.yaml',
  'docker-compose.override.yml',
  'docker/entrypoint.sh',
  'docker/wait-for-it.sh',
  'docker/healthcheck.sh',
  '.devcontainer/devcontainer.json',
];

/**
 * Generated files that build or run containers, or that Compose, Docker and GitHub read by their
 * names: one of them in place beside the user's files would change what those do (an override file
 * Compose merges, a .dockerignore or .env their builds and stacks read, a workflow every push runs) or
 * depend on ours (compose targets of our Dockerfile, the dev container on our compose files, the
 * structure test and the Kubernetes manifests on our image's settings bridge, health paths and user).
 */
export function isHeldBackPath(path: string): boolean {
  return (
    // .env.py-docker: the secrets file when git tracks .env (generators/env/env-files.ts).
    /^(Dockerfile|Dockerfile\.test|\.dockerignore|\.env(\.py-docker)?|docker-compose(\.[a-z]+)?\.yml)$/.test(
      path,
    ) ||
    /^docker\/[^/]+\.(sh|py|conf|txt)$/.test(path) ||
    path === 'container-structure-test.yaml' ||
    path === WORKFLOW_PATH ||
    path.startsWith('.devcontainer/') ||
    path.startsWith('k8s/')
  );
}

/** Every fixed path the generator may hold back, in the order the summary lists them (k8s/ follows). */
export function heldBackCandidates(): string[] {
  return [
    'Dockerfile',
    '.dockerignore',
    'docker-compose.yml',
    'docker-compose.override.yml',
    'docker-compose.prod.yml',
    'docker-compose.test.yml',
    'Dockerfile.test',
    'docker/entrypoint.sh',
    'docker/healthcheck.sh',
    'docker/wait-for-it.sh',
    'docker/gunicorn.conf.py',
    'docker/supervisord.conf',
    'docker/requirements.txt',
    'docker/requirements-dev.txt',
    '.devcontainer/devcontainer.json',
    '.devcontainer/post-create.sh',
    '.devcontainer/post-start.sh',
    'container-structure-test.yaml',
    WORKFLOW_PATH,
  ].filter(isHeldBackPath);
}

/** The user's own container files: present, and never written by the generator (no record). */
export function ownContainerFiles(exists: (path: string) => boolean, records: FileRecords): string[] {
  return OWN_CONTAINER_FILES.filter((path) => exists(path) && records[path] === undefined);
}

export const heldBackPath = (path: string): string => `${path}${SIDE_BY_SIDE_SUFFIX}`;

/**
 * The lines the summary prints: whose files stay, what was held back, the command that adopts it.
 * `held` are the generated paths (not their copies); the Kubernetes manifests are counted, not listed.
 */
export function heldBackSummary(own: readonly string[], held: readonly string[]): string[] {
  if (own.length === 0 || held.length === 0) return [];
  const manifests = held.filter((path) => path.startsWith('k8s/')).length;
  const named = held.filter((path) => !path.startsWith('k8s/')).map(heldBackPath);
  if (manifests > 0) named.push(`k8s/**/*${SIDE_BY_SIDE_SUFFIX} (${manifests} manifests)`);
  return [
    `Your own ${own.join(', ')} stay in charge: the generated container set is held back beside them,`,
    'under names Docker, Compose and GitHub do not read:',
    ...wrapList('', named),
    'Adopt the whole set, replacing yours (.env is never replaced, only completed): yo py-docker --force',
  ];
}
