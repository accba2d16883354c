import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../scripts/artifacts.js';

// The built CLI (npm test builds first); every case here stops before a port is held.
const CLI = join(repoRoot(), 'dist', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'twinplug-serve-cli-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function serve(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CLI, 'serve', ...args], {
    cwd: dir,
    env: { ...process.env, TWINPLUG_CONFIG: '', TWINPLUG_ADMIN_TOKEN: '', ...env },
    timeout: 30_000,
  });
  return { status: result.status, stderr: result.stderr.toString('utf8') };
}

describe('twinplug serve', () => {
  it('is listed in the help', () => {
    const help = spawnSync(process.execPath, [CLI, '--help']).stdout.toString();
    expect(help).toMatch(/twinplug serve \[--port N\]/);
  });

  it('refuses a bad flag, variable or config file with CONFIG_INVALID and exit 2', () => {
    expect(serve(['--port', 'eighty'])).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/CONFIG_INVALID: --port/),
    });
    expect(serve([], { TWINPLUG_WORKERS: '0' })).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/TWINPLUG_WORKERS/),
    });
    writeFileSync(join(dir, 'twinplug.config.json'), '{"port": 8080, "colour": "blue"}');
    expect(serve([])).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/unknown setting "colour"/),
    });
    rmSync(join(dir, 'twinplug.config.json'));
    expect(serve([], { TWINPLUG_ADMIN_TOKEN: 'short' })).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/at least 16 characters/),
    });
    expect(serve([], { TWINPLUG_ADMIN_TOKEN: 'a-long-enough token' })).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/no spaces/),
    });
    expect(serve(['extra'])).toMatchObject({ status: 2 });
  });

  it('exits 1 with the error code when the plugins folder does not exist', () => {
    const result = serve(['--plugins', join(dir, 'missing'), '--port', '0']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^twinplug serve: PLUGIN_INVALID_OPTIONS: plugins folder .* is not a directory\n$/,
    );
  });
});
