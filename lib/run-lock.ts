/**
 * One run at a time per project folder: two runs at once would each decide from the files and records
 * as they were, and the records would end up disagreeing with the files. The lock is a file created
 * exclusively in the project; a lock whose process is gone (a killed run) is taken over.
 */
import { closeSync, lstatSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive } from './safe-fs.js';

export const LOCK_FILE = '.py-docker.lock';

/** Locks held by this process, by folder, so a finished or failed run releases only its own. */
const held = new Map<string, string>();

/** Takes the lock of `root`; throws an Error saying another run is in progress when one is. */
export function acquireRunLock(root: string): () => void {
  const file = join(root, LOCK_FILE);
  const token = `${process.pid} ${Date.now()} ${Math.random().toString(36).slice(2)}\n`;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      try {
        writeSync(fd, token);
      } finally {
        closeSync(fd);
      }
      held.set(root, token);
      return () => releaseRunLock(root, token);
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
    }
    // Only a regular file is ours to read and take over; anything else is left alone.
    const stat = lstatSync(file);
    const text = stat.isFile() && stat.size < 200 ? readFileSync(file, 'utf8') : '';
    const pid = Number(/^([0-9]+) /.exec(text)?.[1]);
    // This process's own lock that it no longer holds was left by a run that failed without releasing it.
    const ours = pid === process.pid && ![...held.values()].includes(text);
    if (!stat.isFile() || (Number.isInteger(pid) && pid > 0 && !ours && processAlive(pid))) {
      throw new Error(
        `${LOCK_FILE}: another run of yo py-docker is in progress in this folder${pid ? ` (process ${pid})` : ''}; wait for it to finish and run again (if no run is going on, delete ${LOCK_FILE})`,
      );
    }
    rmSync(file, { force: true });
  }
  throw new Error(`${LOCK_FILE}: could not be created; delete it and run again`);
}

/** Removes the lock if it is still the one this run took. */
function releaseRunLock(root: string, token: string): void {
  if (held.get(root) !== token) return;
  held.delete(root);
  const file = join(root, LOCK_FILE);
  try {
    if (readFileSync(file, 'utf8') === token) rmSync(file, { force: true });
  } catch {
    // Gone already.
  }
}

// A run that ends by an error or a signal handled by Node still leaves no lock behind.
process.on('exit', () => {
  for (const [root, token] of [...held]) releaseRunLock(root, token);
});
