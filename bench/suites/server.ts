import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { deployArtifact } from '../../runtime/index.js';
import { authCost } from '../auth-cost.js';
import { formatRatio, printTable } from '../harness.js';
import type { BenchSuite } from '../main.js';

const ROUNDS = 3;
const DURATION_S = 3;
const WARMUP_S = 1;
const CONNECTIONS = 32;
const BODY = 'a 64-byte body of text for upper: Hello, World! 0123456789 abcdef';
const TARGET = resolve(import.meta.dirname, '../server-target.js');
const BUILD = resolve(import.meta.dirname, '../../../build');

export interface Target {
  readonly child: ChildProcess;
  readonly url: string;
  /** Sent with every request (the API key of the auth contender). */
  readonly headers: Record<string, string>;
}

/** Starts `bench/server-target` in its own process; `nodeFlags` go before the script (e.g. `--cpu-prof`). */
export async function startTarget(
  kind: string,
  plugins?: string,
  nodeFlags: readonly string[] = [],
): Promise<Target> {
  const args = [...nodeFlags, TARGET, kind, ...(plugins ? [plugins] : [])];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const { port, secret } = await new Promise<{ port: number; secret?: string }>((done, fail) => {
    child.stdout!.once('data', (chunk: Buffer) => done(JSON.parse(chunk.toString())));
    child.once('exit', (code) => fail(new Error(`${kind} target exited with ${code}`)));
  });
  const headers: Record<string, string> =
    secret === undefined ? {} : { authorization: `Bearer ${secret}` };
  return { child, url: `http://127.0.0.1:${port}/v1/plugins/upper`, headers };
}

export async function stopTarget(target: Target): Promise<void> {
  const exited = new Promise((done) => target.child.once('exit', done));
  target.child.kill('SIGTERM');
  await exited;
}

export interface Load {
  readonly rps: number;
  /** The server process's CPU time (user + system) per request, in microseconds. */
  readonly cpuUs: number;
  readonly non2xx: number;
  readonly errors: number;
}

function cpuTime(target: Target): Promise<number> {
  return new Promise((done) => {
    target.child.once('message', (usage) => {
      const { user, system } = usage as NodeJS.CpuUsage;
      done(user + system);
    });
    target.child.send('cpu');
  });
}

export async function load(target: Target, seconds: number): Promise<Load> {
  const before = await cpuTime(target);
  const result = await autocannon({
    url: target.url,
    method: 'POST',
    body: BODY,
    headers: { 'content-type': 'application/octet-stream', ...target.headers },
    connections: CONNECTIONS,
    duration: seconds,
  });
  const cpu = (await cpuTime(target)) - before;
  return {
    rps: result.requests.average,
    cpuUs: cpu / Math.max(1, result.requests.total),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** Checks the target answers the right bytes before timing it. */
async function check({ url, headers }: Target): Promise<void> {
  const text = await (await fetch(url, { method: 'POST', body: BODY, headers })).text();
  if (text !== BODY.toUpperCase()) throw new Error(`${url} answered ${JSON.stringify(text)}`);
}

interface Contender {
  readonly label: string;
  readonly target: Target;
  /** Runs beside the load (the swapping contender's deploys); returns its stop. */
  readonly during?: () => () => void;
  readonly results: Load[];
}

async function contender(label: string, kind: string, plugins?: string, during?: () => () => void) {
  const target = await startTarget(kind, plugins);
  await check(target);
  await load(target, WARMUP_S);
  return { label, target, results: [], ...(during === undefined ? {} : { during }) } as Contender;
}

/** Rounds interleave the contenders so that a noisy neighbour hurts them alike; the median round counts. */
async function runRounds(contenders: readonly Contender[]): Promise<void> {
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const entry of contenders) {
      const stop = entry.during?.();
      try {
        entry.results.push(await load(entry.target, DURATION_S));
      } finally {
        stop?.();
      }
    }
  }
}

function median(entry: Contender): Load {
  const sorted = [...entry.results].sort((a, b) => a.rps - b.rps);
  const middle = sorted[Math.floor(sorted.length / 2)]!;
  const byCpu = [...entry.results].sort((a, b) => a.cpuUs - b.cpuUs);
  const sum = (key: 'non2xx' | 'errors') =>
    entry.results.reduce((total, result) => total + result[key], 0);
  return {
    rps: middle.rps,
    cpuUs: byCpu[Math.floor(byCpu.length / 2)]!.cpuUs,
    non2xx: sum('non2xx'),
    errors: sum('errors'),
  };
}

/**
 * A plugins folder with upper only; plugin.json forces swaps between its two same-version builds
 * and, for the in-process contenders, asks for in-process (the default for Wasm too, now).
 */
export function upperFolder(manifest: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), 'twinplug-bench-server-'));
  cpSync(join(BUILD, 'plugins/upper'), join(root, 'upper'), { recursive: true });
  writeFileSync(join(root, 'upper/plugin.json'), JSON.stringify({ force: true, ...manifest }));
  return root;
}

/** Redeploys upper every second, alternating the AssemblyScript build and a copy with a different tail. */
function swapEverySecond(root: string): () => void {
  const original = readFileSync(join(BUILD, 'plugins/upper/upper.wasm'));
  const variant = Buffer.concat([original, Buffer.from([0, 4, 1, 0x78, 0, 0])]); // + an empty custom section "x"
  let swaps = 0;
  const timer = setInterval(() => {
    swaps += 1;
    void deployArtifact(root, 'upper', 'upper.wasm', swaps % 2 === 1 ? variant : original);
  }, 1000);
  return () => clearInterval(timer);
}

// CPU per request is the steadier figure on a shared machine; its ratio is baseline / contender.
const cpuRatio = (baseline: Load, contender: Load) =>
  `${(baseline.cpuUs / contender.cpuUs).toFixed(2)}x`;

function report(contenders: readonly Contender[]): void {
  const [nodeHttp, hono, inProcess, withKey, withLimits, isolated, swapping] = contenders.map(
    median,
  ) as Load[] as [Load, Load, Load, Load, Load, Load, Load];
  const rows: [Load, string, string][] = [
    [nodeHttp, `${(nodeHttp.rps / hono.rps).toFixed(2)}x of Hono`, cpuRatio(hono, nodeHttp)],
    [hono, '1.00x (baseline)', '1.00x'],
    [inProcess, formatRatio(inProcess.rps / hono.rps, { min: 0.9 }), cpuRatio(hono, inProcess)],
    [
      withKey,
      formatRatio(withKey.rps / inProcess.rps, { min: 0.95 }),
      cpuRatio(inProcess, withKey),
    ],
    [
      withLimits,
      formatRatio(withLimits.rps / inProcess.rps, { min: 0.95 }),
      cpuRatio(inProcess, withLimits),
    ],
    [isolated, formatRatio(isolated.rps / hono.rps, { min: 0.8 }), cpuRatio(hono, isolated)],
    [
      swapping,
      formatRatio(swapping.rps / isolated.rps, { min: 0.9 }),
      cpuRatio(isolated, swapping),
    ],
  ];
  printTable(
    ['server', 'req/s', 'CPU µs/req', 'non-2xx', 'errors', 'req/s ratio', 'CPU ratio'],
    rows.map(([result, ratio, cpu], index) => [
      contenders[index]!.label,
      result.rps.toFixed(0),
      result.cpuUs.toFixed(1),
      String(result.non2xx),
      String(result.errors),
      ratio,
      cpu,
    ]),
  );
  process.stdout.write(
    'Ratios: in-process (plugin.json) and the default (no plugin.json: Wasm metered in-process) against the bare Hono route; API key (auth.required, a caller key checked per request) and API key + limits (also per-key and per-plugin rate limits that never refuse) against in-process without auth (floor 0.95); swapping against the steady default figure (target: zero non-2xx, zero errors). CPU µs/req is the server process only.\n',
  );
}

export const suite: BenchSuite = {
  name: `HTTP server: POST /v1/plugins/upper, 64 B body, ${CONNECTIONS} connections, median of ${ROUNDS} interleaved ${DURATION_S} s rounds (autocannon on 127.0.0.1)`,
  async run() {
    const roots = [
      upperFolder({ isolation: 'in-process' }),
      upperFolder({ isolation: 'in-process' }),
      upperFolder({ isolation: 'in-process' }),
      upperFolder({}),
      upperFolder({}),
    ];
    const [inProcessRoot, keyRoot, limitsRoot, isolatedRoot, swapRoot] = roots as [
      string,
      string,
      string,
      string,
      string,
    ];
    const contenders: Contender[] = [];
    try {
      contenders.push(await contender('bare node:http (upper in JS)', 'node-http'));
      contenders.push(await contender('bare Hono route (upper in JS)', 'hono'));
      contenders.push(
        await contender('twinplug, in-process (opted in)', 'twinplug', inProcessRoot),
      );
      contenders.push(await contender('twinplug, in-process, API key', 'twinplug-key', keyRoot));
      contenders.push(
        await contender('twinplug, in-process, API key + limits', 'twinplug-limits', limitsRoot),
      );
      contenders.push(
        await contender('twinplug, default: Wasm metered in-process', 'twinplug', isolatedRoot),
      );
      contenders.push(
        await contender('twinplug, default, swapping each 1 s', 'twinplug', swapRoot, () =>
          swapEverySecond(swapRoot),
        ),
      );
      await runRounds(contenders);
      report(contenders);
      await authCost({ plain: inProcessRoot, key: keyRoot, limits: limitsRoot });
    } finally {
      await Promise.all(contenders.map((entry) => stopTarget(entry.target)));
      for (const root of roots)
        for (const path of [root, `${root}.keys.json`, `${root}.audit.jsonl`])
          rmSync(path, { recursive: true, force: true });
    }
  },
};
