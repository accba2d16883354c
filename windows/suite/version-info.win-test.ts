// VERSIONINFO: every DLL carries a version resource made from its PluginInfo version at build
// time (scripts/build-plugins/version-resource.mjs); version.dll reads it back on Windows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspectArtifact, readFileVersion } from '../../runtime/index.js';
import { SAMPLE_NAMES } from '../../scripts/artifacts.js';
import { cli, dll, hostArtifact } from './support.js';

describe('VERSIONINFO of the DLLs', () => {
  for (const name of SAMPLE_NAMES) {
    it(`${name}.dll: inspect shows a fileVersion matching its PluginInfo version`, async () => {
      const report = await inspectArtifact(dll(name));
      assert.equal(report.info.version, '1.0.0');
      assert.equal(report.fileVersion, `${report.info.version}.0`);
    });
  }

  it('the two builds of versioned carry 1.0.0.0 and 2.0.0.0', async () => {
    assert.equal(await readFileVersion(dll('versioned-1.0.0', 'fixture')), '1.0.0.0');
    assert.equal(await readFileVersion(dll('versioned-2.0.0', 'fixture')), '2.0.0.0');
  });

  it('a Wasm module has no fileVersion, on Windows too', async () => {
    assert.equal((await inspectArtifact(hostArtifact('upper', 'asc'))).fileVersion, undefined);
  });

  it('twinplug inspect prints fileVersion beside sha256 and the PluginInfo version', () => {
    const result = cli(['inspect', dll('pricing')]);
    assert.equal(result.status, 0, result.stderr);
    const printed = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.equal(printed.fileVersion, '1.0.0.0');
    assert.equal((printed.info as { version: string }).version, '1.0.0');
    assert.match(String(printed.sha256), /^[0-9a-f]{64}$/);
    assert.equal(printed.format, 'pe');
  });
});
