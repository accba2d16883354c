import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPlugin } from '../../../load-plugin.js';
import { artifact, text, utf8 } from '../../../test-support/artifacts.js';
import { meter } from './meter.js';

const asc = (name: string) => artifact(name, 'asc', 'fixture');

/** A signal that reads as aborted from its nth read on: an abort arriving mid-call. */
function abortsAfterReads(reads: number): AbortSignal {
  const signal = new AbortController().signal;
  let count = 0;
  Object.defineProperty(signal, 'aborted', { get: () => ++count > reads });
  return signal;
}

describe('metered Wasm in-process (the default)', () => {
  it('an endless loop is PLUGIN_TIMEOUT; the same plugin answers the next call from a fresh instance', async () => {
    const plugin = await loadPlugin({ path: asc('spin-on-demand'), timeoutMs: 100 });
    expect(plugin.isolation).toBe('in-process');
    expect(text(await plugin.processData(utf8('before')))).toBe('before');
    for (let round = 0; round < 2; round += 1) {
      await expect(plugin.processData(utf8('!spin'))).rejects.toMatchObject({
        code: 'PLUGIN_TIMEOUT',
        details: { timeoutMs: 100 },
      });
      expect(text(await plugin.processData(utf8('after')))).toBe('after');
    }
    expect(plugin.stats()).toMatchObject({ inFlight: 0, circuit: 'closed' });
    await plugin.close();
  });

  it('instance state starts over after a timeout, as after any trap', async () => {
    const plugin = await loadPlugin({ path: asc('stateful'), timeoutMs: 5_000 });
    const count = async () =>
      new DataView((await plugin.processData(utf8('x'))).buffer).getUint32(0, false);
    expect([await count(), await count()]).toEqual([1, 2]);
    await plugin.close();
  });

  it('an aborted signal refuses a call not started and stops a running one with PLUGIN_CANCELLED', async () => {
    const plugin = await loadPlugin({ path: asc('spin-on-demand'), timeoutMs: 60_000 });
    await expect(
      plugin.processData(utf8('x'), { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ code: 'PLUGIN_CANCELLED' });
    await expect(
      plugin.processData(utf8('!spin'), { signal: abortsAfterReads(3) }),
    ).rejects.toMatchObject({ code: 'PLUGIN_CANCELLED' });
    expect(text(await plugin.processData(utf8('ok'), { signal: abortsAfterReads(1e9) }))).toBe(
      'ok',
    );
    await plugin.close();
  });

  it('metering: false loads the module unchanged; a timeout then needs isolation', async () => {
    const plugin = await loadPlugin({ path: asc('spin-on-demand'), metering: false });
    expect(text(await plugin.processData(utf8('plain')))).toBe('plain');
    await plugin.close();
    await expect(
      loadPlugin({ path: asc('spin-on-demand'), metering: false, timeoutMs: 100 }),
    ).rejects.toMatchObject({ code: 'PLUGIN_INVALID_OPTIONS' });
  });
});

describe('metered Wasm: what a module cannot reach', () => {
  const dir = mkdtempSync(join(tmpdir(), 'twinplug-meter-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // (func (export "f") (result i32) (loop) (local.get 0)) with no local 0: invalid as built,
  // but once metered local 0 is the loop counter the rewrite adds (and global 0 its counter).
  const header = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7f, 3, 2, 1, 0];
  const exportF = [7, 5, 1, 1, 0x66, 0, 0];
  const reading = (op: number) =>
    Uint8Array.of(...header, ...exportF, ...[10, 9, 1, 7, 0, 0x03, 0x40, 0x0b, op, 0x00, 0x0b]);

  it.each([
    ['local', 0x20],
    ['global', 0x23],
  ])('a module naming the %s the meter adds is refused as built, never metered', async (_, op) => {
    const bytes = reading(op);
    expect(WebAssembly.validate(bytes)).toBe(false);
    // The refusal matters: metered, the same bytes would validate and read the meter's counter.
    expect(WebAssembly.validate(meter(bytes))).toBe(true);
    const path = join(dir, `names-${op}.wasm`);
    writeFileSync(path, bytes);
    await expect(loadPlugin(path)).rejects.toMatchObject({ code: 'PLUGIN_FORMAT_INVALID' });
  });
});
