/**
 * Profiles one server-suite contender under the suite's load: `npm run build && node
 * dist/bench/profile-server.js [kind] [seconds]` (kind: twinplug, twinplug-key,
 * twinplug-limits, hono, node-http; default twinplug, in-process `upper`). The target runs with
 * `node --cpu-prof`; prints the top functions by self time and where the .cpuprofile is (open it
 * in Chrome DevTools for the call tree).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load, startTarget, stopTarget, upperFolder } from './suites/server.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  /** Microseconds of CLOCK_MONOTONIC, the clock process.hrtime reads in every process. */
  readonly startTime: number;
  readonly timeDeltas: readonly number[];
}

const TOP = 25;

function place({ functionName, url, lineNumber }: ProfileNode['callFrame']): string {
  const file = url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules|dist)\//, '$1/');
  const name = functionName === '' ? '(anonymous)' : functionName;
  return file === '' ? name : `${name} ${file}:${lineNumber + 1}`;
}

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

/**
 * Self samples per function (same name and place) taken between `from` and `to` (the timed
 * load, not the start-up), as a share of those samples not idle.
 */
function selfTimes(profile: CpuProfile, from: number, to: number): [string, number][] {
  const byNode = new Map(profile.nodes.map((node) => [node.id, place(node.callFrame)]));
  const counts = new Map<string, number>();
  let at = profile.startTime;
  let busy = 0;
  profile.samples.forEach((id, index) => {
    at += profile.timeDeltas[index] ?? 0;
    const where = byNode.get(id) ?? '?';
    if (at < from || at > to || where === '(idle)') return;
    counts.set(where, (counts.get(where) ?? 0) + 1);
    busy += 1;
  });
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([where, count]) => [where, (100 * count) / busy]);
}

const [kind = 'twinplug', seconds = '8'] = process.argv.slice(2);
const root = upperFolder(kind.startsWith('twinplug') ? { isolation: 'in-process' } : {});
const profiles = mkdtempSync(join(tmpdir(), 'twinplug-profile-'));
const target = await startTarget(kind, root, ['--cpu-prof', `--cpu-prof-dir=${profiles}`]);
let window: [number, number] = [0, 0];
try {
  await load(target, 1);
  const from = monotonicUs();
  const result = await load(target, Number(seconds));
  window = [from, monotonicUs()];
  process.stdout.write(
    `${kind}: ${result.rps.toFixed(0)} req/s, ${result.cpuUs.toFixed(1)} µs CPU/req, ${result.non2xx} non-2xx\n`,
  );
} finally {
  await stopTarget(target);
  for (const path of [root, `${root}.keys.json`, `${root}.audit.jsonl`])
    rmSync(path, { recursive: true, force: true });
}
const file = join(profiles, readdirSync(profiles)[0]!);
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const rows = selfTimes(profile, ...window).slice(0, TOP);
process.stdout.write(`self time during the timed load, % of the busy samples (${file}):\n`);
for (const [where, share] of rows)
  process.stdout.write(`${share.toFixed(1).padStart(5)}%  ${where}\n`);
