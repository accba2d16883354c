/** Where progress goes: process.stderr, or a fake in tests. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressLine {
  update(phase: string, done: number, total: number): void;
  /** Clears the line on a terminal; prints nothing otherwise. */
  end(): void;
}

const TTY_REDRAW_MS = 100;
/** Without a terminal, a line every few seconds shows a long CI step is alive without flooding its log. */
const LOG_EVERY_MS = 5000;

/**
 * A progress line for long runs: redrawn in place (at most ten times a second) on a terminal,
 * otherwise written as a plain line every five seconds, so short runs print nothing.
 */
export function createProgressLine(
  stream: ProgressStream,
  now: () => number = Date.now,
): ProgressLine {
  const started = now();
  let last = started;
  let drawn = false;
  return {
    update(phase, done, total) {
      const time = now();
      const text = `${phase}: ${done}/${total} (${Math.floor((done / Math.max(1, total)) * 100)}%)`;
      if (stream.isTTY) {
        if (time - last < TTY_REDRAW_MS && done < total) return;
        stream.write(`\r\u001b[K${text}`);
        drawn = true;
      } else {
        if (time - last < LOG_EVERY_MS) return;
        stream.write(`${text}, ${Math.round((time - started) / 1000)} s\n`);
      }
      last = time;
    },
    end() {
      if (drawn) stream.write('\r\u001b[K');
      drawn = false;
    },
  };
}
