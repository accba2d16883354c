import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlugin } from '../../load-plugin.js';
import { assemble, hasWat2Wasm } from './metering/test-support/differential.js';

const NO_WABT = 'wat2wasm (Debian wabt) is not installed: scripts/install-toolchains.sh';
const SOURCE = join(import.meta.dirname, 'test-support', 'growing-echo.wat');

/** The memory section of the fixture as built: one memory, limits flag 1 (min and max), 1, 256. */
const MEMORY_SECTION = [0x05, 0x05, 0x01, 0x01, 0x01, 0x80, 0x02];

/**
 * The fixture as written, or with its memory's limits flag set to 3 (shared, which this wabt
 * will not assemble without a flag the shared helper does not pass): growth then detaches nothing.
 */
function growingEcho(shared: boolean): Uint8Array {
  const bytes = assemble(SOURCE);
  if (!shared) return bytes;
  const at = Buffer.from(bytes).indexOf(Buffer.from(MEMORY_SECTION));
  if (at < 0) throw new Error('growing-echo.wasm has no memory section of the expected shape');
  bytes[at + 2 + 1] = 0x03;
  return bytes;
}

function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, index) => (index * 31 + seed) & 0xff);
}

// The transport keeps its views of memory between calls and re-reads `memory.buffer` only when
// memory grew: these calls grow it inside ProcessData and inside alloc, between every copy.
describe.skipIf(!hasWat2Wasm())(`Wasm transport across memory growth (${NO_WABT})`, () => {
  it.each([
    ['non-shared', false],
    ['shared', true],
  ])('%s memory: every answer is the input, byte for byte', async (_label, shared) => {
    for (const metering of [true, false]) {
      const plugin = await loadPlugin({ bytes: growingEcho(shared), metering });
      for (const [index, length] of [16, 64, 200_000, 64, 1_000_000, 3].entries()) {
        const input = pattern(length, index);
        expect(Buffer.from(await plugin.processData(input)).equals(input)).toBe(true);
        expect(Buffer.from(plugin.processDataSync(input)).equals(input)).toBe(true);
      }
      await plugin.close();
    }
  });
});
