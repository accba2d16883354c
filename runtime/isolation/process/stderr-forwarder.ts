import { StringDecoder } from 'node:string_decoder';

/** Bytes of a child's output forwarded per window; the rest is counted and reported once. */
export const STDERR_BUDGET_BYTES = 64 * 1024;
export const STDERR_WINDOW_MS = 10_000;
/** What a crash report keeps of the child's latest output. */
export const STDERR_TAIL_BYTES = 4 * 1024;

/**
 * Drains a plugin child's stdout and stderr so it can never block on a full pipe, and forwards
 * them in bounded form: each line prefixed with the plugin's name, at most STDERR_BUDGET_BYTES
 * per window, then one line saying how much was dropped. Keeps the latest few KiB for crash
 * reports.
 */
export class StderrForwarder {
  readonly #prefix: string;
  readonly #sink: (text: string) => void;
  readonly #decoder = new StringDecoder('utf8');
  #windowStart = Date.now();
  #forwarded = 0;
  #dropped = 0;
  #atLineStart = true;
  #tail = '';

  constructor(label: string, sink: (text: string) => void) {
    this.#prefix = `[${label}] `;
    this.#sink = sink;
  }

  /** The latest output, for a crash report. */
  get tail(): string {
    return this.#tail;
  }

  push(chunk: Uint8Array): void {
    const text = this.#decoder.write(chunk as Buffer);
    this.#tail = (this.#tail + text).slice(-STDERR_TAIL_BYTES);
    const now = Date.now();
    if (now - this.#windowStart >= STDERR_WINDOW_MS) {
      this.flush();
      this.#windowStart = now;
      this.#forwarded = 0;
    }
    const room = STDERR_BUDGET_BYTES - this.#forwarded;
    const forwarded = text.length <= room ? text : text.slice(0, Math.max(0, room));
    this.#dropped += text.length - forwarded.length;
    this.#forwarded += forwarded.length;
    if (forwarded.length > 0) this.#emit(forwarded);
  }

  /** Reports what was dropped since the last report, if anything was. */
  flush(): void {
    if (this.#dropped === 0) return;
    const line = `${this.#atLineStart ? '' : '\n'}${this.#prefix}... ${this.#dropped} characters of output dropped\n`;
    this.#dropped = 0;
    this.#atLineStart = true;
    this.#sink(line);
  }

  #emit(text: string): void {
    const body = text.replace(/\n(?=[\s\S])/g, `\n${this.#prefix}`);
    this.#sink(`${this.#atLineStart ? this.#prefix : ''}${body}`);
    this.#atLineStart = text.endsWith('\n');
  }
}
