// The host API's cost per call, beside floors measured in the same run. The floors call koffi
// and WebAssembly directly: that is what they measure.
import { readFileSync } from 'node:fs';
import koffi from 'koffi';
import { type LoadPluginOptions, loadPlugin, type Plugin } from '../../runtime/index.js';
import { findArtifact, readArtifactManifest, type Toolchain } from '../../scripts/artifacts.js';
import { compare, formatNs, formatRatio, printTable } from '../harness.js';
import type { BenchSuite } from '../main.js';

/**
 * Host calls per ProcessData in the loop measurements: one ProcessData (an awaited promise, about
 * 1 µs on a loaded machine) is then 0.1 ns per host call, noise beside the floor's 6 ns (with
 * 1000 it was a sixth of the floor).
 */
const LOOP = 10_000;
const EMPTY = new Uint8Array(0);
const WARM_UP_ROUNDS = 50;

function count(n: number): Uint8Array {
  const input = new Uint8Array(4);
  new DataView(input.buffer).setUint32(0, n, true);
  return input;
}

function fixture(name: string, toolchain: Toolchain): string {
  const found = findArtifact(readArtifactManifest(), name, toolchain, 'fixture');
  if (found === undefined) throw new Error(`${name} was not built by ${toolchain}`);
  return found.path;
}

const hostOptions = (path: string, extra: Partial<LoadPluginOptions> = {}): LoadPluginOptions => ({
  path,
  capabilities: { hostFunctions: ['noop'] },
  hostFunctions: { noop: () => EMPTY },
  ...extra,
});

/** host-loop-raw.wasm instantiated by hand, its import a JS function that does nothing. */
function wasmRawLoop(): (input: Uint8Array) => number {
  const module = new WebAssembly.Module(readFileSync(fixture('host-loop-raw', 'clang-wasm')));
  const instance = new WebAssembly.Instance(module, { bench: { call_host: () => 0 } });
  const exports = instance.exports as unknown as {
    memory: WebAssembly.Memory;
    alloc(size: number): number;
    ProcessData(a: number, b: number, c: number, d: number, e: number): number;
  };
  const region = exports.alloc(64);
  return (input) => {
    new Uint8Array(exports.memory.buffer).set(input, region);
    return exports.ProcessData(region, input.length, region + 16, 16, region + 32);
  };
}

/** host-loop-raw.so with a raw koffi callback that does nothing. */
function nativeRawLoop(): { call: (input: Uint8Array) => number; close: () => void } {
  const library = koffi.load(fixture('host-loop-raw', 'cc'));
  const proto = koffi.proto(
    'int32_t bench_raw_fn(const void *, uint32_t, const void *, uint32_t, void *, uint32_t, void *)',
  );
  const callback = koffi.register(() => 0, koffi.pointer(proto));
  library.func('void host_loop_set_raw(bench_raw_fn *fn)')(callback);
  const processData = library.func(
    'int32_t ProcessData(void *in, uint32_t in_len, void *out, uint32_t out_cap, void *out_len)',
  );
  const output = new Uint8Array(16);
  const outLen = new Uint32Array(1);
  return {
    call: (input) => processData(input, input.length, output, 16, outLen) as number,
    close: () => {
      library.unload();
      koffi.unregister(callback);
    },
  };
}

async function perHostCall(
  rows: string[][],
  label: string,
  plugin: Plugin,
  floor: (input: Uint8Array) => unknown,
  floorLabel: string,
) {
  const input = count(LOOP);
  // Warm up beyond the harness's one round: on a loaded machine V8's optimizing compiler runs
  // late, and rounds timed before it finishes measure unoptimized code.
  for (let round = 0; round < WARM_UP_ROUNDS; round += 1) {
    await plugin.processData(input);
    floor(input);
  }
  const results = await compare(
    { twinplug: () => plugin.processData(input), floor: () => floor(input) },
    // In-process both sides run on this thread: CPU time, which a loaded machine disturbs far less.
    { opsPerRound: 3, rounds: 11, clock: 'cpu' },
  );
  const host = results.twinplug!.nsPerOp / LOOP;
  const raw = results.floor!.nsPerOp / LOOP;
  rows.push([
    label,
    formatNs(host),
    floorLabel,
    formatNs(raw),
    formatRatio(host / raw, { max: 2 }),
  ]);
}

/**
 * A host call from a worker or a child costs a hand-over each way, as the call itself does; the
 * issue's budget is that one host call costs at most 1.5x the mode's plain round trip. Its cost
 * is the same processData with the call minus without it, both measured in one run.
 */
async function perRoundTrip(rows: string[][], label: string, plugin: Plugin) {
  const one = count(1);
  const none = count(0);
  const results = await compare(
    { host: () => plugin.processData(one), plain: () => plugin.processData(none) },
    { opsPerRound: 500 },
  );
  const host = results.host!.nsPerOp;
  const plain = results.plain!.nsPerOp;
  rows.push([
    label,
    formatNs(host - plain),
    `plain processData round trip (with the call: ${formatNs(host)})`,
    formatNs(plain),
    formatRatio((host - plain) / plain, { max: 1.5 }),
  ]);
}

export const suite: BenchSuite = {
  name: 'host-calls: a no-op host function (call_host) beside a bare import or callback, and per isolation mode',
  async run() {
    const rows: string[][] = [];
    const wasm = fixture('host-loop', 'clang-wasm');
    const native = fixture('host-loop', 'cc');
    const plugins = [
      // Unmetered like its floor: the meter's ticks in the plugin's loop are not the host call's
      // cost (the call-overhead and isolation suites measure the meter).
      await loadPlugin(hostOptions(wasm, { metering: false })),
      await loadPlugin(hostOptions(native)),
      await loadPlugin(hostOptions(wasm, { isolation: 'worker' })),
      await loadPlugin(hostOptions(wasm, { isolation: 'process' })),
      await loadPlugin(hostOptions(native, { isolation: 'process' })),
    ] as const;
    const nativeRaw = nativeRawLoop();
    try {
      await perHostCall(
        rows,
        'Wasm in-process, per host call',
        plugins[0],
        wasmRawLoop(),
        'empty Wasm-to-JS import',
      );
      await perHostCall(
        rows,
        'native in-process, per host call',
        plugins[1],
        nativeRaw.call,
        'raw koffi callback',
      );
      await perRoundTrip(rows, 'Wasm worker, one host call', plugins[2]);
      await perRoundTrip(rows, 'Wasm process, one host call', plugins[3]);
      await perRoundTrip(rows, 'native process, one host call', plugins[4]);
    } finally {
      nativeRaw.close();
      await Promise.all(plugins.map((plugin) => plugin.close()));
    }
    printTable(['what', 'twinplug', 'beside', 'floor', 'ratio'], rows);
    process.stdout.write('(in-process rows: CPU time of this process; the others: wall clock)\n');
  },
};
