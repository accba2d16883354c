// The host side of one loaded plugin: its kv store, log limits, host functions, clock and random,
// stats and recording. It lives on the main thread, whatever the isolation, so the store
// survives instance re-creation and worker or child restarts.
import { type HostOp, LOG_LEVELS, type LogLevel, TP_STATUS } from './api.js';
import { HostClock, HostRandom } from './entropy.js';
import { DEFAULT_LOG, NO_GRANTS, type ResolvedGrants } from './grants.js';
import {
  type CallHostAnswer,
  type HostFunction,
  HostFunctions,
  MAX_NAME_BYTES,
  wordsOf,
} from './host-functions.js';
import { KvStore } from './kv-store.js';
import type { HostLink, HostReply } from './link.js';
import { LogLimiter } from './log-limiter.js';

export type { HostFunction } from './host-functions.js';

/** One line a plugin logged (`source: 'plugin'`), wrote to stdout or stderr, or the host logged about it. */
export interface LogEntry {
  readonly plugin: string;
  readonly source: 'plugin' | 'stdout' | 'stderr' | 'host';
  readonly level: LogLevel;
  readonly message: string;
}

/** One host call as the host served it, in order: for traces (deterministic conformance). */
export interface HostCallRecord {
  readonly op: HostOp;
  /** The integer argument: log level, file descriptor, clock id or byte count (0 otherwise). */
  readonly int: number;
  readonly args: readonly Uint8Array[];
  readonly status: number;
  readonly data?: Uint8Array;
}

/** The host API's counters in {@link PluginStats}. */
export interface HostStats {
  readonly hostCalls: number;
  readonly logLines: number;
  readonly logDropped: number;
  readonly logTruncated: number;
  readonly kvKeys: number;
  readonly kvBytes: number;
  readonly hostFunctionErrors: number;
}

export interface PluginHostOptions {
  readonly label: string;
  readonly grants: ResolvedGrants;
  readonly functions: ReadonlyMap<string, HostFunction>;
  readonly onLog: (entry: LogEntry) => void;
  readonly onHostCall: ((record: HostCallRecord) => void) | undefined;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

const reply = (status: number, data?: Uint8Array): HostReply =>
  data === undefined ? { status } : { status, data };

const asReply = (answer: CallHostAnswer): HostReply =>
  typeof answer === 'number' ? { status: answer } : { status: TP_STATUS.OK, data: answer };

export class PluginHost implements HostLink {
  readonly #options: PluginHostOptions;
  readonly #kv: KvStore | undefined;
  readonly #limiter: LogLimiter | undefined;
  readonly #functions: HostFunctions;
  readonly #clock: HostClock;
  readonly #random: HostRandom;
  #closed = false;
  /** Neither closed nor recorded: a call_host needs nothing but the call (the fast path). */
  #plainCalls: boolean;
  #calls = 0;
  #lines = 0;
  #truncated = 0;

  constructor(options: PluginHostOptions) {
    const { grants } = options;
    this.#options = options;
    this.#kv = grants.kv && new KvStore(grants.kv.maxBytes);
    // WASI output is logged too: limited like log lines, by the log grant's limits or the defaults.
    this.#limiter =
      grants.log !== undefined || grants.wasi !== undefined
        ? new LogLimiter((grants.log ?? DEFAULT_LOG).linesPerSecond)
        : undefined;
    this.#functions = new HostFunctions({
      granted: grants.hostFunctions,
      registered: options.functions,
      ...grants.hostCalls,
      report: (message) => this.#hostLog('error', message),
    });
    this.#plainCalls = options.onHostCall === undefined;
    this.#clock = new HostClock(grants.deterministic || grants.wasi?.clock === 'fixed');
    this.#random = new HostRandom(grants.wasi?.random === 'seeded' ? grants.seed : undefined);
  }

  /** Whether any host function is granted: re-entry is possible only then. */
  get hasHostFunctions(): boolean {
    return this.#functions.size > 0;
  }

  /** True inside one of this plugin's host functions: a call into the plugin now is re-entry. */
  get inHostFunction(): boolean {
    return this.#functions.running;
  }

  /** After close every call answers TP_ERR_CLOSED. */
  close(): void {
    this.#closed = true;
    this.#plainCalls = false;
  }

  /** The counters, or undefined for a plugin granted nothing. */
  stats(): HostStats | undefined {
    if (this.#options.grants === NO_GRANTS) return undefined;
    return {
      hostCalls: this.#calls,
      logLines: this.#lines,
      logDropped: this.#limiter?.dropped ?? 0,
      logTruncated: this.#truncated,
      kvKeys: this.#kv?.keys ?? 0,
      kvBytes: this.#kv?.bytes ?? 0,
      hostFunctionErrors: this.#functions.errors,
    };
  }

  /** A host call from the plugin's own thread (in-process): an async host function is refused. */
  invoke(op: HostOp, int: number, args: readonly Uint8Array[]): HostReply {
    return this.serve(op, int, args, false) as HostReply;
  }

  /** A host call as the main thread serves it: async only for an async host function. */
  serve(
    op: HostOp,
    int: number,
    args: readonly Uint8Array[],
    allowAsync = true,
  ): HostReply | Promise<HostReply> {
    this.#calls += 1;
    if (op === 'call_host' && !this.#closed) {
      const [name, input] = args as [Uint8Array, Uint8Array];
      const answer = allowAsync
        ? this.#functions.serve(name, input)
        : this.#functions.call(wordsOf(name), name.byteOffset, name.length, input, 0, input.length);
      if (answer instanceof Promise)
        return answer.then((done) => this.#record(op, int, args, asReply(done)));
      return this.#record(op, int, args, asReply(answer));
    }
    if (this.#closed) return this.#record(op, int, args, reply(TP_STATUS.CLOSED));
    return this.#record(op, int, args, this.#serveBuiltIn(op, int, args));
  }

  /** `call_host` from the plugin's own thread (in-process): an async host function is refused. */
  callHost(
    names: DataView,
    nameAt: number,
    nameLength: number,
    inputs: Uint8Array,
    inputAt: number,
    inputLength: number,
  ): CallHostAnswer {
    if (this.#plainCalls) {
      this.#calls += 1;
      return this.#functions.call(names, nameAt, nameLength, inputs, inputAt, inputLength);
    }
    const args = [
      new Uint8Array(names.buffer, names.byteOffset + nameAt, nameLength),
      inputs.subarray(inputAt, inputAt + inputLength),
    ];
    const answer = this.invoke('call_host', 0, args);
    return answer.status === TP_STATUS.OK ? answer.data! : answer.status;
  }

  #record(op: HostOp, int: number, args: readonly Uint8Array[], answer: HostReply): HostReply {
    const record = this.#options.onHostCall;
    if (record !== undefined) {
      const copy = args.map((arg, index) => arg.slice(0, this.#readLimit(op, index)));
      record(
        answer.data === undefined
          ? { op, int, args: copy, status: answer.status }
          : { op, int, args: copy, status: answer.status, data: answer.data.slice() },
      );
    }
    return answer;
  }

  /**
   * How many bytes of an argument the call itself may read, and so a record copies: a native
   * plugin's declared length is no proof that its memory is that long (its arguments are views
   * over raw addresses), and a call refused for its length read none of it past the limit.
   */
  #readLimit(op: HostOp, index: number): number {
    const { log, kv, wasi, hostCalls } = this.#options.grants;
    switch (op) {
      case 'log':
        return log === undefined ? 0 : log.maxLineBytes;
      case 'wasi_write':
        return wasi === undefined ? 0 : (log ?? DEFAULT_LOG).maxLineBytes;
      case 'kv_get':
      case 'kv_set':
      case 'kv_delete':
        return kv === undefined ? 0 : index === 0 ? kv.maxKeyBytes : kv.maxValueBytes;
      case 'call_host':
        return index === 0 ? MAX_NAME_BYTES : hostCalls.maxInputBytes;
      default:
        return 0;
    }
  }

  #serveBuiltIn(op: HostOp, int: number, args: readonly Uint8Array[]): HostReply {
    switch (op) {
      case 'log':
        return reply(this.#log(int, args[0]!));
      case 'wasi_write':
        return reply(this.#wasiWrite(int, args[0]!));
      case 'kv_get':
      case 'kv_set':
      case 'kv_delete':
        return this.#kvCall(op, args);
      case 'clock':
        return this.#clockReading(int);
      case 'random':
        return this.#randomBytes(int);
      default:
        return reply(TP_STATUS.INVALID);
    }
  }

  #log(level: number, message: Uint8Array): number {
    if (this.#options.grants.log === undefined) return TP_STATUS.DENIED;
    const name = LOG_LEVELS[level];
    if (name === undefined) return TP_STATUS.INVALID;
    const line = this.#cut(message);
    let text: string;
    try {
      text = strictUtf8.decode(line);
    } catch {
      return TP_STATUS.INVALID;
    }
    return this.#emit('plugin', name, text, line !== message);
  }

  #wasiWrite(fd: number, bytes: Uint8Array): number {
    const wasi = this.#options.grants.wasi;
    if (wasi === undefined) return TP_STATUS.DENIED;
    if (wasi.stdout === 'discard') return TP_STATUS.OK;
    const line = this.#cut(bytes);
    const source = fd === 2 ? 'stderr' : 'stdout';
    return this.#emit(source, fd === 2 ? 'warn' : 'info', lenientUtf8.decode(line), line !== bytes);
  }

  /** A line within maxLineBytes, cut on a character boundary before anything decodes it. */
  #cut(bytes: Uint8Array): Uint8Array {
    const max = (this.#options.grants.log ?? DEFAULT_LOG).maxLineBytes;
    if (bytes.length <= max) return bytes;
    let end = max;
    while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end -= 1;
    return bytes.subarray(0, end);
  }

  #emit(source: LogEntry['source'], level: LogLevel, message: string, cut: boolean): number {
    if (this.#limiter?.admit(this.#clock.millis()) === false) return TP_STATUS.RATE;
    if (cut) this.#truncated += 1;
    this.#lines += 1;
    this.#options.onLog({ plugin: this.#options.label, source, level, message });
    return TP_STATUS.OK;
  }

  #kvCall(op: 'kv_get' | 'kv_set' | 'kv_delete', args: readonly Uint8Array[]): HostReply {
    const kv = this.#kv;
    const limits = this.#options.grants.kv;
    if (kv === undefined || limits === undefined) return reply(TP_STATUS.DENIED);
    const key = args[0]!;
    if (key.length > limits.maxKeyBytes) return reply(TP_STATUS.TOO_LARGE);
    if (op === 'kv_delete') return reply(kv.delete(key));
    if (op === 'kv_set') {
      if (args[1]!.length > limits.maxValueBytes) return reply(TP_STATUS.TOO_LARGE);
      return reply(kv.set(key, args[1]!));
    }
    const value = kv.get(key);
    return value === undefined ? reply(TP_STATUS.NOT_FOUND) : reply(TP_STATUS.OK, value);
  }

  #clockReading(id: number): HostReply {
    if (this.#options.grants.wasi === undefined) return reply(TP_STATUS.DENIED);
    const data = new Uint8Array(8);
    new DataView(data.buffer).setBigUint64(0, this.#clock.now(id), true);
    return reply(TP_STATUS.OK, data);
  }

  #randomBytes(count: number): HostReply {
    if (this.#options.grants.wasi === undefined) return reply(TP_STATUS.DENIED);
    if (count < 0 || count > 65536) return reply(TP_STATUS.TOO_LARGE);
    const data = new Uint8Array(count);
    this.#random.fill(data);
    return reply(TP_STATUS.OK, data);
  }

  #hostLog(level: LogLevel, message: string): void {
    this.#options.onLog({ plugin: this.#options.label, source: 'host', level, message });
  }
}
