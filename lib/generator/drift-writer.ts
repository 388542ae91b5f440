/**
 * The single write path of a part, with the safe re-run rules of lib/drift.ts: the file records of
 * `.yo-rc.json` as this part sees them, conflicts with the user's edits, --dry-run diffs, the held-back
 * set beside the user's own Docker files, and the removal of files this part no longer generates.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createTwoFilesPatch } from 'diff';
import {
  decideRemoval,
  decideWrite,
  hashOf,
  missingEnvEntries,
  SIDE_BY_SIDE_SUFFIX,
  type FileRecord,
  type FileRecords,
} from '../drift.js';
import { heldBackPath, isHeldBackPath, ownContainerFiles } from '../held-back.js';
import { printable, projectPath, readProjectFile } from '../safe-fs.js';
import type { Part } from '../settings.js';
import { dryRunDiff, dryRunRemoval } from './dry-run.js';
import { RecordBook } from './record-book.js';

/** The version recorded with every generated file, read once from our package.json. */
const GENERATOR_VERSION = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface WriteOptions {
  executable?: boolean;
  once?: boolean;
  merge?: boolean;
  secrets?: boolean;
}

/** What the writer needs of the generator it writes for (yeoman's own members). */
export interface WriterHost {
  destinationRoot(): string;
  destinationPath(path: string): string;
  readonly fs: {
    write(path: string, content: Buffer, options?: never): void;
    delete(path: string): void;
    exists(path: string): boolean;
    read(path: string, options: { raw: true }): unknown;
  };
  /** yeoman's environment: its shared file store (the conflicter's marks) and the run's dry-run notes. */
  readonly env: object;
  readonly config: { get(key: string): unknown; set(key: string, value: never): void };
  readonly log: ((message: string) => void) & { info(message: string): void };
}

/** How this part's run writes. */
export interface WriteRules {
  readonly part: Part | 'app';
  readonly dryRun: () => boolean;
  /** The user's own --force (yo passes it to us too); test environments force the conflicter. */
  readonly force: () => boolean;
  readonly restore: () => boolean;
  /** Whether an edited file is asked about (no --yes); composed parts keep the user's --yes. */
  readonly asksAboutEdits: () => boolean;
}

export class DriftWriter {
  /** Every path this run generated (kept, side-by-side or written), so stale ones can be removed. */
  private readonly generated = new Set<string>();
  /** The records as this part sees them (lib/generator/record-book.ts), stored once in removeStale(). */
  private readonly book: RecordBook;
  private heldBackCache?: boolean;

  constructor(
    private readonly host: WriterHost,
    private readonly rules: WriteRules,
  ) {
    this.book = new RecordBook(host.config);
  }

  records(): FileRecords {
    return this.book.all();
  }

  private saveRecord(path: string, record: FileRecord | undefined): void {
    if (!this.rules.dryRun()) this.book.set(path, record);
  }

  /** The current content of a file the generator writes, checked (lib/safe-fs.ts readProjectFile). */
  readGenerated(path: string, encoding: BufferEncoding = 'utf8'): string | undefined {
    return readProjectFile(this.host.destinationRoot(), path, encoding);
  }

  /**
   * A file another part merges into (`.gitignore`, `.dockerignore`) as this run sees it, one character
   * per byte (latin1), so the merge keeps bytes that are not UTF-8; checked like readGenerated.
   */
  readMerged(path: string): string | undefined {
    this.readGenerated(path);
    const full = this.host.destinationPath(path);
    return this.host.fs.exists(full)
      ? (this.host.fs.read(full, { raw: true }) as Buffer).toString('latin1')
      : undefined;
  }

  /**
   * Untouched files are updated, edited ones are never overwritten silently, deleted ones are not
   * recreated, `once` files are never replaced, and --dry-run prints a diff instead of writing.
   * `merge`: the content was computed from the file on disk (ignore files, read with readMerged), so it
   * is never a conflict. `secrets` (`.env`): never replaced, but gains the entries it lacks; its diffs
   * show no context lines. Both are handled byte for byte (latin1 strings): no byte of the user's changes.
   */
  write(path: string, content: string, opts: WriteOptions = {}): void {
    const { host } = this;
    const encoding: BufferEncoding = opts.merge || opts.secrets ? 'latin1' : 'utf8';
    const record = this.records()[path];
    this.generated.add(path);
    // The user's own Docker files stay in charge: the container set goes beside them (lib/held-back.ts).
    if (this.heldBack && isHeldBackPath(path)) {
      // No secrets file beside theirs: their own build could copy it into an image. Adopting writes it.
      if (opts.secrets) return;
      const aside = heldBackPath(path);
      if (this.rules.dryRun()) {
        dryRunDiff(host, { path: aside, action: 'write', onDisk: undefined, content, encoding: 'utf8' });
        return;
      }
      host.fs.write(host.destinationPath(aside), Buffer.from(content, encoding), {
        stat: { mode: opts.executable ? 0o100755 : 0o100644 },
      } as never);
      this.markForced(aside);
      return;
    }
    const target = host.destinationPath(path);
    const onDisk = this.readGenerated(path, encoding);
    // A secrets file gains the variables it lacks (a service turned on, a newer version): every line of
    // the user's stays as it is, the new entries are appended.
    const { names, text: added } =
      opts.secrets && onDisk !== undefined ? missingEnvEntries(onDisk, content) : { names: [], text: '' };
    if (added) {
      content = onDisk + added;
      if (!this.rules.dryRun())
        host.log.info(`${path} exists; kept it and added ${names.join(', ')} to its end`);
    }
    const action = decideWrite({
      onDisk,
      content,
      record,
      once: (opts.once || opts.secrets) && !added,
      merge: opts.merge || Boolean(added),
      force: this.rules.force(),
      restore: this.rules.restore(),
      interactive: this.rules.asksAboutEdits(),
      encoding,
    });
    if (this.rules.dryRun()) {
      if (action !== 'identical' && action !== 'keep' && action !== 'skip-deleted')
        dryRunDiff(host, { path, action, onDisk, content, encoding, secrets: opts.secrets });
      return;
    }
    // A full st_mode (regular file | 0755): the conflicter compares it with the disk's, so a bare 0o755
    // would report an unchanged script as a conflict on every re-run.
    const stat = (opts.executable ? { stat: { mode: 0o100755 } } : undefined) as never;
    const newRecord: FileRecord = {
      hash: hashOf(content, encoding),
      version: GENERATOR_VERSION,
      part: this.rules.part,
    };
    const bytes = Buffer.from(content, encoding);
    // A file the generator never wrote is the user's own, not an edited copy of ours.
    const whose = record ? 'has your changes' : 'is your own file';
    switch (action) {
      case 'keep':
        host.log.info(`${path} exists; kept as it is`);
        return;
      case 'skip-deleted':
        host.log.info(`${path} was deleted after it was generated; not recreated (--restore recreates it)`);
        return;
      case 'side-by-side': {
        const aside = `${path}${SIDE_BY_SIDE_SUFFIX}`;
        host.fs.write(host.destinationPath(aside), bytes, stat);
        this.markForced(aside);
        host.log.info(`${path} ${whose}; kept it and wrote the new version to ${aside}`);
        return;
      }
      case 'write':
      case 'overwrite':
        host.fs.write(target, bytes, stat);
        // Untouched by the user (or --force): no question; the conflicter shows it as "force".
        if (onDisk !== undefined) this.markForced(path);
        this.dropAdoptedCopy(path, bytes);
        break;
      case 'ask':
        // The user's changes against the new version first; then the conflicter asks whether to overwrite.
        host.log(`${path} ${whose}; the new version differs:`);
        host.log(
          printable(createTwoFilesPatch(`a/${path}`, `b/${path}`, onDisk ?? '', content, 'yours', 'new')),
        );
        host.fs.write(target, bytes, stat);
        break;
      default:
        // identical: the conflicter compares and reports it.
        host.fs.write(target, bytes, stat);
    }
    this.saveRecord(path, newRecord);
  }

  /** A held-back copy that is now in place (the set was adopted): the copy beside it goes. */
  private dropAdoptedCopy(path: string, bytes: Buffer): void {
    const aside = this.host.destinationPath(heldBackPath(path));
    if (isHeldBackPath(path) && existsSync(aside) && readFileSync(aside).equals(bytes)) {
      this.host.fs.delete(aside);
      this.markForced(heldBackPath(path));
    }
  }

  /** The user's own container files (none, or --force adopts ours): lib/held-back.ts. */
  get ownContainerFiles(): string[] {
    const isFile = (path: string): boolean => {
      const full = this.host.destinationPath(path);
      return existsSync(full) && statSync(full).isFile();
    };
    return ownContainerFiles(isFile, this.records());
  }

  get heldBack(): boolean {
    this.heldBackCache ??= !this.rules.force() && this.ownContainerFiles.length > 0;
    return this.heldBackCache;
  }

  private markForced(path: string): void {
    // Nothing on disk, nothing to ask: the conflicter reports a plain "create", not a yellow "force".
    if (!existsSync(this.host.destinationPath(path))) return;
    const env = this.host.env as { sharedFs: { get(path: string): unknown } };
    const file = env.sharedFs.get(this.host.destinationPath(path)) as { conflicter?: string };
    file.conflicter = 'force';
  }

  /**
   * Files this part generated on an earlier run but not on this one (a service turned off): removed when
   * the user never touched them, kept with a note when they did. Then the records are stored.
   */
  removeStale(): void {
    const { host } = this;
    for (const [path, record] of Object.entries({ ...this.records() })) {
      if (record.part !== this.rules.part || this.generated.has(path)) continue;
      // Through links inside the project only (an OutsideProjectError names the path otherwise).
      const real = projectPath(host.destinationRoot(), path).real;
      const onDisk = existsSync(real) && statSync(real).isFile() ? readFileSync(real) : undefined;
      const action = decideRemoval(onDisk, record);
      if (this.rules.dryRun()) {
        if (action === 'delete') {
          dryRunRemoval(host, path, onDisk);
        }
        continue;
      }
      if (action === 'keep-edited') {
        host.log.info(`${path} is no longer generated but has your changes; kept it`);
        continue;
      }
      if (action === 'delete') {
        host.fs.delete(host.destinationPath(path));
        // Untouched since it was generated: removed without a question (which --yes could not answer).
        this.markForced(path);
        host.log.info(`${path} is no longer generated and was not changed; removed it`);
      }
      this.saveRecord(path, undefined);
    }
    this.book.store();
  }
}
