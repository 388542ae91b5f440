/**
 * What the end of a run says, gathered from every part of the run (they share one yeoman environment):
 * problems that must be fixed before the image builds, each with its fix, and what a --dry-run would do.
 */

/** A problem that stops the image build or the stack, and the fix: a command, or what to do. */
export interface MustFix {
  problem: string;
  fix: string;
}

interface RunNotes {
  mustFix: MustFix[];
  /** --dry-run: files a real run would change without a question, and files it would ask about. */
  change: Set<string>;
  ask: Set<string>;
}

const notes = new WeakMap<object, RunNotes>();

const of = (run: object): RunNotes => {
  let found = notes.get(run);
  if (!found) {
    found = { mustFix: [], change: new Set(), ask: new Set() };
    notes.set(run, found);
  }
  return found;
};

export function noteMustFix(run: object, item: MustFix): void {
  const list = of(run).mustFix;
  if (!list.some((m) => m.problem === item.problem)) list.push(item);
}

export const mustFixesOf = (run: object): readonly MustFix[] => of(run).mustFix;

/** A file a --dry-run found: one a real run would change, or one it would ask about first. */
export function noteDryRun(run: object, path: string, kind: 'change' | 'ask'): void {
  of(run)[kind].add(path);
}

const files = (n: number): string => (n === 1 ? '1 file' : `${n} files`);

/** The last line of a --dry-run: "N files would change, M would ask (paths), nothing written". */
export function dryRunSummary(run: object): string {
  const { change, ask } = of(run);
  if (change.size === 0 && ask.size === 0) return 'Dry run: nothing would change, nothing written.';
  const asked = ask.size > 0 ? ` (${[...ask].join(', ')}: your changes, shown above)` : '';
  return `Dry run: ${files(change.size)} would change, ${ask.size} would ask${asked}, nothing written.`;
}

/**
 * The last lines of a run that must be fixed first: each problem, then the fixes as the next commands
 * (the usual commands come before, under "Once fixed").
 */
export function mustFixLines(items: readonly MustFix[]): string[] {
  if (items.length === 0) return [];
  return [
    'Fix first: the image does not build or start until then.',
    ...items.map((m) => `  ${m.problem}`),
    'Next:',
    ...[...new Set(items.map((m) => m.fix))].map((fix) => `  ${fix}`),
  ];
}
