import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../scripts/artifacts.js';
import { tempPlugins } from '../server/test-support/plugins-folder.js';
import { realServer } from '../server/test-support/real-server.js';
import { ADMIN_TOKEN } from '../server/test-support/test-app.js';

const CLI = join(repoRoot(), 'dist', 'cli', 'main.js');
const run = promisify(execFile);

let plugins: ReturnType<typeof tempPlugins>;
let server: Awaited<ReturnType<typeof realServer>> | undefined;

afterEach(async () => {
  await server?.close();
  plugins?.cleanup();
});

async function keys(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, 'keys', ...args], {
      env: { ...process.env, TWINPLUG_ADMIN_TOKEN: ADMIN_TOKEN, ...env },
      timeout: 30_000,
    });
    return { status: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { status: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('twinplug keys', () => {
  it('creates (secret shown once), lists and revokes keys through the admin API', async () => {
    plugins = tempPlugins();
    plugins.samples('upper');
    server = await realServer(plugins.root, { TWINPLUG_AUTH_REQUIRED: 'true' });
    const url = server.url;
    const created = await keys([
      'create',
      '--role',
      'caller',
      '--plugins',
      'upper, pricing',
      '--label',
      'ci',
      '--server',
      url,
    ]);
    expect(created).toMatchObject({ status: 0, stderr: expect.stringMatching(/shown this once/) });
    const [line, secret] = created.stdout.trim().split('\n') as [string, string];
    const id = line.split(/\s+/)[0]!;
    expect(line).toMatch(/^k[0-9a-f]{12} {2}caller {2}upper,pricing {2}"ci"$/);
    const call = () =>
      fetch(`${url}/v1/plugins/upper`, {
        method: 'POST',
        body: 'a',
        headers: { authorization: `Bearer ${secret}` },
      });
    expect(await (await call()).text()).toBe('A');
    const listed = await keys(['list', '--json'], { TWINPLUG_URL: url });
    expect(JSON.parse(listed.stdout).keys).toMatchObject([{ id, role: 'caller' }]);
    expect(listed.stdout).not.toContain(secret);
    expect((await keys(['revoke', id, '--server', url])).stdout).toMatch(/\(revoked\)/);
    expect((await call()).status).toBe(401);
    const denied = await keys(['list', '--server', url], { TWINPLUG_ADMIN_TOKEN: secret });
    expect(denied).toMatchObject({ status: 1, stderr: expect.stringMatching(/KEY_INVALID/) });
    const usage = await keys(['create', '--server', url]);
    expect(usage).toMatchObject({ status: 2, stderr: expect.stringMatching(/--role/) });
  }, 60_000);
});
