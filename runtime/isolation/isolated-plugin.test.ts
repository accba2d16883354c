import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadPlugin } from '../load-plugin.js';
import { isProcessAlive } from '../process-alive.js';
import { artifact, isSkipped, text, utf8 } from '../test-support/artifacts.js';

const count = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset).getUint32(0);

/** This process's child pids (Linux: the kernel's list for the thread that spawns them). */
function children(): number[] {
  const file = `/proc/${process.pid}/task/${process.pid}/children`;
  return readFileSync(file, 'utf8').split(' ').filter(Boolean).map(Number);
}

async function exited(pid: number): Promise<boolean> {
  for (let attempt = 0; attempt < 200 && isProcessAlive(pid); attempt += 1)
    await new Promise((resolve) => setTimeout(resolve, 10));
  return !isProcessAlive(pid);
}

describe('isolated plugins', () => {
  it('concurrency runs a pool: each worker has its own instance', async () => {
    const plugin = await loadPlugin({
      path: artifact('stateful', 'asc', 'fixture'),
      isolation: 'worker',
      concurrency: 2,
    });
    const first = await Promise.all([plugin.processData(utf8('a')), plugin.processData(utf8('b'))]);
    expect(first.map(count)).toEqual([1, 1]);
    await plugin.close();
  });

  it('a full queue refuses at once with PLUGIN_OVERLOADED; queued calls still run', async () => {
    const plugin = await loadPlugin({
      path: artifact('endless-loop', 'asc', 'fixture'),
      isolation: 'worker',
      timeoutMs: 200,
      maxQueuedCalls: 1,
    });
    const running = plugin.processData(utf8('x'));
    const queued = plugin.processData(utf8('y'));
    await expect(plugin.processData(utf8('z'))).rejects.toMatchObject({
      code: 'PLUGIN_OVERLOADED',
    });
    expect(plugin.stats()).toMatchObject({ inFlight: 2, queued: 1 });
    await expect(running).rejects.toMatchObject({ code: 'PLUGIN_TIMEOUT' });
    await expect(queued).rejects.toMatchObject({ code: 'PLUGIN_TIMEOUT' });
    expect(plugin.stats()).toMatchObject({ inFlight: 0, queued: 0, restarts: 2 });
    await plugin.close();
  });

  it('an oversized input never reaches the worker', async () => {
    const plugin = await loadPlugin({
      path: artifact('upper', 'asc'),
      isolation: 'worker',
      maxInputBytes: 8,
    });
    await expect(plugin.processData(new Uint8Array(9))).rejects.toMatchObject({
      code: 'PLUGIN_INPUT_TOO_LARGE',
    });
    expect(text(await plugin.processData(utf8('12345678')))).toBe('12345678');
    await plugin.close();
  });

  it('loading has its own bound: a worker not ready within loadTimeoutMs is PLUGIN_TIMEOUT', async () => {
    // No fixture hangs while loading; a 1 ms budget, which no worker can meet, shows the bound.
    await expect(
      loadPlugin({ path: artifact('upper', 'asc'), isolation: 'worker', loadTimeoutMs: 1 }),
    ).rejects.toMatchObject({ code: 'PLUGIN_TIMEOUT' });
  });

  it('a start function that never returns is PLUGIN_TIMEOUT at load, and the worker is ended', async () => {
    // (module (memory (export "memory") 1) (func $spin (loop (br 0))) (start $spin))
    const bytes = Uint8Array.from([
      ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
      ...[0x01, 0x04, 0x01, 0x60, 0x00, 0x00], // type: () -> ()
      ...[0x03, 0x02, 0x01, 0x00], // function 0 has type 0
      ...[0x05, 0x03, 0x01, 0x00, 0x01], // memory: 1 page
      ...[0x07, 0x0a, 0x01, 0x06, ...utf8('memory'), 0x02, 0x00],
      ...[0x08, 0x01, 0x00], // start: function 0
      ...[0x0a, 0x09, 0x01, 0x07, 0x00, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b], // loop { br 0 }
    ]);
    const threads = () => readdirSync('/proc/self/task').length;
    await readFile(artifact('upper', 'asc')); // libuv's thread pool starts on first use: not here
    const before = process.platform === 'linux' ? threads() : 0;
    await expect(
      loadPlugin({ bytes, fileName: 'spin.wasm', isolation: 'worker', loadTimeoutMs: 300 }),
    ).rejects.toMatchObject({ code: 'PLUGIN_TIMEOUT', details: { timeoutMs: 300 } });
    if (process.platform !== 'linux') return;
    // The spinning worker's thread goes away (a worker left running would keep it forever).
    while (threads() > before) await new Promise((resolve) => setTimeout(resolve, 10));
  });

  it('refuses a worker for a native library once the artifact says what it is', async () => {
    await expect(
      loadPlugin({ path: artifact('upper', 'cc'), isolation: 'worker' }),
    ).rejects.toMatchObject({ code: 'PLUGIN_INVALID_OPTIONS' });
  });

  it('in-process plugins say so and report no restarts', async () => {
    const plugin = await loadPlugin(artifact('upper', 'asc'));
    expect(plugin.isolation).toBe('in-process');
    expect(plugin.stats()).toEqual({
      isolation: 'in-process',
      circuit: 'closed',
      inFlight: 0,
      queued: 0,
      restarts: 0,
      pids: [],
      // One page: the AssemblyScript sample's linear memory, which a memory budget counts.
      memoryBytes: 65536,
    });
    await plugin.close();
  });
});

describe.skipIf(isSkipped('cc'))('child processes', () => {
  it('close() ends every child of a pool, and later calls are PLUGIN_CLOSED', async () => {
    const plugin = await loadPlugin({
      path: artifact('upper', 'cc'),
      isolation: 'process',
      concurrency: 2,
    });
    const pids = plugin.stats().pids;
    expect(new Set(pids).size).toBe(2);
    expect(text(await plugin.processData(utf8('pool')))).toBe('POOL');
    await plugin.close();
    for (const pid of pids) expect(await exited(pid)).toBe(true);
    await expect(plugin.processData(utf8('late'))).rejects.toMatchObject({ code: 'PLUGIN_CLOSED' });
  });

  it('a plugin-defined error crosses the process boundary with its code', async () => {
    const plugin = await loadPlugin({
      path: artifact('pricing', 'cc'),
      isolation: 'process',
    });
    await expect(plugin.processData(utf8('{'))).rejects.toMatchObject({
      code: 'PLUGIN_CALL_FAILED',
      pluginCode: -2,
    });
    expect(plugin.stats().circuit).toBe('closed');
    await plugin.close();
  });

  it('a failing or crashing Initialize in a child fails the load and leaves no child', async () => {
    const before = process.platform === 'linux' ? children() : [];
    await expect(
      loadPlugin({ path: artifact('init-fails', 'cc', 'fixture'), isolation: 'process' }),
    ).rejects.toMatchObject({ code: 'PLUGIN_INIT_FAILED', pluginCode: 7 });
    await expect(
      loadPlugin({ path: artifact('crash-in-init', 'cc', 'fixture'), isolation: 'process' }),
    ).rejects.toMatchObject({ code: 'PLUGIN_CRASHED' });
    if (process.platform !== 'linux') return;
    const left = children().filter((pid) => !before.includes(pid));
    for (const pid of left) expect(await exited(pid)).toBe(true);
  });
});
