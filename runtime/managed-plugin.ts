import { PluginError, toPluginError } from './errors.js';
import { CallQueue, cancelled } from './guard/call-queue.js';
import { PluginCircuit } from './guard/circuit.js';
import type { PluginHost } from './host/plugin-host.js';
import {
  type Isolation,
  keysIn,
  type OptionsIn,
  pickResolved,
  type ResolvedLoadOptions,
  resolveLoadOptions,
} from './options.js';
import type {
  ArtifactIdentity,
  Backend,
  CallOptions,
  Plugin,
  PluginInfo,
  PluginStats,
} from './plugin.js';

/**
 * What a backend implements. The lifecycle rules (no call after close, close waits for calls
 * in flight, close runs once) and the limits (input and output size, concurrency and queue,
 * timeout, circuit breaker) live in {@link ManagedPlugin}, not in each backend.
 */
export interface PluginCore {
  readonly backend: Backend;
  readonly info: PluginInfo;
  readonly exports: readonly string[];
  /** Calls Initialize (when exported) with the config bytes; the loader calls it once, before any call. */
  initialize(config: Uint8Array): void | Promise<void>;
  /**
   * Runs ProcessData; returns synchronously when the backend runs in this thread. `signal` is
   * the caller's: an isolated core drops the call while it waits for a restarted worker or
   * child; a metered Wasm core checks it at its deadline checks and stops the call.
   */
  call(input: Uint8Array, signal?: AbortSignal): Uint8Array | Promise<Uint8Array>;
  /**
   * Isolated cores only: ends the call in flight that `call` returned, by ending the worker or
   * child process running it; that call then rejects with `reason`, and a fresh one takes over.
   * Returns false, ending nothing, while the call still waits for a restarted worker or child:
   * the timeout counts the plugin's time, not the restart's.
   */
  interrupt?(call: Promise<Uint8Array>, reason: PluginError): boolean;
  /** Isolated cores only: how often a worker or child was replaced, and the children's pids. */
  health?(): { readonly restarts: number; readonly pids: readonly number[] };
  /** Calls Cleanup when the plugin was initialised, then unloads. Never called twice. */
  dispose(): void | Promise<void>;
  /** The bytes the core can measure (Wasm linear memory, children's RSS); undefined: estimate. */
  memoryBytes?(): number | undefined;
}

/** Added to an artifact's size where memory cannot be measured: its heap, stacks and tables. */
export const MEMORY_ESTIMATE_OVERHEAD = 1024 * 1024;

/**
 * The limits the guard enforces around every call, whatever the backend: the `guard` layer of
 * the option table, resolved. `timeoutMs` is used when the core can interrupt a call (isolated
 * cores); `concurrency` is the calls let into an isolated core at once (in-process calls run
 * one by one on the caller's thread); an undefined `breaker` turns the circuit breaker off.
 */
export type GuardOptions = Pick<ResolvedLoadOptions, OptionsIn<'guard'>> & {
  readonly isolation: Isolation;
};

/** Every guard option at its default (from the option table), in-process. */
export const DEFAULT_GUARD: GuardOptions = {
  ...pickResolved(resolveLoadOptions({ bytes: new Uint8Array(0) }), keysIn('guard')),
  isolation: 'in-process',
};

const CLOSED_MESSAGE = 'plugin is closed';

/** The {@link Plugin} every backend hands out: one core behind one lifecycle guard. */
export class ManagedPlugin implements Plugin {
  readonly artifact: ArtifactIdentity;
  readonly #core: PluginCore;
  readonly #guard: GuardOptions;
  readonly #circuit: PluginCircuit | undefined;
  /** In-process calls finish before processData returns: they never overlap, so need no queue. */
  readonly #queue: CallQueue | undefined;
  /** The host API's state: checked for re-entry only when host functions are granted. */
  readonly #host: PluginHost | undefined;
  readonly #reentryPossible: boolean;
  #closing: Promise<void> | undefined;
  #inFlight = 0;
  #drained: (() => void) | undefined;

  constructor(
    core: PluginCore,
    artifact: ArtifactIdentity,
    guard: GuardOptions = DEFAULT_GUARD,
    host?: PluginHost,
  ) {
    this.#core = core;
    this.#host = host;
    this.#reentryPossible = host?.hasHostFunctions ?? false;
    this.artifact = artifact;
    this.#guard = guard;
    this.#circuit = guard.breaker === undefined ? undefined : new PluginCircuit(guard.breaker);
    this.#queue =
      guard.isolation === 'in-process'
        ? undefined
        : new CallQueue(guard.concurrency, guard.maxQueuedCalls);
  }

  get info(): PluginInfo {
    return this.#core.info;
  }

  get backend(): Backend {
    return this.#core.backend;
  }

  get exports(): readonly string[] {
    return this.#core.exports;
  }

  get isolation(): Isolation {
    return this.#guard.isolation;
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  stats(): PluginStats {
    const health = this.#core.health?.();
    return {
      isolation: this.#guard.isolation,
      circuit: this.#circuit?.state ?? 'off',
      inFlight: this.#inFlight,
      queued: this.#queue?.queued ?? 0,
      restarts: health?.restarts ?? 0,
      pids: health?.pids ?? [],
      host: this.#host?.stats(),
      memoryBytes: this.#core.memoryBytes?.() ?? this.artifact.size + MEMORY_ESTIMATE_OVERHEAD,
    };
  }

  processData(input: Uint8Array, options?: CallOptions): Promise<Uint8Array> {
    const signal = options?.signal;
    const refusal = this.#refusal(input, signal);
    if (refusal !== undefined) return Promise.reject(refusal);
    if (this.#queue === undefined) return this.#runInProcess(input, signal);
    let slot: true | Promise<void>;
    try {
      const waitMs = this.#guard.queueTimeoutMs ?? 2 * this.#guard.timeoutMs;
      slot = this.#queue.acquire({ signal, waitMs });
    } catch (error) {
      return Promise.reject(error);
    }
    const queue = this.#queue;
    const run = () => Promise.resolve(this.#guarded(input, signal)).finally(() => queue.release());
    return this.#track(slot === true ? run() : slot.then(run));
  }

  processDataSync(input: Uint8Array): Uint8Array {
    const refusal = this.#refusal(input, undefined);
    if (refusal !== undefined) throw refusal;
    const circuit = this.#circuit;
    if (this.#queue !== undefined)
      throw new PluginError(
        'PLUGIN_INVALID_OPTIONS',
        `processDataSync runs in-process plugins only; this one runs in a ${this.#guard.isolation}`,
      );
    // Open or probing: the breaker's policy is asynchronous, so fail fast as an open circuit does.
    if (circuit !== undefined && !circuit.closed)
      throw new PluginError('PLUGIN_UNAVAILABLE', 'the circuit is open: use processData');
    let output: Uint8Array | Promise<Uint8Array>;
    try {
      output = this.#attempt(input, undefined);
    } catch (error) {
      const failure = toPluginError(error, 'PLUGIN_CALL_FAILED', 'ProcessData failed');
      circuit?.failed(failure).catch(() => undefined);
      throw failure;
    }
    if (!(output instanceof Uint8Array)) {
      output.catch(() => undefined);
      throw new PluginError('PLUGIN_INVALID_OPTIONS', 'processDataSync: the core answered later');
    }
    return circuit === undefined ? output : circuit.succeeded(output);
  }

  /**
   * An in-process call has finished when it returns: nothing to queue or track. While the
   * circuit is closed this path allocates nothing but the promise (it is the fastest mode).
   */
  #runInProcess(input: Uint8Array, signal: AbortSignal | undefined): Promise<Uint8Array> {
    const circuit = this.#circuit;
    if (circuit !== undefined && !circuit.closed)
      return this.#track(Promise.resolve(circuit.run(() => this.#attempt(input, signal))));
    let output: Uint8Array | Promise<Uint8Array>;
    try {
      output = this.#attempt(input, signal);
    } catch (error) {
      if (circuit !== undefined) return circuit.failed(error);
      return Promise.reject(toPluginError(error, 'PLUGIN_CALL_FAILED', 'ProcessData failed'));
    }
    if (output instanceof Uint8Array)
      return Promise.resolve(circuit === undefined ? output : circuit.succeeded(output));
    return this.#track(this.#settled(output as Promise<Uint8Array>));
  }

  /** A core that answered in-process with a promise: settled through the breaker all the same. */
  #settled(output: Promise<Uint8Array>): Promise<Uint8Array> {
    const circuit = this.#circuit;
    if (circuit === undefined) return output;
    return output.then(
      (value) => circuit.succeeded(value),
      (error: unknown) => circuit.failed(error),
    );
  }

  close(): Promise<void> {
    this.#closing ??= this.#drainThenDispose();
    return this.#closing;
  }

  /** Why a call is refused before it reaches the plugin, if it is. */
  #refusal(input: Uint8Array, signal: AbortSignal | undefined): PluginError | undefined {
    if (this.#closing !== undefined) return new PluginError('PLUGIN_CLOSED', CLOSED_MESSAGE);
    if (this.#reentryPossible && this.#host!.inHostFunction) {
      return new PluginError(
        'PLUGIN_REENTRANT_CALL',
        'a host function called back into the plugin that called it',
      );
    }
    if (signal?.aborted) return cancelled('before it started');
    if (!(input instanceof Uint8Array))
      return new PluginError('PLUGIN_INVALID_INPUT', 'processData takes a Uint8Array');
    if (input.length > this.#guard.maxInputBytes) {
      return new PluginError(
        'PLUGIN_INPUT_TOO_LARGE',
        `input is ${input.length} bytes, the limit is ${this.#guard.maxInputBytes}`,
        { details: { inputBytes: input.length, maxInputBytes: this.#guard.maxInputBytes } },
      );
    }
    return undefined;
  }

  #guarded(input: Uint8Array, signal: AbortSignal | undefined): Uint8Array | Promise<Uint8Array> {
    if (this.#circuit !== undefined) return this.#circuit.run(() => this.#attempt(input, signal));
    return this.#attempt(input, signal);
  }

  #attempt(input: Uint8Array, signal: AbortSignal | undefined): Uint8Array | Promise<Uint8Array> {
    // Aborted while queued, just as its turn came.
    if (signal?.aborted) throw cancelled('before it started');
    const result = this.#core.call(input, signal);
    if (result instanceof Uint8Array) return this.#checkOutput(result);
    return this.#watch(result, signal);
  }

  /**
   * Waits for an isolated call, interrupting it once it has run past the timeout or when its
   * caller's signal aborts.
   */
  async #watch(call: Promise<Uint8Array>, signal: AbortSignal | undefined): Promise<Uint8Array> {
    const core = this.#core;
    const { timeoutMs } = this.#guard;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      timer = setTimeout(() => {
        const reason = new PluginError('PLUGIN_TIMEOUT', `call ran past ${timeoutMs} ms`, {
          details: { timeoutMs },
        });
        if (core.interrupt?.(call, reason) === false) arm();
      }, timeoutMs);
    };
    if (core.interrupt !== undefined) arm();
    // Not started yet (a restart pending), the slot drops it itself: it has the signal too.
    const onAbort = () => core.interrupt?.(call, cancelled('while it ran'));
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return this.#checkOutput(await call);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** The backends already refuse oversized output; this holds for any core. */
  #checkOutput(output: Uint8Array): Uint8Array {
    if (output.length <= this.#guard.maxOutputBytes) return output;
    throw new PluginError(
      'PLUGIN_OUTPUT_TOO_LARGE',
      `plugin produced ${output.length} output bytes, the limit is ${this.#guard.maxOutputBytes}`,
      { details: { outputBytes: output.length, maxOutputBytes: this.#guard.maxOutputBytes } },
    );
  }

  async #track(call: Promise<Uint8Array>): Promise<Uint8Array> {
    this.#inFlight += 1;
    try {
      return await call;
    } catch (error) {
      throw toPluginError(error, 'PLUGIN_CALL_FAILED', 'ProcessData failed');
    } finally {
      this.#inFlight -= 1;
      if (this.#inFlight === 0) this.#drained?.();
    }
  }

  async #drainThenDispose(): Promise<void> {
    if (this.#inFlight > 0) {
      await new Promise<void>((resolve) => {
        this.#drained = resolve;
      });
    }
    try {
      await this.#core.dispose();
    } finally {
      this.#host?.close();
    }
  }
}
