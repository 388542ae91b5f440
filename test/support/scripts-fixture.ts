/**
 * The container scripts as a user gets them (`yo py-docker:scripts --yes` with some settings), and the
 * two shells they must run on: busybox ash (Alpine) and dash (Debian's /bin/sh).
 */
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { runGenerator } from './run.js';
import { sandboxPath } from './scripts-servers.js';
import { runScoped } from './temp-scope.js';
import { findTool } from './tools.js';

const generated = new Map<string, Promise<string>>();

/** Folder of a project generated with these flags (once per set of flags and test run). */
export function scriptsProject(options: Record<string, unknown> = {}): Promise<string> {
  const key = JSON.stringify(options);
  if (!generated.has(key)) {
    generated.set(
      key,
      // Shared by the suites of several files: kept until the run ends.
      runGenerator('scripts', { options: { yes: true, ...options } }).then((r) =>
        runScoped(realpathSync(r.cwd)),
      ),
    );
  }
  return generated.get(key)!;
}

export const script = (project: string, name: string): string => join(project, 'docker', name);

export interface Shell {
  name: string;
  /** argv prefix that runs a script file. */
  argv: string[];
  /** The commands a script may find on PATH (`sh` is this shell): busybox applets for ash (as on Alpine), else Debian's. */
  tools: Record<string, string>;
}

/** Commands the scripts call besides the shell builtins. */
const COMMANDS = ['basename', 'cat', 'date', 'dirname', 'grep', 'sleep', 'touch'];

/** busybox ash with busybox applets, and dash with Debian's coreutils. Call in a `before` after requireTool. */
export function shells(): Shell[] {
  const busybox = findTool('busybox')!;
  const dash = findTool('dash')!;
  return [
    {
      name: 'busybox ash',
      argv: [busybox, 'sh'],
      tools: Object.fromEntries([...COMMANDS, 'sh'].map((c) => [c, busybox])),
    },
    {
      name: 'dash',
      argv: [dash],
      tools: { ...Object.fromEntries(COMMANDS.map((c) => [c, realpathSync(`/usr/bin/${c}`)])), sh: dash },
    },
  ];
}

/** The environment a script runs with: PATH is a sandbox with `tools` and nothing else. */
export const sandboxEnv = (
  tools: Record<string, string>,
  vars: Record<string, string> = {},
): Record<string, string> => ({ PATH: sandboxPath(tools), ...vars });
