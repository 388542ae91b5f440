/** .dockerignore: what the image never reads, and the project's own files it needs back. */
import { LOCK_FILE } from '../../lib/run-lock.js';
import { isIgnored, parseIgnore, SECRET_FILES } from '../../lib/ignore-files.js';
import type { Model } from '../../lib/model.js';
import { under } from '../../lib/paths.js';

/**
 * What the image never reads (docker init): deployment manifests, the pipeline, the dev container,
 * compose files, Dockerfiles and docs. Out of the context, editing them keeps the COPY and collectstatic
 * layers cached. Docker still reads the Dockerfile it builds when the context leaves it out.
 */
export const NEVER_IN_IMAGE = [
  'k8s',
  '.github',
  '.devcontainer',
  'docker-compose*.yml',
  'docker-compose*.yaml',
  'compose*.yml',
  'compose*.yaml',
  'Dockerfile',
  'Dockerfile.*',
  '*.Dockerfile',
  '.dockerignore',
  'container-structure-test.yaml',
  'README*',
  'docs',
] as const;

/**
 * What `.dockerignore` keeps out of the build context (merged into the user's file, never replacing it).
 * `needed`: paths the image reads (DockerfileView.required, a Python package named docs/): a
 * NEVER_IN_IMAGE pattern that would leave one of them out is not added.
 */
export function dockerignoreLines(m: Model, needed: readonly string[] = []): string[] {
  const { s } = m;
  const neverRead = NEVER_IN_IMAGE.filter(
    (pattern) => !needed.some((path) => isIgnored(parseIgnore(pattern), path)),
  );
  const staticRoot = m.staticRoot.replace(`${m.workdir}/`, '');
  return [
    // Secrets and the repository itself.
    '.git',
    ...SECRET_FILES,
    // Dependencies and caches: the image installs its own.
    '**/node_modules',
    '**/__pycache__',
    '**/*.py[cod]',
    '.venv',
    'venv',
    '**/.venv',
    '.pytest_cache',
    '.mypy_cache',
    '.ruff_cache',
    '.tox',
    '.nox',
    // Test and CI output.
    '.coverage',
    '.coverage.*',
    'htmlcov',
    'coverage.xml',
    'test-results',
    'npm-debug.log*',
    // Local build output: the image builds the assets and collects static files itself.
    ...(s.frontend === 'npm' ? [s.assetsDir] : []),
    staticRoot,
    ...(s.appDir === '.' ? [] : [under(s.appDir, staticRoot)]),
    '*.py-docker-new',
    // A run's lock: only a killed run leaves it behind.
    LOCK_FILE,
    // What the image never reads: a change there rebuilds nothing.
    ...neverRead,
  ];
}
