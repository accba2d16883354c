import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlugin } from '../runtime/index.js';
import { readArtifactManifest, repoRoot, skipReason } from '../scripts/artifacts.js';
import { legacyPair } from '../scripts/legacy-fixtures.js';

// The built CLI (npm test builds first), as a user with a vendor library and its header runs it.
const CLI = join(repoRoot(), 'dist', 'cli', 'main.js');
const manifest = readArtifactManifest();
const missing = skipReason(manifest, 'cxx') ?? skipReason(manifest, 'cc');

function inspect(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, 'inspect', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe.skipIf(missing !== undefined)(
  `twinplug inspect on legacy libraries${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    it('lists the exported symbols of a library that is not a plugin as it is', () => {
      const result = inspect(legacyPair(manifest, 'shout').native);
      expect(result.status).toBe(0);
      const report = JSON.parse(result.stdout);
      expect(report).toMatchObject({
        backend: 'native',
        plugin: null,
        reason: { code: 'PLUGIN_EXPORT_MISSING' },
      });
      expect(report.symbols).toEqual(expect.arrayContaining(['CreateModule', 'DestroyModule']));
    });

    it('--suggest-adapter --header: the suggested plugin.json loads and serves as it is', async () => {
      const { native } = legacyPair(manifest, 'rot13');
      const result = inspect(
        native,
        '--suggest-adapter',
        '--header',
        join(repoRoot(), 'plugins-dll/legacy/rot13.h'),
      );
      expect(result.status).toBe(0);
      const { adapter } = JSON.parse(result.stdout);
      const plugin = await loadPlugin({ path: native, adapter });
      expect(
        new TextDecoder().decode(await plugin.processData(new TextEncoder().encode('Abc'))),
      ).toBe('Nop');
      await plugin.close();
    });

    it('--suggest-adapter recognises an IModule factory without a header', () => {
      const result = inspect(legacyPair(manifest, 'shout').native, '--suggest-adapter');
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout).adapter).toMatchObject({
        kind: 'imodule',
        factory: 'CreateModule',
        destroy: 'DestroyModule',
      });
      expect(result.stderr).toContain('virtualDestructor');
    });

    it('--suggest-adapter exits 1 when it recognises nothing, asking for the header', () => {
      const result = inspect(legacyPair(manifest, 'greet').native, '--suggest-adapter');
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('--header');
    });
  },
);
