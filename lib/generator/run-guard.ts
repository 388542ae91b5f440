/**
 * What holds a run together, set up by the part the user ran: one run at a time in the folder, a quiet
 * stop on Ctrl-C at a question, and the commit of lib/writer.ts (atomic writes, records last) in place
 * of yeoman's.
 */
import { acquireRunLock } from '../run-lock.js';
import { dryRunSummary } from '../summary.js';
import { commitProject } from '../writer.js';

/** The commit task yeoman calls, given to it in the constructor and filled in once the run is set up. */
export class CommitSlot {
  run?: () => Promise<void>;
  readonly task = async (): Promise<void> => {
    if (!this.run) throw new Error('the run stopped before it was set up; nothing was written');
    await this.run();
  };
}

type Prompting = { prompt(...args: unknown[]): Promise<unknown>; actualAdapter?: Prompting };
const QUIET_INTERRUPT = Symbol('py-docker quiet interrupt');

/**
 * Ctrl-C at a question (ours or the conflicter's, both asked through the terminal adapter under the
 * queue): one line and exit status 130, instead of yeoman's "An error occured while running ..." and
 * the prompt's "User force closed the prompt". Every question is asked before the first write (the
 * conflicter's run before lib/writer.ts writes anything), so nothing was written.
 */
function stopQuietlyOnInterrupt(queued: unknown): void {
  const adapter = ((queued as Prompting).actualAdapter ?? queued) as Prompting & {
    [QUIET_INTERRUPT]?: true;
  };
  if (adapter[QUIET_INTERRUPT]) return;
  adapter[QUIET_INTERRUPT] = true;
  const prompt = adapter.prompt.bind(adapter);
  adapter.prompt = async (...args: unknown[]) => {
    try {
      return await prompt(...args);
    } catch (error) {
      if ((error as Error).name !== 'ExitPromptError') throw error;
      process.stderr.write('\nStopped at a question; nothing was written.\n');
      process.exit(130);
    }
  };
}

export interface RunHost {
  env: { adapter: unknown };
  root: string;
  configKey: string;
  /** verify writes nothing, and its image builds must not find a lock file in the build context. */
  locks: boolean;
  dryRun: boolean;
  log(message: string): void;
  info(message: string): void;
  /** What the commit changed on disk. */
  committed(paths: string[]): void;
}

/** The run lock (released when the environment ends or fails) and the commit task's body. */
export function guardRun(commit: CommitSlot, host: RunHost): void {
  stopQuietlyOnInterrupt(host.env.adapter);
  if (host.locks) {
    const release = acquireRunLock(host.root);
    const events = host.env as unknown as { once(event: string, listener: () => void): void };
    events.once('end', release);
    events.once('error', release);
  }
  commit.run = async () => {
    // Every part has printed its diffs by now: the count is the last word of a dry run.
    if (host.dryRun) {
      host.log(`\n${dryRunSummary(host.env)}`);
      return;
    }
    host.committed(
      await commitProject(host.env as never, { root: host.root, configKey: host.configKey, info: host.info }),
    );
  };
}
