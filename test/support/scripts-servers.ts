/**
 * What the container-script tests run against: real local TCP and HTTP servers on 127.0.0.1, a way to
 * run a script under a given shell without blocking the event loop (the servers answer from this
 * process), and PATH sandboxes that hold exactly the commands a test allows.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const listen = async (server: Server): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });

const closeServer = async (server: Server): Promise<void> =>
  new Promise((resolve) => {
    (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
    server.close(() => resolve());
  });

export interface Listener {
  port: number;
  close: () => Promise<void>;
}

/** A TCP listener on 127.0.0.1 that accepts and drops connections. */
export async function tcpListener(port = 0): Promise<Listener> {
  const server = createServer((socket) => socket.destroy());
  const bound = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
  return { port: bound, close: () => closeServer(server) };
}

/** A port on 127.0.0.1 that nothing listens on (bound once, then released). */
export async function closedPort(): Promise<number> {
  const { port, close } = await tcpListener();
  await close();
  return port;
}

export interface HttpBehaviour {
  status: number;
  /** Milliseconds before the answer is sent. */
  delayMs?: number;
  headers?: Record<string, string>;
}

export interface HttpRecorder extends Listener {
  /** Path and headers of every request received. */
  requests: { url: string; headers: IncomingHttpHeaders }[];
}

/** An HTTP server on 127.0.0.1 answering every request the same way, recording what it received. */
export async function httpServer(behaviour: HttpBehaviour): Promise<HttpRecorder> {
  const requests: HttpRecorder['requests'] = [];
  const server = createHttpServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    const timer = setTimeout(() => {
      res.writeHead(behaviour.status, { 'content-type': 'text/plain', ...behaviour.headers });
      res.end('ok\n');
    }, behaviour.delayMs ?? 0);
    res.on('close', () => clearTimeout(timer));
  });
  const port = await listen(server as unknown as Server);
  return { port, requests, close: () => closeServer(server as unknown as Server) };
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface Running {
  child: ChildProcess;
  /** Resolves when stdout has printed `text`; rejects when the process ends or `withinMs` passes first. */
  printed: (text: string, withinMs?: number) => Promise<void>;
  /** SIGKILL to the process and everything it started (its own process group). */
  stop: () => void;
  done: Promise<Finished>;
}

/**
 * Starts a process with exactly the given environment, in a process group of its own, so the safety net
 * (`killAfterMs`) and `stop()` also end what it started and a failing test leaves nothing running.
 */
export function start(
  argv: readonly string[],
  opts: { env: Record<string, string>; cwd?: string; killAfterMs?: number },
): Running {
  const began = Date.now();
  const child = spawn(argv[0]!, argv.slice(1), {
    env: opts.env,
    cwd: opts.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const w of waiters.filter((w) => stdout.includes(w.text))) w.resolve();
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const stop = (): void => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // The group is gone already.
    }
  };
  const guard = setTimeout(stop, opts.killAfterMs ?? 60_000);
  const done = new Promise<Finished>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - began });
    });
  });
  const printed = (text: string, withinMs = 20_000): Promise<void> => {
    if (stdout.includes(text)) return Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      new Promise<void>((resolve) => waiters.push({ text, resolve })),
      new Promise<void>((_resolve, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(`${JSON.stringify(text)} not printed within ${withinMs} ms: ${stdout}${stderr}`),
            ),
          withinMs,
        );
      }),
      done.then((f) => {
        throw new Error(
          `exited (${f.code ?? f.signal}) before printing ${JSON.stringify(text)}: ${f.stdout}${f.stderr}`,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  };
  return { child, printed, stop, done };
}

/** Runs a process to the end (asynchronously: the local servers keep answering meanwhile). */
export const run = (
  argv: readonly string[],
  opts: { env: Record<string, string>; cwd?: string; killAfterMs?: number },
): Promise<Finished> => start(argv, opts).done;

/**
 * A folder of symlinks named like commands, to be the whole PATH of a script under test: the script
 * can use only what the test put there. `tools` maps a command name to the file it runs (a busybox
 * symlink acts as that applet, as on Alpine).
 */
export function sandboxPath(tools: Record<string, string>): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'py-docker-bin-')), 'bin');
  mkdirSync(dir);
  for (const [name, target] of Object.entries(tools)) symlinkSync(target, join(dir, name));
  return dir;
}
