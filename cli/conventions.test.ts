import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../scripts/artifacts.js';

// The built CLI (npm test builds first), as a script in a pipeline would run it.
const CLI = join(repoRoot(), 'dist', 'cli', 'main.js');
const VERSION = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')).version;
const COMMANDS = ['serve', 'call', 'inspect', 'conformance', 'watch', 'demo'];

function twinplug(args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { timeout: 30_000 });
  return {
    status: result.status,
    stdout: result.stdout.toString('utf8'),
    stderr: result.stderr.toString('utf8'),
  };
}

describe('CLI conventions', () => {
  it('--version prints the package version and exits 0', () => {
    expect(twinplug(['--version'])).toEqual({ status: 0, stdout: `${VERSION}\n`, stderr: '' });
    expect(twinplug(['-V']).stdout).toBe(`${VERSION}\n`);
  });

  it.each(COMMANDS)('%s --help prints its usage on stdout and exits 0', (command) => {
    const result = twinplug([command, '--help']);
    expect(result.status).toBe(0);
    expect(result.stdout.startsWith(`usage: twinplug ${command}`)).toBe(true);
    expect(result.stderr).toBe('');
  });

  it('an unknown option exits 2 naming the option and the way to help', () => {
    const result = twinplug(['call', '--bogus', 'x.wasm']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("'--bogus'");
    expect(result.stderr).toContain('twinplug call --help');
    expect(result.stderr).toContain('usage: twinplug call');
  });

  it('--json turns every error into one JSON object on stderr', () => {
    const usage = twinplug(['call', '--bogus', '--json']);
    expect(usage.status).toBe(2);
    const lines = usage.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ error: { command: 'call', code: 'USAGE' } });

    const missing = twinplug(['--json', 'call', join(repoRoot(), 'no-such-plugin.wasm')]);
    expect(missing.status).toBe(1);
    expect(JSON.parse(missing.stderr)).toMatchObject({
      error: { command: 'call', code: 'PLUGIN_LOAD_FAILED' },
    });

    const unknown = twinplug(['nonsense', '--json']);
    expect(unknown.status).toBe(2);
    expect(JSON.parse(unknown.stderr)).toEqual({
      error: { command: null, code: 'UNKNOWN_COMMAND', message: 'unknown command "nonsense"' },
    });
  });

  it('a flag after -- is input, not --help or --json', () => {
    const result = twinplug(['call', '--help-me', '--', '--help']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("'--help-me'");
  });
});
