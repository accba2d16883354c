import { isPluginError, PluginError } from '../errors.js';
import { cancelled } from '../guard/call-queue.js';
import { restartDelay } from './restart-backoff.js';
import type { Session, StartSession } from './session.js';

/** Swallows a rejection nobody may be waiting for; whoever awaits the promise still sees it. */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** `promise`, or PLUGIN_CANCELLED as soon as `signal` aborts (the promise goes on unawaited). */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled('while it waited for a restarted worker or child'));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** One call's progress through a slot, so a timeout can end it wherever it is. */
interface Attempt {
  session: Session | undefined;
}

/**
 * One place where calls run: a session, replaced when it ends (a crash, a timeout's kill, a kill
 * from outside). The first replacement starts at once, later ones after a growing pause until a
 * call succeeds again; the replacement is initialised with the same config before its first
 * call. A replacement that fails to start fails the call waiting for it, and the next call
 * tries again, after a longer pause.
 */
export class Slot {
  readonly #start: StartSession;
  readonly #initTimeoutMs: number;
  #session: Promise<Session>;
  #current: Session | undefined;
  #pending: { promise: Promise<Uint8Array>; attempt: Attempt } | undefined;
  #config: Uint8Array | undefined;
  #crashes = 0;
  #restarts = 0;
  #closed = false;
  /** Ends the pause before a restart early (close does). */
  #wake: (() => void) | undefined;

  private constructor(start: StartSession, initTimeoutMs: number) {
    this.#start = start;
    this.#initTimeoutMs = initTimeoutMs;
    this.#session = quiet(Promise.reject(new PluginError('PLUGIN_LOAD_FAILED', 'not started')));
  }

  /** Starts the slot's first session; load errors reject. Initialize may take `initTimeoutMs`. */
  static async open(start: StartSession, initTimeoutMs: number): Promise<Slot> {
    const slot = new Slot(start, initTimeoutMs);
    const first = await start((session) => slot.#ended(session));
    slot.#install(first);
    return slot;
  }

  get restarts(): number {
    return this.#restarts;
  }

  get pid(): number | undefined {
    return this.#current?.pid;
  }

  async initialize(config: Uint8Array): Promise<void> {
    const session = await this.#session;
    await this.#initializeWithin(session, config);
    // Only a plugin that initialised once is restarted: one that crashed in Initialize at load
    // is not loaded at all.
    this.#config = config;
  }

  call(input: Uint8Array, signal?: AbortSignal): Promise<Uint8Array> {
    const attempt: Attempt = { session: undefined };
    const promise = this.#run(input, attempt, signal);
    this.#pending = { promise, attempt };
    return promise;
  }

  async #run(input: Uint8Array, attempt: Attempt, signal?: AbortSignal): Promise<Uint8Array> {
    let session: Session;
    try {
      session = await (signal === undefined ? this.#session : unlessAborted(this.#session, signal));
    } catch (error) {
      // A start that failed: the next call tries again, after a pause. A cancelled wait is not one.
      if (!isPluginError(error, 'PLUGIN_CANCELLED')) this.#restartLater();
      throw error;
    }
    attempt.session = session;
    const output = await session.call(input);
    this.#crashes = 0;
    return output;
  }

  /** Ends `call` by killing its session, if this slot runs it and it has reached one. */
  interrupt(call: Promise<Uint8Array>, reason: PluginError): 'ended' | 'not-started' | 'not-mine' {
    const pending = this.#pending;
    if (pending?.promise !== call) return 'not-mine';
    const session = pending.attempt.session;
    if (session === undefined) return 'not-started';
    session.kill(reason);
    return 'ended';
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#wake?.();
    const session = await this.#session.catch(() => undefined);
    await session?.close();
  }

  /** Initialize runs plugin code too: a hang there ends the session, PLUGIN_TIMEOUT. */
  async #initializeWithin(session: Session, config: Uint8Array): Promise<void> {
    const timeoutMs = this.#initTimeoutMs;
    const timer = setTimeout(() => {
      session.kill(
        new PluginError('PLUGIN_TIMEOUT', `Initialize took longer than ${timeoutMs} ms`, {
          details: { timeoutMs },
        }),
      );
    }, timeoutMs);
    try {
      await session.initialize(config);
    } finally {
      clearTimeout(timer);
    }
  }

  #install(session: Session): void {
    this.#current = session;
    this.#session = Promise.resolve(session);
  }

  /** Called by a session that ended other than through close(). */
  #ended(session: Session): void {
    if (session !== this.#current || this.#closed) return;
    this.#current = undefined;
    if (this.#config === undefined) return;
    this.#restarts += 1;
    this.#restartLater();
  }

  #restartLater(): void {
    this.#crashes += 1;
    const delay = restartDelay(this.#crashes);
    this.#session = quiet(this.#pause(delay).then(() => this.#replace()));
  }

  /** A pause that does not keep the process alive, and that close() cuts short. */
  #pause(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms).unref();
      this.#wake = done;
    });
  }

  async #replace(): Promise<Session> {
    const closed = () => new PluginError('PLUGIN_CLOSED', 'plugin is closed');
    if (this.#closed) throw closed();
    const fresh = await this.#start((session) => this.#ended(session));
    try {
      if (this.#config !== undefined) await this.#initializeWithin(fresh, this.#config);
      if (this.#closed) throw closed();
    } catch (error) {
      await fresh.close();
      throw error;
    }
    this.#install(fresh);
    return fresh;
  }
}
