import { describe, expect, it } from 'vitest';
import {
  GREET_ADAPTER,
  legacyPair,
  ROT13_ADAPTER,
  SHOUT_ADAPTER,
} from '../../../../scripts/legacy-fixtures.js';
import type { FunctionsAdapter, IModuleAdapter } from '../../../adapter-options.js';
import { loadPlugin } from '../../../load-plugin.js';
import {
  isSkipped,
  manifest,
  text,
  toolchainTitle,
  utf8,
} from '../../../test-support/artifacts.js';

const shout = () => legacyPair(manifest, 'shout').native;
const rot13 = () => legacyPair(manifest, 'rot13').native;
const greet = () => legacyPair(manifest, 'greet').native;

describe.skipIf(isSkipped('cxx'))(
  `IModule adapter, shout built by ${toolchainTitle('cxx')}`,
  () => {
    const load = (adapter: Partial<IModuleAdapter> = {}, config = '>> ') =>
      loadPlugin({ path: shout(), config, adapter: { ...SHOUT_ADAPTER, ...adapter } });

    it('serves ProcessData with the config Initialize got, and its declared PluginInfo', async () => {
      const plugin = await load();
      expect(plugin.info).toMatchObject({ name: 'shout', version: '1.0.0', abi: 1 });
      expect(plugin.exports).toEqual(['ProcessData', 'Initialize', 'Cleanup']);
      expect(text(await plugin.processData(utf8('hello, world')))).toBe('>> HELLO, WORLD');
      expect(text(await plugin.processData(utf8('')))).toBe('>> ');
      await plugin.close();
    });

    it('a non-zero status is PLUGIN_CALL_FAILED with the plugin code; the instance keeps serving', async () => {
      const plugin = await load();
      await expect(plugin.processData(utf8('fail'))).rejects.toMatchObject({
        code: 'PLUGIN_CALL_FAILED',
        pluginCode: -7,
      });
      expect(text(await plugin.processData(utf8('ok')))).toBe('>> OK');
      await plugin.close();
    });

    it('an input with a NUL byte is PLUGIN_INVALID_INPUT before the call', async () => {
      const plugin = await load();
      await expect(plugin.processData(utf8('a\0b'))).rejects.toMatchObject({
        code: 'PLUGIN_INVALID_INPUT',
        details: { offset: 1 },
      });
      await plugin.close();
    });

    it('an output past the capacity is PLUGIN_ABI_VIOLATION; the object is destroyed and a fresh one takes the next call', async () => {
      const plugin = await load({ outputCapacity: 32 });
      expect(text(await plugin.processData(utf8('?live')))).toBe('>> 1');
      await expect(plugin.processData(utf8('x'.repeat(40)))).rejects.toMatchObject({
        code: 'PLUGIN_ABI_VIOLATION',
        details: { capacity: 32, instanceDiscarded: true },
      });
      expect(text(await plugin.processData(utf8('?live')))).toBe('>> 1');
      expect(text(await plugin.processData(utf8('next')))).toBe('>> NEXT');
      await plugin.close();
    });

    it('processDataSync keeps every check: NUL refusal, the guard, a fresh object after an overrun', async () => {
      const plugin = await load({ outputCapacity: 32 });
      expect(text(plugin.processDataSync(utf8('sync')))).toBe('>> SYNC');
      expect(() => plugin.processDataSync(utf8('a\0b'))).toThrow(
        expect.objectContaining({ code: 'PLUGIN_INVALID_INPUT', details: { offset: 1 } }),
      );
      expect(text(plugin.processDataSync(utf8('?live')))).toBe('>> 1');
      expect(() => plugin.processDataSync(utf8('x'.repeat(40)))).toThrow(
        expect.objectContaining({
          code: 'PLUGIN_ABI_VIOLATION',
          details: expect.objectContaining({ capacity: 32, instanceDiscarded: true }),
        }),
      );
      expect(text(plugin.processDataSync(utf8('?live')))).toBe('>> 1');
      // The guard was restored: a call that fits after the overrun is served, then one more is caught.
      expect(text(plugin.processDataSync(utf8('y'.repeat(28))))).toBe(`>> ${'Y'.repeat(28)}`);
      expect(() => plugin.processDataSync(utf8('y'.repeat(29)))).toThrow(
        expect.objectContaining({ code: 'PLUGIN_ABI_VIOLATION' }),
      );
      await plugin.close();
    });

    it('an output that fits exactly is served; one byte more is caught', async () => {
      const plugin = await load({ outputCapacity: 8 }, '');
      expect(text(await plugin.processData(utf8('abcdefg')))).toBe('ABCDEFG');
      await expect(plugin.processData(utf8('abcdefgh'))).rejects.toMatchObject({
        code: 'PLUGIN_ABI_VIOLATION',
      });
      await plugin.close();
    });

    it('reads a byte count when result is "length"', async () => {
      const plugin = await loadPlugin({
        path: shout(),
        config: '>> ',
        adapter: { kind: 'imodule', factory: 'CreateLengthModule', result: 'length' },
      });
      expect(text(await plugin.processData(utf8('count')))).toBe('>> COUNT');
      await plugin.close();
    });

    it('calls the slots after a virtual destructor, and deletes through it', async () => {
      const plugin = await loadPlugin({
        path: shout(),
        config: '~',
        adapter: {
          kind: 'imodule',
          factory: 'CreateModuleWithDestructor',
          virtualDestructor: 'first',
          cxxAbi: 'itanium',
          outputCapacity: 16,
        },
      });
      expect(text(await plugin.processData(utf8('dtor')))).toBe('~DTOR');
      await expect(plugin.processData(utf8('z'.repeat(20)))).rejects.toMatchObject({
        code: 'PLUGIN_ABI_VIOLATION',
      });
      // Two objects alive here would mean the overrunning one was never deleted.
      expect(text(await plugin.processData(utf8('?live')))).toBe('~1');
      await plugin.close();
    });

    it('a factory returning NULL is PLUGIN_INIT_FAILED, a missing one PLUGIN_EXPORT_MISSING', async () => {
      await expect(load({ factory: 'CreateNothing' })).rejects.toMatchObject({
        code: 'PLUGIN_INIT_FAILED',
      });
      await expect(load({ factory: 'CreateWidget' })).rejects.toMatchObject({
        code: 'PLUGIN_EXPORT_MISSING',
        details: { export: 'CreateWidget' },
      });
      await expect(load({ destroy: 'FreeWidget' })).rejects.toMatchObject({
        code: 'PLUGIN_EXPORT_MISSING',
      });
    });

    it('Initialize returning false is PLUGIN_INIT_FAILED; a config with a NUL is refused', async () => {
      await expect(load({}, 'p'.repeat(64))).rejects.toMatchObject({ code: 'PLUGIN_INIT_FAILED' });
      await expect(load({}, 'a\0b')).rejects.toMatchObject({ code: 'PLUGIN_INVALID_OPTIONS' });
    });

    it('runs in a child process: an overrun replaces the child, which serves the next call', async () => {
      const plugin = await loadPlugin({
        path: shout(),
        config: '>> ',
        isolation: 'process',
        adapter: { ...SHOUT_ADAPTER, outputCapacity: 32 },
      });
      expect(text(await plugin.processData(utf8('child')))).toBe('>> CHILD');
      const [pid] = plugin.stats().pids;
      await expect(plugin.processData(utf8('y'.repeat(64)))).rejects.toMatchObject({
        code: 'PLUGIN_ABI_VIOLATION',
      });
      expect(text(await plugin.processData(utf8('after')))).toBe('>> AFTER');
      expect(plugin.stats().restarts).toBe(1);
      expect(plugin.stats().pids).not.toContain(pid);
      await plugin.close();
    });
  },
);

describe.skipIf(isSkipped('cc'))(`functions adapter, built by ${toolchainTitle('cc')}`, () => {
  it('buffer-length-pointer: binary input, init with config, info, cleanup', async () => {
    const plugin = await loadPlugin({ path: rot13(), config: '1', adapter: ROT13_ADAPTER });
    expect(plugin.info).toMatchObject({ name: 'rot13', version: '1.2.0' });
    expect(plugin.exports).toEqual(['ProcessData', 'Initialize', 'Cleanup', 'PluginInfo']);
    expect(text(await plugin.processData(utf8('HAL\0zz')))).toBe('IBM\0aa');
    await plugin.close();
  });

  it('buffer-length-pointer: a non-zero return is PLUGIN_CALL_FAILED; init failure PLUGIN_INIT_FAILED', async () => {
    const small: FunctionsAdapter = { ...ROT13_ADAPTER, outputCapacity: 4 };
    const plugin = await loadPlugin({ path: rot13(), adapter: small });
    await expect(plugin.processData(utf8('too long'))).rejects.toMatchObject({
      code: 'PLUGIN_CALL_FAILED',
      pluginCode: -2,
    });
    await plugin.close();
    await expect(
      loadPlugin({ path: rot13(), config: 'x', adapter: ROT13_ADAPTER }),
    ).rejects.toMatchObject({ code: 'PLUGIN_INIT_FAILED', pluginCode: 3 });
  });

  it('buffer-length-pointer: a write past the buffer is caught by the guard', async () => {
    const adapter: FunctionsAdapter = {
      ...ROT13_ADAPTER,
      process: 'int TransformOverrun(const char *in, int len, char *out, int *outLen)',
      outputCapacity: 16,
    };
    const plugin = await loadPlugin({ path: rot13(), adapter });
    await expect(plugin.processData(utf8('x'))).rejects.toMatchObject({
      code: 'PLUGIN_ABI_VIOLATION',
      details: { capacity: 16, overrunBytes: 16 },
    });
    await plugin.close();
  });

  it('string-returned: the strings are copied out and each is freed through the named export', async () => {
    const plugin = await loadPlugin({ path: greet(), adapter: GREET_ADAPTER });
    expect(text(await plugin.processData(utf8('Ada')))).toBe('Hello, Ada!');
    expect(text(await plugin.processData(utf8('')))).toBe('Hello, stranger!');
    await expect(plugin.processData(utf8('A\0da'))).rejects.toMatchObject({
      code: 'PLUGIN_INVALID_INPUT',
    });
    // The library's own count of the strings it handed out and did not get back.
    expect(text(await plugin.processData(utf8('?outstanding')))).toBe('0');
    await plugin.close();
  });

  it('string-buffer with a capacity argument, parameters unnamed', async () => {
    const plugin = await loadPlugin({
      path: greet(),
      adapter: {
        kind: 'functions',
        convention: 'string-buffer',
        process: 'int Upper(const char *, char *, unsigned int)',
        outputCapacity: 8,
      },
    });
    expect(text(await plugin.processData(utf8('quiet')))).toBe('QUIET');
    await expect(plugin.processData(utf8('much too long'))).rejects.toMatchObject({
      code: 'PLUGIN_CALL_FAILED',
      pluginCode: -3,
    });
    await plugin.close();
  });

  it.each([
    ['process', { process: 'char *Greet(const chr *name)' }],
    ['process', { process: 'char *Greet(const char *name' }],
    ['free', { free: 'void GreetFree(strng text)' }],
  ])(
    'a prototype koffi cannot parse is PLUGIN_MANIFEST_INVALID naming adapter.%s',
    async (field, change) => {
      await expect(
        loadPlugin({ path: greet(), adapter: { ...GREET_ADAPTER, ...change } }),
      ).rejects.toMatchObject({
        code: 'PLUGIN_MANIFEST_INVALID',
        details: { field: `adapter.${field}` },
      });
    },
  );

  it('a prototype outside its convention is refused, listing the conventions', async () => {
    const error = await loadPlugin({
      path: greet(),
      adapter: {
        kind: 'functions',
        convention: 'string-buffer',
        process: 'char *Greet(const char *name)',
      },
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'PLUGIN_MANIFEST_INVALID',
      details: { field: 'adapter.process' },
    });
    for (const name of ['buffer-length-pointer', 'string-buffer', 'string-returned'])
      expect((error as Error).message).toContain(name);
  });

  it('a declared function the library lacks is PLUGIN_EXPORT_MISSING', async () => {
    await expect(
      loadPlugin({
        path: greet(),
        adapter: { ...GREET_ADAPTER, process: 'char *Welcome(const char *name)' },
      }),
    ).rejects.toMatchObject({ code: 'PLUGIN_EXPORT_MISSING', details: { export: 'Welcome' } });
  });
});
