import { describe, expect, it } from 'vitest';
import {
  initialOutputCapacity,
  type ProcessDataTransport,
  runProcessData,
} from './call-protocol.js';

/** A transport that answers from a script: one [status, outLen] per invoke. */
function scripted(answers: [number, number][], output = new Uint8Array(0)) {
  const capacities: number[] = [];
  let last: [number, number] = [0, 0];
  const transport: ProcessDataTransport = {
    invoke(_input, outCap) {
      capacities.push(outCap);
      const next = answers.shift();
      if (next === undefined) throw new Error('called more often than scripted');
      last = next;
      return next[0];
    },
    outLen: () => last[1],
    takeOutput: (length) => output.slice(0, length),
  };
  return { transport, capacities };
}

const input = new Uint8Array(10);
const MAX = 1 << 20;

describe('runProcessData', () => {
  it('offers max(256, 1.5x input) first, capped by the output limit', () => {
    expect(initialOutputCapacity(0, MAX)).toBe(256);
    expect(initialOutputCapacity(1000, MAX)).toBe(1500);
    expect(initialOutputCapacity(1000, 700)).toBe(700);
  });

  it('returns the output on status 0', () => {
    const { transport } = scripted([[0, 3]], new Uint8Array([1, 2, 3, 4]));
    expect(runProcessData(transport, input, MAX)).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('retries once with exactly the capacity the plugin asked for', () => {
    const { transport, capacities } = scripted(
      [
        [1, 5000],
        [0, 5000],
      ],
      new Uint8Array(6000).fill(7),
    );
    expect(runProcessData(transport, input, MAX)).toEqual(new Uint8Array(5000).fill(7));
    expect(capacities).toEqual([256, 5000]);
  });

  it('a second "too small" is an ABI violation', () => {
    const { transport } = scripted([
      [1, 5000],
      [1, 9000],
    ]);
    expect(() => runProcessData(transport, input, MAX)).toThrow(
      expect.objectContaining({ code: 'PLUGIN_ABI_VIOLATION' }),
    );
  });

  it('"too small" while asking for no more than it had is an ABI violation', () => {
    const { transport } = scripted([[1, 100]]);
    expect(() => runProcessData(transport, input, MAX)).toThrow(
      expect.objectContaining({ code: 'PLUGIN_ABI_VIOLATION' }),
    );
  });

  it('asking for more than the output limit is PLUGIN_OUTPUT_TOO_LARGE, without a second call', () => {
    const { transport, capacities } = scripted([[1, MAX + 1]]);
    expect(() => runProcessData(transport, input, MAX)).toThrow(
      expect.objectContaining({ code: 'PLUGIN_OUTPUT_TOO_LARGE' }),
    );
    expect(capacities).toHaveLength(1);
  });

  it('an out_len past out_cap on success is an ABI violation, nothing is read', () => {
    const { transport } = scripted([[0, 257]]);
    expect(() => runProcessData(transport, input, MAX)).toThrow(
      expect.objectContaining({ code: 'PLUGIN_ABI_VIOLATION' }),
    );
  });

  it('a negative status is PLUGIN_CALL_FAILED carrying the plugin code', () => {
    const { transport } = scripted([[-7, 0]]);
    expect(() => runProcessData(transport, input, MAX)).toThrow(
      expect.objectContaining({ code: 'PLUGIN_CALL_FAILED', pluginCode: -7 }),
    );
  });

  it('an unknown positive status is an ABI violation', () => {
    const { transport } = scripted([[2, 0]]);
    expect(() => runProcessData(transport, input, MAX)).toThrow(
      expect.objectContaining({ code: 'PLUGIN_ABI_VIOLATION' }),
    );
  });
});
