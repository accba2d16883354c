import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Toolchain } from '../../scripts/artifacts.js';
import { readCaseFile, runCases } from '../cases/index.js';
import type { Capabilities } from '../host/grants.js';
import type { Isolation } from '../options.js';
import { artifact, isSkipped, toolchainTitle } from '../test-support/artifacts.js';

// The samples that call the host, on every real toolchain, with the plugin in a worker or a
// child process: each host call crosses to the main thread and back, and every case of the
// sample's cases.json (stateful: the kv store carries from case to case) still passes. tally's
// retry case makes a host call before answering "buffer too small", so the retried call must
// still see its input.
const BUILDS: readonly [string, Toolchain][] = [
  ['visits', 'cc'],
  ['visits', 'asc'],
  ['visits', 'clang-wasm'],
  ['stats', 'cc'],
  ['stats', 'clang-wasi'],
  ['tally', 'cargo'],
  ['tally', 'cargo-wasm'],
];
const MODES: readonly Isolation[] = ['worker', 'process'];

/** The sample's folder in build/plugins (the clang twin is built elsewhere). */
const folderOf = (name: string) => dirname(artifact(name, name === 'tally' ? 'cargo' : 'cc'));

function grantsOf(name: string): Capabilities {
  const manifest = JSON.parse(readFileSync(join(folderOf(name), 'plugin.json'), 'utf8'));
  return manifest.capabilities as Capabilities;
}

for (const [name, toolchain] of BUILDS) {
  describe.skipIf(isSkipped(toolchain))(`${name}, ${toolchainTitle(toolchain)}`, () => {
    for (const isolation of MODES) {
      // Wasm runs in a worker or a child; native only in a child.
      const native = toolchain === 'cc' || toolchain === 'cargo';
      if (native && isolation === 'worker') continue;
      it(`${isolation}: every case in its cases.json`, async () => {
        const path = artifact(name, toolchain);
        const { cases } = await readCaseFile(join(folderOf(name), 'cases.json'));
        const load = { path, isolation, capabilities: grantsOf(name), onLog: () => undefined };
        const results = await runCases(load, cases);
        expect(results.filter((result) => !result.pass).map((result) => result.reason)).toEqual([]);
        expect(results.length).toBeGreaterThan(8);
      });
    }
  });
}
