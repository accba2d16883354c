import { describe, expect, it } from 'vitest';
import { type PluginCase, readCaseFile } from '../runtime/index.js';
import { SAMPLE_NAMES, type SampleName } from '../scripts/artifacts.js';
import { casesOf } from './test-support/built.js';

const MIB = 1024 * 1024;

/** The first ProcessData call offers max(256, 1.5 x input) bytes (docs/abi.md); more needs the retry. */
function needsRetry(entry: PluginCase): boolean {
  if (entry.expect.kind !== 'output') return false;
  return (
    entry.expect.output.length > Math.max(256, entry.input.length + (entry.input.length >>> 1))
  );
}

/** The plugin-defined codes docs/samples.md gives each sample, and where they surface. */
const ERROR_CODES: Record<
  SampleName,
  { code: 'PLUGIN_CALL_FAILED' | 'PLUGIN_INIT_FAILED'; pluginCodes: number[] }
> = {
  upper: { code: 'PLUGIN_CALL_FAILED', pluginCodes: [] },
  crc32: { code: 'PLUGIN_CALL_FAILED', pluginCodes: [] },
  pricing: { code: 'PLUGIN_CALL_FAILED', pluginCodes: [-2, -3, -4, -5] },
  // redact's only error is a config Initialize refuses.
  redact: { code: 'PLUGIN_INIT_FAILED', pluginCodes: [-1] },
};

/** Samples whose output can outgrow the first buffer; upper's output is as long as its input, crc32's is 4 bytes. */
const CAN_NEED_RETRY: ReadonlySet<SampleName> = new Set(['pricing', 'redact']);

describe.each(SAMPLE_NAMES)('%s: cases.json covers what the conformance suite promises', (name) => {
  const load = async () => (await readCaseFile(casesOf(name))).cases;

  it('a normal input with an expected output, and the empty input', async () => {
    const cases = await load();
    expect(cases.some((entry) => entry.input.length > 0 && entry.expect.kind !== 'error')).toBe(
      true,
    );
    expect(cases.some((entry) => entry.input.length === 0)).toBe(true);
  });

  it('an input of at least 1 MiB', async () => {
    expect((await load()).some((entry) => entry.input.length >= MIB)).toBe(true);
  });

  if (CAN_NEED_RETRY.has(name)) {
    it('an output larger than the first buffer, so the host retries with the size asked for', async () => {
      expect((await load()).filter(needsRetry).length).toBeGreaterThan(0);
    });
  } else {
    it('no retry case: its output never outgrows max(256, 1.5 x input), so no input can need one', async () => {
      expect((await load()).filter(needsRetry)).toEqual([]);
    });
  }

  it(`every plugin error code it defines (${ERROR_CODES[name].pluginCodes.join(', ') || 'none'})`, async () => {
    const { code, pluginCodes } = ERROR_CODES[name];
    const expected = new Set(
      (await load()).flatMap((entry) =>
        entry.expect.kind === 'error' && entry.expect.code === code
          ? [entry.expect.pluginCode]
          : [],
      ),
    );
    expect([...expected].sort()).toEqual([...pluginCodes].sort());
  });
});
