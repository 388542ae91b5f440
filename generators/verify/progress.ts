/** verify's progress: one line per step, or a live line on a terminal. */

export interface Progress {
  start(name: string): void;
  output(line: string): void;
  stop(): void;
}

/** Where no terminal is (a log, CI): one plain line when a step starts; its result follows. */
export const plainProgress = (log: (line: string) => void): Progress => ({
  start: (name) => log(`  ...   ${name}`),
  output: () => undefined,
  stop: () => undefined,
});

/**
 * On a terminal: the running step, its elapsed seconds and the latest line of its output (a build's
 * current step), as one line rewritten every second and cleared when the step ends.
 */
export function terminalProgress(
  stream: { write(text: string): unknown; columns?: number },
  now: () => number = Date.now,
): Progress {
  let name = '';
  let started = 0;
  let latest = '';
  let timer: ReturnType<typeof setInterval> | undefined;
  const render = (): void => {
    const head = `  ...   ${name}  ${Math.floor((now() - started) / 1000)} s`;
    const width = (stream.columns ?? 80) - 1;
    const line = latest ? `${head}  ${latest}` : head;
    stream.write(`\r\x1b[K${line.length > width ? line.slice(0, width) : line}`);
  };
  return {
    start(step) {
      name = step;
      started = now();
      latest = '';
      render();
      timer = setInterval(render, 1000);
      timer.unref();
    },
    output(line) {
      // Teardown runs commands too, after the last step: no step, no progress line.
      if (!timer) return;
      latest = line;
      render();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      stream.write('\r\x1b[K');
    },
  };
}
