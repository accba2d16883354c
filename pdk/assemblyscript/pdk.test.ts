import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import asc from 'assemblyscript/asc';
import { describe, expect, it } from 'vitest';
import { loadPlugin } from '../../runtime/index.js';
import { repoRoot } from '../../scripts/artifacts.js';

// The PDK's PluginInfo returns what definePluginInfo set (docs/authoring.md). The fixtures and
// samples use it with a call; these plugins check the call and its absence side by side.
const root = repoRoot();
const dir = join(root, 'build', '.pdk-assemblyscript');

const ENTRY = `import { definePluginInfo } from "../../pdk/assemblyscript";
export { alloc, dealloc, PluginInfo } from "../../pdk/assemblyscript";
export function ProcessData(inPtr: usize, inLen: u32, outPtr: usize, outCap: u32, outLenPtr: usize): i32 {
  store<u32>(outLenPtr, 0);
  return 0;
}
`;

/** Compiles ENTRY plus `tail` with the build's flags; returns the .wasm's path. */
async function build(name: string, tail: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const source = join(dir, `${name}.ts`);
  const output = join(dir, `${name}.wasm`);
  writeFileSync(source, ENTRY + tail);
  const stderr = asc.createMemoryStream();
  const flags = ['-O3', '--runtime', 'incremental'];
  const { error } = await asc.main([source, '-o', output, ...flags], {
    stdout: asc.createMemoryStream(),
    stderr,
  });
  if (error) throw new Error(`asc failed on ${source}: ${stderr.toString()}`);
  return output;
}

describe('pdk/assemblyscript PluginInfo', () => {
  it('returns the JSON definePluginInfo set when the module was instantiated', async () => {
    const path = await build('defined', 'definePluginInfo("probe", "1.2.3", "a probe");\n');
    const plugin = await loadPlugin(path);
    expect(plugin.info).toMatchObject({
      name: 'probe',
      version: '1.2.3',
      abi: 1,
      description: 'a probe',
    });
    await plugin.close();
  }, 60_000);

  it('without definePluginInfo returns 0, which the host refuses with PLUGIN_INFO_INVALID', async () => {
    const path = await build('undefined', '');
    await expect(loadPlugin(path)).rejects.toMatchObject({ code: 'PLUGIN_INFO_INVALID' });
  }, 60_000);
});
