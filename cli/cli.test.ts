import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readArtifactManifest, repoRoot, SAMPLE_NAMES, twinsOf } from '../scripts/artifacts.js';

// These run the built CLI (npm test builds first), as a user's shell would.
const CLI = join(repoRoot(), 'dist', 'cli', 'main.js');
const manifest = readArtifactManifest();

function twinplug(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    input: Buffer.from(input ?? ''),
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString('utf8') };
}

const SAMPLE_INPUTS: Record<string, string[]> = {
  upper: ['--input', 'Hello, world'],
  crc32: ['--input', '123456789'],
  pricing: ['--input', '{"items":[{"sku":"A","qty":3,"unit_cents":250}],"coupon":"SAVE10"}'],
  redact: ['--input', 'the secret word', '--config', '{"words":["secret"]}'],
};

describe('twinplug call', () => {
  for (const name of SAMPLE_NAMES) {
    it(`${name}: every twin writes identical bytes`, () => {
      const twins = twinsOf(manifest, name);
      expect(twins.length).toBeGreaterThanOrEqual(2);
      const outputs = twins.map((twin) => twinplug(['call', twin.path, ...SAMPLE_INPUTS[name]!]));
      for (const output of outputs) expect(output).toMatchObject({ status: 0, stderr: '' });
      for (const output of outputs.slice(1))
        expect(output.stdout.equals(outputs[0]!.stdout)).toBe(true);
    });
  }

  it('--isolation contains what would end an in-process call: a hang times out, a crash is reported', () => {
    const fixture = (name: string, toolchain: string) =>
      manifest.built.find(
        (entry) => entry.kind === 'fixture' && entry.name === name && entry.toolchain === toolchain,
      )?.path;
    const loop = fixture('endless-loop', 'asc')!;
    const hung = twinplug([
      'call',
      loop,
      '--isolation',
      'worker',
      '--timeout',
      '200',
      '--input',
      'x',
    ]);
    expect(hung.status).toBe(1);
    expect(hung.stderr).toMatch(/PLUGIN_TIMEOUT/);
    const crash = fixture('null-deref', 'cc');
    if (crash !== undefined) {
      const crashed = twinplug(['call', crash, '--isolation', 'process', '--input', 'x']);
      expect(crashed.status).toBe(1);
      expect(crashed.stderr).toMatch(/PLUGIN_CRASHED/);
    }
    expect(twinplug(['call', loop, '--isolation', 'vm']).stderr).toMatch(/PLUGIN_INVALID_OPTIONS/);
    expect(twinplug(['call', loop, '--timeout', 'soon']).status).toBe(2);
  });

  it('--hex prints hex; --input-hex and stdin are inputs too', () => {
    const crc = twinsOf(manifest, 'crc32')[0]!.path;
    expect(twinplug(['call', crc, '--input', '123456789', '--hex']).stdout.toString()).toBe(
      'cbf43926\n',
    );
    expect(
      twinplug(['call', crc, '--input-hex', '313233343536373839', '--hex']).stdout.toString(),
    ).toBe('cbf43926\n');
    expect(twinplug(['call', crc, '--hex'], '123456789').stdout.toString()).toBe('cbf43926\n');
  });

  it('a plugin error exits 1 with one line carrying the code', () => {
    const pricing = twinsOf(manifest, 'pricing')[0]!.path;
    const result = twinplug(['call', pricing, '--input', '{oops']);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/PLUGIN_CALL_FAILED \(plugin code -2\)/);
  });

  it.each([
    ['garbage', Buffer.from('not a plugin'), 'PLUGIN_FORMAT_INVALID'],
    ['wrong-abi', undefined, 'PLUGIN_ABI_MISMATCH'],
  ])('a bad artifact (%s) exits 1 with its code, no crash', (label, bytes, code) => {
    let path: string;
    if (bytes === undefined) {
      path = manifest.built.find((entry) => entry.kind === 'fixture' && entry.name === label)!.path;
    } else {
      path = join(mkdtempSync(join(tmpdir(), 'twinplug-cli-')), 'bad.so');
      writeFileSync(path, bytes);
    }
    const result = twinplug(['call', path, '--input', 'x']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(code);
  });

  it.each([
    [['call']],
    [['call', 'a.wasm', '--input', 'x', '--input-hex', '00']],
    [['call', 'a.wasm', '--nope']],
    [['frobnicate']],
  ])('usage errors exit 2: %j', (args) => {
    expect(twinplug(args).status).toBe(2);
  });
});

describe('twinplug inspect', () => {
  it('prints the artifact report as JSON', () => {
    const twin = twinsOf(manifest, 'upper').find((entry) => entry.backend === 'wasm')!;
    const result = twinplug(['inspect', twin.path]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout.toString())).toMatchObject({
      backend: 'wasm',
      format: 'wasm',
      abi: 1,
      info: { name: 'upper', version: '1.0.0' },
      exports: expect.arrayContaining(['ProcessData', 'memory', 'alloc']),
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      // Only a Windows DLL read on Windows has a VERSIONINFO FileVersion; the key is always there.
      fileVersion: null,
    });
  });
});

describe('twinplug demo', () => {
  it('shows every sample identical across its twins', () => {
    const result = twinplug(['demo']);
    expect(result.status).toBe(0);
    expect(result.stdout.toString().match(/identical across \d artifacts/g)).toHaveLength(
      SAMPLE_NAMES.length,
    );
  });
});
