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
  // An exception (`!.env.example`) the user already has is stated again after a pattern appended
  // below it (`.env.*`): the last matching line wins, so theirs above ours would be overridden.
  const firstAdded = wanted.findIndex((line) => !present.has(line) && !line.startsWith('!'));
  const missing = wanted.filter(
    (line, i) => !present.has(line) || (line.startsWith('!') && firstAdded >= 0 && i > firstAdded),
  );
  if (missing.length === 0) return existing;
  const base = existing.endsWith('\n') ? existing : `${existing}\n`;
  const header = present.has(BLOCK_HEADER) ? '' : `\n${BLOCK_HEADER}\n`;
  return `${base}${header}${missing.join('\n')}\n`;
}

/** One `.dockerignore` line: a pattern relative to the build context, possibly an exception (`!`). */
export interface IgnoreRule {
  pattern: string;
  exception: boolean;
  regex: RegExp;
}

/** Go filepath.Match syntax plus `**` (any number of folders), as Docker's patternmatcher reads it. */
function globToRegex(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      // `**/` also matches no folder at all; a trailing `**` matches everything below.
      if (pattern[i + 2] === '/') {
        out += '(?:.*/)?';
        i += 2;
      } else {
        out += '.*';
        i += 1;
      }
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        out += `[${pattern.slice(i + 1, end).replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** The rules of a `.dockerignore` text: comments and blank lines dropped, paths cleaned. */
export function parseIgnore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const exception = line.startsWith('!');
    const pattern = (exception ? line.slice(1).trim() : line)
      .replace(/^\/+/, '')
      .replace(/\/+$/, '')
      .replace(/^\.\//, '');
    if (pattern === '' || pattern === '.') continue;
    rules.push({ pattern, exception, regex: globToRegex(pattern) });
  }
  return rules;
}

/**
 * Whether Docker leaves `path` (relative to the context, `/`-separated) out of the build context: the
 * last rule matching the path or one of its parent folders wins.
 */
export function isIgnored(rules: readonly IgnoreRule[], path: string): boolean {
  const parts = path.replace(/^\.\//, '').split('/');
  const prefixes = parts.map((_p, i) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const rule of rules) {
    if (prefixes.some((prefix) => rule.regex.test(prefix))) ignored = !rule.exception;
  }
  return ignored;
}
