// The binary protocol between a host and its plugin child process, over the child's fd 3 (a
// pipe; stdout and stderr stay the plugin's own). Every frame is
//
//   u32 little-endian  payload length
//   u8                 type
//   payload
//
// and the two sides take turns: the host sends one request, the child answers it with one frame,
// after any number of HOST_CALL frames, each answered by the host with one HOST_REPLY.
import { PluginError } from '../../errors.js';
import type { ResolvedGrants } from '../../host/grants.js';
import type { LoadPluginOptions, OptionsIn } from '../../options.js';

export const FRAME_HEADER_BYTES = 5;

/** Host to child. LOAD: u32 LE settings length, settings JSON, then the artifact's bytes. */
export const LOAD = 0x01;
/** Host to child: the config bytes for Initialize. */
export const INITIALIZE = 0x02;
/** Host to child: one ProcessData input. */
export const CALL = 0x03;
/** Host to child: call Cleanup, unload, exit. */
export const CLOSE = 0x04;
/** Host to child: the answer to the child's HOST_CALL (host/link.ts encodes it). */
export const HOST_REPLY = 0x05;
/** Child to host: a host call made while serving a request; the child blocks until HOST_REPLY. */
export const HOST_CALL = 0x85;
/** Child to host: loaded; JSON { backend, info, exports }. */
export const READY = 0x81;
/** Child to host: INITIALIZE or CLOSE done; empty. */
export const DONE = 0x82;
/** Child to host: the output of a CALL. */
export const OUTPUT = 0x83;
/** Child to host: the request failed; a PluginError as JSON. */
export const FAILED = 0x84;

/**
 * Settings a child needs to load its artifact as the host would: the `child` layer of the option
 * table, resolved, with the artifact's name and hash. `dependencyDir` is a Windows DLL's folder
 * (the child has the bytes, not the path).
 */
export type ChildSettings = Pick<LoadPluginOptions, OptionsIn<'child'>> & {
  readonly fileName: string;
  readonly sha256: string;
  /** The plugin's grants, resolved by the host: the child checks imports against them. */
  readonly grants: ResolvedGrants;
};

export interface Frame {
  readonly type: number;
  readonly payload: Uint8Array;
}

export function frameHeader(type: number, length: number): Uint8Array {
  const header = new Uint8Array(FRAME_HEADER_BYTES);
  new DataView(header.buffer).setUint32(0, length, true);
  header[4] = type;
  return header;
}

/** Frames up to this size are copied into one buffer for one write; larger ones are written as header and payload. */
export const SMALL_FRAME_BYTES = 16 * 1024;

/** One frame in one buffer: header and payload (one write, one syscall for small frames). */
export function encodeFrame(type: number, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  frame.set(frameHeader(type, payload.length), 0);
  frame.set(payload, FRAME_HEADER_BYTES);
  return frame;
}

export function encodeLoad(settings: ChildSettings, artifact: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(settings));
  const payload = new Uint8Array(4 + json.length + artifact.length);
  new DataView(payload.buffer).setUint32(0, json.length, true);
  payload.set(json, 4);
  payload.set(artifact, 4 + json.length);
  return encodeFrame(LOAD, payload);
}

export function decodeLoad(payload: Uint8Array): { settings: ChildSettings; artifact: Uint8Array } {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const length = view.getUint32(0, true);
  const settings = JSON.parse(new TextDecoder().decode(payload.subarray(4, 4 + length)));
  return { settings: settings as ChildSettings, artifact: payload.subarray(4 + length) };
}

export function encodeJson(type: number, value: unknown): Uint8Array {
  return encodeFrame(type, new TextEncoder().encode(JSON.stringify(value)));
}

export function decodeJson(payload: Uint8Array): unknown {
  return JSON.parse(new TextDecoder().decode(payload));
}

function protocolError(message: string): PluginError {
  return new PluginError('PLUGIN_CRASHED', `plugin child broke the frame protocol: ${message}`);
}

/** An array of `length` bytes for a frame's payload, not zero-filled first (it is overwritten). */
function payloadBuffer(length: number): Uint8Array {
  return new Uint8Array(Buffer.allocUnsafeSlow(length).buffer, 0, length);
}

/**
 * Reassembles frames from the chunks a stream delivers, however they are cut. Each payload is
 * its own array (offset 0, exact length), filled once from the chunks: the caller may hand it
 * out as it is.
 */
export class FrameReader {
  readonly #maxPayload: number;
  readonly #header = new Uint8Array(FRAME_HEADER_BYTES);
  #headerFilled = 0;
  #type = 0;
  #payload: Uint8Array | undefined;
  #payloadFilled = 0;

  constructor(maxPayload: number) {
    this.#maxPayload = maxPayload;
  }

  /** Adds a chunk; returns the frames it completed. */
  push(chunk: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    let offset = 0;
    while (offset < chunk.length || this.#payload?.length === 0) {
      if (this.#payload === undefined) {
        offset = this.#readHeader(chunk, offset);
        continue;
      }
      const take = Math.min(this.#payload.length - this.#payloadFilled, chunk.length - offset);
      this.#payload.set(chunk.subarray(offset, offset + take), this.#payloadFilled);
      this.#payloadFilled += take;
      offset += take;
      if (this.#payloadFilled === this.#payload.length) {
        frames.push({ type: this.#type, payload: this.#payload });
        this.#payload = undefined;
      }
    }
    return frames;
  }

  #readHeader(chunk: Uint8Array, offset: number): number {
    const take = Math.min(FRAME_HEADER_BYTES - this.#headerFilled, chunk.length - offset);
    this.#header.set(chunk.subarray(offset, offset + take), this.#headerFilled);
    this.#headerFilled += take;
    if (this.#headerFilled < FRAME_HEADER_BYTES) return offset + take;
    const length = new DataView(this.#header.buffer).getUint32(0, true);
    if (length > this.#maxPayload) throw protocolError(`a ${length}-byte frame`);
    this.#headerFilled = 0;
    this.#type = this.#header[4]!;
    this.#payload = payloadBuffer(length);
    this.#payloadFilled = 0;
    return offset + take;
  }
}
