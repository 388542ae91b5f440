/**
 * The raw command line, checked before anything runs: minimist (under yeoman) takes unknown flags
 * silently and reads `--postgres=maybe` or `--no-postgres=yes` as true. Every `--flag` must be one the
 * generator registered (the nearest one is suggested), and a yes/no flag takes no value, or only
 * true/false.
 */

export interface KnownOption {
  name: string;
  boolean: boolean;
  alias?: string;
}

/** Options of yo and yeoman-environment that reach a generator's command line. */
const ENVIRONMENT_FLAGS = ['color', 'insight', 'experimental', 'local-only', 'dry-run', 'skip-local-cache'];

/** Levenshtein distance, for the "did you mean" of an unknown flag. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_v, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** The known flag nearest to `name`, when it is near enough to be a typo or a shortened name. */
export function nearestFlag(name: string, known: readonly string[]): string | undefined {
  const ranked = known
    .map((flag) => ({ flag, score: flag.includes(name) || name.includes(flag) ? 1 : distance(name, flag) }))
    .sort((a, b) => a.score - b.score || a.flag.length - b.flag.length);
  const best = ranked[0];
  return best && best.score <= Math.max(2, Math.floor(name.length / 3)) ? best.flag : undefined;
}

/** The first problem of the command line `args`, as `--flag: what is wrong; allowed: ...`, or undefined. */
export function argsProblem(
  args: readonly string[],
  options: readonly KnownOption[],
  command: string,
): string | undefined {
  const byName = new Map(options.map((o) => [o.name, o]));
  const names = [...byName.keys()];
  for (const token of args) {
    if (token === '--') break;
    if (!token.startsWith('--')) continue;
    const [flag, ...rest] = token.slice(2).split('=');
    const value = rest.length > 0 ? rest.join('=') : undefined;
    const negated = flag!.startsWith('no-') ? flag!.slice(3) : undefined;
    const option = byName.get(flag!) ?? (negated ? byName.get(negated) : undefined);
    if (!option) {
      if (ENVIRONMENT_FLAGS.includes(negated ?? flag!)) continue;
      const near = nearestFlag(flag!, names);
      return `--${flag}: not a flag of ${command}${near ? `; did you mean --${near}?` : ''} (${command} --help lists them)`;
    }
    if (!option.boolean) continue;
    if (negated && byName.get(negated) === option && value !== undefined)
      return `--${flag}: takes no value; allowed: --${option.name} or --no-${option.name}`;
    if (value !== undefined && value !== 'true' && value !== 'false')
      return `--${flag}: ${JSON.stringify(value)} is not a yes/no value; allowed: --${option.name} or --no-${option.name}`;
  }
  return undefined;
}
