// What a native plugin in a child process can reach of its host: an allow-listed environment
// and no descriptor but stdio and its channel. The env-probe fixture reports both from inside.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../../scripts/artifacts.js';
import { loadPlugin } from '../../load-plugin.js';
import type { Plugin } from '../../plugin.js';
import { artifact, text, utf8 } from '../../test-support/artifacts.js';
import { CHILD_BASE_ENV, childEnv, workerEnv } from '../plugin-env.js';

const linux = process.platform === 'linux';
const SECRET = 'admin-token-that-must-not-leak-0123456789';

async function ask(plugin: Plugin, request: string): Promise<string> {
  return text(await plugin.processData(utf8(request)));
}

describe.skipIf(!linux)(
  'a native plugin in a child process (skipped off Linux: /proc probe)',
  () => {
    let plugin: Plugin;
    const saved = { ...process.env };

    beforeAll(async () => {
      process.env.TWINPLUG_ADMIN_TOKEN = SECRET;
      process.env.TWINPLUG_WORKER_CONFIG = JSON.stringify({ adminToken: SECRET });
      process.env.PROBE_NAMED = 'named-value';
      process.env.PROBE_UNNAMED = 'unnamed-value';
      process.env.NODE_OPTIONS = '--max-old-space-size=100';
      plugin = await loadPlugin({
        path: artifact('env-probe', 'cc', 'fixture'),
        isolation: 'process',
        env: ['PROBE_NAMED'],
      });
    });

    afterAll(async () => {
      await plugin?.close();
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    });

    it('never sees TWINPLUG_ variables: the admin token, the worker config', async () => {
      expect(await ask(plugin, 'env:TWINPLUG_ADMIN_TOKEN')).toBe('<unset>');
      expect(await ask(plugin, 'env:TWINPLUG_WORKER_CONFIG')).toBe('<unset>');
    });

    it('sees exactly PATH (and TMPDIR when set) and the names its options give', async () => {
      expect(await ask(plugin, 'env:PROBE_NAMED')).toBe('named-value');
      expect(await ask(plugin, 'env:PROBE_UNNAMED')).toBe('<unset>');
      expect(await ask(plugin, 'env:PATH')).toBe(process.env.PATH);
      const names = (await ask(plugin, 'environ')).split('\n').filter(Boolean).sort();
      const expected = ['PATH', 'TMPDIR', 'PROBE_NAMED'].filter((name) => name in process.env);
      expect(names).toEqual(expected.sort());
    });

    it('refuses an env option that names a TWINPLUG_ variable', async () => {
      await expect(
        loadPlugin({ path: 'x.so', isolation: 'process', env: ['twinplug_admin_token'] }),
      ).rejects.toMatchObject({ code: 'PLUGIN_INVALID_OPTIONS' });
    });
  },
);

describe.skipIf(!linux)('descriptors (skipped off Linux: /proc probe)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'twinplug-fds-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a plugin child holds none of the descriptors its host inherited, only stdio and fd 3', () => {
    // A host (a server) started with a descriptor its own parent left open. Node marks the
    // inherited descriptors close-on-exec at startup (uv_disable_stdio_inheritance) only up
    // to the first gap above fd 15: one at fd 200 stays inheritable, as a supervisor's might.
    const marker = join(dir, 'inherited-by-the-host');
    writeFileSync(marker, '');
    const fd = openSync(marker, 'r');
    const script = `
      import { readdirSync, readlinkSync } from 'node:fs';
      import { loadPlugin } from ${JSON.stringify(pathToFileURL(join(repoRoot(), 'dist/runtime/index.js')).href)};
      const host = readdirSync('/proc/self/fd').map((fd) => { try { return readlinkSync('/proc/self/fd/' + fd); } catch { return ''; } });
      const plugin = await loadPlugin({ path: ${JSON.stringify(artifact('env-probe', 'cc', 'fixture'))}, isolation: 'process' });
      const fds = new TextDecoder().decode(await plugin.processData(new TextEncoder().encode('fds')));
      await plugin.close();
      process.stdout.write(JSON.stringify({ host, fds }));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe', ...Array<'ignore'>(197).fill('ignore'), fd],
      encoding: 'utf8',
      timeout: 60_000,
    });
    closeSync(fd);
    expect(run.stderr).toBe('');
    const { host, fds } = JSON.parse(run.stdout) as { host: string[]; fds: string };
    expect(host).toContain(marker);
    const lines = fds.split('\n').filter(Boolean);
    expect(lines.filter((line) => line.endsWith(marker))).toEqual([]);
    // What is left beyond stdio and the channel is the child's own (Node's event loop...).
    expect(lines.map((line) => line.split(':')[0])).toEqual(
      expect.arrayContaining(['0', '1', '2', '3']),
    );
  });
});

describe('the environment builders', () => {
  const host = {
    PATH: '/bin',
    TMPDIR: '/t',
    SystemRoot: 'C:\\Windows',
    TWINPLUG_ADMIN_TOKEN: SECRET,
    NODE_OPTIONS: '--require x',
    LD_LIBRARY_PATH: '/evil',
    NAMED: 'v',
  };

  it('a child gets the platform base and the named variables, nothing else', () => {
    const env = childEnv(['NAMED', 'MISSING'], host);
    expect(Object.keys(env).sort()).toEqual(
      [...CHILD_BASE_ENV.filter((name) => name in host), 'NAMED'].sort(),
    );
    expect(env.TWINPLUG_ADMIN_TOKEN).toBeUndefined();
    expect(env.NODE_OPTIONS).toBeUndefined();
    expect(env.LD_LIBRARY_PATH).toBeUndefined();
    expect(childEnv(['LD_LIBRARY_PATH'], host).LD_LIBRARY_PATH).toBe('/evil');
  });

  it('a worker gets the named variables only', () => {
    expect(workerEnv([], host)).toEqual({});
    expect({ ...workerEnv(['NAMED'], host) }).toEqual({ NAMED: 'v' });
  });
});
