// The `process` isolation mode on Windows: each DLL in a child node.exe. A crash there ends the
// child with a Windows exception status, fails the call with PLUGIN_CRASHED, and costs this
// process nothing; a fresh child takes the next call.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isProcessAlive, loadPlugin, type Plugin } from '../../runtime/index.js';
import { cli, dll, text, utf8 } from './support.js';

/** NTSTATUS exit codes of a process ended by an unhandled exception. */
const STATUS_ACCESS_VIOLATION = 0xc0000005;
const STATUS_ILLEGAL_INSTRUCTION = 0xc000001d;

/**
 * Checks a rejection: PLUGIN_CRASHED, and when given the child's exit status. A validator, not
 * an object: assert.rejects compares objects whole, and the details carry the child's output.
 */
function crashed(exitCode?: number): (error: unknown) => boolean {
  return (error) => {
    const { code, details } = error as { code?: string; details?: { exitCode?: number } };
    assert.equal(code, 'PLUGIN_CRASHED');
    if (exitCode !== undefined) assert.equal(details?.exitCode, exitCode);
    return true;
  };
}

let neighbours: Plugin[] = [];

before(async () => {
  neighbours = await Promise.all([
    loadPlugin(dll('upper')),
    loadPlugin({ path: dll('upper'), isolation: 'process' }),
  ]);
});

after(async () => {
  await Promise.all(neighbours.map((neighbour) => neighbour.close()));
});

async function neighboursAnswer(): Promise<void> {
  for (const neighbour of neighbours)
    assert.equal(text(await neighbour.processData(utf8('still here'))), 'STILL HERE');
}

/**
 * Loads a fixture in a child process, closing it after the test. A crash is what these tests
 * wait for, and under Wine on a loaded machine a child's death can take longer than the default
 * call timeout to be seen: the generous default keeps PLUGIN_TIMEOUT for the test that asks.
 */
async function isolated(name: string, options: { timeoutMs?: number } = {}): Promise<Plugin> {
  const plugin = await loadPlugin({
    path: dll(name, 'fixture'),
    isolation: 'process',
    timeoutMs: 120_000,
    ...options,
  });
  after(() => plugin.close());
  return plugin;
}

describe('process isolation on Windows', () => {
  it('null-deref.dll: the child node.exe dies with STATUS_ACCESS_VIOLATION, the call fails PLUGIN_CRASHED, this process and its neighbours go on, a fresh child takes the next call', async () => {
    const plugin = await isolated('null-deref');
    const [pid] = plugin.stats().pids;
    assert.ok(pid !== undefined && isProcessAlive(pid));
    await assert.rejects(plugin.processData(utf8('x')), crashed(STATUS_ACCESS_VIOLATION));
    assert.equal(isProcessAlive(pid), false);
    await neighboursAnswer();
    // The restarted child loads the DLL again and runs the call, which faults again.
    await assert.rejects(plugin.processData(utf8('x')), crashed(STATUS_ACCESS_VIOLATION));
    assert.equal(plugin.stats().restarts, 2);
    assert.ok(!plugin.stats().pids.includes(pid));
    await neighboursAnswer();
  });

  it('crash-on-demand.dll answers, crashes on "crash", and answers again from a new child', async () => {
    const plugin = await isolated('crash-on-demand');
    assert.equal(text(await plugin.processData(utf8('before'))), 'before');
    const [pid] = plugin.stats().pids;
    await assert.rejects(plugin.processData(utf8('crash')), crashed(STATUS_ACCESS_VIOLATION));
    assert.equal(text(await plugin.processData(utf8('after'))), 'after');
    assert.equal(plugin.stats().restarts, 1);
    assert.notDeepEqual(plugin.stats().pids, [pid]);
    await neighboursAnswer();
  });

  // Windows ends a stack overflow with STATUS_STACK_OVERFLOW; Wine 8 reports exit code 0. Any
  // exit of a child that was not asked to close is a crash, so only the code is checked there.
  for (const [name, status, label] of [
    ['stack-overflow', undefined, 'a stack overflow'],
    ['abort', STATUS_ILLEGAL_INSTRUCTION, 'STATUS_ILLEGAL_INSTRUCTION'],
  ] as const) {
    it(`${name}.dll ends its child with ${label}: PLUGIN_CRASHED, then a restart`, async () => {
      const plugin = await isolated(name);
      await assert.rejects(plugin.processData(utf8('x')), crashed(status));
      await neighboursAnswer();
      await assert.rejects(plugin.processData(utf8('x')), crashed());
      assert.equal(plugin.stats().restarts, 2);
    });
  }

  it('crash-in-init.dll fails its load with PLUGIN_CRASHED, and the host goes on', async () => {
    await assert.rejects(
      loadPlugin({ path: dll('crash-in-init', 'fixture'), isolation: 'process' }),
      crashed(STATUS_ACCESS_VIOLATION),
    );
    await neighboursAnswer();
  });

  it('endless-loop.dll: past timeoutMs the child is terminated, PLUGIN_TIMEOUT, and restarted', async () => {
    const plugin = await isolated('endless-loop', { timeoutMs: 500 });
    const [pid] = plugin.stats().pids;
    await assert.rejects(plugin.processData(utf8('x')), { code: 'PLUGIN_TIMEOUT' });
    assert.ok(pid !== undefined);
    await neighboursAnswer();
    // TerminateProcess returns before the child is gone: wait for its exit to be seen.
    while (plugin.stats().restarts === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(plugin.stats().restarts, 1);
    assert.equal(isProcessAlive(pid), false);
  });

  it('twinplug call --isolation process on a crashing DLL: exit 1, PLUGIN_CRASHED on stderr', () => {
    const crashedCall = cli(['call', dll('null-deref', 'fixture'), '--isolation', 'process']);
    assert.equal(crashedCall.status, 1);
    assert.match(crashedCall.stderr, /PLUGIN_CRASHED/);
    const answered = cli(['call', dll('upper'), '--isolation', 'process', '--input', 'ok']);
    assert.equal(answered.status, 0, answered.stderr);
    assert.equal(answered.stdout.trim(), 'OK');
  });

  it("a DLL's own dependencies are found in its child too (the child gets its folder)", async () => {
    const plugin = await isolated('uses-helper');
    assert.equal(text(await plugin.processData(utf8('child'))), 'helper:child');
  });
});
