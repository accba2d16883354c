import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { loadConfig } from './load-config.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'twinplug-config-'));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

const file = (json: unknown) => {
  const path = join(dir, 'twinplug.config.json');
  writeFileSync(path, typeof json === 'string' ? json : JSON.stringify(json));
  return path;
};

function refused(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('CONFIG_INVALID');
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has defaults that serve build/plugins on port 8080 with the admin API off', () => {
    const config = loadConfig({ env: {}, cwd: dir });
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      plugins: 'build/plugins',
      workers: 1,
      maxBodyBytes: 16 * 1024 * 1024,
      allowNativeUploads: false,
      adminToken: undefined,
      canary: { errorRate: 0.05, minCalls: 20, windowMs: 60_000, stepWeight: 0 },
    });
    expect(Object.keys(config).some((key) => key.includes('.'))).toBe(false);
  });

  it('reads twinplug.config.json from cwd; the environment beats the file; flags beat both', () => {
    file({ port: 9000, plugins: 'from-file', workers: 3, canary: { minCalls: 50 } });
    const fromFile = loadConfig({ env: {}, cwd: dir });
    expect(fromFile).toMatchObject({
      port: 9000,
      plugins: 'from-file',
      workers: 3,
      canary: { minCalls: 50, errorRate: 0.05 },
    });
    const env = {
      TWINPLUG_PORT: '9100',
      TWINPLUG_PLUGINS: 'from-env',
      TWINPLUG_CANARY_MIN_CALLS: '7',
    };
    expect(loadConfig({ env, cwd: dir })).toMatchObject({
      port: 9100,
      plugins: 'from-env',
      workers: 3,
      canary: { minCalls: 7 },
    });
    const flags = { port: '9200', plugins: 'from-flag' };
    expect(loadConfig({ env, flags, cwd: dir })).toMatchObject({
      port: 9200,
      plugins: 'from-flag',
      workers: 3,
    });
  });

  it('reads a named file, which must exist', () => {
    const path = file({ logLevel: 'warn' });
    expect(loadConfig({ file: path, env: {} }).logLevel).toBe('warn');
    expect(loadConfig({ env: { TWINPLUG_CONFIG: path } }).logLevel).toBe('warn');
    expect(refused(() => loadConfig({ file: join(dir, 'missing.json'), env: {} })).message).toMatch(
      /cannot read: ENOENT/,
    );
  });

  it.each([
    [{ port: 70000 }, /config "port": 70000 must be an integer from 0 to 65535/],
    [{ colour: 'blue' }, /unknown setting "colour"/],
    [{ canary: { errorRate: 2 } }, /"canary.errorRate": 2 must be a number above 0/],
    [{ canary: { speed: 1 } }, /unknown setting "canary.speed"/],
    [{ prefer: 'jvm' }, /must be one of wasm, native/],
    [{ allowNativeUploads: 'yes' }, /must be true or false/],
    [{ adminToken: 'x'.repeat(32) }, /read from TWINPLUG_ADMIN_TOKEN only/],
    [[1, 2], /must be a JSON object/],
  ])('refuses the file %j', (json, message) => {
    file(json);
    expect(refused(() => loadConfig({ env: {}, cwd: dir })).message).toMatch(message);
  });

  it('refuses a file that is not JSON, bad environment values and bad flags, naming the source', () => {
    file('{ port: 1 }');
    expect(refused(() => loadConfig({ env: {}, cwd: dir })).message).toMatch(/not JSON/);
    rmSync(join(dir, 'twinplug.config.json'));
    expect(refused(() => loadConfig({ env: { TWINPLUG_WORKERS: 'two' }, cwd: dir })).source).toBe(
      'TWINPLUG_WORKERS',
    );
    expect(
      refused(() => loadConfig({ env: { TWINPLUG_LOG_LEVEL: 'loud' }, cwd: dir })).source,
    ).toBe('TWINPLUG_LOG_LEVEL');
    expect(refused(() => loadConfig({ env: {}, flags: { port: '-1' }, cwd: dir })).source).toBe(
      '--port',
    );
    expect(refused(() => loadConfig({ env: {}, flags: { host: 'a b' }, cwd: dir })).source).toBe(
      '--host',
    );
  });

  it('takes the admin token from TWINPLUG_ADMIN_TOKEN only, at least 16 characters', () => {
    expect(
      loadConfig({ env: { TWINPLUG_ADMIN_TOKEN: 'a-long-enough-token' }, cwd: dir }).adminToken,
    ).toBe('a-long-enough-token');
    expect(loadConfig({ env: { TWINPLUG_ADMIN_TOKEN: '' }, cwd: dir }).adminToken).toBeUndefined();
    expect(
      refused(() => loadConfig({ env: { TWINPLUG_ADMIN_TOKEN: 'short' }, cwd: dir })).source,
    ).toBe('TWINPLUG_ADMIN_TOKEN');
  });

  it('reads a memory budget as a size', () => {
    const budget = (value: string) =>
      loadConfig({ env: { TWINPLUG_MEMORY_BUDGET: value }, cwd: dir }).memoryBudget;
    expect(budget('512MiB')).toBe(512 * 1024 ** 2);
    expect(budget('2GB')).toBe(2e9);
    expect(budget('1048576')).toBe(1048576);
    expect(
      loadConfig({ env: {}, flags: { 'memory-budget': '1 GiB' }, cwd: dir }).memoryBudget,
    ).toBe(1024 ** 3);
    expect(loadConfig({ env: {}, cwd: dir }).memoryBudget).toBe(0);
    expect(refused(() => budget('lots')).source).toBe('TWINPLUG_MEMORY_BUDGET');
  });

  it('refuses an admin token with whitespace or too little entropy, with the same rule as requests', () => {
    const refusal = (token: string) =>
      refused(() => loadConfig({ env: { TWINPLUG_ADMIN_TOKEN: token }, cwd: dir })).message;
    expect(refusal('a-long-enough token')).toMatch(/no spaces/);
    expect(refusal('a-long-enough-token\t')).toMatch(/no spaces/);
    expect(refusal('x'.repeat(16))).toMatch(/too predictable \(0 bits/);
    expect(refusal('ab'.repeat(32))).toMatch(/too predictable/);
    expect(refusal('abcd'.repeat(4))).toMatch(/too predictable/);
  });
});
