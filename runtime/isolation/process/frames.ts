// The binary protocol between a host and its plugin child process, over the child's fd 3 (a
// pipe; stdout and stderr stay the plugin's own). Every frame is
//
//   u32 little-endian  payload length
//   u8                 type
//   payload
//
// and the two sides take turns: the host sends one request, the child answers it with one frame.
import { PluginError } from '../../errors.js';

export const FRAME_HEADER_BYTES = 5;

/** Host to child. LOAD: u32 LE settings length, settings JSON, then the artifact's bytes. */
export const LOAD = 0x01;
/** Host to child: the config bytes for Initialize. */
export const INITIALIZE = 0x02;
/** Host to child: one ProcessData input. */
export const CALL = 0x03;
/** Host to child: call Cleanup, unload, exit. */
export const CLOSE = 0x04;
/** Child to host: loaded; JSON { backend, info, exports }. */
export const READY = 0x81;
/** Child to host: INITIALIZE or CLOSE done; empty. */
export const DONE = 0x82;
/** Child to host: the output of a CALL. */
export const OUTPUT = 0x83;
/** Child to host: the request failed; a PluginError as JSON. */
export const FAILED = 0x84;

/** Settings a child needs to load its artifact as the host would. */
export interface ChildSettings {
  readonly fileName: string;
  readonly sha256: string;
  readonly maxOutputBytes: number;
  readonly maxMemoryPages: number;
  readonly callingConvention: 'cdecl' | 'stdcall';
  readonly shadowDir: string;
}

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

/** Reassembles frames from the chunks a stream delivers, however they are cut. */
export class FrameReader {
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  readonly #maxPayload: number;

  constructor(maxPayload: number) {
    this.#maxPayload = maxPayload;
  }

  /** Adds a chunk; returns the frames it completed. */
  push(chunk: Uint8Array): Frame[] {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const frames: Frame[] = [];
    for (;;) {
      if (this.#buffered < FRAME_HEADER_BYTES) return frames;
      const head = this.#peek(FRAME_HEADER_BYTES);
      const length = new DataView(head.buffer, head.byteOffset, 4).getUint32(0, true);
      if (length > this.#maxPayload) throw protocolError(`a ${length}-byte frame`);
      if (this.#buffered < FRAME_HEADER_BYTES + length) return frames;
      const bytes = this.#take(FRAME_HEADER_BYTES + length);
      frames.push({ type: bytes[4]!, payload: bytes.subarray(FRAME_HEADER_BYTES) });
    }
  }

  #peek(count: number): Uint8Array {
    const first = this.#chunks[0]!;
    if (first.length >= count) return first;
    this.#merge();
    return this.#chunks[0]!;
  }

  #take(count: number): Uint8Array {
    this.#peek(count);
    const first = this.#chunks[0]!;
    if (first.length < count) this.#merge();
    const merged = this.#chunks[0]!;
    const taken = merged.subarray(0, count);
    const rest = merged.subarray(count);
    if (rest.length > 0) this.#chunks[0] = rest;
    else this.#chunks.shift();
    this.#buffered -= count;
    return taken;
  }

  #merge(): void {
    const merged = new Uint8Array(this.#buffered);
    let offset = 0;
    for (const chunk of this.#chunks) {
      merged.set(chunk, offset);
      offset += chunk.length;
    }
    this.#chunks = [merged];
  }
}
