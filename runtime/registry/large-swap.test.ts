import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { largeWasmModule } from '../../scripts/large-wasm-module.js';
import { meterWorker } from '../backends/wasm/compile-module.js';
import { sha256Hex } from '../loaded-artifact.js';
import { sameBytes, utf8 } from '../test-support/artifacts.js';
import { createRegistry } from './plugin-registry.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('swapping in a large Wasm module', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('the active version keeps answering calls while the candidate is metered', async () => {
    dir = mkdtempSync(join(tmpdir(), 'twinplug-large-swap-'));
    const path = join(dir, 'large.wasm');
    const [first, second] = [largeWasmModule(512 * 1024), largeWasmModule(530 * 1024)];
    writeFileSync(path, first);
    const registry = createRegistry();
    await registry.register('large', path);
    writeFileSync(path, second);
    let swapping = true;
    const registering = registry.register('large', { artifacts: path, force: true }).finally(() => {
      swapping = false;
    });
    let answeredWhileMetering = 0;
    for (let index = 0; swapping; index += 1) {
      const input = utf8(`call ${index}`);
      const metering = meterWorker.pending > 0;
      expect(sameBytes(await registry.call('large', input), input)).toBe('identical');
      if (metering && meterWorker.pending > 0) answeredWhileMetering += 1;
      await nextTurn();
    }
    expect((await registering).outcome).toBe('activated');
    // Metered on this thread, no call could begin and end while the candidate was metered.
    expect(answeredWhileMetering).toBeGreaterThan(0);
    const { version } = await registry.callWithVersion('large', utf8('after'));
    expect(version.sha256).toBe(sha256Hex(second));
    await registry.close();
  });
});
