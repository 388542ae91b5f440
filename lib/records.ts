/**
 * The `files` records of `.yo-rc.json` (lib/drift.ts), checked before they are used. `.yo-rc.json` is
 * committed, so a pull request can change it: a record may only name a path inside the project, in the
 * shape the generator writes, or the run stops naming the key, before anything is read or written.
 */
import type { FileRecords } from './drift.js';
import { LOCK_FILE } from './run-lock.js';
import { PARTS } from './settings.js';
import { relativePath } from './validate.js';

const WHERE = '.yo-rc.json (generator-py-docker.files';
const OWNERS: readonly string[] = ['app', ...PARTS];

/** The records as stored, or an Error naming `.yo-rc.json`, the key and what is allowed. */
export function checkRecords(raw: unknown): FileRecords {
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new Error(
      `${WHERE}): ${JSON.stringify(raw)} is not an object; allowed: { "<path>": { "hash", "version", "part" } } as the generator writes it, or no "files" key at all`,
    );
  for (const [path, record] of Object.entries(raw as Record<string, unknown>)) {
    const where = `${WHERE}[${JSON.stringify(path)}])`;
    const problem = relativePath(path);
    if (problem !== true)
      throw new Error(`${where}: ${problem}; a record names a file the generator wrote in the project`);
    if (path === '.yo-rc.json' || path === LOCK_FILE || path.split('/')[0] === '.git')
      throw new Error(
        `${where}: the generator never writes ${JSON.stringify(path)}; a record names a file the generator wrote in the project`,
      );
    const r = record as Record<string, unknown> | null;
    if (typeof r !== 'object' || r === null || Array.isArray(r))
      throw new Error(
        `${where}: ${JSON.stringify(record)} is not a record; allowed: { "hash": "<sha256>", "version": "<x.y.z>", "part": "<part>" }`,
      );
    if (typeof r.hash !== 'string' || !/^[0-9a-f]{64}$/.test(r.hash))
      throw new Error(`${where}: "hash" is ${JSON.stringify(r.hash)}; allowed: 64 lowercase hex digits`);
    if (typeof r.version !== 'string' || !/^[0-9A-Za-z.+-]{1,40}$/.test(r.version))
      throw new Error(
        `${where}: "version" is ${JSON.stringify(r.version)}; allowed: a version such as 0.2.0`,
      );
    if (typeof r.part !== 'string' || !OWNERS.includes(r.part))
      throw new Error(`${where}: "part" is ${JSON.stringify(r.part)}; allowed: ${OWNERS.join(', ')}`);
  }
  return raw as FileRecords;
}
