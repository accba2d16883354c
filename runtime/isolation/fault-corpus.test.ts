import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlugin } from '../load-plugin.js';
import type { Plugin } from '../plugin.js';
import { artifact, isSkipped, text, utf8 } from '../test-support/artifacts.js';
import { FAULTS } from '../test-support/fault-corpus.js';

// Each faulty fixture in each mode it applies to: the host survives (this test process goes
// on), the call fails with the expected code, the healthy plugins beside it keep answering in
// every mode, and the faulty one answers again after its restart.

let neighbours: Plugin[] = [];

async function neighboursAnswer(): Promise<void> {
  for (const neighbour of neighbours) {
    expect(text(await neighbour.processData(utf8('still here')))).toBe('STILL HERE');
  }
}

beforeAll(async () => {
  neighbours = await Promise.all([
    loadPlugin(artifact('upper', 'asc')),
    loadPlugin({ path: artifact('upper', 'asc'), isolation: 'worker' }),
    ...(isSkipped('cc')
      ? []
      : [loadPlugin({ path: artifact('upper', 'cc'), isolation: 'process' })]),
  ]);
});

afterAll(async () => {
  await Promise.all(neighbours.map((neighbour) => neighbour.close()));
});

describe('fault corpus', () => {
  for (const fault of FAULTS) {
    const title = `${fault.fixture} (${fault.toolchain}) ${fault.isolation}: ${fault.code}, ${
      fault.restarts ? 'restarted' : 'no restart'
    }, ${fault.recovery === undefined ? 'faults again' : 'answers again'}`;
    it.skipIf(isSkipped(fault.toolchain))(title, async () => {
      const path = artifact(fault.fixture, fault.toolchain, 'fixture');
      const plugin = await loadPlugin({ path, isolation: fault.isolation, ...fault.options });
      try {
        await expect(plugin.processData(fault.input)).rejects.toMatchObject({ code: fault.code });
        await neighboursAnswer();
        if (fault.recovery === undefined) {
          await expect(plugin.processData(fault.input)).rejects.toMatchObject({
            code: fault.code,
          });
        } else {
          expect(await plugin.processData(fault.recovery.input)).toEqual(fault.recovery.output);
        }
        const faults = fault.recovery === undefined ? 2 : 1;
        expect(plugin.stats().restarts).toBe(fault.restarts ? faults : 0);
        await neighboursAnswer();
      } finally {
        await plugin.close();
      }
    });
  }
});

describe.skipIf(isSkipped('cc'))('native faults around the call', () => {
  const fixture = (name: string) => artifact(name, 'cc', 'fixture');

  it('a DLL that crashes in Initialize fails its load with PLUGIN_CRASHED, every time', async () => {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      await expect(
        loadPlugin({ path: fixture('crash-in-init'), isolation: 'process' }),
      ).rejects.toMatchObject({ code: 'PLUGIN_CRASHED' });
      await neighboursAnswer();
    }
  });

  it('a plugin flooding stderr answers correctly; its output is drained and forwarded bounded', async () => {
    const forwarded: string[] = [];
    const plugin = await loadPlugin({
      path: fixture('stderr-flood'),
      isolation: 'process',
      onStderr: (chunk) => forwarded.push(chunk),
    });
    for (const word of ['one', 'two', 'three'])
      expect(text(await plugin.processData(utf8(word)))).toBe(word.toUpperCase());
    await neighboursAnswer();
    await plugin.close();
    const output = forwarded.join('');
    expect(output.startsWith('[stderr-flood.so] EEE')).toBe(true);
    expect(output).toMatch(/characters of output dropped\n$/);
    expect(output.length).toBeLessThan((3 * 1024 * 1024) / 8); // 3 MiB written, a fraction forwarded
  });

  it('a child killed from outside while idle is replaced; the next call succeeds', async () => {
    const plugin = await loadPlugin({ path: artifact('upper', 'cc'), isolation: 'process' });
    const [pid] = plugin.stats().pids;
    expect(pid).toBeTypeOf('number');
    process.kill(pid!, 'SIGKILL');
    while (plugin.stats().restarts === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(text(await plugin.processData(utf8('after kill')))).toBe('AFTER KILL');
    expect(plugin.stats().pids).not.toContain(pid);
    await neighboursAnswer();
    await plugin.close();
  });

  it('a child killed from outside during a call fails that call with PLUGIN_CRASHED, then recovers', async () => {
    const plugin = await loadPlugin({ path: fixture('slow'), isolation: 'process' });
    const [pid] = plugin.stats().pids;
    const call = plugin.processData(new Uint8Array([250, 250, 250]));
    setTimeout(() => process.kill(pid!, 'SIGKILL'), 50);
    await expect(call).rejects.toMatchObject({
      code: 'PLUGIN_CRASHED',
      details: { signal: 'SIGKILL' },
    });
    expect(await plugin.processData(new Uint8Array([0, 9]))).toEqual(new Uint8Array([0, 9]));
    await neighboursAnswer();
    await plugin.close();
  });

  it('a plugin that crashes on every call opens its circuit: later calls fail fast', async () => {
    const plugin = await loadPlugin({
      path: fixture('null-deref'),
      isolation: 'process',
      breaker: { window: 4, openMs: 60_000 },
    });
    for (let call = 0; call < 4; call += 1)
      await expect(plugin.processData(utf8('x'))).rejects.toMatchObject({ code: 'PLUGIN_CRASHED' });
    const restarts = plugin.stats().restarts;
    await expect(plugin.processData(utf8('x'))).rejects.toMatchObject({
      code: 'PLUGIN_UNAVAILABLE',
    });
    expect(plugin.stats()).toMatchObject({ circuit: 'open', restarts });
    await neighboursAnswer();
    await plugin.close();
  });
});
