// The plugin host child: loads one plugin in-process and answers frames on fd 3 (frames.ts)
// until CLOSE or until the parent goes away. It blocks in read(2) between requests and does
// nothing else, so a request costs one read and one write. A crash here ends only this process.
import { readSync, writeSync, writevSync } from 'node:fs';
import { toPluginError } from '../../errors.js';
import { type HostOp, TP_STATUS } from '../../host/api.js';
import { decodeHostReply, encodeHostCall } from '../../host/host-wire.js';
import { callHostByInvoke, type HostLink, type HostReply } from '../../host/link.js';
import { openInProcessCore } from '../../in-process-core.js';
import { loadArtifact } from '../../loaded-artifact.js';
import type { PluginCore } from '../../managed-plugin.js';
import { resolveLoadOptions } from '../../options.js';
import {
  CALL,
  CLOSE,
  DONE,
  decodeLoad,
  encodeFrame,
  encodeJson,
  FAILED,
  FRAME_HEADER_BYTES,
  type Frame,
  frameHeader,
  HOST_CALL,
  HOST_REPLY,
  INITIALIZE,
  LOAD,
  OUTPUT,
  READY,
  SMALL_FRAME_BYTES,
} from './frames.js';
import { closeInheritedDescriptors } from './inherited-descriptors.js';

const CHANNEL_FD = 3;
const EMPTY = new Uint8Array(0);
const pause = new Int32Array(new SharedArrayBuffer(4));

/** read(2) that waits out EAGAIN (a pipe end left non-blocking); 0 once the parent is gone. */
function readSome(buffer: Uint8Array, offset: number): number {
  for (;;) {
    try {
      return readSync(CHANNEL_FD, buffer, offset, buffer.length - offset, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Windows reports a pipe whose other end closed as an error, not as a 0-byte read.
      if (code === 'EOF' || code === 'EPIPE') return 0;
      if (code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

/** Sends a frame: one copy and one write when small, one writev of header and payload when large. */
function send(type: number, payload: Uint8Array): void {
  if (payload.length <= SMALL_FRAME_BYTES) {
    writeAll(encodeFrame(type, payload));
    return;
  }
  const header = frameHeader(type, payload.length);
  let written: number;
  try {
    written = writevSync(CHANNEL_FD, [header, payload]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    written = 0;
  }
  // A short writev (a full pipe): the rest goes out the slow way.
  if (written < header.length) writeAll(header.subarray(written));
  writeAll(payload.subarray(Math.max(0, written - header.length)));
}

function writeAll(bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(CHANNEL_FD, bytes, offset, bytes.length - offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

/** Where frames are read into: requests into one, host replies into the other, so that a host
 * reply never overwrites the input a native plugin is still reading. */
interface Inbox {
  bytes: Uint8Array;
}
const requests: Inbox = { bytes: new Uint8Array(64 * 1024) };
const replies: Inbox = { bytes: new Uint8Array(4 * 1024) };

/** The next frame, or undefined when the parent closed the channel. */
function readFrame(box: Inbox = requests): Frame | undefined {
  let inbox = box.bytes;
  let filled = 0;
  let needed = FRAME_HEADER_BYTES;
  while (filled < needed) {
    if (filled === inbox.length) inbox = box.bytes = grow(inbox, needed);
    const count = readSome(inbox, filled);
    if (count === 0) return undefined;
    filled += count;
    if (filled >= FRAME_HEADER_BYTES) {
      needed = FRAME_HEADER_BYTES + new DataView(inbox.buffer).getUint32(0, true);
      if (needed > inbox.length) inbox = box.bytes = grow(inbox, needed);
    }
  }
  return { type: inbox[4]!, payload: inbox.subarray(FRAME_HEADER_BYTES, needed) };
}

function grow(buffer: Uint8Array, needed: number): Uint8Array {
  const bigger = new Uint8Array(Math.max(needed, buffer.length * 2));
  bigger.set(buffer);
  return bigger;
}

/** The child's side of host calls: one HOST_CALL frame out, a blocking read for the HOST_REPLY. */
const frameHostLink: HostLink = {
  invoke(op: HostOp, int: number, args: readonly Uint8Array[]): HostReply {
    send(HOST_CALL, encodeHostCall(op, int, args));
    const frame = readFrame(replies);
    if (frame?.type !== HOST_REPLY) return { status: TP_STATUS.CLOSED };
    return decodeHostReply(frame.payload);
  },
  callHost(names, nameAt, nameLength, inputs, inputAt, inputLength) {
    return callHostByInvoke(this, names, nameAt, nameLength, inputs, inputAt, inputLength);
  },
};

async function load(payload: Uint8Array): Promise<PluginCore> {
  const { settings, artifact } = decodeLoad(payload);
  const { grants, ...rest } = settings;
  // The parent ends the child on a timeout: a Wasm module in it needs no meter.
  const options = {
    ...resolveLoadOptions({ ...rest, bytes: artifact.slice(), metering: false }),
    grants,
  };
  return openInProcessCore(await loadArtifact(options), options, frameHostLink);
}

function fail(error: unknown): void {
  writeAll(encodeJson(FAILED, toPluginError(error, 'PLUGIN_CALL_FAILED', 'failed').toJSON()));
}

/** Answers one request; returns false once the child should exit. */
function serve(core: PluginCore, frame: Frame): boolean {
  try {
    if (frame.type === CALL) send(OUTPUT, core.call(frame.payload) as Uint8Array);
    else if (frame.type === INITIALIZE) {
      core.initialize(frame.payload.slice());
      writeAll(encodeFrame(DONE, EMPTY));
    } else if (frame.type === CLOSE) {
      core.dispose();
      writeAll(encodeFrame(DONE, EMPTY));
      return false;
    }
  } catch (error) {
    fail(error);
  }
  return true;
}

async function main(): Promise<void> {
  // Before any plugin code runs: only stdio and the channel stay open to it.
  closeInheritedDescriptors(CHANNEL_FD);
  const first = readFrame();
  if (first?.type !== LOAD) return;
  let core: PluginCore;
  try {
    core = await load(first.payload);
  } catch (error) {
    fail(error);
    return;
  }
  writeAll(encodeJson(READY, { backend: core.backend, info: core.info, exports: core.exports }));
  for (let frame = readFrame(); frame !== undefined; frame = readFrame()) {
    if (!serve(core, frame)) return;
  }
  core.dispose(); // the parent went away: unload and remove the shadow copy
}

await main();
process.exit(0);
