import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlugin } from '../../load-plugin.js';
import { artifact, isSkipped, text, toolchainTitle, utf8 } from '../../test-support/artifacts.js';

const fixture = (name: string) => artifact(name, 'cc', 'fixture');

// The null-deref, crash-in-init, stack-overflow, abort and endless-loop fixtures take a process
// down or never return: in-process they are not called here (see the isolation modes).
describe.skipIf(isSkipped('cc'))(
  `native backend, fixtures built by ${toolchainTitle('cc')}`,
  () => {
    it.each([
      ['wrong-abi', 'PLUGIN_ABI_MISMATCH'],
      ['bad-info', 'PLUGIN_INFO_INVALID'],
      ['missing-process', 'PLUGIN_EXPORT_MISSING'],
    ])('%s is refused at load with %s', async (name, code) => {
      await expect(loadPlugin(fixture(name))).rejects.toMatchObject({ code });
    });

    it('a failing Initialize is PLUGIN_INIT_FAILED with the plugin code', async () => {
      await expect(loadPlugin(fixture('init-fails'))).rejects.toMatchObject({
        code: 'PLUGIN_INIT_FAILED',
        pluginCode: 7,
      });
    });

    it('an out_len past out_cap is PLUGIN_ABI_VIOLATION, and the plugin keeps answering', async () => {
      const plugin = await loadPlugin(fixture('out-len-lie'));
      await expect(plugin.processData(utf8('x'))).rejects.toMatchObject({
        code: 'PLUGIN_ABI_VIOLATION',
      });
      await expect(plugin.processData(utf8('y'))).rejects.toMatchObject({
        code: 'PLUGIN_ABI_VIOLATION',
      });
      await plugin.close();
    });

    it('loads a private shadow copy and removes it on close', async () => {
      const shadowDir = mkdtempSync(join(tmpdir(), 'twinplug-shadow-test-'));
      const path = artifact('upper', 'cc');
      const plugin = await loadPlugin({ path, shadowDir });
      // One private folder of this process, holding one load folder.
      const [mine, ...others] = readdirSync(shadowDir);
      expect(others).toEqual([]);
      expect(mine).toMatch(new RegExp(`^twinplug-shadow-${process.pid}-[A-Za-z0-9]{6}$`));
      const privateDir = join(shadowDir, mine!);
      expect(readdirSync(privateDir)).toEqual([
        expect.stringMatching(new RegExp(`^\\d+-${plugin.artifact.sha256.slice(0, 16)}$`)),
      ]);
      const maps = process.platform === 'linux' ? readFileSync('/proc/self/maps', 'utf8') : '';
      if (process.platform === 'linux') expect(maps).toContain(shadowDir);
      expect(text(await plugin.processData(utf8('abc')))).toBe('ABC');
      await plugin.close();
      expect(readdirSync(privateDir)).toEqual([]);
      if (process.platform === 'linux')
        expect(readFileSync('/proc/self/maps', 'utf8')).not.toContain(shadowDir);
    });

    it('two versions of one plugin load side by side, each with its own code', async () => {
      const first = await loadPlugin(fixture('versioned-1.0.0'));
      const second = await loadPlugin(fixture('versioned-2.0.0'));
      expect([first.info.version, second.info.version]).toEqual(['1.0.0', '2.0.0']);
      expect(text(await first.processData(utf8('x')))).toBe('1.0.0:x');
      expect(text(await second.processData(utf8('x')))).toBe('2.0.0:x');
      await Promise.all([first.close(), second.close()]);
    });

    it('a declared stdcall convention binds the same exports (one convention on 64-bit targets)', async () => {
      const plugin = await loadPlugin({
        path: artifact('crc32', 'cc'),
        callingConvention: 'stdcall',
      });
      expect(Buffer.from(await plugin.processData(utf8('123456789'))).toString('hex')).toBe(
        'cbf43926',
      );
      await plugin.close();
    });

    it('reports its ABI exports', async () => {
      const plugin = await loadPlugin({ path: artifact('redact', 'cc'), config: { words: [] } });
      expect([...plugin.exports].sort()).toEqual([
        'Cleanup',
        'Initialize',
        'PluginInfo',
        'ProcessData',
      ]);
      expect(plugin.backend).toBe('native');
      await plugin.close();
    });
  },
);
