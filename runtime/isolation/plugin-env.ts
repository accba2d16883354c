// The environment a plugin's worker or child process starts with: an allow-list, never the
// host's environment by inheritance (it holds the server's admin token, its config, cloud
// credentials...). docs/security.md says what each isolation mode lets a plugin reach.

/**
 * What a child process needs to start Node and load a library: PATH (the loader's search path
 * for a DLL's system dependencies on Windows), the temp folder, and on Windows SystemRoot and
 * windir (Winsock, the crypto provider and the loader read them). LD_LIBRARY_PATH and
 * DYLD_LIBRARY_PATH are left out: they redirect the dynamic loader, and a plugin that needs
 * them names them in `env`.
 */
export const CHILD_BASE_ENV: readonly string[] =
  process.platform === 'win32'
    ? ['PATH', 'SystemRoot', 'SYSTEMROOT', 'windir', 'TEMP', 'TMP']
    : ['PATH', 'TMPDIR'];

function pick(names: readonly string[], from: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = Object.create(null);
  const seen = new Set<string>();
  for (const name of names) {
    // Windows names are case-insensitive: SystemRoot and SYSTEMROOT are one variable there.
    const key = process.platform === 'win32' ? name.toUpperCase() : name;
    const value = from[name];
    if (value === undefined || seen.has(key)) continue;
    seen.add(key);
    env[name] = value;
  }
  return env;
}

/** A plugin child's environment: the platform's base and the names the plugin's options give. */
export function childEnv(
  named: readonly string[],
  from: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  return pick([...CHILD_BASE_ENV, ...named], from);
}

/** A Wasm worker's environment (its own process.env): the names the plugin's options give. */
export function workerEnv(
  named: readonly string[],
  from: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  return pick(named, from);
}
