// The Extism twin of the upper sample, built from plugins-wasm/bench/extism-upper.ts at bench
// start (never committed as a binary) and run by @extism/extism 1.0.3.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import createPlugin from '@extism/extism';
import asc from 'assemblyscript/asc';

/** Extism's per-call blocks pile up until about 16k calls break it: reset() every this many. */
const RESET_EVERY = 1000;

export interface ExtismUpper {
  call(input: Uint8Array): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** Compiles the Extism twin (no abort import: Extism provides none of AssemblyScript's env). */
export async function buildExtismUpper(root: string): Promise<Uint8Array> {
  const source = join(root, 'plugins-wasm', 'bench', 'extism-upper.ts');
  const output = join(root, 'build', 'bench', 'extism-upper.wasm');
  await mkdir(join(root, 'build', 'bench'), { recursive: true });
  const stderr = asc.createMemoryStream();
  const flags = ['-O3', '--runtime', 'stub', '--use', 'abort=', '--noAssert'];
  const { error } = await asc.main([source, '-o', output, ...flags], {
    stdout: asc.createMemoryStream(),
    stderr,
  });
  if (error) throw new Error(`asc failed on ${source}: ${stderr.toString()}`);
  return new Uint8Array(await readFile(output));
}

/** Loads the twin in Extism's foreground mode or in its worker (`runInWorker`). */
export async function loadExtismUpper(
  wasm: Uint8Array,
  runInWorker: boolean,
): Promise<ExtismUpper> {
  const plugin = await createPlugin({ wasm: [{ data: wasm }] }, { useWasi: false, runInWorker });
  let calls = 0;
  return {
    async call(input) {
      calls += 1;
      if (calls % RESET_EVERY === 0) await plugin.reset();
      const output = await plugin.call('upper', input);
      if (output === null) throw new Error('extism upper returned no output');
      return output.bytes();
    },
    close: () => plugin.close(),
  };
}
