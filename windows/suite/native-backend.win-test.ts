// The native backend on real Windows DLLs: the scenarios of runtime/backends/native's vitest
// suite and of the samples' cases, run by Windows Node.js through koffi's win32 prebuild.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { loadPlugin, readCaseFile, runCases } from '../../runtime/index.js';
import { SAMPLE_NAMES } from '../../scripts/artifacts.js';
import { dll, hostArtifact, text, utf8 } from './support.js';

describe('native backend on Windows DLLs built by MinGW', () => {
  for (const name of SAMPLE_NAMES) {
    it(`${name}.dll passes every case of its cases.json`, async () => {
      const caseFile = await readCaseFile(join(dirname(dll(name)), 'cases.json'));
      assert.ok(caseFile.cases.length > 0);
      const results = await runCases({ path: dll(name) }, caseFile.cases);
      const failures = results.filter((result) => !result.pass);
      assert.deepEqual(
        failures.map((failure) => `${failure.case.name}: ${failure.reason}`),
        [],
      );
      assert.equal(results.length, caseFile.cases.length);
    });
  }

  for (const [name, code] of [
    ['wrong-abi', 'PLUGIN_ABI_MISMATCH'],
    ['bad-info', 'PLUGIN_INFO_INVALID'],
    ['missing-process', 'PLUGIN_EXPORT_MISSING'],
  ] as const) {
    it(`${name}.dll is refused at load with ${code}`, async () => {
      await assert.rejects(loadPlugin(dll(name, 'fixture')), { code });
    });
  }

  it('a failing Initialize is PLUGIN_INIT_FAILED with the plugin code', async () => {
    await assert.rejects(loadPlugin(dll('init-fails', 'fixture')), {
      code: 'PLUGIN_INIT_FAILED',
      pluginCode: 7,
    });
  });

  it('an out_len past out_cap is PLUGIN_ABI_VIOLATION, and the DLL keeps answering', async () => {
    const plugin = await loadPlugin(dll('out-len-lie', 'fixture'));
    await assert.rejects(plugin.processData(utf8('x')), { code: 'PLUGIN_ABI_VIOLATION' });
    await assert.rejects(plugin.processData(utf8('y')), { code: 'PLUGIN_ABI_VIOLATION' });
    await plugin.close();
  });

  it('two versions of one DLL load side by side, each with its own code', async () => {
    const first = await loadPlugin(dll('versioned-1.0.0', 'fixture'));
    const second = await loadPlugin(dll('versioned-2.0.0', 'fixture'));
    assert.deepEqual([first.info.version, second.info.version], ['1.0.0', '2.0.0']);
    assert.equal(text(await first.processData(utf8('x'))), '1.0.0:x');
    assert.equal(text(await second.processData(utf8('x'))), '2.0.0:x');
    await Promise.all([first.close(), second.close()]);
  });

  it('the same DLL loaded twice has two modules: state is not shared', async () => {
    const config = { words: ['alpha'], mask: '#' };
    const first = await loadPlugin({ path: dll('redact'), config });
    const second = await loadPlugin({ path: dll('redact'), config: { words: ['beta'] } });
    assert.equal(text(await first.processData(utf8('alpha beta'))), '# beta');
    assert.equal(text(await second.processData(utf8('alpha beta'))), 'alpha [REDACTED]');
    await Promise.all([first.close(), second.close()]);
  });

  it('a declared stdcall convention binds the same x64 exports (one convention on x64)', async () => {
    const plugin = await loadPlugin({ path: dll('crc32'), callingConvention: 'stdcall' });
    assert.equal(
      Buffer.from(await plugin.processData(utf8('123456789'))).toString('hex'),
      'cbf43926',
    );
    await plugin.close();
  });

  it('reports its ABI exports, the PE format and the x64 architecture', async () => {
    const plugin = await loadPlugin({ path: dll('redact'), config: { words: [] } });
    assert.deepEqual([...plugin.exports].sort(), [
      'Cleanup',
      'Initialize',
      'PluginInfo',
      'ProcessData',
    ]);
    assert.equal(plugin.backend, 'native');
    assert.equal(plugin.artifact.format, 'pe');
    await plugin.close();
  });

  it('a Linux shared object is PLUGIN_PLATFORM_MISMATCH on Windows, before any load', async () => {
    await assert.rejects(loadPlugin(hostArtifact('upper', 'cc')), {
      code: 'PLUGIN_PLATFORM_MISMATCH',
    });
  });

  it('loads a DLL given as bytes, under the file name given', async () => {
    const plugin = await loadPlugin({ bytes: readFileSync(dll('upper')), fileName: 'upper.dll' });
    assert.equal(text(await plugin.processData(utf8('bytes'))), 'BYTES');
    assert.equal(plugin.info.name, 'upper');
    await plugin.close();
  });

  it('host-api.dll logs, keeps kv state and calls a host function through the table, call after call', async () => {
    const logs: string[] = [];
    const plugin = await loadPlugin({
      path: dll('host-api', 'fixture'),
      config: 'cfg',
      capabilities: { log: true, kv: { maxBytes: 64 }, hostFunctions: ['acme.lookup'] },
      hostFunctions: { 'acme.lookup': (input) => utf8(`looked up ${text(input)}`) },
      onLog: (entry) => logs.push(entry.message),
    });
    // The same input arrays again and again: their ranges (and the fixture's static buffers)
    // are read and written through kept views from the second call on, copied before that.
    const commands = [
      'set:colour=blue',
      'get:colour',
      'call:acme.lookup:42',
      'log:1:hi',
      'oob',
    ].map((command) => [command, utf8(command)] as const);
    for (let round = 0; round < 4; round += 1) {
      const answers = [];
      for (const [, input] of commands) answers.push(text(await plugin.processData(input)));
      assert.deepEqual(answers, ['0', '0:blue', '0:looked up 42', '0', '-2']);
    }
    assert.equal(text(await plugin.processData(utf8('call:acme.other:x'))), '-1');
    assert.deepEqual(logs, ['init cfg', 'hi', 'hi', 'hi', 'hi']);
    await plugin.close();
  });

  it('a call after close is PLUGIN_CLOSED', async () => {
    const plugin = await loadPlugin(dll('upper'));
    await plugin.close();
    await assert.rejects(plugin.processData(utf8('late')), { code: 'PLUGIN_CLOSED' });
  });
});
