// What a call cannot cost less than, measured in the same run as the calls: the raw Wasm export
// call (no checks, one preallocated region) and a bare round trip to a child process over fd 3.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

interface FloorExports {
  memory: WebAssembly.Memory;
  alloc(size: number): number;
  ProcessData(
    inPtr: number,
    inLen: number,
    outPtr: number,
    outCap: number,
    outLenPtr: number,
  ): number;
}

/**
 * Raw Wasm export call with one preallocated region: copy in, call, copy out, through views
 * made once (and again only if the memory grew and detached them): the least a host can do.
 */
export function wasmFloor(path: string): (input: Uint8Array) => Uint8Array {
  const module = new WebAssembly.Module(readFileSync(path));
  const instance = new WebAssembly.Instance(module, { env: { abort: () => {} } });
  const exports = instance.exports as unknown as FloorExports;
  const capacity = 2 * 1024 * 1024;
  const inPtr = exports.alloc(capacity);
  const outPtr = exports.alloc(capacity);
  const outLenPtr = exports.alloc(8);
  let memory = new Uint8Array(0);
  let words = new DataView(new ArrayBuffer(0));
  /** The views, made again once growth detached them (an empty view). */
  const bytes = () => {
    if (memory.length === 0) {
      memory = new Uint8Array(exports.memory.buffer);
      words = new DataView(exports.memory.buffer);
    }
    return memory;
  };
  return (input) => {
    bytes().set(input, inPtr);
    exports.ProcessData(inPtr, input.length, outPtr, capacity, outLenPtr);
    const view = bytes();
    return view.slice(outPtr, outPtr + words.getUint32(outLenPtr, true));
  };
}

/** A child that echoes whatever arrives on fd 3, as the plugin child would answer: the pipe floor. */
export function pipeFloor(): { call: (input: Uint8Array) => Promise<void>; close: () => void } {
  const echo = fileURLToPath(new URL('./pipe-echo.js', import.meta.url));
  const child = spawn(process.execPath, [echo], {
    stdio: ['ignore', 'inherit', 'inherit', 'pipe'],
  });
  const channel = child.stdio[3] as Socket;
  let awaited = 0;
  let done: () => void = () => undefined;
  channel.on('data', (chunk: Buffer) => {
    awaited -= chunk.length;
    if (awaited <= 0) done();
  });
  return {
    call(input) {
      awaited = input.length;
      const answered = new Promise<void>((resolve) => {
        done = resolve;
      });
      channel.write(input);
      return answered;
    },
    close: () => child.kill(),
  };
}
