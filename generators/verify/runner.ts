/** How verify runs commands (an injected runner, spawn by default) and the options of a run. */
import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Milliseconds. */
  duration: number;
  timedOut: boolean;
}

export type Runner = (
  command: string,
  args: string[],
  options?: { timeoutMs?: number; env?: NodeJS.ProcessEnv; onOutput?: (line: string) => void },
) => Promise<CommandResult>;

/** Runs a command without a shell (no user value is ever parsed by one), with a time limit. */
export const spawnRunner =
  (cwd: string): Runner =>
  (command, args, options = {}) =>
    new Promise((resolve) => {
      const started = Date.now();
      const child = spawn(command, args, {
        cwd,
        env: { ...process.env, ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      // The latest line of output as it comes, for the progress line of a long step.
      const latest = (text: string): void => {
        const line = text.split('\n').findLast((l) => l.trim() !== '');
        if (line && options.onOutput) options.onOutput(line.trim());
      };
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        latest(chunk.toString());
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        latest(chunk.toString());
      });
      const timer = options.timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, options.timeoutMs)
        : undefined;
      child.on('error', (error) => {
        if (timer) clearTimeout(timer);
        resolve({
          code: 127,
          stdout,
          stderr: `${stderr}${error.message}`,
          duration: Date.now() - started,
          timedOut,
        });
      });
      child.on('close', (code) => {
        if (timer) clearTimeout(timer);
        resolve({ code: code ?? 1, stdout, stderr, duration: Date.now() - started, timedOut });
      });
    });

export interface VerifyOptions {
  skipBuild: boolean;
  skipTests: boolean;
  keepUp: boolean;
  /** Seconds to wait for every service to be healthy. */
  healthTimeout: number;
  /** Extra `docker build` arguments: build args for a private index, `--network host`. */
  buildArgs: string[];
}
