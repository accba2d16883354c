// Metered against unmetered in-process Wasm (the meter's cost per call), and how soon the meter
// stops an endless loop past timeoutMs: printed by the isolation suite.
import { loadPlugin, type Plugin } from '../runtime/index.js';
import { findArtifact, readArtifactManifest } from '../scripts/artifacts.js';
import { compare, formatNs, formatRatio, printTable } from './harness.js';

const LOOP_TIMEOUT_MS = 200;
const LOOP_ROUNDS = 7;

function sampleInput(size: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, index) => 0x61 + (index % 26));
}

async function meterCost(
  sample: string,
  size: number,
  opsPerRound: number,
  max: number,
): Promise<string[]> {
  const path = findArtifact(readArtifactManifest(), sample, 'asc')!.path;
  const metered = await loadPlugin(path);
  const plain = await loadPlugin({ path, metering: false });
  const input = sampleInput(size);
  const [a, b] = [await metered.processData(input), await plain.processData(input)];
  if (!Buffer.from(a).equals(b)) throw new Error(`${sample}: metered output differs`);
  const results = await compare(
    { metered: () => metered.processData(input), plain: () => plain.processData(input) },
    { opsPerRound },
  );
  await Promise.all([metered.close(), plain.close()]);
  const ratio = results.metered!.nsPerOp / results.plain!.nsPerOp;
  return [
    `${sample} ${size >= 1024 * 1024 ? `${size / 1024 / 1024} MiB` : `${size} B`}`,
    formatNs(results.metered!.nsPerOp),
    formatNs(results.plain!.nsPerOp),
    formatRatio(ratio, { max }),
  ];
}

/** Times each timed-out call of an endless loop and the call after it (which must answer). */
async function loopStops(): Promise<string[]> {
  const path = findArtifact(readArtifactManifest(), 'spin-on-demand', 'asc', 'fixture')!.path;
  const plugin: Plugin = await loadPlugin({ path, timeoutMs: LOOP_TIMEOUT_MS, breaker: false });
  const stops: number[] = [];
  for (let round = 0; round < LOOP_ROUNDS; round += 1) {
    const started = performance.now();
    const error = await plugin.processData(sampleInput(1).fill(0x21)).catch((caught) => caught);
    stops.push(performance.now() - started);
    if ((error as { code?: string }).code !== 'PLUGIN_TIMEOUT') throw new Error('no timeout');
    const echo = await plugin.processData(sampleInput(8));
    if (echo.length !== 8) throw new Error('the call after a timeout did not answer');
  }
  await plugin.close();
  const sorted = stops.sort((x, y) => x - y);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return [
    `endless loop, timeoutMs ${LOOP_TIMEOUT_MS}`,
    `median of ${LOOP_ROUNDS} ${median.toFixed(1)} ms, worst ${sorted.at(-1)!.toFixed(1)} ms`,
    'next call answered',
    formatRatio(median / LOOP_TIMEOUT_MS, { max: 1.1 }),
  ];
}

export async function printMetering(): Promise<void> {
  const rows = [
    await meterCost('upper', 64, 20_000, 1.2),
    await meterCost('crc32', 1024 * 1024, 20, 1.3),
    await loopStops(),
  ];
  printTable(['metered in-process', 'metered', 'unmetered', 'metered/unmetered'], rows);
}
