import { type MessagePort, receiveMessageOnPort, type Worker } from 'node:worker_threads';
import { PluginError, type SerializedPluginError } from '../../errors.js';
import type { ResolvedGrants } from '../../host/grants.js';
import type { HostReply } from '../../host/link.js';
import type { PluginHost } from '../../host/plugin-host.js';
import type { OptionsIn, ResolvedLoadOptions } from '../../options.js';
import type { Session, SessionHello } from '../session.js';
import {
  BUSY_US,
  type ChannelViews,
  DEAD,
  ERROR,
  FLAGS,
  HOST_CALL,
  HOST_REPLY,
  INLINE,
  LENGTH,
  OP,
  OP_CALL,
  OP_CLOSE,
  OP_INITIALIZE,
  REQUEST,
  STATE,
  VIA_PORT,
} from './channel.js';
import { replyToHostCall, serveHostCall, waitAsync } from './host-call-server.js';
import { SpinPolicy } from './spin-policy.js';

/**
 * The host spins for a response about as long as the worker recently took (1.5 times the moving
 * average of the time it reports, plus MIN_SPIN_MS), then awaits Atomics.waitAsync, whose wake-up
 * goes through the event loop and costs tens of microseconds. Calls that would need a spin longer
 * than MAX_SPIN_MS get none: the event loop is not held for them; nor do calls while spinning
 * does not pay off (SpinPolicy).
 */
const MIN_SPIN_MS = 0.02;
const MAX_SPIN_MS = 0.25;
/** How long Cleanup may take at close before the worker is terminated. */
const CLOSE_GRACE_MS = 2_000;
/** The worker's JS heap: the plugin's memory is Wasm memory, capped by maxMemoryPages. */
export const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 };
const EMPTY = new Uint8Array(0);

/**
 * What starts a Wasm worker: the `worker` layer of the option table, resolved (loading past
 * `loadTimeoutMs` is PLUGIN_TIMEOUT: a start function or PluginInfo may never return), and the
 * module the host compiled and checked.
 */
export type WorkerSessionOptions = Pick<ResolvedLoadOptions, OptionsIn<'worker'>> & {
  readonly module: WebAssembly.Module;
  readonly grants: ResolvedGrants;
  readonly fileName: string;
};

export function workerDied(error: unknown): PluginError {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new PluginError('PLUGIN_MEMORY_LIMIT', 'the worker ran out of JS heap', {
      cause: error,
      details: { resourceLimits: RESOURCE_LIMITS },
    });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new PluginError('PLUGIN_CRASHED', `the plugin's worker died: ${reason}`, { cause: error });
}

/** A Wasm plugin in one worker thread, spoken to through a SharedArrayBuffer. */
export class WorkerSession implements Session {
  readonly hello: SessionHello;
  readonly pid = undefined;
  readonly #worker: Worker;
  readonly #views: ChannelViews;
  readonly #port: MessagePort;
  readonly #host: PluginHost;
  /** Rejects when the session ends: a host call in progress stops waiting for its function. */
  readonly #endedSignal: Promise<never>;
  #signalEnd: (reason: PluginError) => void = () => undefined;
  readonly #onEnded: (session: Session) => void;
  #ended: PluginError | undefined;
  #closing = false;
  /** Moving average of the worker's time on recent requests, in ms. */
  #typicalMs = 0;
  readonly #spin = new SpinPolicy();

  constructor(
    parts: { worker: Worker; views: ChannelViews; port: MessagePort; host: PluginHost },
    hello: SessionHello,
    onEnded: (session: Session) => void,
  ) {
    const { worker, port } = parts;
    this.#worker = worker;
    this.#views = parts.views;
    this.#port = port;
    this.#host = parts.host;
    this.#endedSignal = new Promise<never>((_, reject) => {
      this.#signalEnd = reject;
    });
    this.#endedSignal.catch(() => undefined);
    this.hello = hello;
    this.#onEnded = onEnded;
    worker.on('error', (error) => this.#end(workerDied(error)));
    worker.on('exit', (code) => this.#end(workerDied(`exit code ${code}`)));
    worker.unref();
    port.unref();
  }

  get ended(): PluginError | undefined {
    return this.#ended;
  }

  async initialize(config: Uint8Array): Promise<void> {
    await this.#request(OP_INITIALIZE, config);
  }

  call(input: Uint8Array): Promise<Uint8Array> {
    return this.#request(OP_CALL, input);
  }

  kill(reason: PluginError): void {
    this.#end(reason);
    void this.#worker.terminate();
  }

  async close(): Promise<void> {
    if (this.#ended !== undefined) return;
    this.#closing = true;
    const timer = setTimeout(() => this.kill(workerDied('Cleanup ran too long')), CLOSE_GRACE_MS);
    try {
      await this.#request(OP_CLOSE, EMPTY);
    } catch {
      // Closing either way: Cleanup's failure has nobody left to tell.
    } finally {
      clearTimeout(timer);
    }
    await this.#worker.terminate();
  }

  #end(reason: PluginError): void {
    if (this.#ended !== undefined) return;
    this.#ended = reason;
    this.#signalEnd(reason);
    Atomics.store(this.#views.words, STATE, DEAD);
    Atomics.notify(this.#views.words, STATE);
    if (!this.#closing) this.#onEnded(this);
  }

  async #request(op: number, payload: Uint8Array): Promise<Uint8Array> {
    if (this.#ended !== undefined) throw this.#ended;
    const { words, data } = this.#views;
    if (payload.length <= data.length) {
      data.set(payload, 0);
      words[FLAGS] = INLINE;
    } else {
      this.#port.postMessage(payload);
      words[FLAGS] = VIA_PORT;
    }
    words[OP] = op;
    words[LENGTH] = payload.length;
    const budget = this.#spinBudget();
    Atomics.store(words, STATE, REQUEST);
    Atomics.notify(words, STATE);
    const answered = budget > 0 && waitBriefly(words, budget);
    if (budget > 0) this.#spin.record(answered);
    if (!answered) await this.#waitForResponse();
    while (Atomics.load(words, STATE) === HOST_CALL) {
      // A host function that answers at once is served without a turn of the microtask queue.
      const served = serveHostCall(this.#views, this.#host);
      if (served instanceof Promise) await this.#replyLater(served);
      else replyToHostCall(this.#views, served);
      if (!waitBriefly(words, MIN_SPIN_MS)) await this.#waitForResponse();
    }
    this.#typicalMs = this.#typicalMs * 0.8 + (words[BUSY_US]! / 1000) * 0.2;
    return this.#response();
  }

  #spinBudget(): number {
    return this.#typicalMs > MAX_SPIN_MS
      ? MIN_SPIN_MS
      : Math.max(MIN_SPIN_MS, this.#typicalMs * 1.5);
  }

  /** Hands the worker the reply of an async host function, unless the session ends first. */
  async #replyLater(served: Promise<HostReply>): Promise<void> {
    let reply: HostReply;
    this.#worker.ref();
    try {
      reply = await Promise.race([served, this.#endedSignal]);
    } finally {
      this.#worker.unref();
    }
    if (this.#ended !== undefined) throw this.#ended;
    replyToHostCall(this.#views, reply);
  }

  async #waitForResponse(): Promise<void> {
    const { words } = this.#views;
    this.#worker.ref();
    try {
      for (
        let state = Atomics.load(words, STATE);
        pending(state);
        state = Atomics.load(words, STATE)
      ) {
        const waiting = waitAsync(words, STATE, state);
        if (waiting.async) await waiting.value;
      }
    } finally {
      this.#worker.unref();
    }
  }

  #response(): Uint8Array {
    const { words, data } = this.#views;
    if (Atomics.load(words, STATE) === DEAD) throw this.#ended;
    const flags = words[FLAGS];
    if (flags === VIA_PORT) return receiveMessageOnPort(this.#port)?.message as Uint8Array;
    // slice() on shared memory takes V8's slow path; set() into a fresh array does not.
    const bytes = new Uint8Array(words[LENGTH]!);
    bytes.set(data.subarray(0, bytes.length));
    if (flags !== ERROR) return bytes;
    const json = JSON.parse(new TextDecoder().decode(bytes)) as SerializedPluginError;
    throw PluginError.fromJSON(json);
  }
}

/** The worker is still on it: the request, or the plugin after a host call's reply. */
function pending(state: number): boolean {
  return state === REQUEST || state === HOST_REPLY;
}

/** The first part of the host's wait that spins: a small call is answered within it. */
const SPIN_FIRST_MS = 0.005;

/**
 * True when the worker answered (or died) within `budgetMs`: a short spin, then a synchronous
 * Atomics.wait for the rest. Unlike spinning, the wait leaves the core to the worker (it matters
 * when cores are scarce) and the worker's notify wakes it directly, not through the event loop.
 * It holds the event loop no longer than a spin of the same budget would.
 */
function waitBriefly(words: Int32Array, budgetMs: number): boolean {
  const spinUntil = performance.now() + Math.min(budgetMs, SPIN_FIRST_MS);
  do {
    if (!pending(Atomics.load(words, STATE))) return true;
  } while (performance.now() < spinUntil);
  const state = Atomics.load(words, STATE);
  if (budgetMs > SPIN_FIRST_MS && pending(state))
    Atomics.wait(words, STATE, state, budgetMs - SPIN_FIRST_MS);
  return !pending(Atomics.load(words, STATE));
}
