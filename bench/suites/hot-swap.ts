import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import {
  createRegistry,
  type PluginFolder,
  type PluginRegistry,
  watchPluginFolder,
} from '../../runtime/index.js';
import { findArtifact, readArtifactManifest, type Toolchain } from '../../scripts/artifacts.js';
import { largeWasmModule } from '../../scripts/large-wasm-module.js';
import { freshBuild } from '../fresh-build.js';
import { formatRatio, printTable } from '../harness.js';
import { HttpSwapRig } from '../http-swap.js';
import type { BenchSuite } from '../main.js';
import type { Deployed, DeployerSetup, DeployOrder } from '../swap-deployer.js';

const SWAPS = 40;
const THROUGHPUT_ROUNDS = 15;
const ROUND_MS = 300;
/** A steady stream of deploys, far more than any real service sees; back to back is the extreme. */
const PACE_MS = 100;
const INPUT = new TextEncoder().encode(
  'a 64-byte input, long enough to be a realistic small request.',
);

const now = () => performance.timeOrigin + performance.now();

interface SwapSubject {
  readonly label: string;
  readonly name: string;
  readonly file: string;
  /** Two builds to alternate; plugin.json forces the swap back to the lower or same version. */
  readonly builds: readonly [Uint8Array, Uint8Array];
  readonly cases: string | undefined;
}

/** A plugins folder served by a registry, with a caller that records which build served each call. */
class SwapRig {
  readonly root = mkdtempSync(join(tmpdir(), 'twinplug-bench-swap-'));
  readonly registry: PluginRegistry = createRegistry();
  folder: PluginFolder | undefined;
  readonly #deployer: Worker;
  calls = 0;
  #deployed = 0;
  #activeSha = '';
  /** The build the last call was routed to, and when the first call routed to it ended. */
  #servedSha = '';
  #servedAt = 0;
  #waiting: { sha: string; done: (servedAt: number) => void } | undefined;
  #calling = false;

  constructor(readonly subject: SwapSubject) {
    this.registry.events.on('activated', (event) => {
      this.#activeSha = event.version.sha256;
    });
    const dir = join(this.root, subject.name);
    const setup: DeployerSetup = {
      builds: subject.builds,
      temp: join(dir, `${subject.file}.tmp`),
      target: join(dir, subject.file),
      file: subject.file,
    };
    this.#deployer = new Worker(new URL('../swap-deployer.js', import.meta.url), {
      workerData: setup,
    });
  }

  async start(): Promise<void> {
    const dir = join(this.root, this.subject.name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'plugin.json'), JSON.stringify({ force: true }));
    if (this.subject.cases !== undefined)
      writeFileSync(join(dir, 'cases.json'), readFileSync(this.subject.cases));
    writeFileSync(join(dir, this.subject.file), this.subject.builds[0]);
    this.folder = watchPluginFolder(this.registry, this.root, { prefer: 'wasm' });
    await this.folder.ready;
    this.#calling = true;
    void this.#callLoop();
  }

  /** Deploys a build (fresh bytes); resolves with the ms from its rename to the first call it served. */
  async swapTo(build: 0 | 1): Promise<number> {
    this.#deployed += 1;
    const deployed = new Promise<Deployed>((done) => this.#deployer.once('message', done));
    this.#deployer.postMessage({ build, serial: this.#deployed } satisfies DeployOrder);
    const { renamedAt, sha256 } = await deployed;
    const servedAt =
      this.#servedSha === sha256
        ? this.#servedAt
        : await new Promise<number>((done) => {
            this.#waiting = { sha: sha256, done };
          });
    return servedAt - renamedAt;
  }

  async stop(): Promise<void> {
    this.#calling = false;
    await this.#deployer.terminate();
    await this.folder?.close();
    await this.registry.close();
    rmSync(this.root, { recursive: true, force: true });
  }

  async #callLoop(): Promise<void> {
    while (this.#calling) {
      const servedBy = this.#activeSha;
      await this.registry.call(this.subject.name, INPUT);
      this.calls += 1;
      if (servedBy !== this.#servedSha) {
        this.#servedSha = servedBy;
        this.#servedAt = now();
        if (this.#waiting?.sha === servedBy) {
          this.#waiting.done(this.#servedAt);
          this.#waiting = undefined;
        }
      }
      // Yield to I/O every call, as a server's request loop does.
      await nextTurn();
    }
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function swapLatency(subject: SwapSubject): Promise<string[]> {
  const rig = new SwapRig(subject);
  await rig.start();
  const times: number[] = [];
  for (let swap = 1; swap <= SWAPS; swap += 1) times.push(await rig.swapTo(swap % 2 === 0 ? 0 : 1));
  await rig.stop();
  if (process.env.TWINPLUG_BENCH_VERBOSE)
    process.stdout.write(`${times.map((t) => t.toFixed(0)).join(' ')}\n`);
  return latencyRow(subject.label, times);
}

function latencyRow(label: string, times: number[]): string[] {
  const p50 = percentile(times, 50);
  return [
    label,
    `${p50.toFixed(1)} ms`,
    `${percentile(times, 95).toFixed(1)} ms`,
    `${percentile(times, 99).toFixed(1)} ms`,
    p50 < 50 ? 'met' : 'MISSED',
  ];
}

/**
 * The same swaps as a client sees them: the server (default mode: Wasm metered in-process) on
 * a watched folder, requests until one answers with the new build's x-plugin-version.
 */
async function httpSwapLatency(subject: SwapSubject): Promise<string[]> {
  const rig = new HttpSwapRig(subject.name, subject.file);
  const versions = ['1.0.0', '2.0.0'] as const;
  const build = (swap: number) => ({
    version: versions[swap % 2]!,
    bytes: freshBuild(subject.builds[swap % 2]!, subject.file, swap),
  });
  await rig.start(build(0));
  const times: number[] = [];
  try {
    for (let swap = 1; swap <= SWAPS; swap += 1) times.push(await rig.swapTo(build(swap)));
  } finally {
    await rig.stop();
  }
  return latencyRow(`${subject.label}, over HTTP (server)`, times);
}

/** Swaps for `ms`, back to back or one every `paceMs`; returns how many. */
async function swapFor(
  rig: SwapRig,
  ms: number,
  paceMs: number | undefined,
  first: number,
): Promise<number> {
  const started = performance.now();
  let swaps = 0;
  while (performance.now() - started < ms) {
    const slot = performance.now();
    swaps += 1;
    await rig.swapTo((first + swaps) % 2 === 0 ? 0 : 1);
    if (paceMs !== undefined) await sleep(Math.max(0, paceMs - (performance.now() - slot)));
  }
  return swaps;
}

/**
 * Calls per second while swapping against none, in alternating rounds of the same run; the
 * ratio is the median of each pair's ratio, so drifts of the machine hit both sides alike.
 */
async function swapThroughput(subject: SwapSubject, paceMs: number | undefined): Promise<string[]> {
  const rig = new SwapRig(subject);
  await rig.start();
  const quiet: number[] = [];
  const busy: number[] = [];
  let swaps = 0;
  for (let round = 0; round < THROUGHPUT_ROUNDS; round += 1) {
    let before = rig.calls;
    await sleep(ROUND_MS);
    quiet.push(((rig.calls - before) * 1000) / ROUND_MS);
    before = rig.calls;
    const started = performance.now();
    swaps += await swapFor(rig, ROUND_MS, paceMs, swaps);
    busy.push(((rig.calls - before) * 1000) / (performance.now() - started));
  }
  await rig.stop();
  const ratios = busy.map((rate, index) => rate / quiet[index]!);
  return [
    subject.label,
    paceMs === undefined ? 'back to back' : `every ${paceMs} ms`,
    `${(swaps / ((THROUGHPUT_ROUNDS * ROUND_MS) / 1000)).toFixed(0)}/s`,
    `${Math.round(percentile(quiet, 50))}/s`,
    `${Math.round(percentile(busy, 50))}/s`,
    formatRatio(percentile(ratios, 50), { min: 0.9 }),
  ];
}

/** label, plugin name, artifact file, the two builds ([name, toolchain, kind] each), cases file. */
const SUBJECTS: readonly [
  string,
  string,
  string,
  [string, Toolchain],
  [string, Toolchain],
  'sample' | 'fixture',
  string?,
][] = [
  [
    'upper wasm: asc <-> clang',
    'upper',
    'upper.wasm',
    ['upper', 'asc'],
    ['upper', 'clang-wasm'],
    'sample',
  ],
  [
    'upper wasm, with its cases.json',
    'upper',
    'upper.wasm',
    ['upper', 'asc'],
    ['upper', 'clang-wasm'],
    'sample',
    'cases.json',
  ],
  [
    'versioned wasm (asc) 1.0.0 <-> 2.0.0',
    'versioned',
    'versioned.wasm',
    ['versioned', 'asc'],
    ['versioned-v2', 'asc'],
    'fixture',
  ],
  [
    'versioned native (cc) 1.0.0 <-> 2.0.0',
    'versioned',
    'versioned.so',
    ['versioned-1.0.0', 'cc'],
    ['versioned-2.0.0', 'cc'],
    'fixture',
  ],
];

/** The subjects whose two builds this machine built. */
function subjects(): SwapSubject[] {
  const manifest = readArtifactManifest();
  return SUBJECTS.flatMap(([label, name, file, first, second, kind, cases]) => {
    const a = findArtifact(manifest, first[0], first[1], kind);
    const b = findArtifact(manifest, second[0], second[1], kind);
    if (a === undefined || b === undefined) return [];
    const builds: [Uint8Array, Uint8Array] = [readFileSync(a.path), readFileSync(b.path)];
    return [
      {
        label,
        name,
        file,
        builds,
        cases: cases === undefined ? undefined : join(a.path, '..', cases),
      },
    ];
  });
}

/** Above the size metered off the event loop: swapping it shows what a large load costs the calls. */
const LARGE_MODULE_BYTES = 512 * 1024;

/** Two builds of a generated echo plugin made of loops (the densest work for the meter). */
function largeSubject(): SwapSubject {
  return {
    label: `large wasm (${LARGE_MODULE_BYTES / 1024} KiB of loops)`,
    name: 'large',
    file: 'large.wasm',
    builds: [largeWasmModule(LARGE_MODULE_BYTES), largeWasmModule(LARGE_MODULE_BYTES + 4096)],
    cases: undefined,
  };
}

export const suite: BenchSuite = {
  name: 'hot swap through a watched folder: rename to first call on the new build, and throughput while swapping',
  async run() {
    const list = subjects();
    const latency: string[][] = [];
    for (const subject of list) latency.push(await swapLatency(subject));
    const overHttp = list.find(
      (entry) => entry.name === 'versioned' && entry.file.endsWith('.wasm'),
    );
    if (overHttp !== undefined) latency.push(await httpSwapLatency(overHttp));
    printTable(['plugin', 'p50', 'p95', 'p99', `p50 < 50 ms (${SWAPS} swaps)`], latency);
    process.stdout.write('\n');
    const throughput: string[][] = [];
    for (const subject of [...list.filter((entry) => entry.cases === undefined), largeSubject()]) {
      for (const pace of [PACE_MS, undefined]) throughput.push(await swapThroughput(subject, pace));
    }
    printTable(
      ['plugin', 'swaps', 'rate', 'calls, no swaps', 'calls, swapping', 'swapping/no swaps'],
      throughput,
    );
  },
};
