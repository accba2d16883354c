// Registers and removes one plugin `cycles` times through the built registry, in a process of
// its own, and prints what stayed behind as JSON. Run by load-close-leaks.test.ts with V8's young
// generation pinned small, so that its adaptive growth is not mistaken for a leak.
import { readdirSync, readFileSync } from 'node:fs';
import { createRegistry } from '../../../dist/runtime/index.js';

const [artifact, cyclesText, warmUpText, shadowDir] = process.argv.slice(2);
const registry = createRegistry({ retentionMs: 0 });
const input = new TextEncoder().encode('leak?');

async function cycle() {
  await registry.register('upper', { artifacts: artifact, shadowDir });
  const output = new TextDecoder().decode(await registry.call('upper', input));
  if (output !== 'LEAK?') throw new Error(`unexpected output ${output}`);
  await registry.remove('upper');
}

async function settleHeap() {
  for (let round = 0; round < 4; round += 1) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

for (let index = 0; index < Number(warmUpText); index += 1) await cycle();
await settleHeap();
const before = process.memoryUsage().rss;
for (let index = 0; index < Number(cyclesText); index += 1) await cycle();
await settleHeap();
const after = process.memoryUsage().rss;
await registry.close();
const maps = process.platform === 'linux' ? readFileSync('/proc/self/maps', 'utf8') : '';
process.stdout.write(
  JSON.stringify({
    rssGrowth: after - before,
    shadowMappings: maps.split('\n').filter((line) => line.includes(shadowDir)),
    // Load folders left in this process's private folder (removed itself at exit).
    shadowFiles: readdirSync(shadowDir, { recursive: true }).filter((name) => name.includes('/')),
  }),
);
