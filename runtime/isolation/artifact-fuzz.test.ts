import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Toolchain } from '../../scripts/artifacts.js';
import { isPluginError } from '../errors.js';
import { loadPlugin } from '../load-plugin.js';
import type { Isolation } from '../options.js';
import { artifact, isSkipped, text, utf8 } from '../test-support/artifacts.js';
import { inParallel, mutate, seededRandom } from '../test-support/mutate.js';

// Mutated and truncated artifacts, loaded the way untrusted ones must be (Wasm in a worker,
// native libraries in a child process) and called once when they load: each gives a typed
// error or a working plugin; none crashes or hangs this process. The seed is fixed, so a
// failure names an artifact that can be made again. TWINPLUG_FUZZ_ARTIFACTS=20000 runs more.

const SEED = Number(process.env.TWINPLUG_FUZZ_SEED ?? 0x7e57ab1e);
const WASM_COUNT = Number(process.env.TWINPLUG_FUZZ_ARTIFACTS ?? 1000);
const NATIVE_COUNT = Math.max(200, Math.floor(WASM_COUNT / 5));
const HANG_GUARD_MS = Math.max(240_000, WASM_COUNT * 300);
const shadowDir = mkdtempSync(join(tmpdir(), 'twinplug-fuzz-'));

afterAll(() => rmSync(shadowDir, { recursive: true, force: true }));

interface Tally {
  loaded: number;
  answered: number;
  codes: Record<string, number>;
}

async function tryArtifact(
  bytes: Uint8Array,
  fileName: string,
  isolation: Isolation,
  tally: Tally,
) {
  const count = (code: string) => {
    tally.codes[code] = (tally.codes[code] ?? 0) + 1;
  };
  const typed = (error: unknown): string => {
    if (!isPluginError(error)) throw new Error(`${fileName}: untyped error ${String(error)}`);
    return error.code;
  };
  let plugin: Awaited<ReturnType<typeof loadPlugin>>;
  try {
    plugin = await loadPlugin({
      bytes,
      fileName,
      isolation,
      timeoutMs: 2_000,
      loadTimeoutMs: 10_000,
      breaker: false,
      ...(isolation === 'process' ? { shadowDir, onStderr: () => undefined } : {}),
    });
  } catch (error) {
    count(typed(error));
    return;
  }
  tally.loaded += 1;
  try {
    const output = await plugin.processData(utf8('fuzz me'));
    expect(output).toBeInstanceOf(Uint8Array);
    tally.answered += 1;
  } catch (error) {
    count(`call:${typed(error)}`);
  } finally {
    await plugin.close();
  }
}

function corpus(bases: readonly string[], count: number, seed: number): Uint8Array[] {
  const random = seededRandom(seed);
  const originals = bases.map((path) => new Uint8Array(readFileSync(path)));
  return Array.from({ length: count }, () =>
    mutate(originals[Math.floor(random() * originals.length)]!, random),
  );
}

const WASM_BASES: [string, Toolchain][] = [
  ['upper', 'asc'],
  ['crc32', 'asc'],
  ['upper', 'clang-wasm'],
  ['redact', 'clang-wasm'],
];

describe('malformed artifacts', () => {
  it(`${WASM_COUNT} mutated Wasm modules in workers: each a typed load error or a working plugin`, {
    timeout: HANG_GUARD_MS,
  }, async () => {
    const bases = WASM_BASES.filter(([, toolchain]) => !isSkipped(toolchain)).map(
      ([name, toolchain]) => artifact(name, toolchain),
    );
    const tally: Tally = { loaded: 0, answered: 0, codes: {} };
    await inParallel(corpus(bases, WASM_COUNT, SEED), 4, (bytes, index) =>
      tryArtifact(bytes, `fuzz-${index}.wasm`, 'worker', tally),
    );
    console.info(`Wasm fuzz, seed ${SEED}:`, JSON.stringify(tally));
    expect(tally.loaded + sumOf(tally.codes, (code) => !code.startsWith('call:'))).toBe(WASM_COUNT);
    // The mutations reach past the first checks: some modules load and run, most are refused.
    expect(tally.loaded).toBeGreaterThan(0);
    expect(tally.codes.PLUGIN_FORMAT_INVALID ?? 0).toBeGreaterThan(0);
    const upper = await loadPlugin({ path: artifact('upper', 'asc'), isolation: 'worker' });
    expect(text(await upper.processData(utf8('host is fine')))).toBe('HOST IS FINE');
    await upper.close();
  });

  it.skipIf(isSkipped('cc'))(
    `${NATIVE_COUNT} truncated or mutated native libraries in child processes: typed errors, no crash`,
    { timeout: HANG_GUARD_MS },
    async () => {
      const bases = ['upper', 'crc32'].map((name) => artifact(name, 'cc'));
      const tally: Tally = { loaded: 0, answered: 0, codes: {} };
      await inParallel(corpus(bases, NATIVE_COUNT, SEED + 1), 4, (bytes, index) =>
        tryArtifact(bytes, `fuzz-${index}.so`, 'process', tally),
      );
      console.info(`native fuzz, seed ${SEED + 1}:`, JSON.stringify(tally));
      expect(tally.loaded + sumOf(tally.codes, (code) => !code.startsWith('call:'))).toBe(
        NATIVE_COUNT,
      );
      expect(tally.codes.PLUGIN_FORMAT_INVALID ?? 0).toBeGreaterThan(0);
      const upper = await loadPlugin({ path: artifact('upper', 'cc'), isolation: 'process' });
      expect(text(await upper.processData(utf8('host is fine')))).toBe('HOST IS FINE');
      await upper.close();
    },
  );
});

function sumOf(codes: Record<string, number>, keep: (code: string) => boolean): number {
  return Object.entries(codes).reduce((sum, [code, n]) => (keep(code) ? sum + n : sum), 0);
}
