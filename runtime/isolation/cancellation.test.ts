// A call whose caller gives up, in a real worker and a real child process: ended, its worker or
// child replaced, and the plugin serving the next call.
import { describe, expect, it } from 'vitest';
import { loadPlugin } from '../load-plugin.js';
import { artifact, isSkipped, toolchainTitle } from '../test-support/artifacts.js';

/** Aborts once the event loop has turned, by which time the call is in the worker or child. */
function abortSoon(): AbortSignal {
  const controller = new AbortController();
  setImmediate(() => controller.abort());
  return controller.signal;
}

describe('cancelling a running call', () => {
  it.skipIf(isSkipped('cc'))(
    `${toolchainTitle('cc')}: a child busy with the call is killed, PLUGIN_CANCELLED, and a fresh one answers`,
    async () => {
      const plugin = await loadPlugin({
        path: artifact('slow', 'cc', 'fixture'),
        isolation: 'process',
        timeoutMs: 60_000,
      });
      const [pid] = plugin.stats().pids;
      // Busy for 250 ms unless ended: had the abort done nothing, the call would answer.
      await expect(
        plugin.processData(new Uint8Array([250]), { signal: abortSoon() }),
      ).rejects.toMatchObject({ code: 'PLUGIN_CANCELLED' });
      expect(await plugin.processData(new Uint8Array([0, 7]))).toEqual(new Uint8Array([0, 7]));
      expect(plugin.stats().restarts).toBe(1);
      expect(plugin.stats().pids).not.toContain(pid);
      await plugin.close();
    },
  );

  it.skipIf(isSkipped('asc'))(
    `${toolchainTitle('asc')}: a worker in an endless loop is terminated, PLUGIN_CANCELLED, and replaced`,
    async () => {
      const plugin = await loadPlugin({
        path: artifact('endless-loop', 'asc', 'fixture'),
        isolation: 'worker',
        timeoutMs: 60_000,
      });
      await expect(
        plugin.processData(new Uint8Array([1]), { signal: abortSoon() }),
      ).rejects.toMatchObject({ code: 'PLUGIN_CANCELLED' });
      expect(plugin.stats()).toMatchObject({ restarts: 1, inFlight: 0 });
      // The next call meets the replacement, or waits for it and is dropped there.
      await expect(
        plugin.processData(new Uint8Array([1]), { signal: abortSoon() }),
      ).rejects.toMatchObject({ code: 'PLUGIN_CANCELLED' });
      expect(plugin.stats().inFlight).toBe(0);
      await plugin.close();
    },
  );
});
