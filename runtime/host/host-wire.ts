// Host calls cross from a worker or a child process to the main thread as bytes, and their
// replies come back the same way. A call:
//
//   u8   op        its index in HOST_OPS
//   i32  int       the integer argument (little-endian, as every number here)
//   u8   count     byte arguments (at most 3)
//   then per byte argument: u32 length, the bytes
//
// A reply: i32 status, u8 1 when bytes follow (else 0), the bytes.
//
// Written straight into the channel's buffer (a worker's shared memory) and read from it in
// place: a host call's own work is small, so the copies and the TextEncoder/TextDecoder the first
// version made per call were most of its cost on either side.
import { HOST_API_V1, HOST_OPS, type HostFunctionName, type HostOp, TP_STATUS } from './api.js';
import type { HostReply } from './link.js';
import type { PluginHost } from './plugin-host.js';

/** Byte arguments of each op: a call with another count is not one (PluginHost reads them all). */
const BYTE_ARGS: Record<HostOp, number> = {
  ...(Object.fromEntries(
    Object.entries(HOST_API_V1).map(([name, spec]) => [
      name,
      spec.params.filter((kind) => kind === 'bytes').length,
    ]),
  ) as Record<HostFunctionName, number>),
  wasi_write: 1,
  clock: 0,
  random: 0,
};

function writeU32(out: Uint8Array, at: number, value: number): void {
  out[at] = value & 0xff;
  out[at + 1] = (value >>> 8) & 0xff;
  out[at + 2] = (value >>> 16) & 0xff;
  out[at + 3] = (value >>> 24) & 0xff;
}

function readI32(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);
}

/** The bytes {@link writeHostCall} writes for these arguments. */
export function hostCallSize(args: readonly Uint8Array[]): number {
  let size = 6;
  for (const arg of args) size += 4 + arg.length;
  return size;
}

/** Writes the call at the start of `out` (at least {@link hostCallSize} long); returns its size. */
export function writeHostCall(
  out: Uint8Array,
  op: HostOp,
  int: number,
  args: readonly Uint8Array[],
): number {
  out[0] = HOST_OPS.indexOf(op);
  writeU32(out, 1, int);
  out[5] = args.length;
  let at = 6;
  for (const arg of args) {
    writeU32(out, at, arg.length);
    out.set(arg, at + 4);
    at += 4 + arg.length;
  }
  return at;
}

export function encodeHostCall(op: HostOp, int: number, args: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(hostCallSize(args));
  writeHostCall(out, op, int, args);
  return out;
}

export interface HostCall {
  readonly op: HostOp;
  readonly int: number;
  /** Views into the bytes decoded: valid until they are reused (the call's reply). */
  readonly args: readonly Uint8Array[];
}

/**
 * The call in `bytes`, or undefined when they are not one (a child process is not trusted to
 * send well-formed frames: every length is checked against what is there).
 */
export function decodeHostCall(bytes: Uint8Array): HostCall | undefined {
  if (bytes.length < 6) return undefined;
  const op = HOST_OPS[bytes[0]!];
  const count = bytes[5]!;
  if (op === undefined || count !== BYTE_ARGS[op]) return undefined;
  const args: Uint8Array[] = [];
  let at = 6;
  for (let index = 0; index < count; index += 1) {
    if (at + 4 > bytes.length) return undefined;
    const length = readI32(bytes, at) >>> 0;
    if (length > bytes.length - at - 4) return undefined;
    args.push(bytes.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return { op, int: readI32(bytes, 1), args };
}

/** What a host call that is not one answers. */
export const MALFORMED_CALL: HostReply = { status: TP_STATUS.INVALID };

/** The bytes {@link writeHostReply} writes. */
export function hostReplySize(reply: HostReply): number {
  return 5 + (reply.data?.length ?? 0);
}

/** Writes the reply at the start of `out` (at least {@link hostReplySize} long); returns its size. */
export function writeHostReply(out: Uint8Array, reply: HostReply): number {
  writeU32(out, 0, reply.status);
  const data = reply.data;
  out[4] = data === undefined ? 0 : 1;
  if (data === undefined) return 5;
  out.set(data, 5);
  return 5 + data.length;
}

export function encodeHostReply(reply: HostReply): Uint8Array {
  const out = new Uint8Array(hostReplySize(reply));
  writeHostReply(out, reply);
  return out;
}

/** The reply in `bytes`; its data is a copy (the bytes are the channel's, reused next call). */
export function decodeHostReply(bytes: Uint8Array): HostReply {
  if (bytes.length < 5) return { status: TP_STATUS.CLOSED };
  const status = readI32(bytes, 0);
  if (bytes[4] === 0) return { status };
  // set() into a fresh array: slice() of shared memory takes V8's slow path.
  const data = new Uint8Array(bytes.length - 5);
  data.set(bytes.subarray(5));
  return { status, data };
}

/** Serves the call in `bytes` on the main thread: its reply, or a promise of one. */
export function serveWireCall(
  host: Pick<PluginHost, 'serve'>,
  bytes: Uint8Array,
): HostReply | Promise<HostReply> {
  const call = decodeHostCall(bytes);
  return call === undefined ? MALFORMED_CALL : host.serve(call.op, call.int, call.args);
}
