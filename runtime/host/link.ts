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

/** Host calls cross to the main thread as data; these turn them into bytes and back. */
export function encodeHostCall(op: HostOp, int: number, args: readonly Uint8Array[]): Uint8Array {
  const opBytes = new TextEncoder().encode(op);
  let size = 1 + opBytes.length + 4 + 4;
  for (const arg of args) size += 4 + arg.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out[0] = opBytes.length;
  out.set(opBytes, 1);
  let offset = 1 + opBytes.length;
  view.setInt32(offset, int, true);
  view.setUint32(offset + 4, args.length, true);
  offset += 8;
  for (const arg of args) {
    view.setUint32(offset, arg.length, true);
    out.set(arg, offset + 4);
    offset += 4 + arg.length;
  }
  return out;
}

export function decodeHostCall(bytes: Uint8Array): {
  op: HostOp;
  int: number;
  args: Uint8Array[];
} {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const opLength = bytes[0]!;
  const op = new TextDecoder().decode(bytes.subarray(1, 1 + opLength)) as HostOp;
  let offset = 1 + opLength;
  const int = view.getInt32(offset, true);
  const count = view.getUint32(offset + 4, true);
  offset += 8;
  const args: Uint8Array[] = [];
  for (let index = 0; index < count; index += 1) {
    const length = view.getUint32(offset, true);
    args.push(bytes.slice(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  return { op, int, args };
}

export function encodeHostReply(reply: HostReply): Uint8Array {
  const data = reply.data;
  const out = new Uint8Array(5 + (data?.length ?? 0));
  const view = new DataView(out.buffer);
  view.setInt32(0, reply.status, true);
  out[4] = data === undefined ? 0 : 1;
  if (data !== undefined) out.set(data, 5);
  return out;
}

export function decodeHostReply(bytes: Uint8Array): HostReply {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const status = view.getInt32(0, true);
  return bytes[4] === 0 ? { status } : { status, data: bytes.slice(5) };
}
