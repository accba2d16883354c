import type { HostOp } from './api.js';

/** A host call's answer: a TP_STATUS code and, for kv_get, call_host, clock and random, bytes. */
export interface HostReply {
  readonly status: number;
  readonly data?: Uint8Array | undefined;
}

/**
 * How a plugin's thread reaches its host, synchronously: the host itself in-process, the shared
 * channel from a worker, the frame channel from a child process. `int` is the one integer
 * argument (a log level, a file descriptor, a clock id, a byte count), `args` the byte arguments.
 */
export interface HostLink {
  invoke(op: HostOp, int: number, args: readonly Uint8Array[]): HostReply;
  /**
   * `call_host`, the one a plugin may make in a tight loop, without the generic call's arrays
   * and reply object: the name is the bytes `[nameAt, nameAt + nameLength)` of `names` (a
   * DataView: a name is compared a word at a time) and the input
   * `inputs[inputAt, inputAt + inputLength)`, both already bounds-checked and read before this
   * returns. The output on TP_OK, else the status.
   */
  callHost(
    names: DataView,
    nameAt: number,
    nameLength: number,
    inputs: Uint8Array,
    inputAt: number,
    inputLength: number,
  ): Uint8Array | number;
}

/** A link's `callHost` over its generic `invoke`: for links where the crossing costs far more. */
export function callHostByInvoke(
  link: Pick<HostLink, 'invoke'>,
  names: DataView,
  nameAt: number,
  nameLength: number,
  inputs: Uint8Array,
  inputAt: number,
  inputLength: number,
): Uint8Array | number {
  const args = [
    new Uint8Array(names.buffer, names.byteOffset + nameAt, nameLength),
    inputs.subarray(inputAt, inputAt + inputLength),
  ];
  const reply = link.invoke('call_host', 0, args);
  return reply.status === 0 && reply.data !== undefined ? reply.data : reply.status;
}
