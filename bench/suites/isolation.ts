import { loadPlugin, type Plugin } from '../../runtime/index.js';
import { findArtifact, readArtifactManifest } from '../../scripts/artifacts.js';
import { buildExtismUpper, type ExtismUpper, loadExtismUpper } from '../extism-twin.js';
import { pipeFloor, wasmFloor } from '../floors.js';
import { compare, formatNs, formatRatio, printTable } from '../harness.js';
import type { BenchSuite } from '../main.js';
import { printMetering } from '../metering.js';

// Rounds of 20,000 calls at 64 B: with 2,000, an in-process round lasted 0.4 ms, and what the
// worker and process rounds before it left behind (collections, their threads' wake-ups) fell
// into it: 190-205 ns per call where rounds of 4 ms measure 170 (Extism's rounds were 8 ms).
const SIZES = [
  { label: '64 B', bytes: 64, opsPerRound: 20_000 },
  { label: '64 KiB', bytes: 64 * 1024, opsPerRound: 100 },
] as const;

/** A fresh Uint8Array (not a pooled Buffer: Extism would read the whole 8 KiB slab). */
function sampleInput(size: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, index) => 0x61 + (index % 26));
}

type Contenders = Record<string, (input: Uint8Array) => Promise<Uint8Array>>;
type Floors = Record<string, (input: Uint8Array) => unknown>;

async function checkSameOutput(contenders: Contenders, input: Uint8Array): Promise<void> {
  const outputs = await Promise.all(Object.values(contenders).map((call) => call(input)));
  const expected = Buffer.from(outputs[0]!);
  Object.keys(contenders).forEach((label, index) => {
    if (!expected.equals(outputs[index]!)) throw new Error(`${label} answers differently`);
  });
}

async function open(): Promise<{
  contenders: Contenders;
  floors: Floors;
  close: () => Promise<void>;
}> {
  const manifest = readArtifactManifest();
  const wasm = findArtifact(manifest, 'upper', 'asc')!.path;
  const native = findArtifact(manifest, 'upper', 'cc');
  const plugins: Plugin[] = [
    await loadPlugin(wasm),
    await loadPlugin({ path: wasm, isolation: 'worker' }),
  ];
  if (native !== undefined)
    plugins.push(await loadPlugin({ path: native.path, isolation: 'process' }));
  const extismWasm = await buildExtismUpper(manifest.root);
  const extism: ExtismUpper[] = [
    await loadExtismUpper(extismWasm, false),
    await loadExtismUpper(extismWasm, true),
  ];
  const contenders: Contenders = {
    'in-process': (input) => plugins[0]!.processData(input),
    worker: (input) => plugins[1]!.processData(input),
    ...(plugins[2] === undefined ? {} : { process: (input) => plugins[2]!.processData(input) }),
    'extism foreground': (input) => extism[0]!.call(input),
    'extism worker': (input) => extism[1]!.call(input),
  };
  const pipe = pipeFloor();
  const bare = wasmFloor(wasm);
  const floors: Floors = {
    'floor: Wasm export call': bare,
    // What a promise-returning API cannot beat: the bare call, handed back as a promise and awaited.
    'floor: Wasm export call, awaited': (input) => Promise.resolve(bare(input)),
    'floor: pipe round trip': pipe.call,
  };
  const close = async () => {
    pipe.close();
    await Promise.all([
      ...plugins.map((plugin) => plugin.close()),
      ...extism.map((e) => e.close()),
    ]);
  };
  return { contenders, floors, close };
}

function rowsFor(label: string, ns: Record<string, number>): string[][] {
  const small = label === '64 B';
  const rows: string[][] = [];
  const row = (
    mode: string,
    figure: number,
    target: number | undefined,
    vs: string,
    ratio: number,
    min: number,
  ) =>
    rows.push([
      label,
      mode,
      formatNs(figure),
      target === undefined ? '' : `< ${formatNs(target)}: ${figure < target ? 'met' : 'MISSED'}`,
      vs,
      formatRatio(ratio, { min }),
    ]);
  row(
    'in-process',
    ns['in-process']!,
    undefined,
    'extism foreground',
    ns['extism foreground']! / ns['in-process']!,
    20,
  );
  row(
    'worker',
    ns.worker!,
    small ? 20_000 : undefined,
    'extism worker',
    ns['extism worker']! / ns.worker!,
    10,
  );
  if (ns.process !== undefined)
    row(
      'process',
      ns.process,
      small ? 40_000 : undefined,
      'extism worker',
      ns['extism worker']! / ns.process,
      10,
    );
  for (const mode of ['extism foreground', 'extism worker', 'floor: Wasm export call'])
    rows.push([label, mode, formatNs(ns[mode]!), '', '', '']);
  const awaited = 'floor: Wasm export call, awaited';
  rows.push([
    label,
    awaited,
    formatNs(ns[awaited]!),
    '',
    'extism foreground',
    `${formatRatio(ns['extism foreground']! / ns[awaited]!)} (the most any async call can be)`,
  ]);
  rows.push([label, 'floor: pipe round trip', formatNs(ns['floor: pipe round trip']!), '', '', '']);
  return rows;
}

export const suite: BenchSuite = {
  name: "isolation: round trip per call, upper, in-process (metered) / worker / process beside @extism/extism 1.0.3; the meter's cost",
  async run() {
    const { contenders, floors, close } = await open();
    const rows: string[][] = [];
    try {
      for (const size of SIZES) {
        const input = sampleInput(size.bytes);
        await checkSameOutput(contenders, input);
        const ops = Object.fromEntries(
          Object.entries({ ...contenders, ...floors }).map(([label, call]) => [
            label,
            () => call(input),
          ]),
        );
        const results = await compare(ops, { opsPerRound: size.opsPerRound });
        const ns = Object.fromEntries(
          Object.entries(results).map(([label, m]) => [label, m.nsPerOp]),
        );
        rows.push(...rowsFor(size.label, ns));
      }
    } finally {
      await close();
    }
    printTable(['input', 'mode', 'per call', 'target', 'beside', 'how many times faster'], rows);
    process.stdout.write('\n');
    await printMetering();
  },
};
