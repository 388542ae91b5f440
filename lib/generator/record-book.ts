/**
 * The file records of `.yo-rc.json` as one part sees them: read once (checked, lib/records.ts), with this
 * run's changes on top. The changes are stored once, at the end of the part: rewriting .yo-rc.json for
 * every generated file made a run quadratic in the number of files.
 */
import type { FileRecord, FileRecords } from '../drift.js';
import { checkRecords } from '../records.js';

/** The part of yeoman's config store the records live in (key `files`). */
export interface RecordsConfig {
  get(key: string): unknown;
  set(key: string, value: never): void;
}

/** The file records of `.yo-rc.json`, checked (lib/records.ts): the one place they are read. */
export const storedRecords = (config: RecordsConfig): FileRecords => checkRecords(config.get('files'));

export class RecordBook {
  private view?: FileRecords;
  /** This run's changes (undefined: removed). */
  private readonly changes = new Map<string, FileRecord | undefined>();

  constructor(private readonly config: RecordsConfig) {}

  all(): FileRecords {
    this.view ??= { ...storedRecords(this.config) };
    return this.view;
  }

  /** The record of `path` from now on (undefined: none). */
  set(path: string, record: FileRecord | undefined): void {
    const records = this.all();
    if (record) records[path] = record;
    else delete records[path];
    this.changes.set(path, record);
  }

  /** Applies this part's changes to the stored records, on top of what the other parts stored. */
  store(): void {
    if (this.changes.size === 0) return;
    const stored = { ...storedRecords(this.config) };
    for (const [path, record] of this.changes) {
      if (record) stored[path] = record;
      else delete stored[path];
    }
    this.config.set('files', stored as never);
    this.changes.clear();
  }
}
