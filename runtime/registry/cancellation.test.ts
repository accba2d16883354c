import { describe, expect, it } from 'vitest';
import { artifact, isSkipped, toolchainTitle, utf8 } from '../test-support/artifacts.js';
import { createRegistry } from './plugin-registry.js';

describe('a registry call', () => {
  it.skipIf(isSkipped('asc'))(
    `${toolchainTitle('asc')}: passes the caller's signal to the version that serves`,
    async () => {
      const registry = createRegistry();
      try {
        await registry.register('upper', artifact('upper', 'asc'));
        const signal = AbortSignal.abort();
        for (const call of [
          registry.call('upper', utf8('a'), { signal }),
          registry.callWithVersion('upper', utf8('a'), { signal }),
          registry.callVersion('upper', utf8('a'), { version: '1.0.0' }, { signal }),
        ])
          await expect(call).rejects.toMatchObject({ code: 'PLUGIN_CANCELLED' });
        expect(await registry.call('upper', utf8('a'))).toEqual(utf8('A'));
      } finally {
        await registry.close();
      }
    },
  );
});
