// Hot swap on Windows: a watched plugins folder serving a DLL, replaced while calls run. It
// works only because the runtime loads shadow copies: the deployed file is never mapped.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createRegistry, type PluginRegistry, watchPluginFolder } from '../../runtime/index.js';
import { dll, tempDir, text, utf8 } from './support.js';

interface CallLog {
  /** The versions that answered, in order, each once. */
  readonly versions: string[];
  readonly failures: unknown[];
  /** Resolves once a call of the loop has been answered by `version`. */
  answeredBy(version: string): Promise<void>;
  stop(): Promise<void>;
}

/** Calls the plugin back to back until stopped, recording who answered and any failure. */
function callContinuously(registry: PluginRegistry, name: string): CallLog {
  const versions: string[] = [];
  const failures: unknown[] = [];
  const waiting = new Map<string, () => void>();
  let running = true;
  const loop = (async () => {
    for (let index = 0; running; index += 1) {
      try {
        const output = text(await registry.call(name, utf8(`call ${index}`)));
        const match = /^(\d+\.\d+\.\d+):call (\d+)$/.exec(output);
        if (match === null || Number(match[2]) !== index) failures.push(`garbled: ${output}`);
        else if (versions.at(-1) !== match[1]) versions.push(match[1]!);
      } catch (error) {
        failures.push(error);
      }
      for (const [version, resolve] of waiting) if (versions.includes(version)) resolve();
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  return {
    versions,
    failures,
    answeredBy: (version) => new Promise((resolve) => waiting.set(version, resolve)),
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/** A plugins folder serving versioned.dll 1.0.0, in a child process unless told in-process. */
async function servedFolder(
  isolation: 'process' | 'in-process',
): Promise<{ registry: PluginRegistry; file: string }> {
  const root = tempDir('hot-swap');
  const pluginDir = join(root.path, 'versioned');
  mkdirSync(pluginDir);
  // A watched folder runs a DLL in a child process unless its plugin.json says otherwise.
  if (isolation === 'in-process')
    writeFileSync(join(pluginDir, 'plugin.json'), JSON.stringify({ isolation }));
  const file = join(pluginDir, 'versioned.dll');
  writeFileSync(file, readFileSync(dll('versioned-1.0.0', 'fixture')));
  const registry = createRegistry({ retentionMs: 0 });
  const folder = watchPluginFolder(registry, root.path, { prefer: 'native' });
  after(async () => {
    await folder.close();
    await registry.close();
    root.remove();
  });
  await folder.ready;
  return { registry, file };
}

/** Resolves when version `version` of `name` becomes active. */
function activation(registry: PluginRegistry, version: string): Promise<unknown> {
  return new Promise((resolve) => {
    const off = registry.events.on('activated', (event) => {
      if (event.version.version === version) {
        off();
        resolve(event);
      }
    });
  });
}

const DEPLOYS = [
  ['overwritten in place', (file: string, bytes: Uint8Array) => writeFileSync(file, bytes)],
  [
    'renamed over (write beside, then rename)',
    (file: string, bytes: Uint8Array) => {
      writeFileSync(`${file}.tmp`, bytes);
      renameSync(`${file}.tmp`, file);
    },
  ],
] as const;

describe('hot swap of a DLL in a watched folder', () => {
  for (const [[how, deploy], isolation] of DEPLOYS.flatMap((entry) =>
    (['process', 'in-process'] as const).map((mode) => [entry, mode] as const),
  )) {
    // The timeout only keeps a swap that never comes from hanging the run.
    it(`${isolation}: the loaded DLL ${how} while calls run: every call answers, v1 then v2`, {
      timeout: 120_000,
    }, async () => {
      const { registry, file } = await servedFolder(isolation);
      assert.equal(registry.get('versioned')?.active?.version, '1.0.0');
      const calls = callContinuously(registry, 'versioned');
      const swapped = activation(registry, '2.0.0');
      deploy(file, readFileSync(dll('versioned-2.0.0', 'fixture')));
      await swapped;
      // Calls that start after the switch are served by the new DLL.
      await calls.answeredBy('2.0.0');
      await calls.stop();
      assert.equal(text(await registry.call('versioned', utf8('after'))), '2.0.0:after');
      assert.deepEqual(calls.failures, []);
      assert.deepEqual(calls.versions, ['1.0.0', '2.0.0']);
    });
  }
});
