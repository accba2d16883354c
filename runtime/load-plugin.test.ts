import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectArtifact, loadPlugin } from './load-plugin.js';
import { sha256Hex } from './loaded-artifact.js';
import { artifact, text, utf8 } from './test-support/artifacts.js';

const dir = mkdtempSync(join(tmpdir(), 'twinplug-load-'));
function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

function truncated(path: string, fraction: number): Uint8Array {
  const bytes = readFileSync(path);
  return bytes.subarray(0, Math.floor(bytes.length * fraction));
}

/** A PE DLL header for x64 Windows: enough for the header check, never loadable here. */
function peDll(): Uint8Array {
  const bytes = new Uint8Array(0x200);
  const view = new DataView(bytes.buffer);
  bytes.set([0x4d, 0x5a]);
  view.setUint32(0x3c, 0x80, true);
  view.setUint32(0x80, 0x50450000, false);
  view.setUint16(0x84, 0x8664, true);
  view.setUint16(0x96, 0x2022, true);
  return bytes;
}

describe('loadPlugin refuses bad artifacts with typed errors and the host carries on', () => {
  it.each([
    [
      'garbage bytes',
      () => file('garbage.so', utf8('this is not a library at all')),
      'PLUGIN_FORMAT_INVALID',
    ],
    ['an empty file', () => file('empty.wasm', new Uint8Array(0)), 'PLUGIN_FORMAT_INVALID'],
    [
      'a truncated Wasm module',
      () => file('cut.wasm', truncated(artifact('upper', 'asc'), 0.5)),
      'PLUGIN_FORMAT_INVALID',
    ],
    [
      'a truncated shared library',
      () => file('cut.so', truncated(artifact('upper', 'cc'), 0.3)),
      'PLUGIN_FORMAT_INVALID',
    ],
    ['a missing file', () => join(dir, 'nope.wasm'), 'PLUGIN_LOAD_FAILED'],
    ['a directory', () => dir, 'PLUGIN_LOAD_FAILED'],
  ])('%s', async (_label, makePath, code) => {
    await expect(loadPlugin(makePath())).rejects.toMatchObject({ code });
    const healthy = await loadPlugin(artifact('upper', 'asc'));
    expect(text(await healthy.processData(utf8('ok')))).toBe('OK');
    await healthy.close();
  });

  it('a native library cut at any of 40 points is refused before the system loader maps it', async () => {
    const whole = readFileSync(artifact('upper', 'cc'));
    for (let point = 1; point < 40; point += 1) {
      const cut = whole.subarray(0, Math.floor((whole.length * point) / 40));
      const error = await loadPlugin({ bytes: cut, fileName: 'cut.so' }).catch(
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({
        code: expect.stringMatching(/^PLUGIN_(FORMAT_INVALID|LOAD_FAILED)$/),
      });
    }
  });

  it('a native library for another OS is PLUGIN_PLATFORM_MISMATCH', async () => {
    if (process.platform === 'win32') return;
    await expect(loadPlugin(file('windows.dll', peDll()))).rejects.toMatchObject({
      code: 'PLUGIN_PLATFORM_MISMATCH',
    });
  });

  it('an artifact other than the expected sha256 is PLUGIN_HASH_MISMATCH', async () => {
    const path = artifact('upper', 'asc');
    await expect(loadPlugin({ path, sha256: '0'.repeat(64) })).rejects.toMatchObject({
      code: 'PLUGIN_HASH_MISMATCH',
    });
    const plugin = await loadPlugin({ path, sha256: sha256Hex(readFileSync(path)).toUpperCase() });
    expect(plugin.artifact.sha256).toBe(sha256Hex(readFileSync(path)));
    await plugin.close();
  });

  it('a backend asked for that does not match the artifact is refused', async () => {
    await expect(
      loadPlugin({ path: artifact('upper', 'asc'), backend: 'native' }),
    ).rejects.toMatchObject({ code: 'PLUGIN_FORMAT_INVALID' });
  });
});

describe('lifecycle', () => {
  it.each(['asc', 'cc'] as const)(
    '%s: a call after close is PLUGIN_CLOSED, close is idempotent',
    async (toolchain) => {
      const plugin = await loadPlugin(artifact('upper', toolchain));
      await plugin.close();
      await plugin.close();
      expect(plugin.closed).toBe(true);
      await expect(plugin.processData(utf8('x'))).rejects.toMatchObject({ code: 'PLUGIN_CLOSED' });
    },
  );

  it('a non-Uint8Array input is PLUGIN_INVALID_INPUT', async () => {
    const plugin = await loadPlugin(artifact('upper', 'asc'));
    await expect(plugin.processData('text' as unknown as Uint8Array)).rejects.toMatchObject({
      code: 'PLUGIN_INVALID_INPUT',
    });
    await plugin.close();
  });

  it('loads a Wasm module from bytes', async () => {
    const plugin = await loadPlugin({ bytes: readFileSync(artifact('crc32', 'asc')) });
    expect(plugin.artifact.path).toBeUndefined();
    expect(Buffer.from(await plugin.processData(utf8('123456789'))).toString('hex')).toBe(
      'cbf43926',
    );
    await plugin.close();
  });

  it('loads a native library from bytes under the given file name', async () => {
    const plugin = await loadPlugin({
      bytes: readFileSync(artifact('upper', 'cc')),
      fileName: 'upper.so',
    });
    expect(text(await plugin.processData(utf8('x')))).toBe('X');
    await plugin.close();
  });
});

describe('inspectArtifact', () => {
  it.each(['cc', 'asc'] as const)(
    '%s: reports backend, format, abi, info, exports, hash and size without Initialize',
    async (toolchain) => {
      const path = artifact('redact', toolchain);
      const report = await inspectArtifact(path);
      expect(report).toMatchObject({
        path,
        backend: toolchain === 'cc' ? 'native' : 'wasm',
        format:
          toolchain === 'cc'
            ? process.platform === 'win32'
              ? 'pe'
              : process.platform === 'darwin'
                ? 'macho'
                : 'elf'
            : 'wasm',
        abi: 1,
        info: { name: 'redact', version: '1.0.0', abi: 1 },
        sha256: sha256Hex(readFileSync(path)),
        size: readFileSync(path).length,
      });
      expect(report.exports).toEqual(
        expect.arrayContaining(['ProcessData', 'PluginInfo', 'Initialize', 'Cleanup']),
      );
    },
  );
});
