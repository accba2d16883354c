import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keysIn, type LoadPluginOptions, type OptionsIn } from '../options.js';
import { createRegistry, type PluginRegistry } from './plugin-registry.js';
import { resolveSource } from './plugin-source.js';
import { fakeArtifactDir } from './test-support/fake-artifacts.js';
import { createFakeLoader } from './test-support/fake-plugin.js';

const onStderr = () => undefined;

/** A value for every option a source carries: a new option does not compile until it has one. */
const SOURCE_SAMPLES: {
  readonly [K in OptionsIn<'source'>]-?: Exclude<LoadPluginOptions[K], undefined>;
} = {
  config: 'cfg',
  maxOutputBytes: 1000,
  maxMemoryPages: 20,
  metering: false,
  callingConvention: 'stdcall',
  adapter: { kind: 'imodule', factory: 'MakeModule', outputCapacity: 128 },
  shadowDir: '/tmp/elsewhere',
  dependencyDir: '/opt/deps',
  isolation: { native: 'process', wasm: 'worker' },
  timeoutMs: 1234,
  loadTimeoutMs: 4321,
  maxInputBytes: 77,
  concurrency: 3,
  maxQueuedCalls: 5,
  queueTimeoutMs: 500,
  breaker: { threshold: 0.25, window: 4, openMs: 9 },
  onStderr,
  capabilities: { log: true, hostFunctions: ['acme.lookup'] },
  deterministic: { seed: 3 },
  hostFunctions: { 'acme.lookup': (input) => input },
  onLog: () => undefined,
  onHostCall: () => undefined,
  env: ['HOME'],
};

let artifacts: ReturnType<typeof fakeArtifactDir>;
let registry: PluginRegistry;
let loads: LoadPluginOptions[];

beforeEach(() => {
  artifacts = fakeArtifactDir();
  const fake = createFakeLoader();
  loads = [];
  registry = createRegistry({
    loadPlugin: (options) => {
      loads.push(options);
      return fake.load(options);
    },
  });
});

afterEach(async () => {
  await registry.close();
  artifacts.cleanup();
});

describe('a registry source', () => {
  it('passes every option of the source layer to loadPlugin as given', async () => {
    const path = artifacts.write('echo.json', { name: 'echo', version: '1.0.0' });
    await registry.register('echo', { artifacts: path, ...SOURCE_SAMPLES });
    expect(loads).toHaveLength(1);
    for (const key of keysIn('source')) expect(loads[0]![key]).toEqual(SOURCE_SAMPLES[key]);
  });

  it("names the artifact's folder as dependencyDir: the registry loads bytes, not the path", async () => {
    // A Windows DLL's own DLLs are copied from there (windows/suite/dll-search-path.win-test.ts).
    const path = artifacts.write('uses-helper.json', { name: 'uses-helper', version: '1.0.0' });
    await registry.register('uses-helper', path);
    expect(loads[0]).toMatchObject({ fileName: 'uses-helper.json', dependencyDir: dirname(path) });
    expect(loads[0]!.bytes).toBeInstanceOf(Uint8Array);
  });

  it('keeps a dependencyDir the source gives', async () => {
    const path = artifacts.write('echo.json', { name: 'echo', version: '1.0.0' });
    await registry.register('echo', { artifacts: path, dependencyDir: join(artifacts.dir, 'd') });
    expect(loads[0]!.dependencyDir).toBe(join(artifacts.dir, 'd'));
  });

  it('makes another load key for another value of every option of the key layer', () => {
    const base = resolveSource({ artifacts: 'x.wasm' }).optionsKey;
    const keyed = keysIn('key');
    expect(keyed.length).toBeGreaterThan(10);
    for (const key of keyed) {
      const other = resolveSource({ artifacts: 'x.wasm', [key]: SOURCE_SAMPLES[key] });
      expect(other.optionsKey, key).not.toBe(base);
    }
    // onStderr and shadowDir change where output and copies go, not what the plugin does.
    expect(resolveSource({ artifacts: 'x.wasm', shadowDir: '/x' }).optionsKey).toBe(base);
  });
});
