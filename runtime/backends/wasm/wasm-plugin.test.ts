import { describe, expect, it } from 'vitest';
import type { Toolchain } from '../../../scripts/artifacts.js';
import { loadPlugin } from '../../load-plugin.js';
import { loadArtifact } from '../../loaded-artifact.js';
import { type LoadPluginOptions, resolveLoadOptions } from '../../options.js';
import { artifact, isSkipped, text, toolchainTitle, utf8 } from '../../test-support/artifacts.js';
import { compileWasmModule } from './compile-module.js';

const asc = (name: string) => artifact(name, 'asc', 'fixture');

describe('Wasm backend, AssemblyScript fixtures', () => {
  it('a trap is PLUGIN_TRAPPED and the next call runs on a fresh instance', async () => {
    const plugin = await loadPlugin(asc('trap'));
    expect(text(await plugin.processData(utf8('ok')))).toBe('ok');
    await expect(plugin.processData(utf8('!boom'))).rejects.toMatchObject({
      code: 'PLUGIN_TRAPPED',
    });
    expect(text(await plugin.processData(utf8('still ok')))).toBe('still ok');
    await plugin.close();
  });

  it('state starts over after a trap, because the instance is re-created', async () => {
    const plugin = await loadPlugin(asc('stateful'));
    const count = async () =>
      new DataView((await plugin.processData(utf8('x'))).buffer).getUint32(0, false);
    expect([await count(), await count(), await count()]).toEqual([1, 2, 3]);
    await expect(plugin.processData(utf8('!'))).rejects.toMatchObject({ code: 'PLUGIN_TRAPPED' });
    expect(await count()).toBe(1);
    await plugin.close();
  });

  it("an abort() carries the plugin's message, file and line", async () => {
    const plugin = await loadPlugin(asc('abort'));
    const error = await plugin.processData(utf8('x')).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'PLUGIN_TRAPPED',
      details: { abort: { message: 'bad input' } },
    });
    const where = (error as { details: { abort: { file: string; line: number } } }).details.abort;
    expect(where.file).toMatch(/abort\.ts$/);
    expect(where.line).toBeGreaterThan(0);
    await plugin.close();
  });

  it('a memory bomb stops at the cap with PLUGIN_MEMORY_LIMIT, and the host keeps its memory', async () => {
    const plugin = await loadPlugin({ path: asc('grow-memory'), maxMemoryPages: 64 });
    await expect(plugin.processData(utf8('x'))).rejects.toMatchObject({
      code: 'PLUGIN_MEMORY_LIMIT',
    });
    await plugin.close();
  });

  it('an import the runtime does not provide is refused at load, naming it', async () => {
    await expect(loadPlugin(asc('foreign-import'))).rejects.toMatchObject({
      code: 'PLUGIN_IMPORT_UNSUPPORTED',
      details: { module: 'evil', name: 'steal' },
    });
  });

  it.each([
    ['wrong-abi', 'PLUGIN_ABI_MISMATCH'],
    ['bad-info', 'PLUGIN_INFO_INVALID'],
    ['missing-process', 'PLUGIN_EXPORT_MISSING'],
    ['init-fails', 'PLUGIN_INIT_FAILED'],
  ])('%s is refused at load with %s', async (name, code) => {
    await expect(loadPlugin(asc(name))).rejects.toMatchObject({ code });
  });

  it('an endless loop loads (calling it in-process would hang: that is what worker isolation is for)', async () => {
    const plugin = await loadPlugin(asc('endless-loop'));
    expect(plugin.exports).toContain('ProcessData');
    await plugin.close();
  });
});

const clangOnly: Toolchain = 'clang-wasm';
describe.skipIf(isSkipped(clangOnly))(
  `Wasm backend, C fixtures built by ${toolchainTitle(clangOnly)}`,
  () => {
    const clang = (name: string) => artifact(name, clangOnly, 'fixture');

    it('an out_len past out_cap is PLUGIN_ABI_VIOLATION', async () => {
      const plugin = await loadPlugin(clang('out-len-lie'));
      await expect(plugin.processData(utf8('x'))).rejects.toMatchObject({
        code: 'PLUGIN_ABI_VIOLATION',
      });
      await plugin.close();
    });

    it('unbounded recursion is a trap, not a host crash, and the plugin recovers', async () => {
      const plugin = await loadPlugin(clang('stack-overflow'));
      await expect(plugin.processData(utf8('x'))).rejects.toMatchObject({ code: 'PLUGIN_TRAPPED' });
      await plugin.close();
    });

    it('a memory bomb in C stops at the cap', async () => {
      const plugin = await loadPlugin({ path: clang('grow-memory'), maxMemoryPages: 64 });
      await expect(plugin.processData(utf8('x'))).rejects.toMatchObject({
        code: 'PLUGIN_MEMORY_LIMIT',
      });
      await plugin.close();
    });

    it('a C import the runtime does not provide is refused at load', async () => {
      await expect(loadPlugin(clang('foreign-import'))).rejects.toMatchObject({
        code: 'PLUGIN_IMPORT_UNSUPPORTED',
      });
    });
  },
);

describe('Wasm backend, memory cap on inputs', () => {
  it.each(['asc', 'clang-wasm'] as const)(
    '%s: an input larger than the capped memory is PLUGIN_MEMORY_LIMIT, then small calls work',
    async (toolchain) => {
      if (isSkipped(toolchain)) return;
      const plugin = await loadPlugin({ path: artifact('upper', toolchain), maxMemoryPages: 32 });
      await expect(plugin.processData(new Uint8Array(4 * 1024 * 1024))).rejects.toMatchObject({
        code: 'PLUGIN_MEMORY_LIMIT',
      });
      expect(text(await plugin.processData(utf8('small')))).toBe('SMALL');
      await plugin.close();
    },
  );
});

describe('Wasm backend, compiled modules reused while held', () => {
  const compile = async (options: LoadPluginOptions, metered: boolean) => {
    const resolved = resolveLoadOptions(options);
    return compileWasmModule(await loadArtifact(resolved), resolved, metered);
  };

  it('the same bytes compiled the same way give the module still held; other settings another', async () => {
    const path = artifact('upper', 'asc');
    const held = await compile({ path }, true);
    expect(await compile({ path }, true)).toBe(held);
    expect(await compile({ path }, false)).not.toBe(held);
    expect(await compile({ path, maxMemoryPages: 32 }, true)).not.toBe(held);
  });

  it.skipIf(isSkipped(clangOnly))(
    "a reused module's imports are checked against each load's own grants",
    async () => {
      const path = artifact('wasi-calls', clangOnly, 'fixture');
      const granted = await loadPlugin({ path, capabilities: { wasi: true } });
      await expect(loadPlugin(path)).rejects.toMatchObject({
        code: 'PLUGIN_CAPABILITY_DENIED',
        details: { grant: 'wasi' },
      });
      await granted.close();
    },
  );
});
