import { appendFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { settleFolder } from './settle.js';

const root = mkdtempSync(join(tmpdir(), 'twinplug-settle-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const options = { intervalMs: 15, maxWaitMs: 10_000, isCancelled: () => false };

describe('settling a plugin folder', () => {
  it('waits while an artifact is still being written, and returns once it is complete', async () => {
    mkdirSync(join(root, 'slow'));
    const path = join(root, 'slow', 'slow.wasm');
    writeFileSync(path, 'chunk');
    let appends = 0;
    // Appends far more often than the settle interval: timers run in due order, so at least
    // one append lands between any two looks while the writer runs, however loaded the machine.
    const writer = setInterval(() => {
      appendFileSync(path, 'chunk');
      appends += 1;
      if (appends === 40) clearInterval(writer);
    }, 1);
    const look = await settleFolder(root, 'slow', options);
    expect(appends).toBe(40);
    expect(look.contents?.wasm).toBe(path);
    expect(look.print).toContain(`${path}:${statSync(path).size}:`);
  });

  it('takes a complete artifact as it is', async () => {
    mkdirSync(join(root, 'fast'));
    writeFileSync(join(root, 'fast', 'fast.wasm'), 'complete');
    const look = await settleFolder(root, 'fast', { ...options, intervalMs: 5 });
    expect(look.contents?.wasm).toBe(join(root, 'fast', 'fast.wasm'));
  });

  it('reports a folder that is gone, and stops when cancelled', async () => {
    expect((await settleFolder(root, 'missing', options)).contents).toBeUndefined();
    const cancelled = await settleFolder(root, 'fast', { ...options, isCancelled: () => true });
    expect(cancelled).toEqual({ contents: undefined, print: 'cancelled', filled: false });
  });
});

describe('settling a folder whose files were moved in whole', () => {
  it('takes the first look when the watcher says so, and asks only when every file is filled', async () => {
    mkdirSync(join(root, 'moved'));
    const path = join(root, 'moved', 'moved.wasm');
    writeFileSync(path, '');
    let asked = 0;
    const movedInWhole = () => {
      asked += 1;
      return true;
    };
    const empty = await settleFolder(root, 'moved', { ...options, intervalMs: 5, movedInWhole });
    expect([asked, empty.filled]).toEqual([0, false]);
    writeFileSync(path, 'complete');
    const look = await settleFolder(root, 'moved', {
      ...options,
      intervalMs: 10 * 60_000,
      movedInWhole,
    });
    expect([asked, look.filled, look.contents?.wasm]).toEqual([1, true, path]);
  });
});
