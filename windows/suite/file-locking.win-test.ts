// Windows locks the file of a loaded DLL. These scenarios show the lock on the file the process
// really mapped (the shadow copy), and that the deployed file is free because of the copy.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadPlugin } from '../../runtime/index.js';
import { dll, errnoOf, shadowLoads, tempDir, text, utf8 } from './support.js';

function folders(): { deploy: string; shadow: string } {
  const deploy = tempDir('lock');
  const shadow = tempDir('lock-shadow');
  after(() => {
    deploy.remove();
    shadow.remove();
  });
  return { deploy: deploy.path, shadow: shadow.path };
}

describe('file locking and shadow copies', () => {
  it('overwriting the DLL a process has loaded fails with EBUSY; renaming it works', async () => {
    const { deploy, shadow } = folders();
    const path = join(deploy, 'upper.dll');
    copyFileSync(dll('upper'), path);
    const plugin = await loadPlugin({ path, shadowDir: shadow });
    const [load] = shadowLoads(shadow);
    assert.ok(load !== undefined);
    const mapped = join(load.dir, 'upper.dll');
    // The naive deploy, on the file that is really mapped: Windows refuses it.
    assert.equal(
      errnoOf(() => writeFileSync(mapped, readFileSync(dll('crc32')))),
      'EBUSY',
    );
    // A mapped DLL may be renamed (its directory entry is not the mapping).
    assert.equal(
      errnoOf(() => renameSync(mapped, `${mapped}.moved`)),
      undefined,
    );
    renameSync(`${mapped}.moved`, mapped);
    assert.equal(text(await plugin.processData(utf8('locked'))), 'LOCKED');
    await plugin.close();
  });

  it('the deployed DLL can be overwritten in place while its plugin runs', async () => {
    const { deploy, shadow } = folders();
    const path = join(deploy, 'upper.dll');
    copyFileSync(dll('upper'), path);
    const plugin = await loadPlugin({ path, shadowDir: shadow });
    assert.equal(
      errnoOf(() => writeFileSync(path, readFileSync(dll('crc32')))),
      undefined,
    );
    // The running plugin is still upper, loaded from its copy; the file on disk is crc32 now.
    assert.equal(text(await plugin.processData(utf8('abc'))), 'ABC');
    const next = await loadPlugin({ path, shadowDir: shadow });
    assert.equal(next.info.name, 'crc32');
    await Promise.all([plugin.close(), next.close()]);
  });

  it('the shadow copy is released and removed on close, so nothing stays locked', async () => {
    const { deploy, shadow } = folders();
    const path = join(deploy, 'upper.dll');
    copyFileSync(dll('upper'), path);
    const plugin = await loadPlugin({ path, shadowDir: shadow });
    assert.equal(shadowLoads(shadow).length, 1);
    await plugin.close();
    assert.deepEqual(shadowLoads(shadow), []);
  });
});
