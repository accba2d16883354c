import { describe, expect, it } from 'vitest';
import { PluginError } from '../errors.js';
import { RESTART_BASE_MS } from './restart-backoff.js';
import type { Session, StartSession } from './session.js';
import { Slot } from './slot.js';

const hello = {
  backend: 'wasm' as const,
  info: { name: 'fake', version: '1.0.0', abi: 1 as const, description: '' },
  exports: ['ProcessData'],
};

interface FakeOptions {
  /** Initialize never settles (until the session is killed). */
  hangInInitialize?: boolean;
  /** Calls never settle (until the session is killed). */
  hangInCall?: boolean;
}

/** Sessions that echo, numbered in start order, killable like real ones. */
function fakeSessions(options: (index: number) => FakeOptions = () => ({})) {
  const started: FakeSession[] = [];
  class FakeSession implements Session {
    readonly hello = hello;
    readonly pid: number;
    ended: PluginError | undefined;
    closed = false;
    readonly #onEnded: (session: Session) => void;
    readonly #options: FakeOptions;
    #fail: ((error: PluginError) => void) | undefined;

    constructor(pid: number, onEnded: (session: Session) => void) {
      this.pid = pid;
      this.#onEnded = onEnded;
      this.#options = options(pid);
    }

    initialize(): Promise<void> {
      return this.#maybeHang(this.#options.hangInInitialize, undefined);
    }

    call(input: Uint8Array): Promise<Uint8Array> {
      if (this.ended !== undefined) return Promise.reject(this.ended);
      return this.#maybeHang(this.#options.hangInCall, Uint8Array.of(this.pid, ...input));
    }

    #maybeHang<T>(hang: boolean | undefined, value: T): Promise<T> {
      if (!hang) return Promise.resolve(value);
      return new Promise<T>((_, reject) => {
        this.#fail = reject;
      });
    }

    kill(reason: PluginError): void {
      if (this.ended !== undefined) return;
      this.ended = reason;
      this.#fail?.(reason);
      this.#onEnded(this);
    }

    async close(): Promise<void> {
      this.closed = true;
    }
  }
  const start: StartSession = async (onEnded) => {
    const session = new FakeSession(started.length, onEnded);
    started.push(session);
    return session;
  };
  return { start, started };
}

const crash = () => new PluginError('PLUGIN_CRASHED', 'gone');

describe('Slot', () => {
  it('replaces a session that ended, initialises the replacement with the same config', async () => {
    const { start, started } = fakeSessions();
    const slot = await Slot.open(start, 1000);
    await slot.initialize(Uint8Array.of(9));
    expect(await slot.call(Uint8Array.of(1))).toEqual(Uint8Array.of(0, 1));
    started[0]!.kill(crash());
    expect(await slot.call(Uint8Array.of(2))).toEqual(Uint8Array.of(1, 2));
    expect([slot.restarts, slot.pid, started.length]).toEqual([1, 1, 2]);
    await slot.close();
    expect(started[1]!.closed).toBe(true);
  });

  it('a hanging Initialize at load is PLUGIN_TIMEOUT and is not restarted', async () => {
    const { start, started } = fakeSessions(() => ({ hangInInitialize: true }));
    const slot = await Slot.open(start, 20);
    await expect(slot.initialize(new Uint8Array(0))).rejects.toMatchObject({
      code: 'PLUGIN_TIMEOUT',
    });
    expect([slot.restarts, started.length]).toEqual([0, 1]);
  });

  it('a replacement whose Initialize hangs fails the waiting call; the next call tries again', async () => {
    const { start, started } = fakeSessions((index) => ({ hangInInitialize: index === 1 }));
    const slot = await Slot.open(start, 20);
    await slot.initialize(new Uint8Array(0));
    started[0]!.kill(crash());
    await expect(slot.call(Uint8Array.of(1))).rejects.toMatchObject({ code: 'PLUGIN_TIMEOUT' });
    expect(await slot.call(Uint8Array.of(2))).toEqual(Uint8Array.of(2, 2));
    expect(started.length).toBe(3);
  });

  it('interrupt ends the session running the call, and only that call', async () => {
    const { start, started } = fakeSessions((index) => ({ hangInCall: index === 0 }));
    const slot = await Slot.open(start, 1000);
    await slot.initialize(new Uint8Array(0));
    const call = slot.call(Uint8Array.of(1));
    await Promise.resolve();
    expect(slot.interrupt(Promise.resolve(new Uint8Array()), crash())).toBe('not-mine');
    const timeout = new PluginError('PLUGIN_TIMEOUT', 'late');
    expect(slot.interrupt(call, timeout)).toBe('ended');
    await expect(call).rejects.toBe(timeout);
    expect(started[0]!.ended).toBe(timeout);
    expect(await slot.call(Uint8Array.of(3))).toEqual(Uint8Array.of(1, 3));
  });

  it('close during the pause before a restart starts nothing', async () => {
    const { start, started } = fakeSessions();
    const slot = await Slot.open(start, 1000);
    await slot.initialize(new Uint8Array(0));
    started[0]!.kill(crash()); // the first restart starts at once
    while (started.length < 2) await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    started[1]!.kill(crash()); // the second in a row waits RESTART_BASE_MS first
    await slot.close();
    await new Promise((resolve) => setTimeout(resolve, RESTART_BASE_MS * 2));
    expect(started.length).toBe(2);
    expect(slot.restarts).toBe(2);
  });
});
