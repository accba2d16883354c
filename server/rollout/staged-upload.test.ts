import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixture, tempPlugins } from '../test-support/plugins-folder.js';
import { admin, type TestApp, testApp } from '../test-support/test-app.js';

let plugins: ReturnType<typeof tempPlugins>;
let t: TestApp;

beforeEach(() => {
  plugins = tempPlugins();
});

afterEach(async () => {
  await t?.close();
  plugins.cleanup();
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function upload(name: string, bytes: Uint8Array, query = '') {
  return t.app.request(
    `/v1/admin/plugins/${name}/versions${query}`,
    admin({ method: 'POST', body: bytes, headers: { 'x-sha256': sha256(bytes) } }),
  );
}

async function refusal(response: Response) {
  return [response.status, ((await response.json()) as { error: { code: string } }).error.code];
}

/** Every file under `dir` with its bytes, as text: equal before and after means untouched. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() || entry.isSymbolicLink())
    .map((entry) => {
      const path = join(entry.parentPath, entry.name);
      const content = entry.isFile() ? sha256(readFileSync(path)) : 'link';
      return `${relative(dir, path)} ${content}`;
    })
    .sort();
}

async function call(headers: Record<string, string> = {}) {
  const response = await t.app.request('/v1/plugins/versioned', {
    method: 'POST',
    body: 'x',
    headers,
  });
  return `${response.headers.get('x-plugin-backend')} ${await response.text()}`;
}

describe('staged uploads', () => {
  it('refuses garbage sent as an existing Wasm plugin: 422, the Wasm build serves, folder and archive unchanged', async () => {
    plugins.versioned();
    plugins.put('versioned', 'versioned.so', fixture('native/versioned-1.0.0.so'));
    mkdirSync(join(plugins.root, 'versioned', '.previous'));
    writeFileSync(join(plugins.root, 'versioned', '.previous', `${'ab'.repeat(32)}.wasm`), 'old');
    t = await testApp(plugins.root);
    const before = tree(join(plugins.root, 'versioned'));
    expect(await call()).toBe('wasm 1.0.0:x');
    const garbage = new TextEncoder().encode('this is not a Wasm module at all');
    const truncated = readFileSync(fixture('wasm/versioned-v2.wasm')).subarray(0, 400);
    for (const bytes of [garbage, truncated])
      expect(await refusal(await upload('versioned', bytes))).toEqual([
        422,
        'PLUGIN_FORMAT_INVALID',
      ]);
    expect(tree(join(plugins.root, 'versioned'))).toEqual(before);
    for (let index = 0; index < 5; index += 1) expect(await call()).toBe('wasm 1.0.0:x');
    const versions = t.service.describe('versioned')?.versions;
    expect(versions?.filter((version) => version.role !== 'twin')).toMatchObject([
      { version: '1.0.0', backend: 'wasm', role: 'active' },
    ]);
  });

  it('leaves no folder behind for a refused upload to a new name', async () => {
    t = await testApp(plugins.root);
    const trap = readFileSync(fixture('wasm/trap.wasm'));
    expect(await refusal(await upload('fresh', trap))).toEqual([422, 'PLUGIN_NAME_MISMATCH']);
    expect(await refusal(await upload('other', new Uint8Array([0, 97, 115, 109])))).toEqual([
      422,
      'PLUGIN_FORMAT_INVALID',
    ]);
    // No folder, and no routing record either.
    expect(readdirSync(plugins.root)).toEqual([]);
    expect(t.service.describe('fresh')).toBeUndefined();
  });

  it('serialises concurrent uploads to one plugin: both activate in turn, the folder holds the one serving', async () => {
    plugins.versioned();
    t = await testApp(plugins.root);
    const builds = ['wasm/versioned-v2.wasm', 'wasm/versioned-v3-trap.wasm'].map((file) =>
      readFileSync(fixture(file)),
    );
    const answers = await Promise.all(builds.map((bytes) => upload('versioned', bytes)));
    const bodies = (await Promise.all(answers.map((answer) => answer.json()))) as {
      outcome: string;
      version: { version: string; sha256: string };
    }[];
    expect(answers.map((answer) => answer.status)).toEqual([201, 201]);
    expect(new Set(bodies.map((body) => body.version.version))).toEqual(
      new Set(['2.0.0', '3.0.0']),
    );
    const view = t.service.describe('versioned')!;
    const serving = view.versions.find((version) => version.role === 'active')!;
    const swaps = t.service.feed.latest().filter((event) => event.type === 'swapped');
    expect(swaps).toHaveLength(2);
    expect(swaps[0]!.to).toBe(`${view.active} (wasm)`);
    expect(sha256(readFileSync(join(plugins.root, 'versioned', 'versioned.wasm')))).toBe(
      serving.sha256,
    );
  });

  it('stops a self-test that hangs: 504 UPLOAD_TIMEOUT once validation has ended, nothing written', async () => {
    const dir = join(plugins.root, 'endless-loop');
    mkdirSync(dir);
    // In a worker, which the upload's deadline ends: in-process (the folder's default for
    // Wasm) the meter would stop the self-test itself at timeoutMs.
    writeFileSync(
      join(dir, 'plugin.json'),
      JSON.stringify({ isolation: 'worker', limits: { timeoutMs: 600_000 } }),
    );
    const cases = {
      cases: [{ name: 'hangs', input: { utf8: 'x' }, expect: { output: { utf8: 'x' } } }],
    };
    writeFileSync(join(dir, 'cases.json'), JSON.stringify(cases));
    t = await testApp(plugins.root, { TWINPLUG_UPLOAD_TIMEOUT_MS: '1500' });
    const response = await upload('endless-loop', readFileSync(fixture('wasm/endless-loop.wasm')));
    expect(await refusal(response)).toEqual([504, 'UPLOAD_TIMEOUT']);
    // The candidate was stopped and reported before the answer: no validation goes on.
    const failed = t.service.feed.latest().filter((event) => event.type === 'load-failed');
    expect(failed.map((event) => event.plugin)).toEqual(['endless-loop']);
    expect(readdirSync(dir).sort()).toEqual(['cases.json', 'plugin.json']);
    expect(t.service.describe('endless-loop')).toBeUndefined();
  });

  it('never archives or replaces through a symlinked build: 409 ARTIFACT_IS_LINK, the target untouched', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'twinplug-secret-'));
    try {
      const secret = join(outside, 'secret.wasm');
      writeFileSync(secret, readFileSync(fixture('wasm/versioned.wasm')));
      chmodSync(secret, 0o600);
      mkdirSync(join(plugins.root, 'versioned'));
      symlinkSync(secret, join(plugins.root, 'versioned', 'versioned.wasm'));
      t = await testApp(plugins.root);
      const response = await upload('versioned', readFileSync(fixture('wasm/versioned-v2.wasm')));
      expect(await refusal(response)).toEqual([409, 'ARTIFACT_IS_LINK']);
      expect(existsSync(join(plugins.root, 'versioned', '.previous'))).toBe(false);
      expect(tree(join(plugins.root, 'versioned'))).toEqual(['versioned.wasm link']);
      expect(readFileSync(secret)).toEqual(readFileSync(fixture('wasm/versioned.wasm')));
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
