import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  CountBreaker,
  circuitBreaker,
  handleWhen,
} from 'cockatiel';
import { PluginError, toPluginError } from '../errors.js';
import type { ResolvedBreakerOptions } from '../options.js';
import { FAULT_CODES, isPluginFault } from './fault-class.js';

export type CircuitStateName = 'closed' | 'open' | 'half-open';

type Outcome = { readonly output: Uint8Array } | { readonly error: PluginError };

const STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
};

/**
 * One plugin version's circuit breaker: cockatiel's policy (open, half-open probe, close) over
 * its count-based sliding window (CountBreaker): more than `threshold` of the last `window`
 * calls faulted opens the circuit for `openMs`, then one probe call decides.
 */
export class PluginCircuit {
  readonly #policy: CircuitBreakerPolicy;
  readonly #breaker: CountBreaker;
  readonly #openMs: number;
  readonly #window: number;
  /**
   * Successes recorded in a row since the breaker's window last held anything else. Once it
   * fills the window, one more success changes no count the breaker reads, so it is not
   * recorded: recording costs a modulo per call on the in-process path.
   */
  #streak = 0;

  constructor(options: ResolvedBreakerOptions) {
    this.#openMs = options.openMs;
    this.#window = options.window;
    this.#breaker = new CountBreaker({ threshold: options.threshold, size: options.window });
    this.#policy = circuitBreaker(handleWhen(isPluginFault), {
      halfOpenAfter: options.openMs,
      breaker: this.#breaker,
    });
  }

  get state(): CircuitStateName {
    return STATE_NAMES[this.#policy.state];
  }

  /** Closed: calls go straight to the plugin and report back with succeeded() or failed(). */
  get closed(): boolean {
    return this.#policy.state === CircuitState.Closed;
  }

  /**
   * Runs `attempt` through the breaker; while open, fails fast with PLUGIN_UNAVAILABLE. A
   * synchronous attempt stays synchronous while the circuit is closed: its success is recorded
   * on the CountBreaker as the policy itself records it in that state, and only a fault or a
   * circuit that is not closed goes through the policy's (asynchronous) execute.
   */
  run(attempt: () => Uint8Array | Promise<Uint8Array>): Uint8Array | Promise<Uint8Array> {
    if (this.#policy.state !== CircuitState.Closed) return this.#execute(attempt);
    let result: Uint8Array | Promise<Uint8Array>;
    try {
      result = attempt();
    } catch (error) {
      return this.failed(error);
    }
    if (result instanceof Uint8Array) return this.succeeded(result);
    return result.then(
      (output) => this.succeeded(output),
      (error: unknown) => this.failed(error),
    );
  }

  /** Records a call that succeeded while the circuit was closed. */
  succeeded<T>(output: T): T {
    if (this.#streak < this.#window) {
      this.#streak += 1;
      this.#breaker.success(CircuitState.Closed);
    }
    return output;
  }

  /** A fault is recorded through the policy (which may open the circuit); an answer is a success. */
  failed(caught: unknown): Promise<never> {
    const error = toPluginError(caught, 'PLUGIN_CALL_FAILED', 'ProcessData failed');
    if (!FAULT_CODES.has(error.code)) {
      this.succeeded(undefined);
      return Promise.reject(error);
    }
    this.#streak = 0;
    return this.#policy
      .execute(() => Promise.reject(error))
      .catch((thrown: unknown) => {
        // Another call opened the circuit meanwhile: this call still reports its own fault.
        throw thrown instanceof BrokenCircuitError ? error : thrown;
      });
  }

  async #execute(attempt: () => Uint8Array | Promise<Uint8Array>): Promise<Uint8Array> {
    // The policy records this call itself and may reset the window on a change of state.
    this.#streak = 0;
    let outcome: Outcome;
    try {
      outcome = await this.#policy.execute(() => settle(attempt));
    } catch (error) {
      if (!(error instanceof BrokenCircuitError)) throw error;
      throw new PluginError(
        'PLUGIN_UNAVAILABLE',
        'the plugin faulted on too many recent calls; its circuit is open',
        { cause: error, details: { openMs: this.#openMs } },
      );
    }
    if ('error' in outcome) throw outcome.error;
    return outcome.output;
  }
}

/** Faults are thrown (the breaker counts them); any other error is returned as an answer. */
async function settle(attempt: () => Uint8Array | Promise<Uint8Array>): Promise<Outcome> {
  try {
    return { output: await attempt() };
  } catch (caught) {
    const error = toPluginError(caught, 'PLUGIN_CALL_FAILED', 'ProcessData failed');
    if (FAULT_CODES.has(error.code)) throw error;
    return { error };
  }
}
