// The worker's side of host calls: the call goes into the shared data area, the worker waits
// until the main thread has served it (which may take an async host function).
import { type HostOp, TP_STATUS } from '../../host/api.js';
import { decodeHostReply, hostCallSize, writeHostCall } from '../../host/host-wire.js';
import { callHostByInvoke, type HostLink, type HostReply } from '../../host/link.js';
import { type ChannelViews, DEAD, HOST_CALL, LENGTH, STATE } from './channel.js';
import { SpinPolicy } from './spin-policy.js';

/**
 * How long the worker spins for the reply before it sleeps in Atomics.wait. The main thread
 * serves a host call at once when it was waiting for this request, so a reply comes within
 * microseconds; a sleep costs a wake-up, which under load takes as long as a whole call.
 */
const REPLY_SPIN_MS = 0.05;

export class WorkerHostLink implements HostLink {
  readonly #views: ChannelViews;
  readonly #spin = new SpinPolicy();

  constructor(views: ChannelViews) {
    this.#views = views;
  }

  callHost(
    names: DataView,
    nameAt: number,
    nameLength: number,
    inputs: Uint8Array,
    inputAt: number,
    inputLength: number,
  ): Uint8Array | number {
    return callHostByInvoke(this, names, nameAt, nameLength, inputs, inputAt, inputLength);
  }

  invoke(op: HostOp, int: number, args: readonly Uint8Array[]): HostReply {
    const { words, data } = this.#views;
    if (hostCallSize(args) > data.length) return { status: TP_STATUS.TOO_LARGE };
    words[LENGTH] = writeHostCall(data, op, int, args);
    Atomics.store(words, STATE, HOST_CALL);
    Atomics.notify(words, STATE);
    this.#waitForReply(words);
    if (Atomics.load(words, STATE) === DEAD) return { status: TP_STATUS.CLOSED };
    return decodeHostReply(data.subarray(0, words[LENGTH]!));
  }

  #waitForReply(words: Int32Array): void {
    const spinning = this.#spin.shouldSpin();
    if (spinning) {
      const until = performance.now() + REPLY_SPIN_MS;
      while (Atomics.load(words, STATE) === HOST_CALL && performance.now() < until);
      this.#spin.record(Atomics.load(words, STATE) !== HOST_CALL);
    }
    while (Atomics.load(words, STATE) === HOST_CALL) Atomics.wait(words, STATE, HOST_CALL);
  }
}
