// A VERSIONINFO resource for each Windows DLL, carrying the version its PluginInfo reports, so
// Explorer's Details tab, version.dll and `twinplug inspect` (fileVersion) all show it.
import { writeFile } from 'node:fs/promises';
import { versionOfTarget } from './catalog.mjs';
import { abs, ensureDirFor, run } from './util.mjs';

/** "1.2.3-beta.1" -> [1, 2, 3, 0]: the numeric FILEVERSION; pre-release and build are dropped. */
export function numericVersion(version) {
  const match = /^(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(version);
  if (!match) throw new Error(`version "${version}" is not a semantic version`);
  const parts = match.slice(1, 4).map(Number);
  if (parts.some((part) => part > 0xffff))
    throw new Error(`version "${version}": VERSIONINFO holds parts up to 65535`);
  return [...parts, 0];
}

const rcString = (text) => `"${text.replaceAll('"', '""')}"`;

/** The .rc source: fixed file info (what GetFileVersionInfoW's "\\" block returns) and strings. */
export function resourceScript({ name, version, fileName }) {
  const numbers = numericVersion(version).join(',');
  const strings = {
    FileDescription: `twinplug plugin ${name}`,
    FileVersion: version,
    InternalName: name,
    OriginalFilename: fileName,
    ProductName: name,
    ProductVersion: version,
  };
  const values = Object.entries(strings)
    .map(([key, value]) => `      VALUE ${rcString(key)}, ${rcString(value)}`)
    .join('\n');
  return `#include <winver.h>
VS_VERSION_INFO VERSIONINFO
FILEVERSION ${numbers}
PRODUCTVERSION ${numbers}
FILEFLAGSMASK VS_FFI_FILEFLAGSMASK
FILEFLAGS 0
FILEOS VOS_NT_WINDOWS32
FILETYPE VFT_DLL
FILESUBTYPE VFT2_UNKNOWN
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "040904B0"
    BEGIN
${values}
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x409, 1200
  END
END
`;
}

/**
 * Where a target's compiled resource goes: named after the version, so a new version changes
 * the link command and rebuilds the DLL.
 */
export async function resourceFor(target, outRoot) {
  const version = await versionOfTarget(target);
  numericVersion(version); // refuse a version VERSIONINFO cannot hold before anything builds
  const base = `${outRoot}/.resources/${target.name}-${version}`;
  return { version, script: `${base}.rc`, object: `${base}.res.o` };
}

/** Writes the .rc and compiles it with windres; returns null or the error text. */
export async function compileResource(windres, target, resource, fileName) {
  await ensureDirFor(resource.script);
  const text = resourceScript({ name: target.name, version: resource.version, fileName });
  await writeFile(abs(resource.script), text);
  const args = ['--input-format=rc', '--output-format=coff', resource.script, resource.object];
  const result = await run(windres, args);
  return result.ok ? null : `${[windres, ...args].join(' ')}\n${result.stderr}${result.stdout}`;
}
