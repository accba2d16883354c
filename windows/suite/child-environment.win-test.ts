// What a DLL in a child node.exe sees of its host's environment: the allow-list of
// runtime/isolation/plugin-env.ts (PATH, SystemRoot, windir, TEMP, TMP) and the names its env
// option gives, never a TWINPLUG_ variable (docs/security.md).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadPlugin, type Plugin } from '../../runtime/index.js';
import { dll, text, utf8 } from './support.js';

const SECRET = 'admin-token-that-must-not-leak-0123456789';
/** The allow-list, and what libuv adds to any child's environment on Windows (SYSTEMDRIVE). */
const ALLOWED = ['PATH', 'SYSTEMROOT', 'WINDIR', 'TEMP', 'TMP', 'SYSTEMDRIVE', 'PROBE_NAMED'];
/**
 * What Wine sets in every process it starts, whatever environment block it was given (Windows
 * does not): the user's profile and Wine's own (docs/windows.md, "What differs under Wine").
 */
const WINE_ADDS = [
  'HOMEDRIVE',
  'HOMEPATH',
  'LOGONSERVER',
  'USERDOMAIN',
  'USERNAME',
  'USERPROFILE',
  'ALLUSERSPROFILE',
  'APPDATA',
  'LOCALAPPDATA',
  'PUBLIC',
  'PROGRAMDATA',
];
const fromWine = (name: string) => name.startsWith('WINE') || WINE_ADDS.includes(name);

describe('a DLL in a child process on Windows', () => {
  let plugin: Plugin;

  before(async () => {
    process.env.TWINPLUG_ADMIN_TOKEN = SECRET;
    process.env.PROBE_NAMED = 'named-value';
    process.env.PROBE_UNNAMED = 'unnamed-value';
    plugin = await loadPlugin({
      path: dll('env-probe', 'fixture'),
      isolation: 'process',
      env: ['PROBE_NAMED'],
    });
  });

  after(async () => {
    await plugin?.close();
    for (const name of ['TWINPLUG_ADMIN_TOKEN', 'PROBE_NAMED', 'PROBE_UNNAMED'])
      delete process.env[name];
  });

  const ask = async (request: string) => text(await plugin.processData(utf8(request)));

  it('never sees the admin token; sees PATH, SystemRoot and the named variable only', async () => {
    assert.equal(await ask('env:TWINPLUG_ADMIN_TOKEN'), '<unset>');
    assert.equal(await ask('env:PROBE_UNNAMED'), '<unset>');
    assert.equal(await ask('env:PROBE_NAMED'), 'named-value');
    assert.equal(await ask('env:PATH'), process.env.PATH);
    assert.equal(await ask('env:SystemRoot'), process.env.SystemRoot);
    const names = (await ask('environ'))
      .split('\n')
      // Windows keeps per-drive current folders as variables named "=C:".
      .filter((name) => name !== '' && !name.startsWith('='))
      .map((name) => name.toUpperCase());
    assert.deepEqual(
      names.filter((name) => !ALLOWED.includes(name) && !fromWine(name)),
      [],
    );
    assert.ok(names.includes('PROBE_NAMED'));
  });
});
