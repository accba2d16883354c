import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCaseFile } from '../../../cases/index.js';
import { isPluginError } from '../../../errors.js';
import { loadPlugin } from '../../../load-plugin.js';
import type { LoadPluginOptions } from '../../../options.js';
import type { Plugin } from '../../../plugin.js';
import { manifest, utf8 } from '../../../test-support/artifacts.js';
import { inParallel, mutate, seededRandom } from '../../../test-support/mutate.js';
import { capMemory } from '../memory-cap.js';
import { meter } from './meter.js';

// Every Wasm sample and fixture the build made, run metered (the in-process default) and as
// built (metering: false): the same output bytes or the same error code, case by case. Then
// the malformed corpus of runtime/isolation/artifact-fuzz.test.ts (same seed, same bases):
// metering never turns an invalid module valid or a valid one invalid, and a metered load
// of each is a typed error or a working plugin.

const WASM = manifest.built.filter((entry) => entry.backend === 'wasm');
/** Fixtures whose calls never return unmetered: compared on inputs that do not loop. */
const LOOPS = new Set(['endless-loop']);
const FIXTURE_INPUTS = ['', 'x', 'hello fixture', '!boom', '{"words":["a"]}'];

type Outcome = string;

async function outcome(plugin: Plugin, input: Uint8Array): Promise<Outcome> {
  try {
    return `ok ${Buffer.from(await plugin.processData(input)).toString('hex')}`;
  } catch (error) {
    if (!isPluginError(error)) throw error;
    return `error ${error.code} ${error.pluginCode ?? ''}`;
  }
}

/** Fixtures run with 16 MiB of memory: grow-memory's bomb then fills it in milliseconds. */
const FIXTURE_PAGES = 256;

async function loadOutcome(path: string, metering: boolean, extra: LoadPluginOptions) {
  try {
    return await loadPlugin({ ...extra, path, metering, breaker: false });
  } catch (error) {
    if (!isPluginError(error)) throw error;
    return `load error ${error.code}`;
  }
}

async function compare(path: string, inputs: readonly Uint8Array[], extra: LoadPluginOptions) {
  const metered = await loadOutcome(path, true, extra);
  const plain = await loadOutcome(path, false, extra);
  if (typeof metered === 'string' || typeof plain === 'string') {
    expect(metered).toEqual(plain);
    return;
  }
  for (const input of inputs)
    expect(await outcome(metered, input)).toBe(await outcome(plain, input));
  await Promise.all([metered.close(), plain.close()]);
}

describe('metered samples and fixtures', () => {
  it(`${WASM.length} Wasm artifacts give the same answers metered and as built`, {
    timeout: 240_000,
  }, async () => {
    expect(WASM.length).toBeGreaterThan(10);
    for (const entry of WASM) {
      const bytes = new Uint8Array(readFileSync(entry.path));
      expect(WebAssembly.validate(meter(bytes)), entry.path).toBe(true);
      if (entry.kind === 'sample') {
        // The build copies each sample's cases.json into build/plugins/<name>/.
        const cases = await readCaseFile(
          join(manifest.root, 'build', 'plugins', entry.name, 'cases.json'),
        );
        const configs = new Set(cases.cases.map((each) => each.config));
        for (const config of configs) {
          const group = cases.cases.filter((each) => each.config === config);
          await compare(
            entry.path,
            group.map((each) => each.input),
            config === undefined ? {} : { config },
          );
        }
      } else if (!LOOPS.has(entry.name)) {
        const inputs = FIXTURE_INPUTS.filter(
          (input) => entry.name !== 'spin-on-demand' || !input.startsWith('!'),
        );
        await compare(entry.path, inputs.map(utf8), { maxMemoryPages: FIXTURE_PAGES });
      }
    }
  });
});

describe('metered malformed corpus', () => {
  const SEED = Number(process.env.TWINPLUG_FUZZ_SEED ?? 0x7e57ab1e);
  const COUNT = Number(process.env.TWINPLUG_FUZZ_ARTIFACTS ?? 1000);
  const BASES = [
    ['upper', 'asc'],
    ['crc32', 'asc'],
    ['upper', 'clang-wasm'],
    ['redact', 'clang-wasm'],
  ] as const;

  it(`${COUNT} mutated modules: validity kept, each metered load typed or working`, {
    timeout: Math.max(240_000, COUNT * 300),
  }, async () => {
    const bases = BASES.map(([name, toolchain]) =>
      WASM.find((entry) => entry.name === name && entry.toolchain === toolchain),
    ).filter((entry) => entry !== undefined);
    const originals = bases.map((entry) => new Uint8Array(readFileSync(entry.path)));
    const random = seededRandom(SEED);
    const corpus = Array.from({ length: COUNT }, () =>
      mutate(originals[Math.floor(random() * originals.length)]!, random),
    );
    const tally = { valid: 0, refused: 0, loaded: 0, answered: 0 };
    await inParallel(corpus, 1, async (bytes, index) => {
      let capped: Uint8Array;
      try {
        capped = capMemory(bytes, 4096);
      } catch (error) {
        expect(isPluginError(error), `module ${index}`).toBe(true);
        tally.refused += 1;
        return;
      }
      const valid = WebAssembly.validate(capped);
      if (valid) {
        tally.valid += 1;
        expect(WebAssembly.validate(meter(capped)), `module ${index}`).toBe(true);
      }
      let plugin: Plugin;
      try {
        plugin = await loadPlugin({
          bytes,
          fileName: `fuzz-${index}.wasm`,
          timeoutMs: 2_000,
          breaker: false,
        });
      } catch (error) {
        expect(isPluginError(error), `module ${index}: ${String(error)}`).toBe(true);
        return;
      }
      tally.loaded += 1;
      const answer = await outcome(plugin, utf8('fuzz me'));
      if (answer.startsWith('ok')) tally.answered += 1;
      await plugin.close();
    });
    console.info(`metered corpus, seed ${SEED}:`, JSON.stringify(tally));
    expect(tally.valid).toBeGreaterThan(0);
    expect(tally.loaded).toBeGreaterThan(0);
  });
});
