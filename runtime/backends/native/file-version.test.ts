import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFileVersion } from '../../file-version.js';
import { inspectArtifact } from '../../load-plugin.js';
import { artifact } from '../../test-support/artifacts.js';
import { readPeFileVersion } from './file-version.js';

/** Builds the stand-in for version.dll with the system C compiler, when there is one. */
function buildFakeVersionLibrary(): { path: string } | { skip: string } {
  if (process.platform === 'win32') return { skip: 'Windows has the real version.dll' };
  const out = join(mkdtempSync(join(tmpdir(), 'twinplug-fake-version-')), 'fake-version.so');
  const source = join(import.meta.dirname, 'test-support', 'fake-version-dll.c');
  const built = spawnSync('cc', ['-shared', '-fPIC', '-O2', '-o', out, source], {
    encoding: 'utf8',
  });
  if (built.error !== undefined || built.status !== 0) {
    return { skip: `no C compiler: ${built.error?.message ?? built.stderr}` };
  }
  return { path: out };
}

const fake = buildFakeVersionLibrary();

describe(`readPeFileVersion through koffi ${'skip' in fake ? `(skipped: ${fake.skip})` : ''}`, () => {
  it.skipIf('skip' in fake)(
    'passes UTF-16 paths, keeps the block in native memory, and decodes VS_FIXEDFILEINFO',
    () => {
      const library = (fake as { path: string }).path;
      expect(readPeFileVersion('C:\\plugins\\upper.dll', library)).toBe('1.2.3.4');
      expect(readPeFileVersion('/plugins/upper.so', library)).toBeUndefined();
    },
  );
});

describe('readFileVersion', () => {
  it.skipIf(process.platform === 'win32')('is undefined off Windows', async () => {
    expect(await readFileVersion(artifact('upper', 'cc'))).toBeUndefined();
  });

  it('appears in inspectArtifact, undefined for artifacts that are not Windows DLLs', async () => {
    const report = await inspectArtifact(artifact('upper', 'asc'));
    expect(report).toHaveProperty('fileVersion', undefined);
    expect(report.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.info.version).toBe('1.0.0');
  });
});
