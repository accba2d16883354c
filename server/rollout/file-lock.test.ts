import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileLock } from './file-lock.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'twinplug-lock-'));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A process that has exited: its pid names no live process (until the system reuses it). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('fileLock', () => {
  it('writes its owner, and releases only its own lock', async () => {
    const path = join(dir, 'x.lock');
    const release = await fileLock(path, { waitMs: 1000, sleep });
    expect(readFileSync(path, 'utf8')).toMatch(new RegExp(`^${process.pid} [0-9a-f]{16}\\n$`));
    await release!();
    expect(existsSync(path)).toBe(false);
  });

  it('never takes over a lock whose owner is alive, however old: it waits, then gives up', async () => {
    const path = join(dir, 'x.lock');
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      writeFileSync(path, `${holder.pid} held\n`);
      const release = await fileLock(path, { waitMs: 300, sleep });
      expect(release).toBeUndefined();
      expect(readFileSync(path, 'utf8')).toBe(`${holder.pid} held\n`);
    } finally {
      holder.kill();
    }
  });

  it('takes over the lock of a process that is gone', async () => {
    const path = join(dir, 'x.lock');
    writeFileSync(path, `${await deadPid()} stale\n`);
    const release = await fileLock(path, { waitMs: 1000, sleep });
    expect(release).toBeDefined();
    expect(readFileSync(path, 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    await release!();
  });
});
