import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRegistry, type PluginRegistry, type RegistryEvent } from '../registry/index.js';
import { artifact, isSkipped, text, toolchainTitle, utf8 } from '../test-support/artifacts.js';
import { type PluginFolder, watchPluginFolder } from './plugin-folder.js';
import { tempPluginsDir } from './test-support/folder.js';

let plugins: ReturnType<typeof tempPluginsDir>;
let registry: PluginRegistry;
let folder: PluginFolder;

beforeEach(() => {
  plugins = tempPluginsDir();
  registry = createRegistry();
});

afterEach(async () => {
  await folder?.close();
  await registry.close();
  plugins.cleanup();
});

async function watching(): Promise<PluginFolder> {
  folder = watchPluginFolder(registry, plugins.root, { prefer: 'wasm' });
  await folder.ready;
  return folder;
}

const CANDIDATES = [
  {
    toolchain: 'cc',
    file: 'versioned.so',
    v1: () => artifact('versioned-1.0.0', 'cc', 'fixture'),
    v2: () => artifact('versioned-2.0.0', 'cc', 'fixture'),
    wrongAbi: () => artifact('wrong-abi', 'cc', 'fixture'),
  },
  {
    toolchain: 'asc',
    file: 'versioned.wasm',
    v1: () => artifact('versioned', 'asc', 'fixture'),
    v2: () => artifact('versioned-v2', 'asc', 'fixture'),
    wrongAbi: () => artifact('wrong-abi', 'asc', 'fixture'),
  },
] as const;

describe.each(CANDIDATES)('a broken candidate in the folder', (build) => {
  const title = toolchainTitle(build.toolchain);
  const half = () => {
    const bytes = readFileSync(build.v2());
    return bytes.subarray(0, bytes.length / 2);
  };
  it.skipIf(isSkipped(build.toolchain)).each([
    ['half-written', half, 'PLUGIN_FORMAT_INVALID|PLUGIN_LOAD_FAILED'],
    ['garbage', () => utf8('this is not a plugin, just bytes'), 'PLUGIN_FORMAT_INVALID'],
    ['wrong-ABI', () => readFileSync(build.wrongAbi()), 'PLUGIN_ABI_MISMATCH'],
  ])(
    `${title}: a %s artifact leaves the old version serving, with a failed event`,
    async (_label, bytes, codes) => {
      plugins.write('versioned', build.file, readFileSync(build.v1()));
      await watching();
      const failed = registry.events.next('failed');
      plugins.write('versioned', build.file, bytes());
      const event = await failed;
      expect(event.error.code).toMatch(new RegExp(`^(${codes})$`));
      expect(registry.get('versioned')?.active?.version).toBe('1.0.0');
      expect(text(await registry.call('versioned', utf8('still')))).toBe('1.0.0:still');
      // And a good artifact afterwards swaps in as usual.
      const activated = registry.events.next('activated');
      plugins.deploy('versioned', build.file, readFileSync(build.v2()));
      expect((await activated).version.version).toBe('2.0.0');
    },
  );

  it.skipIf(isSkipped(build.toolchain))(
    `${title}: a candidate failing its cases.json leaves the old version serving`,
    async () => {
      const cases = {
        plugin: 'versioned',
        cases: [
          { name: 'speaks 1.x', input: { utf8: 'x' }, expect: { output: { utf8: '1.0.0:x' } } },
        ],
      };
      plugins.write('versioned', 'cases.json', JSON.stringify(cases));
      plugins.write('versioned', build.file, readFileSync(build.v1()));
      await watching();
      expect(registry.get('versioned')?.active?.version).toBe('1.0.0');
      const failed = registry.events.next('failed');
      plugins.deploy('versioned', build.file, readFileSync(build.v2()));
      expect(await failed).toMatchObject({
        stage: 'self-test',
        error: { code: 'PLUGIN_SELF_TEST_FAILED' },
        version: { version: '2.0.0', state: 'failed' },
      });
      expect(text(await registry.call('versioned', utf8('x')))).toBe('1.0.0:x');
    },
  );
});

/** A library for the other platform: a PE DLL header here, an ELF shared object on Windows. */
function foreignLibrary(): { file: string; bytes: Uint8Array } {
  if (process.platform === 'win32') {
    const bytes = new Uint8Array(64);
    bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
    new DataView(bytes.buffer).setUint16(16, 3, true);
    new DataView(bytes.buffer).setUint16(18, 62, true);
    return { file: 'versioned.so', bytes };
  }
  const bytes = new Uint8Array(0x200);
  const view = new DataView(bytes.buffer);
  bytes.set([0x4d, 0x5a]);
  view.setUint32(0x3c, 0x80, true);
  view.setUint32(0x80, 0x50450000, false);
  view.setUint16(0x84, 0x8664, true);
  view.setUint16(0x96, 0x2022, true);
  return { file: 'versioned.dll', bytes };
}

describe('fallback to the Wasm twin', () => {
  it.skipIf(isSkipped('asc'))(
    'serves from Wasm when the preferred native library is for another platform, reporting it once',
    async () => {
      const events: RegistryEvent[] = [];
      registry.events.onAny((event) => events.push(event));
      const foreign = foreignLibrary();
      plugins.write('versioned', foreign.file, foreign.bytes);
      plugins.write(
        'versioned',
        'versioned.wasm',
        readFileSync(artifact('versioned', 'asc', 'fixture')),
      );
      plugins.write('versioned', 'plugin.json', JSON.stringify({ prefer: 'native' }));
      await watching();
      expect(registry.get('versioned')?.active).toMatchObject({
        backend: 'wasm',
        version: '1.0.0',
      });
      expect(text(await registry.call('versioned', utf8('x')))).toBe('1.0.0:x');
      const fallback = events.find((event) => event.type === 'fallback');
      expect(fallback).toMatchObject({ reason: { code: 'PLUGIN_PLATFORM_MISMATCH' } });
      // A new Wasm build is tried again in native-first order: the foreign library is not re-reported.
      const activated = registry.events.next('activated');
      plugins.deploy(
        'versioned',
        'versioned.wasm',
        readFileSync(artifact('versioned-v2', 'asc', 'fixture')),
      );
      expect((await activated).version).toMatchObject({ backend: 'wasm', version: '2.0.0' });
      expect(events.filter((event) => event.type === 'skipped')).toHaveLength(1);
      expect(events.filter((event) => event.type === 'failed')).toEqual([]);
    },
  );

  it.skipIf(isSkipped('cc') || isSkipped('asc'))(
    'serves from Wasm when the preferred native library fails validation',
    async () => {
      plugins.write(
        'versioned',
        'versioned.so',
        readFileSync(artifact('wrong-abi', 'cc', 'fixture')),
      );
      plugins.write(
        'versioned',
        'versioned.wasm',
        readFileSync(artifact('versioned', 'asc', 'fixture')),
      );
      plugins.write('versioned', 'plugin.json', JSON.stringify({ prefer: 'native' }));
      const fallback = registry.events.next('fallback');
      await watching();
      expect(await fallback).toMatchObject({
        preferred: join(plugins.root, 'versioned', 'versioned.so'),
        reason: { code: 'PLUGIN_ABI_MISMATCH' },
        version: { backend: 'wasm' },
      });
    },
  );
});

describe('plugin.json', () => {
  it.skipIf(isSkipped('asc'))(
    'passes its config to Initialize, and the sample cases.json must pass',
    async () => {
      const dir = join(plugins.root, 'redact');
      plugins.write(
        'redact',
        'plugin.json',
        JSON.stringify({ config: { words: ['secret'], mask: '###' } }),
      );
      plugins.write('redact', 'redact.wasm', readFileSync(artifact('redact', 'asc')));
      copyFileSync(join(artifact('redact', 'asc'), '..', 'cases.json'), join(dir, 'cases.json'));
      await watching();
      expect(text(await registry.call('redact', utf8('my secret')))).toBe('my ###');
    },
  );
});

describe('plugins dropped into the folder cannot hang or crash it', () => {
  it.skipIf(isSkipped('asc'))(
    'an endless loop in Wasm (metered in-process) is a PLUGIN_TIMEOUT, and the folder keeps serving',
    async () => {
      copyFileSync(
        artifact('endless-loop', 'asc', 'fixture'),
        plugins.write('endless-loop', 'endless-loop.wasm', ''),
      );
      plugins.write('endless-loop', 'plugin.json', JSON.stringify({ limits: { timeoutMs: 200 } }));
      copyFileSync(artifact('upper', 'asc'), plugins.write('upper', 'upper.wasm', ''));
      await watching();
      await expect(registry.call('endless-loop', utf8('x'))).rejects.toMatchObject({
        code: 'PLUGIN_TIMEOUT',
      });
      expect(text(await registry.call('upper', utf8('served')))).toBe('SERVED');
      expect(registry.get('endless-loop')?.active?.isolation).toBe('in-process');
    },
  );

  it.skipIf(isSkipped('cc'))(
    'a native crash is PLUGIN_CRASHED, not the end of the service',
    async () => {
      copyFileSync(
        artifact('null-deref', 'cc', 'fixture'),
        plugins.write('null-deref', 'null-deref.so', ''),
      );
      copyFileSync(artifact('upper', 'cc'), plugins.write('upper', 'upper.so', ''));
      await watching();
      await expect(registry.call('null-deref', utf8('x'))).rejects.toMatchObject({
        code: 'PLUGIN_CRASHED',
      });
      expect(text(await registry.call('upper', utf8('served')))).toBe('SERVED');
      expect(registry.get('upper')?.active?.isolation).toBe('process');
    },
  );

  it.skipIf(isSkipped('asc'))('plugin.json can opt a trusted plugin into in-process', async () => {
    copyFileSync(artifact('upper', 'asc'), plugins.write('upper', 'upper.wasm', ''));
    plugins.write('upper', 'plugin.json', JSON.stringify({ isolation: 'in-process' }));
    await watching();
    expect(text(await registry.call('upper', utf8('trusted')))).toBe('TRUSTED');
    expect(registry.get('upper')?.active?.isolation).toBe('in-process');
  });
});
