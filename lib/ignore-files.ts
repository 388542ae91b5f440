/**
 * Merging entries into `.gitignore` / `.dockerignore` the user may already have: missing lines are
 * appended under one marked block, existing lines and their order are never touched.
 */
export const BLOCK_HEADER = '# Added by generator-py-docker';

/** Files holding real secrets: never committed, never sent to the Docker build. */
export const SECRET_FILES = ['.env', '.env.*', '!.env.example', 'k8s/**/secrets.env'];

export function mergeLines(existing: string | undefined, wanted: readonly string[]): string {
  if (existing === undefined || existing.trim() === '') return `${BLOCK_HEADER}\n${wanted.join('\n')}\n`;
  const present = new Set(existing.split(/\r?\n/).map((l) => l.trim()));
  const missing = wanted.filter((line) => !present.has(line));
  if (missing.length === 0) return existing;
  const base = existing.endsWith('\n') ? existing : `${existing}\n`;
  const header = present.has(BLOCK_HEADER) ? '' : `\n${BLOCK_HEADER}\n`;
  return `${base}${header}${missing.join('\n')}\n`;
}
