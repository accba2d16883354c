import { describe, expect, it } from 'vitest';
import { capMemory } from './memory-cap.js';

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const EXPORT_MEMORY = [0x07, 0x0a, 0x01, 0x06, ...new TextEncoder().encode('memory'), 0x02, 0x00];

/** A module that defines one memory with these limits and exports it. */
function moduleWithMemory(minimum: number, maximum?: number): Uint8Array {
  const limits = maximum === undefined ? [0x00, minimum] : [0x01, minimum, maximum];
  return new Uint8Array([...HEADER, 0x05, limits.length + 1, 0x01, ...limits, ...EXPORT_MEMORY]);
}

function exportedMemory(bytes: Uint8Array): WebAssembly.Memory {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
  return instance.exports.memory as WebAssembly.Memory;
}

describe('capMemory', () => {
  it('adds a maximum to a memory that has none, so growth past the cap fails', () => {
    const memory = exportedMemory(capMemory(moduleWithMemory(1), 3));
    expect(memory.grow(2)).toBe(1);
    expect(() => memory.grow(1)).toThrow(RangeError);
  });

  it('lowers a larger declared maximum and keeps a smaller one', () => {
    expect(() => exportedMemory(capMemory(moduleWithMemory(1, 100), 2)).grow(2)).toThrow(
      RangeError,
    );
    const small = exportedMemory(capMemory(moduleWithMemory(1, 2), 50));
    expect(small.grow(1)).toBe(1);
    expect(() => small.grow(1)).toThrow(RangeError);
  });

  it('refuses a module whose initial memory is already over the cap', () => {
    expect(() => capMemory(moduleWithMemory(10), 4)).toThrow(
      expect.objectContaining({ code: 'PLUGIN_MEMORY_LIMIT' }),
    );
  });

  it('leaves a module without memory unchanged', () => {
    const bytes = new Uint8Array(HEADER);
    expect(capMemory(bytes, 4)).toBe(bytes);
  });

  it('refuses sections that run past the end with PLUGIN_FORMAT_INVALID', () => {
    const bytes = moduleWithMemory(1);
    expect(() => capMemory(bytes.subarray(0, HEADER.length + 3), 4)).toThrow(
      expect.objectContaining({ code: 'PLUGIN_FORMAT_INVALID' }),
    );
  });
});
