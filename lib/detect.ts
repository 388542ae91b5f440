/**
 * Project detection: pure functions over a FileTree. Everything here reads, nothing writes; a file that
 * exists but is malformed raises a DetectionError naming the file, never a stack trace.
 */
import { type FileTree } from './file-tree.js';
import { detectDjango, detectStartprojectVersion } from './detect-django.js';
import { detectNode } from './detect-node.js';
import { detectPyproject, detectRequirements } from './detect-python.js';
import { Detection } from './detection.js';
import { detectPythonVersion } from './detect-python-version.js';

/** Image repository from the git remote "origin": GitHub -> ghcr.io, GitLab -> registry.gitlab.com. */
export function imageFromRemote(url: string): string | undefined {
  const match = /^(?:[a-z+]+:\/\/)?(?:[^@/]+@)?([^/:]+)[:/]+(?:[0-9]+\/)?([^/]+)\/(.+?)(?:\.git)?\/?$/i.exec(
    url.trim(),
  );
  if (!match) return undefined;
  const [, host, owner, repo] = match;
  const registry = { 'github.com': 'ghcr.io', 'gitlab.com': 'registry.gitlab.com' }[host!.toLowerCase()];
  if (!registry) return undefined;
  return `${registry}/${owner}/${repo}`.toLowerCase();
}

function detectGitRemote(tree: FileTree, detection: Detection): void {
  const config = tree.read('.git/config');
  if (!config) return;
  const section = /\[remote "origin"\]([^[]*)/.exec(config);
  const url = section ? /^\s*url\s*=\s*(.+)$/m.exec(section[1]!) : null;
  const image = url ? imageFromRemote(url[1]!) : undefined;
  if (image) detection.imageRepository = { value: image, source: '.git/config (remote "origin")' };
}

/** Reads the project. `folderName` is the base name of the project folder (a fallback project name). */
export function detectProject(tree: FileTree, folderName = ''): Detection {
  const detection: Detection = {
    django: false,
    pythonDeps: { kind: 'none' },
    pythonPackages: new Set(),
    notes: [],
  };
  const settingsFiles = detectDjango(tree, detection);
  const appDir = detection.appDir?.value ?? '.';
  detectRequirements(tree, detection, appDir);
  detectPyproject(tree, detection, appDir);
  detectStartprojectVersion(tree, detection, settingsFiles);
  detectPythonVersion(tree, detection, appDir);
  detectNode(tree, detection, appDir);
  detectGitRemote(tree, detection);
  if (!detection.projectName && folderName)
    detection.projectName = { value: folderName, source: 'folder name' };
  if (detection.projectName) {
    const slug = slugify(detection.projectName.value);
    detection.projectName = slug ? { ...detection.projectName, value: slug } : undefined;
  }
  return detection;
}

/** Lowercase DNS-1123 label from any name ("My_Shop" -> "my-shop"), at most 40 characters. */
export function slugify(name: string): string {
  return name
    .replace(/^@[^/]+\//, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}
