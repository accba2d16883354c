import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../scripts/artifacts.js';
import { largeWasmModule } from '../../../scripts/large-wasm-module.js';
import { isPluginError } from '../../errors.js';
import { loadPlugin } from '../../load-plugin.js';
import { DEFAULT_MAX_MEMORY_PAGES } from '../../option-table.js';
import { sameBytes, text, utf8 } from '../../test-support/artifacts.js';
import { meterWorker, OFF_THREAD_METER_BYTES } from './compile-module.js';
import { capMemory } from './memory-cap.js';
import { meterValid } from './meter-valid.js';

/** Runs `check` on every turn of the event loop until `done` resolves; true if it ever held. */
async function everyTurn(done: Promise<unknown>, check: () => boolean): Promise<boolean> {
  let settled = false;
  let held = false;
  const turn = () => {
    held ||= check();
    if (!settled) setImmediate(turn);
  };
  setImmediate(turn);
  await done.finally(() => {
    settled = true;
  });
  return held;
}

function uleb(bytes: Uint8Array, offset: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  for (let index = offset; ; index += 1) {
    value += (bytes[index]! & 0x7f) * 2 ** shift;
    if ((bytes[index]! & 0x80) === 0) return { value, next: index + 1 };
    shift += 7;
  }
}

/**
 * The module with its memory imported (`env.memory`) instead of defined: no memory section, so
 * the capped module is the caller's own bytes; the runtime refuses the import after metering.
 */
function withImportedMemory(bytes: Uint8Array): Uint8Array {
  const sections: number[][] = [];
  for (let offset = 8; offset < bytes.length; ) {
    const size = uleb(bytes, offset + 1);
    const end = size.next + size.value;
    if (bytes[offset] !== 5) sections.push([...bytes.subarray(offset, end)]);
    if (bytes[offset] === 1) {
      const name = (text: string) => [text.length, ...new TextEncoder().encode(text)];
      const entry = [1, ...name('env'), ...name('memory'), 0x02, 0x01, 1, 0x80, 0x02];
      sections.push([2, entry.length, ...entry]);
    }
    offset = end;
  }
  return Uint8Array.from([...bytes.subarray(0, 8), ...sections.flat()]);
}

async function untilTurnWhere(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((next) => setImmediate(next));
}

async function failure(loading: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await loading.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isPluginError(error)) throw new Error(`expected a PluginError, got ${String(error)}`);
  return { code: error.code, message: error.message };
}

describe('metering a large module off the loading thread', () => {
  it('the event loop keeps turning while a large module is metered, and the plugin answers', async () => {
    const bytes = largeWasmModule(512 * 1024);
    expect(bytes.length).toBeGreaterThanOrEqual(OFF_THREAD_METER_BYTES);
    const loading = loadPlugin({ bytes });
    // Metered on this thread, the rewrite would run between two turns and never be seen pending.
    expect(await everyTurn(loading, () => meterWorker.pending > 0)).toBe(true);
    const plugin = await loading;
    for (const input of [utf8('large'), new Uint8Array(300_000).fill(0x5a)]) {
      expect(sameBytes(await plugin.processData(input), input)).toBe('identical');
      expect(sameBytes(plugin.processDataSync(input), input)).toBe('identical');
    }
    await plugin.close();
  });

  it('a malformed large module fails with the code and message of the loading-thread path', async () => {
    const bytes = largeWasmModule(520 * 1024);
    bytes[bytes.length - 1] = 0xff; // the last body's `end`
    const here = await failure(meterValid(capMemory(bytes, DEFAULT_MAX_MEMORY_PAGES)));
    expect(here.code).toBe('PLUGIN_FORMAT_INVALID');
    expect(await failure(loadPlugin({ bytes }))).toEqual(here);
  });

  it("the caller's bytes stay as they were, also when the module is metered as given", async () => {
    const module = withImportedMemory(largeWasmModule(256 * 1024));
    expect(WebAssembly.validate(module)).toBe(true);
    const bytes = Buffer.from(module); // a Buffer's slice would be a view, not a copy
    const failed = await failure(loadPlugin({ bytes }));
    expect(failed.code).toBe('PLUGIN_IMPORT_UNSUPPORTED');
    expect(bytes.equals(module)).toBe(true);
    const plugin = await loadPlugin({ bytes: largeWasmModule(300 * 1024) });
    expect(text(await plugin.processData(utf8('intact')))).toBe('intact');
    await plugin.close();
  });

  it('the worker ending mid-load fails that load with PLUGIN_LOAD_FAILED; the next load works', async () => {
    const loading = loadPlugin({ bytes: largeWasmModule(600 * 1024) });
    await untilTurnWhere(() => meterWorker.pending > 0);
    await meterWorker.terminate();
    expect(await failure(loading)).toMatchObject({ code: 'PLUGIN_LOAD_FAILED' });
    const plugin = await loadPlugin({ bytes: largeWasmModule(610 * 1024) });
    expect(text(await plugin.processData(utf8('again')))).toBe('again');
    await plugin.close();
  });

  it('a script that loads a large module exits on its own when it is done', async () => {
    const dist = (path: string) => JSON.stringify(pathToFileURL(join(repoRoot(), 'dist', path)));
    const script = `
      import { loadPlugin } from ${dist('runtime/index.js')};
      import { largeWasmModule } from ${dist('scripts/large-wasm-module.js')};
      const plugin = await loadPlugin({ bytes: largeWasmModule(512 * 1024) });
      const output = await plugin.processData(new TextEncoder().encode('exits'));
      process.stdout.write(new TextDecoder().decode(output));
      await plugin.close();`;
    const child = spawn(process.execPath, ['--input-type=module', '--eval', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const [code] = await once(child, 'exit');
    expect({ code, output }).toEqual({ code: 0, output: 'exits' });
  });
});
