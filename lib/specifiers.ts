/**
 * Version specifiers of requirement lines (PEP 440's comparison operators, on release numbers): which
 * version a range like `Django>=6.0,<6.1` or `~=5.2` lets the image run, so a project's range wins over
 * the mission default the same way an exact pin does.
 */
import { compareVersions } from './validate.js';

const CLAUSE = /^(~=|===|==|!=|<=|>=|<|>)\s*([0-9][0-9.]*)(\.\*)?$/;

/** Whether `version` satisfies every comma-separated clause of `spec` (undefined: a clause we cannot read). */
export function satisfies(version: string, spec: string): boolean | undefined {
  for (const raw of spec
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean)) {
    const match = CLAUSE.exec(raw);
    if (!match) return undefined;
    const [, op, bound, wildcard] = match as unknown as [string, string, string, string | undefined];
    const cmp = compareVersions(version, bound);
    const prefix = version === bound || version.startsWith(`${bound}.`);
    const ok =
      op === '==' || op === '==='
        ? wildcard
          ? prefix
          : cmp === 0
        : op === '!='
          ? wildcard
            ? !prefix
            : cmp !== 0
          : op === '>='
            ? cmp >= 0
            : op === '>'
              ? cmp > 0
              : op === '<='
                ? cmp <= 0
                : op === '<'
                  ? cmp < 0
                  : // ~=X.Y.Z: >= X.Y.Z and the same X.Y; ~=X.Y: >= X.Y and the same X.
                    cmp >= 0 && version.startsWith(`${bound.split('.').slice(0, -1).join('.')}.`);
    if (!ok) return false;
  }
  return true;
}

/**
 * The version of a release line `spec` allows: `preferred` when it satisfies the spec, else the newest of
 * `lines` (e.g. Django's "5.2", "6.0") with a release inside the range, as the line ("6.0": its newest
 * patch, whichever is installed). Undefined when the spec cannot be read or allows none of them.
 */
export function versionForSpec(
  spec: string,
  preferred: string,
  lines: readonly string[],
): string | undefined {
  if (satisfies(preferred, spec)) return preferred;
  const literals = [...spec.matchAll(/[0-9]+(?:\.[0-9]+)+/g)].map((m) => m[0]);
  const fits = (line: string): boolean =>
    [`${line}.0`, `${line}.999`, ...literals.filter((l) => l.startsWith(`${line}.`))].some(
      (candidate) => satisfies(candidate, spec) === true,
    );
  return [...lines].sort((a, b) => compareVersions(b, a)).find(fits);
}
