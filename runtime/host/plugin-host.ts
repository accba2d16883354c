// The host side of one loaded plugin: its kv store, log limits, host functions, clock and random,
// stats and recording. It lives on the main thread, whatever the isolation, so the store
// survives instance re-creation and worker or child restarts.
import { AsyncLocalStorage } from 'node:async_hooks';
import { type HostOp, LOG_LEVELS, type LogLevel, TP_STATUS } from './api.js';
import { HostClock, HostRandom } from './entropy.js';
import { DEFAULT_LOG, NO_GRANTS, type ResolvedGrants } from './grants.js';
import { HostFunctionTable, type HostTarget } from './host-functions.js';
import { KvStore } from './kv-store.js';
import type { HostLink, HostReply } from './link.js';
import { LogLimiter } from './log-limiter.js';

/** A function the embedding application offers plugins, called by name through `call_host`. */
export type HostFunction = (input: Uint8Array) => Uint8Array | Promise<Uint8Array>;

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

/** The plugins whose host functions are running in this async context: re-entry is refused. */
const inHostCall = new AsyncLocalStorage<ReadonlySet<PluginHost>>();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

/** Handed to a host function for an empty input: a zero-length array cannot be changed. */
const NO_BYTES = new Uint8Array(0);

const reply = (status: number, data?: Uint8Array): HostReply =>
  data === undefined ? { status } : { status, data };

/** A call_host's answer: the output on TP_OK, else the status. */
type CallHostAnswer = Uint8Array | number;
const asReply = (answer: CallHostAnswer): HostReply =>
  typeof answer === 'number' ? { status: answer } : { status: TP_STATUS.OK, data: answer };

export class PluginHost implements HostLink {
  readonly #options: PluginHostOptions;
  readonly #kv: KvStore | undefined;
  readonly #limiter: LogLimiter | undefined;
  readonly #functions: HostFunctionTable;
  readonly #clock: HostClock;
  readonly #random: HostRandom;
  #closed = false;
  #calls = 0;
  #lines = 0;
  #truncated = 0;
  #functionErrors = 0;
  /** Host functions of this plugin running synchronously right now (their sync part). */
  #running = 0;

  constructor(options: PluginHostOptions) {
    const { grants } = options;
    this.#options = options;
    this.#kv = grants.kv && new KvStore(grants.kv.maxBytes);
    // WASI output is logged too: limited like log lines, by the log grant's limits or the defaults.
    this.#limiter =
      grants.log !== undefined || grants.wasi !== undefined
        ? new LogLimiter((grants.log ?? DEFAULT_LOG).linesPerSecond)
        : undefined;
    this.#functions = new HostFunctionTable(grants.hostFunctions, options.functions);
    this.#clock = new HostClock(grants.wasi?.clock === 'fixed');
    this.#random = new HostRandom(grants.wasi?.random === 'seeded' ? grants.seed : undefined);
  }

  /** Whether any host function is granted: re-entry is possible only then. */
  get hasHostFunctions(): boolean {
    return this.#functions.size > 0;
  }

  /** True inside one of this plugin's host functions: a call into the plugin now is re-entry. */
  get inHostFunction(): boolean {
    return this.#running > 0 || (inHostCall.getStore()?.has(this) ?? false);
  }

  /** After close every call answers TP_ERR_CLOSED. */
  close(): void {
    this.#closed = true;
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
      hostFunctionErrors: this.#functionErrors,
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
    if (op === 'call_host') {
      const [name, input] = args as [Uint8Array, Uint8Array];
      const answer = this.#callHost(name, 0, name.length, input, 0, input.length, allowAsync);
      return answer instanceof Promise ? answer.then(asReply) : asReply(answer);
    }
    this.#calls += 1;
    if (this.#closed) return this.#record(op, int, args, reply(TP_STATUS.CLOSED));
    return this.#record(op, int, args, this.#serveBuiltIn(op, int, args));
  }

  /** `call_host` from the plugin's own thread (in-process): an async host function is refused. */
  callHost(
    names: Uint8Array,
    nameAt: number,
    nameLength: number,
    inputs: Uint8Array,
    inputAt: number,
    inputLength: number,
  ): CallHostAnswer {
    return this.#callHost(names, nameAt, nameLength, inputs, inputAt, inputLength, false) as
      | Uint8Array
      | number;
  }

  #record(op: HostOp, int: number, args: readonly Uint8Array[], answer: HostReply): HostReply {
    const record = this.#options.onHostCall;
    if (record !== undefined) {
      const copy = args.map((arg) => arg.slice());
      record(
        answer.data === undefined
          ? { op, int, args: copy, status: answer.status }
          : { op, int, args: copy, status: answer.status, data: answer.data.slice() },
      );
    }
    return answer;
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
    if (this.#limiter?.admit(Date.now()) === false) return TP_STATUS.RATE;
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

  #callHost(
    names: Uint8Array,
    nameAt: number,
    nameLength: number,
    inputs: Uint8Array,
    inputAt: number,
    inputLength: number,
    allowAsync: boolean,
  ): CallHostAnswer | Promise<CallHostAnswer> {
    this.#calls += 1;
    const target = this.#closed
      ? TP_STATUS.CLOSED
      : this.#functions.find(names, nameAt, nameLength);
    let answer: CallHostAnswer | Promise<CallHostAnswer>;
    if (typeof target === 'number') answer = target;
    else if (inputLength > this.#options.grants.hostCalls.maxInputBytes)
      answer = TP_STATUS.TOO_LARGE;
    else {
      const input = inputLength === 0 ? NO_BYTES : inputs.slice(inputAt, inputAt + inputLength);
      answer = this.#run(target, input, allowAsync);
    }
    if (this.#options.onHostCall === undefined) return answer;
    const args = [
      names.slice(nameAt, nameAt + nameLength),
      inputs.slice(inputAt, inputAt + inputLength),
    ];
    if (answer instanceof Promise) return answer.then((done) => this.#recordCallHost(args, done));
    return this.#recordCallHost(args, answer);
  }

  #recordCallHost(args: Uint8Array[], answer: CallHostAnswer): CallHostAnswer {
    this.#record('call_host', 0, args, asReply(answer));
    return answer;
  }

  /** Runs the application's function on a copy of the input: its output, or why not. */
  #run(
    target: HostTarget,
    input: Uint8Array,
    allowAsync: boolean,
  ): CallHostAnswer | Promise<CallHostAnswer> {
    const { name, fn } = target as HostTarget & { fn: HostFunction };
    let result: Uint8Array | Promise<Uint8Array>;
    this.#running += 1;
    try {
      // Only a function that may await needs the async context: in-process ones run to the end here.
      result = allowAsync ? this.#runInScope(fn, input) : fn(input);
    } catch (error) {
      return this.#failed(name, error);
    } finally {
      this.#running -= 1;
    }
    if (result instanceof Uint8Array) return this.#output(name, result);
    if (!(result instanceof Promise)) return this.#output(name, result);
    if (!allowAsync) {
      result.catch(() => undefined);
      return this.#failed(
        name,
        new TypeError('it returned a promise in-process (async needs a worker or a process)'),
      );
    }
    return result.then(
      (value) => this.#output(name, value),
      (error) => this.#failed(name, error),
    );
  }

  #runInScope(fn: HostFunction, input: Uint8Array): Uint8Array | Promise<Uint8Array> {
    const scope = new Set(inHostCall.getStore());
    scope.add(this);
    return inHostCall.run(scope, fn, input);
  }

  #output(name: string, value: unknown): CallHostAnswer {
    if (!(value instanceof Uint8Array))
      return this.#failed(name, new TypeError('it returned something other than a Uint8Array'));
    if (value.length > this.#options.grants.hostCalls.maxOutputBytes) {
      this.#hostLog(
        'error',
        `host function "${name}" returned ${value.length} bytes, over the limit`,
      );
      return TP_STATUS.TOO_LARGE;
    }
    return value;
  }

  #failed(name: string, error: unknown): number {
    this.#functionErrors += 1;
    const reason = error instanceof Error ? error.message : String(error);
    this.#hostLog('error', `host function "${name}" failed: ${reason}`);
    return TP_STATUS.HOST_FAILED;
  }

  #hostLog(level: LogLevel, message: string): void {
    this.#options.onLog({ plugin: this.#options.label, source: 'host', level, message });
  }
}
