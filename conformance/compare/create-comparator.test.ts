import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CallOutcome, loadPlugin, parseComparatorFlag } from '../../runtime/index.js';
import { built, thirdPartySkip, utf8 } from '../test-support/built.js';
import { type Comparator, judgeOutcomes } from './comparator.js';
import { createComparator } from './create-comparator.js';

const dir = mkdtempSync(join(tmpdir(), 'twinplug-compare-'));
const opened: Comparator[] = [];
afterAll(() => Promise.all(opened.map((comparator) => comparator.close())));

async function comparator(flag: string): Promise<Comparator> {
  const parsed = parseComparatorFlag(flag, dir);
  if (!parsed.ok) throw new Error(parsed.message);
  const made = await createComparator(parsed.spec);
  opened.push(made);
  return made;
}

const ok = (bytes: Uint8Array): CallOutcome => ({ ok: true, output: bytes });
const judge = async (flag: string, a: Uint8Array, b: Uint8Array) =>
  judgeOutcomes(await comparator(flag), ok(a), ok(b), utf8('input'));

describe('comparators', () => {
  it('json: a byte-different but equal value passes, and fails under exact', async () => {
    const a = utf8('{"total":3998,"lines":[{"sku":"A1"}]}');
    const b = utf8('{ "lines": [ { "sku": "A1" } ], "total": 3.998e3 }');
    expect(await judge('json', a, b)).toMatchObject({
      equal: true,
      comparator: 'json (numbers: decimal)',
    });
    expect(await judge('exact', a, b)).toMatchObject({ equal: false, comparator: 'exact' });
    expect(await judge('json', a, utf8('{"total":3999,"lines":[{"sku":"A1"}]}'))).toMatchObject({
      equal: false,
      why: 'different JSON values at $["total"]: 3998 vs 3999',
    });
  });

  it('compares errors by code and plugin code whatever the comparator', async () => {
    const json = await comparator('json');
    const failed = (pluginCode: number): CallOutcome => ({
      ok: false,
      code: 'PLUGIN_CALL_FAILED',
      pluginCode,
      message: '',
    });
    expect((await judgeOutcomes(json, failed(-2), failed(-2), utf8(''))).equal).toBe(true);
    expect(await judgeOutcomes(json, failed(-2), failed(-3), utf8(''))).toMatchObject({
      equal: false,
      why: 'error PLUGIN_CALL_FAILED (plugin code -2) vs error PLUGIN_CALL_FAILED (plugin code -3)',
    });
  });

  it('custom: a module the user names judges, and its reason is reported', async () => {
    writeFileSync(
      join(dir, 'same-length.mjs'),
      `export function compare(a, b, input) {
        return a.length === b.length || { equal: false, why: \`\${a.length} vs \${b.length} for \${input.length}\` };
      }`,
    );
    expect((await judge('custom:same-length.mjs', utf8('ab'), utf8('cd'))).equal).toBe(true);
    expect(await judge('custom:same-length.mjs', utf8('ab'), utf8('c'))).toMatchObject({
      equal: false,
      comparator: 'custom (same-length.mjs#compare)',
      why: '2 vs 1 for 5',
    });
  });

  it('decode: a JS decoder, and the decoded bytes reported when they differ', async () => {
    writeFileSync(
      join(dir, 'codec.mjs'),
      'export const decode = (bytes) => bytes.filter((byte) => byte !== 0x20);',
    );
    expect((await judge('decode:codec.mjs', utf8('a b'), utf8('ab '))).equal).toBe(true);
    const verdict = await judge('decode:codec.mjs', utf8('a b'), utf8('ba'));
    expect(verdict).toMatchObject({
      equal: false,
      why: 'the decoded bytes differ (2 and 2 bytes)',
    });
    expect(verdict.compared).toEqual({ what: 'decoded outputs', a: utf8('ab'), b: utf8('ba') });
  });

  const skip = thirdPartySkip();
  (skip === undefined ? it : it.skip)(
    `decode: a decoder artifact, LZ4 outputs of the native and the Wasm twin${skip === undefined ? '' : `: skipped, ${skip}`}`,
    async () => {
      const input = utf8(
        Array.from(
          { length: 8000 },
          (_, i) => `line ${i % 977} of the log, value ${(i * 7919) % 10007}\n`,
        )
          .join('')
          .slice(0, 70_000),
      );
      const outputs: Uint8Array[] = [];
      for (const toolchain of ['cc', 'clang-wasm'] as const) {
        const plugin = await loadPlugin(built('lz4-block', toolchain, 'third-party'));
        outputs.push(await plugin.processData(input));
        await plugin.close();
      }
      const [native, wasm] = outputs as [Uint8Array, Uint8Array];
      expect(Buffer.compare(native, wasm)).not.toBe(0);
      const decoder = built('lz4-block-decode', 'clang-wasm', 'third-party');
      expect(await judge(`decode:${decoder}`, native, wasm)).toMatchObject({
        equal: true,
        comparator: 'decode (lz4-block-decode.wasm)',
      });
      const corrupt = native.slice();
      corrupt[corrupt.length - 1] = corrupt.at(-1)! ^ 0xff;
      expect(await judge(`decode:${decoder}`, native, corrupt)).toMatchObject({ equal: false });
    },
  );

  it('refuses a module without the export with CONFORMANCE_COMPARATOR_INVALID', async () => {
    writeFileSync(join(dir, 'empty.mjs'), 'export const nothing = 1;');
    await expect(comparator('custom:empty.mjs')).rejects.toMatchObject({
      code: 'CONFORMANCE_COMPARATOR_INVALID',
    });
    await expect(comparator('decode:missing.wasm')).rejects.toMatchObject({
      code: 'CONFORMANCE_COMPARATOR_INVALID',
    });
  });
});
