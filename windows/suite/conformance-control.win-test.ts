// The negative control of the Windows conformance run: the conformance CLI, under Windows
// Node.js, must fail a DLL whose Wasm twin behaves differently. If this passed vacuously, the
// samples' green conformance would prove nothing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cli, dll, hostArtifact, tempDir } from './support.js';

describe('conformance under Windows Node.js', () => {
  it('a divergent upper DLL against upper.wasm exits 1 and names the diverging input', () => {
    const reports = tempDir('control');
    after(reports.remove);
    const reportFile = join(reports.path, 'divergent.json');
    const result = cli([
      'conformance',
      dll('upper-divergent', 'fixture'),
      hostArtifact('upper', 'asc'),
      '--cases',
      join(dll('upper'), '..', 'cases.json'),
      '--fuzz',
      '2000',
      '--seed',
      '1',
      '--report',
      `json:${reportFile}`,
    ]);
    assert.equal(result.status, 1, result.stderr);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as {
      pass: boolean;
      fuzz: { divergence: { input: { hex: string } } | null };
    };
    assert.equal(report.pass, false);
    // The minimal input is one Latin-1 lower-case byte, which only the divergent build folds.
    const input = report.fuzz.divergence?.input.hex ?? '';
    assert.match(input, /^(e[0-9a-f]|f[0-9a-e])$/);
  });

  it('the real upper DLL against the same twin, cases and seed exits 0', () => {
    const result = cli([
      'conformance',
      dll('upper'),
      hostArtifact('upper', 'asc'),
      '--cases',
      join(dll('upper'), '..', 'cases.json'),
      '--fuzz',
      '2000',
      '--seed',
      '1',
    ]);
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });
});
