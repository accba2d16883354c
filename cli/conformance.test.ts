import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { built, manifest, windowsDllHeader } from '../conformance/test-support/built.js';
import { stderrWithoutProgress } from '../conformance/test-support/cli-stderr.js';
import { repoRoot, SAMPLE_NAMES, skipReason } from '../scripts/artifacts.js';

// The built CLI (npm test builds first), spawned as a plugin author's CI would run it.
const CLI = join(repoRoot(), 'dist', 'cli', 'main.js');
const work = mkdtempSync(join(tmpdir(), 'twinplug-conformance-cli-'));

function twinplugIn(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, 'conformance', ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: stderrWithoutProgress(result.stderr),
  };
}

const twinplug = (...args: string[]) => twinplugIn(process.cwd(), ...args);

function folder(name: string, files: Record<string, string | Uint8Array>): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
  return dir;
}

const GRAMMAR: Record<string, string> = { pricing: 'pricing-order', redact: 'redact-text' };
const clang = skipReason(manifest, 'clang-wasm');

describe('twinplug conformance', () => {
  it.each(SAMPLE_NAMES)(
    `%s: --plugin build/plugins/<name>${clang === undefined ? ' plus the clang twin' : ` (clang twin skipped: ${clang})`} exits 0`,
    (name) => {
      const extra = clang === undefined ? [built(name, 'clang-wasm')] : [];
      const grammar = GRAMMAR[name] ?? 'bytes';
      const result = twinplug(
        '--plugin',
        join(repoRoot(), 'build', 'plugins', name),
        ...extra,
        '--fuzz',
        '500',
        '--grammar',
        grammar,
      );
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^PASS: /m);
    },
  );

  it("picks the artifacts named after the folder and initialises them with plugin.json's config", () => {
    const cases = {
      cases: [{ name: 'masked', input: { utf8: 'a secret' }, expect: { output: { utf8: 'a #' } } }],
    };
    const dir = folder('redact', {
      'plugin.json': JSON.stringify({ prefer: 'wasm', config: { words: ['secret'], mask: '#' } }),
      'cases.json': JSON.stringify(cases),
      'redact.wasm': readFileSync(built('redact', 'asc')),
      'redact.so': readFileSync(built('redact', 'cc')),
      'other.wasm': readFileSync(built('upper', 'asc')),
    });
    const result = twinplug('--plugin', dir, '--fuzz', '200', '--grammar', 'redact-text');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('cases: 1 of 1 passed on all 2 artifact(s)');
    expect(result.stdout).not.toContain('other.wasm');
  });

  it.skipIf(process.platform === 'win32')(
    'reports a DLL on Linux or macOS (skipped on Windows, where it is native) as skipped, not failed; --require-all makes it a load error',
    () => {
      const dir = folder('upper', { 'upper.dll': windowsDllHeader() });
      copyFileSync(built('upper', 'asc'), join(dir, 'upper.wasm'));
      const skipped = twinplug('--plugin', dir, built('upper', 'cc'), '--fuzz', '100');
      expect(skipped.status).toBe(0);
      expect(skipped.stdout).toMatch(/\[-\] skipped .*upper\.dll: PE library built for win32/);
      expect(skipped.stdout).toMatch(/^PASS: .*2 artifact\(s\) run, 1 skipped$/m);
      const required = twinplug('--plugin', dir, '--require-all');
      expect(required.status).toBe(2);
      expect(required.stderr).toContain('PLUGIN_PLATFORM_MISMATCH');
      const alone = twinplug(join(dir, 'upper.dll'));
      expect(alone.status).toBe(2);
      expect(alone.stderr).toContain('CONFORMANCE_NOTHING_TO_RUN');
    },
  );

  it('exits 1 on a failed case, with a hex diff, and writes the JUnit and JSON reports', () => {
    const cases = folder('wrong', {
      'cases.json': JSON.stringify({
        cases: [{ name: 'wrong', input: { utf8: 'abc' }, expect: { output: { utf8: 'ABD' } } }],
      }),
    });
    const junit = join(work, 'reports', 'conformance.xml');
    const json = join(work, 'reports', 'conformance.json');
    const result = twinplug(
      built('upper', 'cc'),
      built('upper', 'asc'),
      '--cases',
      join(cases, 'cases.json'),
      '--fuzz',
      '0',
      '--report',
      `junit:${junit}`,
      '--report',
      `json:${json}`,
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('FAIL wrong');
    expect(result.stdout).toMatch(/expected {2}00000000 {2}41 42 44 .*\|ABD\|/);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.pass).toBe(false);
    expect(report.cases[0].results.map((entry: { pass: boolean }) => entry.pass)).toEqual([
      false,
      false,
    ]);
    expect(report.cases[0].results[0].outcome).toMatchObject({
      ok: true,
      length: 3,
      hex: '414243',
    });
    const xml = readFileSync(junit, 'utf8');
    expect(xml.match(/<testsuite /g)).toHaveLength(4); // two artifacts, agreement, fuzz
    expect(xml.match(/<failure /g)).toHaveLength(2);
  });

  it.each([
    ['no artifact', [], 'give at least one artifact'],
    ['an unknown flag', ['a.so', '--bogus'], "Unknown option '--bogus'"],
    [
      'a bad --report',
      ['a.so', '--report', 'html:r.html'],
      '--report takes junit:FILE or json:FILE',
    ],
  ])('exits 2 with the usage on %s', (_, args, message) => {
    const result = twinplug(...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('usage: twinplug conformance <artifact...>');
  });

  it('exits 2 on an artifact that does not load, a bad grammar or a bad plugin folder', () => {
    const garbage = join(work, 'garbage.wasm');
    writeFileSync(garbage, 'not a plugin');
    expect(twinplug(garbage, built('upper', 'asc'))).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('PLUGIN_FORMAT_INVALID'),
    });
    expect(twinplug(built('upper', 'asc'), '--grammar', 'nope')).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('CONFORMANCE_GRAMMAR_UNKNOWN'),
    });
    expect(twinplug('--plugin', folder('empty', {}))).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('CONFORMANCE_PLUGIN_DIR_INVALID'),
    });
  });

  it.skipIf(process.platform === 'win32')(
    'runs the command of examples/github-actions/conformance.yml as its Linux job does (skipped on Windows)',
    () => {
      const workflow = readFileSync(
        join(repoRoot(), 'examples', 'github-actions', 'conformance.yml'),
        'utf8',
      );
      const start = workflow.indexOf('twinplug conformance --plugin');
      const block = workflow.slice(start, workflow.indexOf('\n      - ', start));
      const args = block
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression
        .replaceAll('${{ github.run_number }}', '42')
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression
        .replaceAll('${{ matrix.os }}', 'ubuntu-latest')
        .split(/\s+/)
        .filter((word) => word !== '')
        .slice(2);
      const job = join(work, 'workflow');
      const plugin = join(job, 'myplugin');
      mkdirSync(plugin, { recursive: true });
      writeFileSync(join(plugin, 'myplugin.dll'), windowsDllHeader());
      copyFileSync(built('upper', 'asc'), join(plugin, 'myplugin.wasm'));
      copyFileSync(
        join(repoRoot(), 'build', 'plugins', 'upper', 'cases.json'),
        join(plugin, 'cases.json'),
      );
      const result = twinplugIn(job, ...args);
      expect(args).toContain('--plugin');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(
        /\[-\] skipped myplugin\/myplugin\.dll: PE library built for win32/,
      );
      expect(result.stdout).toContain('fuzz: skipped, differential fuzzing needs two artifacts');
      expect(
        JSON.parse(readFileSync(join(job, 'reports', 'conformance-ubuntu-latest.json'), 'utf8'))
          .pass,
      ).toBe(true);
      expect(readFileSync(join(job, 'reports', 'conformance-ubuntu-latest.xml'), 'utf8')).toContain(
        '<skipped message="PE library',
      );
    },
  );
});
