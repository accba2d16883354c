import { readFileSync } from 'node:fs';
import { PluginError } from '../errors.js';
import type { PluginCore } from '../managed-plugin.js';
import type { Backend, PluginInfo } from '../plugin.js';
import type { SessionHello, StartSession } from './session.js';
import { Slot } from './slot.js';

/**
 * A plugin run by workers or child processes: `concurrency` slots, each with its own session,
 * behind the same PluginCore contract as an in-process backend. The guard (ManagedPlugin) lets
 * at most `concurrency` calls in at once, so a call always finds a free slot.
 */
const PAGE_BYTES = 4096;

/** A process's resident set from /proc/<pid>/statm (pages); undefined elsewhere or once gone. */
function residentBytes(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ');
    return Number(fields[1]) * PAGE_BYTES;
  } catch {
    return undefined;
  }
}

export class IsolatedCore implements PluginCore {
  readonly backend: Backend;
  readonly info: PluginInfo;
  readonly exports: readonly string[];
  readonly #slots: readonly Slot[];
  readonly #free: Slot[];

  private constructor(slots: Slot[], hello: SessionHello) {
    this.#slots = slots;
    this.#free = [...slots];
    this.backend = hello.backend;
    this.info = hello.info;
    this.exports = hello.exports;
  }

  /**
   * Starts every slot's first session; fails, leaving nothing running, if any cannot load.
   * `initTimeoutMs` bounds Initialize, at load and after each restart.
   */
  static async open(
    start: StartSession,
    concurrency: number,
    initTimeoutMs: number,
  ): Promise<IsolatedCore> {
    let hello: SessionHello | undefined;
    const recordingStart: StartSession = async (onEnded) => {
      const session = await start(onEnded);
      hello ??= session.hello;
      return session;
    };
    const opened = await Promise.allSettled(
      Array.from({ length: concurrency }, () => Slot.open(recordingStart, initTimeoutMs)),
    );
    const slots = opened.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const failure = opened.find((result) => result.status === 'rejected');
    if (failure !== undefined || hello === undefined) {
      await Promise.all(slots.map((slot) => slot.close()));
      throw (failure as PromiseRejectedResult | undefined)?.reason;
    }
    return new IsolatedCore(slots, hello);
  }

  async initialize(config: Uint8Array): Promise<void> {
    await Promise.all(this.#slots.map((slot) => slot.initialize(config)));
  }

  call(input: Uint8Array, signal?: AbortSignal): Promise<Uint8Array> {
    const slot = this.#free.pop();
    if (slot === undefined) {
      return Promise.reject(new PluginError('PLUGIN_OVERLOADED', 'every worker or child is busy'));
    }
    const call = slot.call(input, signal);
    const release = () => {
      this.#free.push(slot);
    };
    call.then(release, release);
    return call;
  }

  interrupt(call: Promise<Uint8Array>, reason: PluginError): boolean {
    for (const slot of this.#slots) {
      const outcome = slot.interrupt(call, reason);
      if (outcome !== 'not-mine') return outcome === 'ended';
    }
    return true;
  }

  /** Child processes: their resident set (Linux /proc); a worker's memory is estimated instead. */
  memoryBytes(): number | undefined {
    const pids = this.health().pids;
    if (pids.length === 0) return undefined;
    let total = 0;
    for (const pid of pids) {
      const rss = residentBytes(pid);
      if (rss === undefined) return undefined;
      total += rss;
    }
    return total;
  }

  health(): { restarts: number; pids: number[] } {
    return {
      restarts: this.#slots.reduce((sum, slot) => sum + slot.restarts, 0),
      pids: this.#slots.flatMap((slot) => (slot.pid === undefined ? [] : [slot.pid])),
    };
  }

  async dispose(): Promise<void> {
    await Promise.all(this.#slots.map((slot) => slot.close()));
  }
}
