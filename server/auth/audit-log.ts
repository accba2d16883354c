import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Logger } from '../observability/logger.js';

const { O_RDONLY, O_WRONLY, O_APPEND, O_CREAT, O_NOFOLLOW } = constants;

/** One admin action: who (a key id, never a secret), what, when, the result and the trace ID. */
export interface AuditEntry {
  /** ISO 8601. */
  readonly time: string;
  /** The key id; `admin-token` for TWINPLUG_ADMIN_TOKEN; null for the server's own decisions and refused secrets. */
  readonly keyId: string | null;
  readonly action: string;
  readonly plugin?: string | undefined;
  /** `ok` (2xx), `refused` (4xx), `failed` (5xx). */
  readonly result: 'ok' | 'refused' | 'failed';
  readonly status: number;
  /** The error code of a refusal or failure. */
  readonly code?: string | undefined;
  readonly traceId: string | null;
  /** The process that did it (each worker records what it carried out). */
  readonly pid: number;
  readonly details?: Record<string, unknown> | undefined;
}

/** A page of the audit file: entries from byte offset `from`, and where the next page starts. */
export interface AuditPage {
  readonly entries: AuditEntry[];
  readonly next: number | undefined;
}

const PAGE_BYTES = 256 * 1024;
const TAIL_BYTES = 64 * 1024;

function parseLines(text: string): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      entries.push(JSON.parse(line) as AuditEntry);
    } catch {
      // A line cut by a crash mid-write: skipped, the next ones are whole.
    }
  }
  return entries;
}

/**
 * The audit trail: a pino line (`msg: "audit"`) and one JSON line appended to the audit file
 * per entry. The file is opened for each append with O_APPEND (one write per line, so lines
 * from several workers never interleave), never through a link, created 0600.
 */
export class AuditLog {
  readonly path: string;
  readonly #log: Logger;

  constructor(path: string, log: Logger) {
    this.path = path;
    this.#log = log;
  }

  async record(entry: Omit<AuditEntry, 'time' | 'pid'>): Promise<void> {
    const full: AuditEntry = { time: new Date().toISOString(), ...entry, pid: process.pid };
    this.#log.info({ audit: full }, 'audit');
    try {
      const handle = await open(this.path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, 0o600);
      try {
        await handle.write(`${JSON.stringify(full)}\n`);
      } finally {
        await handle.close();
      }
    } catch (error) {
      this.#log.error({ err: error, path: this.path }, 'cannot append to the audit file');
    }
  }

  async #read(from: number, bytes: number): Promise<{ text: string; size: number }> {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(this.path, O_RDONLY | O_NOFOLLOW);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { text: '', size: 0 };
      throw error;
    }
    try {
      const size = (await handle.stat()).size;
      const start = from < 0 ? Math.max(0, size - bytes) : Math.min(from, size);
      const buffer = Buffer.alloc(Math.min(bytes, size - start));
      await handle.read(buffer, 0, buffer.length, start);
      return { text: buffer.toString('utf8'), size };
    } finally {
      await handle.close();
    }
  }

  /** Up to `limit` entries from byte offset `from` (0: the first); `next` is undefined at the end. */
  async page(from: number, limit: number): Promise<AuditPage> {
    const { text, size } = await this.#read(from, PAGE_BYTES);
    const lines = text.split('\n');
    // The last piece is incomplete (or empty): the next page starts with it.
    lines.pop();
    const taken = lines.slice(0, limit);
    const end = from + taken.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
    return {
      entries: parseLines(taken.join('\n')),
      next: end > from && end < size ? end : undefined,
    };
  }

  /** The latest `count` entries, newest first. */
  async latest(count: number): Promise<AuditEntry[]> {
    const { text, size } = await this.#read(-1, TAIL_BYTES);
    const lines = text.split('\n');
    if (size > TAIL_BYTES) lines.shift();
    return parseLines(lines.join('\n')).slice(-count).reverse();
  }
}
