// The floors here call koffi and WebAssembly directly: that is what they measure. This is the
// one place outside runtime/backends/native where koffi is imported.
import koffi from 'koffi';
import { loadPlugin, type Plugin } from '../../runtime/index.js';
import { findArtifact, readArtifactManifest } from '../../scripts/artifacts.js';
import { wasmFloor } from '../floors.js';
import { compare, formatNs, formatRatio, printTable } from '../harness.js';
import type { BenchSuite } from '../main.js';

const SIZES = [
  { label: '64 B', bytes: 64, ops: 200_000 },
  { label: '4 KiB', bytes: 4096, ops: 50_000 },
  { label: '1 MiB', bytes: 1024 * 1024, ops: 200 },
] as const;

function sampleInput(size: number): Uint8Array {
  const input = new Uint8Array(size);
  for (let index = 0; index < size; index += 1) input[index] = 0x61 + (index % 26);
  return input;
}

/** The same logic in plain JS, for scale. */
function upperInJs(input: Uint8Array): Uint8Array {
  const output = new Uint8Array(input.length);
  for (let index = 0; index < input.length; index += 1) {
    const byte = input[index]!;
    output[index] = byte >= 0x61 && byte <= 0x7a ? byte - 0x20 : byte;
  }
  return output;
}

/** Raw koffi call of ProcessData, declared as the backend declares it, with a preallocated output buffer, plus the copy out. */
function nativeFloor(path: string): { call: (input: Uint8Array) => Uint8Array; close: () => void } {
  const library = koffi.load(path);
  const processData = library.func(
    'int32_t ProcessData(void *in, uint32_t in_len, void *out, uint32_t out_cap, void *out_len)',
  );
  let output = new Uint8Array(4096);
  const outLen = new Uint32Array(1);
  return {
    call(input) {
      if (output.length < input.length) output = new Uint8Array(input.length);
      processData(input, input.length, output, output.length, outLen);
      return output.slice(0, outLen[0]);
    },
    close: () => library.unload(),
  };
}

/**
 * Raw koffi call of a legacy IModule's ProcessData slot, read from the object's vtable as the
 * adapter reads it: the input copied into a NUL-terminated buffer, the call, the output's NUL
 * found and the bytes before it copied out. No guard region, no checks.
 */
function imoduleFloor(path: string, capacity: number) {
  const library = koffi.load(path);
  const create = library.func('void *CreateModule(void)');
  const object = create();
  const vtable = koffi.decode(object, 'void *');
  const slots = koffi.decode(vtable, 'void *', 3) as unknown[];
  const initialize = koffi.decode(slots[0], koffi.proto('bool (void *, void *)'));
  const processData = koffi.decode(slots[1], koffi.proto('int (void *, void *, void *)'));
  initialize(object, Buffer.from([0]));
  let input = Buffer.alloc(4096);
  const output = Buffer.alloc(capacity);
  return {
    call(bytes: Uint8Array): Uint8Array {
      if (input.length <= bytes.length) input = Buffer.alloc(bytes.length * 2);
      input.set(bytes);
      input[bytes.length] = 0;
      processData(object, input, output);
      return new Uint8Array(output.subarray(0, output.indexOf(0)));
    },
    close: () => library.unload(),
  };
}

async function runBackend(
  label: string,
  plugin: Plugin,
  floor: (input: Uint8Array) => Uint8Array,
  rows: string[][],
  sync = false,
): Promise<void> {
  for (const size of SIZES) {
    const input = sampleInput(size.bytes);
    const results = await compare(
      {
        twinplug: sync ? () => plugin.processDataSync(input) : () => plugin.processData(input),
        floor: () => floor(input),
        js: () => upperInJs(input),
      },
      // Every contender runs on this thread: CPU time, which a loaded machine disturbs far less.
      { opsPerRound: Math.max(1, Math.floor(size.ops / 7)), clock: 'cpu' },
    );
    const overhead = results.twinplug!.nsPerOp / results.floor!.nsPerOp;
    const target =
      size.bytes === 64 ? { max: 1.5 } : size.bytes === 1024 * 1024 ? { max: 1.1 } : undefined;
    rows.push([
      label,
      size.label,
      formatNs(results.twinplug!.nsPerOp),
      formatNs(results.floor!.nsPerOp),
      formatRatio(overhead, target),
      formatNs(results.js!.nsPerOp),
      formatRatio(results.twinplug!.nsPerOp / results.js!.nsPerOp),
    ]);
  }
}

export const suite: BenchSuite = {
  name: 'processData per-call cost vs the raw export call (floor) and plain JS (upper)',
  async run() {
    const manifest = readArtifactManifest();
    const rows: string[][] = [];
    const native = findArtifact(manifest, 'upper', 'cc');
    if (native !== undefined) {
      const floor = nativeFloor(native.path);
      const plugin = await loadPlugin(native.path);
      await runBackend('native (koffi)', plugin, floor.call, rows);
      await runBackend('native (koffi), processDataSync', plugin, floor.call, rows, true);
      await plugin.close();
      floor.close();
    }
    const legacy = findArtifact(manifest, 'legacy-shout', 'cxx', 'fixture');
    if (legacy !== undefined) {
      // shout with an empty prefix is upper: the same work as the other rows.
      const capacity = 2 * 1024 * 1024 + 16;
      const floor = imoduleFloor(legacy.path, capacity);
      const plugin = await loadPlugin({
        path: legacy.path,
        adapter: { kind: 'imodule', destroy: 'DestroyModule', outputCapacity: capacity },
      });
      await runBackend('legacy IModule (koffi vtable)', plugin, floor.call, rows);
      await runBackend(
        'legacy IModule (koffi vtable), processDataSync',
        plugin,
        floor.call,
        rows,
        true,
      );
      await plugin.close();
      floor.close();
    }
    for (const toolchain of ['asc', 'clang-wasm'] as const) {
      const artifact = findArtifact(manifest, 'upper', toolchain);
      if (artifact === undefined) continue;
      // Metered is the default in-process; the floor is the export call of the module as built.
      for (const metering of [true, false]) {
        const plugin = await loadPlugin({ path: artifact.path, metering });
        const label = `wasm (${toolchain})${metering ? ', metered' : ', metering: false'}`;
        const floor = wasmFloor(artifact.path);
        await runBackend(label, plugin, floor, rows);
        if (metering) await runBackend(`${label}, processDataSync`, plugin, floor, rows, true);
        await plugin.close();
      }
    }
    printTable(
      ['backend', 'input', 'twinplug', 'floor', 'twinplug/floor', 'plain JS', 'twinplug/JS'],
      rows,
    );
    process.stdout.write('(CPU time of this process per call, median of the rounds)\n');
  },
};
