// The Wasm worker: instantiates the plugin (compiled and checked by the host) and serves
// requests from the shared channel until told to close. It never returns to its event loop
// while serving, so nothing but the channel reaches it.
import {
  type MessagePort,
  parentPort,
  receiveMessageOnPort,
  workerData,
} from 'node:worker_threads';
import { createWasmCore } from '../../backends/wasm/index.js';
import { toPluginError } from '../../errors.js';
import { HOST_MODULE } from '../../host/api.js';
import { WASI_MODULE } from '../../host/wasi.js';
import type { PluginCore } from '../../managed-plugin.js';
import {
  BUSY_US,
  type ChannelViews,
  channelViews,
  ERROR,
  FLAGS,
  INLINE,
  LENGTH,
  OP,
  OP_CALL,
  OP_CLOSE,
  REQUEST,
  RESPONSE,
  STATE,
  VIA_PORT,
  type WorkerHello,
  type WorkerStart,
} from './channel.js';
import { SpinPolicy } from './spin-policy.js';
import { WorkerHostLink } from './worker-host-link.js';

/** How long to spin for the next request before sleeping in Atomics.wait (back-to-back calls),
 * while spinning pays off (SpinPolicy). */
const SPIN_MS = 0.1;
const EMPTY = new Uint8Array(0);
/** When the request being served arrived (performance.now()). */
let started = 0;

const spin = new SpinPolicy();
/**
 * A host call reuses the data area, so a plugin that can make one (a re-created instance's
 * _initialize, before its input is copied into Wasm memory) gets its request copied out first.
 */
let copyRequests = false;

function waitForRequest(words: Int32Array): void {
  const spinning = spin.shouldSpin();
  const until = spinning ? performance.now() + SPIN_MS : 0;
  let slept = false;
  for (;;) {
    const state = Atomics.load(words, STATE);
    if (state === REQUEST) break;
    if (spinning && !slept && performance.now() < until) continue;
    // Sleeps only while the word still holds what was just read: no wake-up can be missed.
    Atomics.wait(words, STATE, state);
    slept = true;
  }
  if (spinning) spin.record(!slept);
}

function readRequest(views: ChannelViews, port: MessagePort): Uint8Array {
  const length = views.words[LENGTH]!;
  if (views.words[FLAGS] === VIA_PORT) return receiveMessageOnPort(port)?.message as Uint8Array;
  if (!copyRequests) return views.data.subarray(0, length);
  // set() into a fresh array: slice() on shared memory takes V8's slow path.
  const copy = new Uint8Array(length);
  copy.set(views.data.subarray(0, length));
  return copy;
}

function respond(views: ChannelViews, port: MessagePort, output: Uint8Array, flags = INLINE): void {
  if (output.length <= views.data.length) {
    views.data.set(output, 0);
    views.words[FLAGS] = flags;
  } else {
    port.postMessage(output);
    views.words[FLAGS] = VIA_PORT;
  }
  views.words[LENGTH] = output.length;
  views.words[BUSY_US] = Math.ceil((performance.now() - started) * 1000);
  Atomics.store(views.words, STATE, RESPONSE);
  Atomics.notify(views.words, STATE);
}

function respondError(views: ChannelViews, port: MessagePort, error: unknown): void {
  const json = toPluginError(error, 'PLUGIN_CALL_FAILED', 'ProcessData failed').toJSON();
  const bytes = new TextEncoder().encode(JSON.stringify(json));
  respond(views, port, bytes.subarray(0, views.data.length), ERROR);
}

function handle(core: PluginCore, op: number, payload: Uint8Array): Uint8Array {
  if (op === OP_CALL) return core.call(payload) as Uint8Array;
  // Initialize keeps its config to re-initialise after a trap: it must not alias the channel.
  if (op === OP_CLOSE) core.dispose();
  else core.initialize(payload.slice());
  return EMPTY;
}

function serve(core: PluginCore, views: ChannelViews, port: MessagePort): void {
  for (;;) {
    waitForRequest(views.words);
    const op = views.words[OP]!;
    started = performance.now();
    try {
      respond(views, port, handle(core, op, readRequest(views, port)));
    } catch (error) {
      respondError(views, port, error);
    }
    if (op === OP_CLOSE) return;
  }
}

function main(): void {
  const start = workerData as WorkerStart;
  let core: PluginCore;
  try {
    core = createWasmCore(start.module, start, new WorkerHostLink(channelViews(start.buffer)));
  } catch (error) {
    const failed: WorkerHello = {
      type: 'failed',
      error: toPluginError(error, 'PLUGIN_LOAD_FAILED', 'cannot load').toJSON(),
    };
    parentPort?.postMessage(failed);
    return;
  }
  copyRequests = WebAssembly.Module.imports(start.module).some(
    (entry) => entry.module === HOST_MODULE || entry.module === WASI_MODULE,
  );
  const ready: WorkerHello = { type: 'ready', info: core.info, exports: core.exports };
  parentPort?.postMessage(ready);
  serve(core, channelViews(start.buffer), start.port);
  start.port.close();
}

main();
