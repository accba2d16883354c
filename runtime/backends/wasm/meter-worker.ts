import { Worker } from 'node:worker_threads';
import { compiledEntry } from '../../compiled-entry.js';
import { PluginError, type SerializedPluginError } from '../../errors.js';

export interface MeterRequest {
  readonly id: number;
  readonly bytes: Uint8Array;
}

export type MeterReply =
  | { readonly id: number; readonly bytes: Uint8Array }
  | { readonly id: number; readonly error: SerializedPluginError };

/** V8 compiles no module larger than this (kV8MaxWasmModuleSize): nothing larger is sent. */
export const MAX_MODULE_BYTES = 1024 * 1024 * 1024;

/** A worker left idle this long is ended; a load after that starts another. */
const IDLE_MS = 10_000;

/** The worker's JS heap: the meter's own working set (the bytes themselves are off the heap). */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32 };

function reasonText(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

interface Pending {
  readonly resolve: (bytes: Uint8Array) => void;
  readonly reject: (error: PluginError) => void;
}

export interface MeterWorkerOptions {
  /** The worker's script (tests: one that fails); default the compiled meter-worker-main. */
  readonly entry?: string | URL;
  readonly idleMs?: number;
}

/**
 * Meters modules on a worker thread, so that a large module's rewrite does not hold the loading
 * thread's event loop. The worker gets the bytes and answers bytes; it gets no environment, no
 * flags and no host object. It is started on first use, keeps the process alive only while a
 * request is pending, and is ended once idle. If it dies, the requests it held fail with
 * PLUGIN_LOAD_FAILED and the next request starts a new one.
 */
export class MeterWorker {
  readonly #entry: string | URL | undefined;
  readonly #idleMs: number;
  readonly #pending = new Map<number, Pending>();
  #worker: Worker | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  #nextId = 0;

  constructor(options: MeterWorkerOptions = {}) {
    this.#entry = options.entry;
    this.#idleMs = options.idleMs ?? IDLE_MS;
  }

  /** Whether a worker is started (and not ended for idleness or by dying). */
  get running(): boolean {
    return this.#worker !== undefined;
  }

  /** Requests sent and not answered yet. */
  get pending(): number {
    return this.#pending.size;
  }

  /**
   * The module metered in the worker, with the errors `meterValid` gives. The bytes are handed
   * over: when they cover their buffer whole, it is moved to the worker (detached here, no copy);
   * a view into a larger buffer is copied. A caller that keeps its bytes passes a copy.
   */
  meter(capped: Uint8Array): Promise<Uint8Array> {
    if (capped.length > MAX_MODULE_BYTES)
      return Promise.reject(
        new PluginError(
          'PLUGIN_FORMAT_INVALID',
          `invalid Wasm module: ${capped.length} bytes, more than the engine compiles (${MAX_MODULE_BYTES})`,
          { details: { size: capped.length, maxBytes: MAX_MODULE_BYTES } },
        ),
      );
    const worker = this.#busy();
    const id = ++this.#nextId;
    const whole = capped.byteOffset === 0 && capped.byteLength === capped.buffer.byteLength;
    // `new Uint8Array(view)` copies; a Buffer's `slice` would not, and would hand its pool over.
    const bytes = whole && capped.buffer instanceof ArrayBuffer ? capped : new Uint8Array(capped);
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, bytes } satisfies MeterRequest, [bytes.buffer as ArrayBuffer]);
    });
  }

  /** Ends the worker now; requests it held fail. */
  async terminate(): Promise<void> {
    await this.#worker?.terminate();
  }

  #busy(): Worker {
    clearTimeout(this.#idleTimer);
    const worker = this.#worker ?? this.#start();
    worker.ref();
    return worker;
  }

  #start(): Worker {
    const worker = new Worker(this.#entry ?? compiledEntry('backends/wasm/meter-worker-main.js'), {
      env: {},
      execArgv: [],
      resourceLimits: RESOURCE_LIMITS,
    });
    worker.on('message', (reply: MeterReply) => this.#settle(reply));
    worker.on('error', (error) => this.#stopped(worker, error));
    worker.on('exit', (code) => this.#stopped(worker, `exit code ${code}`));
    this.#worker = worker;
    return worker;
  }

  #settle(reply: MeterReply): void {
    const pending = this.#pending.get(reply.id);
    this.#pending.delete(reply.id);
    if ('error' in reply) pending?.reject(PluginError.fromJSON(reply.error));
    else pending?.resolve(reply.bytes);
    if (this.#pending.size === 0) this.#idle();
  }

  /** Nothing pending: the worker no longer holds the process open, and ends if left idle. */
  #idle(): void {
    const worker = this.#worker;
    if (worker === undefined) return;
    worker.unref();
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      // Forgotten first: a request from now on starts another worker, never this ending one.
      if (this.#worker === worker) this.#worker = undefined;
      void worker.terminate();
    }, this.#idleMs);
    this.#idleTimer.unref();
  }

  #stopped(worker: Worker, reason: unknown): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    clearTimeout(this.#idleTimer);
    const error = new PluginError(
      'PLUGIN_LOAD_FAILED',
      `cannot meter the Wasm module: the metering worker stopped (${reasonText(reason)})`,
      { cause: reason },
    );
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
