import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensurePrivateDir, writePrivateFile } from './private-files.js';

// Another local user is played by uid 65534 (the tests run as root and chown what they plant).
const root = mkdtempSync(join(tmpdir(), 'twinplug-private-'));
const asRoot = process.getuid?.() === 0;

describe('ensurePrivateDir', () => {
  it('makes a missing folder 0700 and accepts it again', async () => {
    const dir = join(root, 'fresh');
    await ensurePrivateDir(dir);
    await ensurePrivateDir(dir);
    expect(lstatSync(dir).mode & 0o777).toBe(0o700);
  });

  it("refuses a link, a folder open to others, and (as root) another user's folder", async () => {
    const target = join(root, 'target');
    mkdirSync(target, { mode: 0o700 });
    symlinkSync(target, join(root, 'link'));
    await expect(ensurePrivateDir(join(root, 'link'))).rejects.toThrow(/link/);
    const open = join(root, 'open');
    mkdirSync(open, { mode: 0o700 });
    chmodSync(open, 0o777);
    await expect(ensurePrivateDir(open)).rejects.toThrow(/group or others/);
    if (asRoot) {
      const theirs = join(root, 'theirs');
      mkdirSync(theirs, { mode: 0o700 });
      chownSync(theirs, 65534, 65534);
      await expect(ensurePrivateDir(theirs)).rejects.toThrow(/another user/);
    }
  });
});

describe('writePrivateFile', () => {
  it('replaces a link planted at the path instead of writing through it', async () => {
    const victim = join(root, 'victim');
    writeFileSync(victim, 'keep me', { mode: 0o600 });
    const path = join(root, 'snapshot.json');
    symlinkSync(victim, path);
    await writePrivateFile(path, '{}');
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    expect(lstatSync(path).isFile()).toBe(true);
    expect(lstatSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toBe('{}');
  });
});
