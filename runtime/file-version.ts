/**
 * The VERSIONINFO FileVersion of a Windows DLL ("1.2.3.4"), read through version.dll. Undefined
 * off Windows (koffi is not even loaded then), for DLLs without a version resource, and for
 * files that are not DLLs.
 */
export async function readFileVersion(path: string): Promise<string | undefined> {
  if (process.platform !== 'win32') return undefined;
  const { readPeFileVersion } = await import('./backends/native/index.js');
  try {
    return readPeFileVersion(path);
  } catch {
    // The version is a label for reports; failing to read it must not fail a load.
    return undefined;
  }
}
