import { describe, expect, it } from 'vitest';
import { loadPlugin } from './load-plugin.js';
import { artifact, isSkipped, text, utf8 } from './test-support/artifacts.js';

describe('processDataSync, the in-process fast path', () => {
  it.skipIf(isSkipped('cc'))('answers a native call synchronously, byte for byte', async () => {
    const plugin = await loadPlugin(artifact('upper', 'cc'));
    expect(text(plugin.processDataSync(utf8('sync')))).toBe('SYNC');
    expect(text(await plugin.processData(utf8('async')))).toBe('ASYNC');
    await plugin.close();
    expect(() => plugin.processDataSync(utf8('x'))).toThrow(
      expect.objectContaining({ code: 'PLUGIN_CLOSED' }),
    );
  });

  it('throws what processData rejects with: a trap, then the next call answers', async () => {
    const plugin = await loadPlugin(artifact('trap', 'asc', 'fixture'));
    expect(() => plugin.processDataSync(utf8('!boom'))).toThrow(
      expect.objectContaining({ code: 'PLUGIN_TRAPPED' }),
    );
    expect(text(plugin.processDataSync(utf8('fine')))).toBe('fine');
    expect(() => plugin.processDataSync('text' as never)).toThrow(
      expect.objectContaining({ code: 'PLUGIN_INVALID_INPUT' }),
    );
    await plugin.close();
  });

  it('is refused for a plugin in a worker: its calls cannot answer on this thread', async () => {
    const plugin = await loadPlugin({ path: artifact('upper', 'asc'), isolation: 'worker' });
    expect(() => plugin.processDataSync(utf8('x'))).toThrow(
      expect.objectContaining({ code: 'PLUGIN_INVALID_OPTIONS' }),
    );
    await plugin.close();
  });
});
