// The attacks of issue #10 (High 2) on the shadow folder, played by "another local user": files
// planted in advance and chowned to uid 65534 (the tests run as root, who may chown).
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPlugin } from '../../load-plugin.js';
import { sha256Hex } from '../../loaded-artifact.js';
import { artifact, isSkipped, text, utf8 } from '../../test-support/artifacts.js';
import { verifyCopy, writeExclusive } from './shadow-copy.js';

const OTHER_UID = 65534;
const canChown = process.getuid?.() === 0;
const posix = process.platform !== 'win32';
const upper = () => artifact('upper', 'cc');

let base: string;
let victim: string;

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'twinplug-shadow-attack-'));
  victim = mkdtempSync(join(tmpdir(), 'twinplug-victim-'));
});

afterEach(() => {
  rmSync(base, { recursive: true, force: true });
  rmSync(victim, { recursive: true, force: true });
});

/** A pid no process has any more. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

async function loadAndCall(shadowDir: string): Promise<string> {
  const plugin = await loadPlugin({ path: upper(), shadowDir });
  try {
    return text(await plugin.processData(utf8('abc')));
  } finally {
    await plugin.close();
  }
}

describe.skipIf(isSkipped('cc') || !posix)('the private shadow folder', () => {
  it('is created by mkdtemp: named for this process, 0700, owned by this user', async () => {
    const plugin = await loadPlugin({ path: upper(), shadowDir: base });
    const [mine] = readdirSync(base);
    expect(mine).toMatch(new RegExp(`^twinplug-shadow-${process.pid}-[A-Za-z0-9]{6}$`));
    const info = lstatSync(join(base, mine!));
    expect([info.isDirectory(), info.mode & 0o777, info.uid]).toEqual([
      true,
      0o700,
      process.getuid!(),
    ]);
    await plugin.close();
  });

  it.skipIf(!canChown)(
    'ignores a folder planted at the old predictable path, and writes through none of its links',
    async () => {
      // The old layout was <shadowDir>/<sha256>/<pid>-<n>/<file>: plant it, owned by another
      // user, open to all, with every <pid>-<n> a link to a 0600 file of root's.
      const secret = join(victim, 'root-only');
      writeFileSync(secret, 'root secret', { mode: 0o600 });
      const sha = sha256Hex(readFileSync(upper()));
      const planted = join(base, sha);
      mkdirSync(planted, { mode: 0o777 });
      for (let n = 1; n <= 64; n += 1) {
        mkdirSync(join(planted, `${process.pid}-${n}`), { mode: 0o777 });
        symlinkSync(secret, join(planted, `${process.pid}-${n}`, 'upper.so'));
        chownSync(join(planted, `${process.pid}-${n}`), OTHER_UID, OTHER_UID);
      }
      chownSync(planted, OTHER_UID, OTHER_UID);
      expect(await loadAndCall(base)).toBe('ABC');
      expect(readFileSync(secret, 'utf8')).toBe('root secret');
      expect(lstatSync(secret).mode & 0o777).toBe(0o600);
    },
  );

  it.skipIf(!canChown)(
    'refuses a shadowDir of another user, a link, or one open to all without the sticky bit',
    async () => {
      const theirs = join(base, 'theirs');
      mkdirSync(theirs, { mode: 0o755 });
      chownSync(theirs, OTHER_UID, OTHER_UID);
      const link = join(base, 'link');
      symlinkSync(victim, link);
      const open = join(base, 'open');
      mkdirSync(open);
      chmodSync(open, 0o777);
      for (const shadowDir of [theirs, link, open]) {
        await expect(loadPlugin({ path: upper(), shadowDir })).rejects.toMatchObject({
          code: 'PLUGIN_LOAD_FAILED',
          details: { shadowDir },
        });
      }
      expect(readdirSync(victim)).toEqual([]);
      // A shared temp folder (root's, 1777) is fine: others cannot touch what we create in it.
      const sticky = join(base, 'sticky');
      mkdirSync(sticky);
      chmodSync(sticky, 0o1777);
      expect(await loadAndCall(sticky)).toBe('ABC');
    },
  );

  it.skipIf(!canChown)(
    "the stale-copy sweep follows no link and removes only dead processes' folders of this user",
    async () => {
      // The victim folder holds entries named like shadow copies, as the issue's /some/dir did.
      for (const name of ['1-a', '12345-b', `${deadPid()}-c`])
        writeFileSync(join(victim, name), 'keep');
      const dead = deadPid();
      const linked = `twinplug-shadow-${dead}-aaaaaa`;
      symlinkSync(victim, join(base, linked));
      symlinkSync(victim, join(base, 'zz'));
      const theirs = join(base, `twinplug-shadow-${dead}-bbbbbb`);
      mkdirSync(join(theirs, '1-load'), { recursive: true });
      writeFileSync(join(theirs, '1-load', 'x.so'), 'theirs');
      chownSync(theirs, OTHER_UID, OTHER_UID);
      const stale = join(base, `twinplug-shadow-${dead}-cccccc`);
      mkdirSync(join(stale, '1-load'), { recursive: true, mode: 0o700 });
      writeFileSync(join(stale, '1-load', 'x.so'), 'ours, left by a killed child');
      const living = join(base, `twinplug-shadow-${process.ppid}-dddddd`);
      mkdirSync(living, { mode: 0o700 });

      expect(await loadAndCall(base)).toBe('ABC');

      expect(readdirSync(victim).sort()).toEqual(expect.arrayContaining(['1-a', '12345-b'].sort()));
      expect(readdirSync(victim)).toHaveLength(3);
      expect(lstatSync(join(base, linked)).isSymbolicLink()).toBe(true);
      expect(readFileSync(join(theirs, '1-load', 'x.so'), 'utf8')).toBe('theirs');
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(living)).toBe(true);
    },
  );
});

describe.skipIf(!posix)('shadow copy files', () => {
  it('are created exclusively: a link planted at the name is refused, its target untouched', () => {
    const target = join(victim, 'target');
    writeFileSync(target, 'untouched', { mode: 0o600 });
    symlinkSync(target, join(base, 'copy.so'));
    expect(() => writeExclusive(join(base, 'copy.so'), utf8('plugin bytes'))).toThrow(
      expect.objectContaining({ code: 'EEXIST' }),
    );
    expect(readFileSync(target, 'utf8')).toBe('untouched');
  });

  it('are read back before loading: other bytes than those hashed are PLUGIN_LOAD_FAILED', () => {
    const path = join(base, 'copy.so');
    writeExclusive(path, utf8('hashed bytes'));
    expect(() => verifyCopy(path, sha256Hex(utf8('hashed bytes')), 12)).not.toThrow();
    writeFileSync(path, 'other bytes!');
    expect(() => verifyCopy(path, sha256Hex(utf8('hashed bytes')), 12)).toThrow(
      expect.objectContaining({ code: 'PLUGIN_LOAD_FAILED' }),
    );
    const linked = join(base, 'linked.so');
    symlinkSync(path, linked);
    expect(() => verifyCopy(linked, sha256Hex(utf8('other bytes!')), 12)).toThrow();
  });
});
