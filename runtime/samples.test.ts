import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SAMPLE_NAMES } from '../scripts/artifacts.js';
import { readCaseFile, runCases } from './cases/index.js';
import { loadPlugin } from './load-plugin.js';
import type { PluginConfig } from './options.js';
import {
  artifact,
  isSkipped,
  sameBytes,
  TOOLCHAINS,
  text,
  toolchainTitle,
  utf8,
} from './test-support/artifacts.js';

function allBytes(): Uint8Array {
  return Uint8Array.from({ length: 256 }, (_, index) => index);
}

function upperInJs(input: Uint8Array): Uint8Array {
  return input.map((byte) => (byte >= 0x61 && byte <= 0x7a ? byte - 0x20 : byte));
}

function crcBytes(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, crc32(input), false);
  return out;
}

function pseudoRandom(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed;
  for (let index = 0; index < length; index += 1) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[index] = state >>> 24;
  }
  return bytes;
}

async function withPlugin<T>(
  path: string,
  config: PluginConfig | undefined,
  use: (call: (input: Uint8Array) => Promise<Uint8Array>) => Promise<T>,
): Promise<T> {
  const plugin = await loadPlugin(config === undefined ? path : { path, config });
  try {
    return await use((input) => plugin.processData(input));
  } finally {
    await plugin.close();
  }
}

/** The same sample behaviour, asserted on every backend through the one Plugin interface. */
for (const toolchain of TOOLCHAINS) {
  describe.skipIf(isSkipped(toolchain))(
    `sample plugins built by ${toolchainTitle(toolchain)}`,
    () => {
      it('upper: ASCII letters only, every other byte untouched, empty stays empty', async () => {
        await withPlugin(artifact('upper', toolchain), undefined, async (call) => {
          expect(text(await call(utf8('Hello, wörld 123')))).toBe('HELLO, WöRLD 123');
          expect(await call(allBytes())).toEqual(upperInJs(allBytes()));
          expect(await call(new Uint8Array(0))).toEqual(new Uint8Array(0));
          const big = pseudoRandom(1 << 20, 7);
          expect(sameBytes(await call(big), upperInJs(big))).toBe('identical');
        });
      });

      it('upper: reads a view into a larger buffer (a pooled Node Buffer) from its offset', async () => {
        await withPlugin(artifact('upper', toolchain), undefined, async (call) => {
          const pooled = Buffer.from('abc');
          expect(pooled.byteOffset + pooled.length).toBeLessThan(pooled.buffer.byteLength);
          expect(text(await call(pooled))).toBe('ABC');
        });
      });

      it('crc32: the IEEE check value, the empty input, and 1 MiB against zlib', async () => {
        await withPlugin(artifact('crc32', toolchain), undefined, async (call) => {
          expect(Buffer.from(await call(utf8('123456789'))).toString('hex')).toBe('cbf43926');
          expect(Buffer.from(await call(new Uint8Array(0))).toString('hex')).toBe('00000000');
          const big = pseudoRandom(1 << 20, 11);
          expect(await call(big)).toEqual(crcBytes(big));
        });
      });

      it('pricing: line totals, coupon and volume discounts; malformed JSON is plugin code -2', async () => {
        await withPlugin(artifact('pricing', toolchain), undefined, async (call) => {
          const order =
            '{"items":[{"sku":"A1","qty":2,"unit_cents":1999},{"sku":"B-2","qty":100,"unit_cents":1500}],"coupon":"FLAT500"}';
          expect(text(await call(utf8(order)))).toBe(
            '{"lines":[{"sku":"A1","qty":2,"unit_cents":1999,"line_cents":3998},{"sku":"B-2","qty":100,"unit_cents":1500,"line_cents":150000}],' +
              '"subtotal_cents":153998,"discount_cents":8199,"total_cents":145799}',
          );
          await expect(call(utf8('{"items":['))).rejects.toMatchObject({
            code: 'PLUGIN_CALL_FAILED',
            pluginCode: -2,
          });
          await expect(call(utf8('{"items":[],"coupon":"FREE"}'))).rejects.toMatchObject({
            code: 'PLUGIN_CALL_FAILED',
            pluginCode: -5,
          });
        });
      });

      it('pricing: an output larger than the first buffer goes through the two-call retry', async () => {
        // Big quantities and prices make each output line about 1.6x its input line.
        const items = Array.from({ length: 40 }, (_, index) => ({
          sku: `S${index % 10}`,
          qty: 10000,
          unit_cents: 99999999,
        }));
        const input = utf8(JSON.stringify({ items }));
        await withPlugin(artifact('pricing', toolchain), undefined, async (call) => {
          const output = JSON.parse(text(await call(input)));
          expect(output.lines).toHaveLength(40);
          expect(output.subtotal_cents).toBe(40 * 999999990000);
          expect(text(await call(input)).length).toBeGreaterThan(Math.max(256, input.length * 1.5));
        });
      });

      it('redact: words come from Initialize config; two loads keep their own config', async () => {
        const first = await loadPlugin({
          path: artifact('redact', toolchain),
          config: { words: ['hunter2'] },
        });
        const second = await loadPlugin({
          path: artifact('redact', toolchain),
          config: { words: ['secret'], mask: '#' },
        });
        try {
          expect(text(await first.processData(utf8('my Hunter2 secret')))).toBe(
            'my [REDACTED] secret',
          );
          expect(text(await second.processData(utf8('my Hunter2 secret')))).toBe('my Hunter2 #');
        } finally {
          await first.close();
          await second.close();
        }
      });

      it('redact: an invalid config is PLUGIN_INIT_FAILED and nothing stays loaded', async () => {
        await expect(
          loadPlugin({ path: artifact('redact', toolchain), config: '{"words":"nope"}' }),
        ).rejects.toMatchObject({
          code: 'PLUGIN_INIT_FAILED',
        });
      });

      for (const name of SAMPLE_NAMES) {
        it(`${name}: every case in its cases.json`, async () => {
          const path = artifact(name, toolchain);
          const caseFile = await readCaseFile(join(dirname(artifact(name, 'asc')), 'cases.json'));
          const failures = (await runCases({ path }, caseFile.cases)).filter(
            (result) => !result.pass,
          );
          expect(failures.map((result) => `${result.case.name}: ${result.reason}`)).toEqual([]);
          expect(caseFile.cases.length).toBeGreaterThan(4);
        });
      }
    },
  );
}
