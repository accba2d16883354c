import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareArtifacts } from './artifact-set.js';
import { built, windowsDllHeader } from './test-support/built.js';

const dir = mkdtempSync(join(tmpdir(), 'twinplug-artifact-set-'));
const dll = join(dir, 'upper.dll');
writeFileSync(dll, windowsDllHeader());

describe('prepareArtifacts', () => {
  it('keeps the given order and labels, with what each artifact says about itself', async () => {
    const set = await prepareArtifacts([
      { path: built('upper', 'cc'), label: 'native' },
      { path: built('upper', 'asc') },
    ]);
    expect(set.skipped).toEqual([]);
    expect(set.runnable.map((artifact) => artifact.label)).toEqual([
      'native',
      built('upper', 'asc'),
    ]);
    expect(set.runnable.map((artifact) => artifact.report.backend)).toEqual(['native', 'wasm']);
    expect(set.runnable[1]!.report.info).toMatchObject({ name: 'upper', version: '1.0.0' });
  });

  // On Windows the DLL is native; the title says so when it is skipped.
  it.skipIf(process.platform === 'win32')(
    'skips a DLL on a non-Windows host (skipped on Windows) with the reason, unless every artifact is required',
    async () => {
      const set = await prepareArtifacts([{ path: dll }, { path: built('upper', 'asc') }]);
      expect(set.runnable).toHaveLength(1);
      expect(set.skipped).toEqual([
        { label: dll, path: dll, reason: expect.stringContaining('win32') },
      ]);
      await expect(prepareArtifacts([{ path: dll }], { requireAll: true })).rejects.toMatchObject({
        code: 'PLUGIN_PLATFORM_MISMATCH',
      });
    },
  );

  it('throws the load error of an artifact that is missing or not a plugin', async () => {
    const garbage = join(dir, 'garbage.wasm');
    writeFileSync(garbage, 'not a plugin');
    await expect(prepareArtifacts([{ path: join(dir, 'missing.so') }])).rejects.toMatchObject({
      code: 'PLUGIN_LOAD_FAILED',
    });
    await expect(prepareArtifacts([{ path: garbage }])).rejects.toMatchObject({
      code: 'PLUGIN_FORMAT_INVALID',
    });
  });
});
