import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { built, hostSampleSkip, manifest } from '../conformance/test-support/built.js';
import { HOST_SAMPLE_NAMES, repoRoot, skipReason } from '../scripts/artifacts.js';

// The built CLI (npm test builds first) on the samples that use the host.
const CLI = join(repoRoot(), 'dist', 'cli', 'main.js');
const work = mkdtempSync(join(tmpdir(), 'twinplug-side-effects-'));
const folderOf = (name: string) => join(repoRoot(), 'build', 'plugins', name);

function twinplug(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, 'conformance', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const clang = skipReason(manifest, 'clang-wasm');
const missing = HOST_SAMPLE_NAMES.filter((name) => hostSampleSkip(name) !== undefined);

describe('twinplug conformance: host-call side effects', () => {
  for (const name of missing)
    it.skip(`${name}: skipped, no build here (${hostSampleSkip(name)})`, () => {});

  it.each(HOST_SAMPLE_NAMES.filter((name) => hostSampleSkip(name) === undefined))(
    '%s: --plugin build/plugins/<name> exits 0, its builds agreeing in outputs and host calls',
    (name) => {
      const extra = name === 'visits' && clang === undefined ? [built(name, 'clang-wasm')] : [];
      const result = twinplug('--plugin', folderOf(name), ...extra, '--fuzz', '300');
      // stderr may carry the progress line on a slow machine, never an error code.
      expect(result.stderr).not.toMatch(/PLUGIN_|CONFORMANCE_/);
      expect(result.stdout).toMatch(/^PASS: /m);
      expect(result.status).toBe(0);
    },
  );

  it('exits 1 on a twin that answers the same bytes with other side effects, showing the first differing host call in every report', () => {
    const json = join(work, 'report.json');
    const junit = join(work, 'report.xml');
    const divergent = built('visits-divergent', 'cc', 'fixture');
    const result = twinplug(
      '--plugin',
      folderOf('visits'),
      divergent,
      '--fuzz',
      '0',
      '--report',
      `json:${json}`,
      '--report',
      `junit:${junit}`,
    );
    expect(result.status).toBe(1);
    // Every case's output agrees: only the side effects tell the twins apart.
    expect(result.stdout).toMatch(/met the expectation: \[1\] 15\/15, \[2\] 15\/15, \[3\] 15\/15/);
    expect(result.stdout).toContain(
      '[3] side effects differ from [1] at host call 1 of 3 (3 on [3]):',
    );
    expect(result.stdout).toContain('[1] kv_get("visits:alice") = -6');
    expect(result.stdout).toContain('[3] kv_get("visit:alice") = -6');
    expect(result.stdout).toMatch(/^FAIL: /m);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.pass).toBe(false);
    expect(report.cases[0].sideEffects).toEqual([
      {
        artifact: divergent,
        hostCall: 1,
        expected: 'kv_get("visits:alice") = -6',
        actual: 'kv_get("visit:alice") = -6',
        calls: { reference: 3, artifact: 3 },
      },
    ]);
    expect(readFileSync(junit, 'utf8')).toContain('kv_get(&quot;visit:alice&quot;) = -6');
  });

  it('fuzzing finds the same divergence without cases', () => {
    const divergent = built('visits-divergent', 'cc', 'fixture');
    const result = twinplug(
      built('visits', 'asc'),
      divergent,
      '--capabilities',
      '{"log":true,"kv":true}',
      '--fuzz',
      '200',
      '--seed',
      '7',
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^fuzz: DIVERGENCE at input \d+ of 200/m);
    expect(result.stdout).toContain('side effects differ from [1] at host call 1');
  });

  it('refuses artifacts that import the host API when nothing grants it: a load error, exit 2', () => {
    const result = twinplug(
      built('visits', 'asc'),
      '--cases',
      join(folderOf('visits'), 'cases.json'),
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('PLUGIN_CAPABILITY_DENIED');
  });
});
