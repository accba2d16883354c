// The worker's side of host calls: the call goes into the shared data area, the worker blocks
// in Atomics.wait until the main thread has served it (which may take an async host function).
import { type HostOp, TP_STATUS } from '../../host/api.js';
import {
  callHostByInvoke,
  decodeHostReply,
  encodeHostCall,
  type HostLink,
  type HostReply,
} from '../../host/link.js';
import { type ChannelViews, DEAD, HOST_CALL, LENGTH, STATE } from './channel.js';

export class WorkerHostLink implements HostLink {
  readonly #views: ChannelViews;

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
    const call = encodeHostCall(op, int, args);
    if (call.length > data.length) return { status: TP_STATUS.TOO_LARGE };
    data.set(call, 0);
    words[LENGTH] = call.length;
    Atomics.store(words, STATE, HOST_CALL);
    Atomics.notify(words, STATE);
    while (Atomics.load(words, STATE) === HOST_CALL) Atomics.wait(words, STATE, HOST_CALL);
    if (Atomics.load(words, STATE) === DEAD) return { status: TP_STATUS.CLOSED };
    return decodeHostReply(data.subarray(0, words[LENGTH]!));
  }
}
