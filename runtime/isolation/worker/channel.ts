// The shared-memory channel between a host and its Wasm worker. One SharedArrayBuffer per
// worker: a 32-byte header of Int32 words, then the data area.
//
//   word 0  STATE   IDLE -> REQUEST (host) -> RESPONSE (worker) -> REQUEST ...; DEAD (host, on exit).
//                   While serving a request the worker may make host calls: it stores HOST_CALL
//                   (the data area holds the call) and waits; the host stores HOST_REPLY (the data
//                   area holds the reply) and waits on, until RESPONSE or the next HOST_CALL.
//   word 1  OP      what the host asks: CALL, INITIALIZE, CLOSE
//   word 2  LENGTH  bytes of the request's or the response's payload
//   word 3  FLAGS   INLINE: the payload is in the data area; VIA_PORT: it did not fit and came as
//                   one message on the MessagePort; ERROR: the data area holds a PluginError as JSON
//   word 4  BUSY_US how long the worker took over the request, in microseconds: what the host
//                   spins for next time (a wake-up's latency must not count, or a slow phase
//                   would shorten the spin and make every call slow)
//
// Each side writes the payload and the words, then stores STATE and notifies. The worker blocks
// in Atomics.wait; the host spins briefly and then awaits Atomics.waitAsync, so a small call costs
// two memory copies and two wake-ups, and no postMessage.
import type { MessagePort } from 'node:worker_threads';
import type { ResolvedGrants } from '../../host/grants.js';

export const STATE = 0;
export const OP = 1;
export const LENGTH = 2;
export const FLAGS = 3;
export const BUSY_US = 4;
export const HEADER_BYTES = 32;

export const IDLE = 0;
export const REQUEST = 1;
export const RESPONSE = 2;
export const DEAD = 3;
export const HOST_CALL = 4;
export const HOST_REPLY = 5;

export const OP_CALL = 1;
export const OP_INITIALIZE = 2;
export const OP_CLOSE = 3;

export const INLINE = 0;
export const VIA_PORT = 1;
export const ERROR = 2;

/** Payloads up to this size travel in shared memory; larger ones as one message each. */
export const DEFAULT_DATA_BYTES = 1024 * 1024;

/** Both sides' views of one channel buffer. */
export interface ChannelViews {
  readonly words: Int32Array;
  readonly data: Uint8Array;
}

export function channelViews(buffer: SharedArrayBuffer): ChannelViews {
  return {
    words: new Int32Array(buffer, 0, HEADER_BYTES / 4),
    data: new Uint8Array(buffer, HEADER_BYTES),
  };
}

export function createChannel(dataBytes = DEFAULT_DATA_BYTES): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_BYTES + dataBytes);
}

/** What the worker gets at start, besides the channel and its port. */
export interface WorkerStart {
  readonly module: WebAssembly.Module;
  readonly grants: ResolvedGrants;
  readonly fileName: string;
  readonly maxMemoryPages: number;
  readonly maxOutputBytes: number;
  readonly buffer: SharedArrayBuffer;
  readonly port: MessagePort;
}

/** The worker's first message: the plugin loaded, or why it did not. */
export type WorkerHello =
  | { readonly type: 'ready'; readonly info: unknown; readonly exports: readonly string[] }
  | { readonly type: 'failed'; readonly error: unknown };
