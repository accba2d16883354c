import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAMPLE_NAMES, type Toolchain } from '../../scripts/artifacts.js';
import { readCaseFile, runCases } from '../cases/index.js';
import { loadPlugin } from '../load-plugin.js';
import type { Isolation } from '../options.js';
import {
  artifact,
  isSkipped,
  sameBytes,
  text,
  toolchainTitle,
  utf8,
} from '../test-support/artifacts.js';

// Every sample's cases.json, run with the plugin in a worker or a child process: isolation
// changes where the code runs, never a byte of what it answers.
const MODES: readonly [Toolchain, Isolation][] = [
  ['asc', 'worker'],
  ['clang-wasm', 'worker'],
  ['cc', 'process'],
  ['asc', 'process'],
];

for (const [toolchain, isolation] of MODES) {
  describe.skipIf(isSkipped(toolchain))(
    `${isolation} isolation, ${toolchainTitle(toolchain)}`,
    () => {
      for (const name of SAMPLE_NAMES) {
        it(`${name}: every case in its cases.json`, async () => {
          const path = artifact(name, toolchain);
          const caseFile = await readCaseFile(join(dirname(artifact(name, 'asc')), 'cases.json'));
          const results = await runCases({ path, isolation }, caseFile.cases);
          expect(results.filter((result) => !result.pass).map((result) => result.reason)).toEqual(
            [],
          );
          expect(results.length).toBeGreaterThan(4);
        });
      }

      it('payloads past the shared buffer or a pipe buffer, both ways, byte for byte', async () => {
        const plugin = await loadPlugin({ path: artifact('upper', toolchain), isolation });
        const input = Uint8Array.from({ length: 3 * 1024 * 1024 + 13 }, (_, i) => 0x20 + (i % 90));
        const expected = input.map((byte) => (byte >= 0x61 && byte <= 0x7a ? byte - 0x20 : byte));
        expect(sameBytes(await plugin.processData(input), expected)).toBe('identical');
        expect(text(await plugin.processData(utf8('small after large')))).toBe('SMALL AFTER LARGE');
        expect(await plugin.processData(new Uint8Array(0))).toEqual(new Uint8Array(0));
        await plugin.close();
      });

      it('reports its info, backend and isolation like the in-process plugin', async () => {
        const path = artifact('redact', toolchain);
        const config = { words: ['secret'] };
        const [isolated, local] = await Promise.all([
          loadPlugin({ path, config, isolation }),
          loadPlugin({ path, config }),
        ]);
        expect([isolated.info, isolated.backend, isolated.exports]).toEqual([
          local.info,
          local.backend,
          local.exports,
        ]);
        expect(isolated.isolation).toBe(isolation);
        expect(text(await isolated.processData(utf8('a SECRET')))).toBe('a [REDACTED]');
        await Promise.all([isolated.close(), local.close()]);
      });
    },
  );
}
