/**
 * What --dry-run prints instead of writing: a unified diff per file, counted for the run's last line
 * (lib/summary.ts).
 */
import { createTwoFilesPatch } from 'diff';
import { SIDE_BY_SIDE_SUFFIX } from '../drift.js';
import { printable } from '../safe-fs.js';
import { noteDryRun } from '../summary.js';

interface DryRunHost {
  readonly env: object;
  log(message: string): void;
}

export interface PlannedWrite {
  path: string;
  action: 'write' | 'overwrite' | 'ask' | 'side-by-side';
  onDisk: string | undefined;
  content: string;
  encoding: BufferEncoding;
  secrets?: boolean;
}

/**
 * What a real run would do with one file, as a diff. An edited file is never shown as if it were
 * simply replaced: the diff is the user's version against the new one, under what the run would do
 * (ask, keep theirs and write the new one beside it, or --force replace it).
 */
export function dryRunDiff(host: DryRunHost, planned: PlannedWrite): void {
  const { path, action, onDisk, content, encoding } = planned;
  const shown = (text: string): string => Buffer.from(text, encoding).toString('utf8');
  // No context lines from a secrets file: they would print the user's secrets.
  const context = planned.secrets ? 0 : 3;
  const edited = action !== 'write';
  const to = action === 'side-by-side' ? `b/${path}${SIDE_BY_SIDE_SUFFIX}` : `b/${path}`;
  if (edited)
    host.log(
      action === 'ask'
        ? `would ask: ${path} has your changes; a real run shows this diff and asks before replacing them`
        : action === 'side-by-side'
          ? `${path} has your changes; a real run keeps them and writes the new version to ${path}${SIDE_BY_SIDE_SUFFIX}:`
          : `${path} has your changes; --force replaces them with the new version:`,
    );
  const from = onDisk === undefined ? '/dev/null' : `a/${path}`;
  const [yours, next] = edited ? ['yours', 'new'] : ['', ''];
  host.log(
    printable(createTwoFilesPatch(from, to, shown(onDisk ?? ''), shown(content), yours, next, { context })),
  );
  noteDryRun(
    host.env,
    action === 'side-by-side' ? `${path}${SIDE_BY_SIDE_SUFFIX}` : path,
    action === 'ask' ? 'ask' : 'change',
  );
}

/** A file a real run would remove (no longer generated, unchanged since), as a diff to nothing. */
export function dryRunRemoval(host: DryRunHost, path: string, onDisk: Buffer | undefined): void {
  host.log(
    printable(createTwoFilesPatch(`a/${path}`, '/dev/null', onDisk?.toString('utf8') ?? '', '', '', '')),
  );
  noteDryRun(host.env, path, 'change');
}
