import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { artifact } from '../test-support/artifacts.js';
import type { RegistryEvent } from './events.js';
import { createRegistry, type PluginRegistry } from './plugin-registry.js';

const BALLAST = readFileSync(artifact('ballast', 'asc', 'fixture'));
const MIB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'twinplug-budget-'));
let registry: PluginRegistry | undefined;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The ballast fixture renamed: PluginInfo must name the plugin it is registered as, so each
 * copy's UTF-16 "ballast" becomes another 7-character name (`bal0042`).
 */
function ballast(name: string): string {
  const from = Buffer.from('ballast', 'utf16le');
  const at = BALLAST.indexOf(from);
  if (name.length !== 7 || at < 0) throw new Error('cannot rename the ballast fixture');
  const copy = Buffer.from(BALLAST);
  Buffer.from(name, 'utf16le').copy(copy, at);
  const path = join(dir, `${name}.wasm`);
  writeFileSync(path, copy);
  return path;
}

afterEach(async () => {
  await registry?.close();
  registry = undefined;
});

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** A small deterministic generator: the order is random-looking and the same every run. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function resident(reg: PluginRegistry): Set<string> {
  return new Set(
    reg
      .list()
      .filter((slot) => slot.active?.resident)
      .map((slot) => slot.name),
  );
}

describe('the memory budget', () => {
  it('keeps 50 plugins of 20 MiB under 200 MiB, unloading the least recently used', async () => {
    const reg = createRegistry({ memoryBudget: 200 * MIB });
    registry = reg;
    const unloaded: Extract<RegistryEvent, { type: 'unloaded' }>[] = [];
    reg.events.on('unloaded', (event) => unloaded.push(event));
    let resumed = 0;
    reg.events.on('resumed', () => {
      resumed += 1;
    });
    const names = Array.from({ length: 50 }, (_, index) => `bal${String(index).padStart(4, '0')}`);
    const recency: string[] = [];
    const used = (name: string) => {
      recency.splice(recency.indexOf(name) >>> 0, recency.includes(name) ? 1 : 0);
      recency.push(name);
    };
    const check = () => {
      expect(reg.memory()!.used).toBeLessThanOrEqual(200 * MIB);
      // Every resident plugin was used more recently than every unloaded one.
      const loaded = resident(reg);
      const cut = recency.length - loaded.size;
      expect(new Set(recency.slice(cut))).toEqual(loaded);
    };
    for (const name of names) {
      await reg.register(name, { artifacts: ballast(name) });
      used(name);
      check();
    }
    expect(reg.memoryByVersion().get(reg.get('bal0049')!.active!.id)).toBe(20 * MIB);
    const random = lcg(42);
    for (let call = 0; call < 150; call += 1) {
      const name = names[Math.floor(random() * names.length)]!;
      const input = `${name}#${call}`;
      expect(decode(await reg.call(name, encode(input)))).toBe(input);
      used(name);
      check();
    }
    expect(unloaded.length).toBeGreaterThan(100);
    expect(unloaded.every((event) => event.reason === 'budget')).toBe(true);
    expect(unloaded[0]).toMatchObject({ name: 'bal0000', memoryBytes: 20 * MIB });
    // Each pass unloads down to the low-water mark (160 MiB, with the plugin being loaded):
    // between passes 8 to 10 plugins fit, so not every load has to unload another.
    expect(resident(reg).size).toBeGreaterThanOrEqual(8);
    expect(resident(reg).size).toBeLessThanOrEqual(10);
    // Every load adds a resident plugin and every unload takes one away: nothing unloaded twice.
    expect(unloaded.length).toBe(names.length + resumed - resident(reg).size);
  }, 120_000);

  it('never unloads a keepLoaded plugin', async () => {
    const reg = createRegistry({ memoryBudget: 50 * MIB });
    registry = reg;
    await reg.register('pinned1', { artifacts: ballast('pinned1'), keepLoaded: true });
    for (const name of ['other01', 'other02', 'other03', 'other04']) {
      await reg.register(name, { artifacts: ballast(name) });
      expect(resident(reg).has('pinned1')).toBe(true);
    }
    expect(reg.memory()!.used).toBeLessThanOrEqual(50 * MIB);
    expect(decode(await reg.call('pinned1', encode('x')))).toBe('x');
  }, 60_000);

  it('refuses a plugin larger than the whole budget with PLUGIN_OVER_BUDGET', async () => {
    const reg = createRegistry({ memoryBudget: 30 * MIB });
    registry = reg;
    await reg.register('small01', { artifacts: ballast('small01'), config: '10' });
    await expect(
      reg.register('large01', { artifacts: ballast('large01'), config: '40' }),
    ).rejects.toMatchObject({ code: 'PLUGIN_OVER_BUDGET' });
    expect(reg.has('large01')).toBe(false);
    expect(resident(reg)).toEqual(new Set(['small01']));
  });

  it('checks its options', () => {
    expect(() => createRegistry({ memoryBudget: -1 })).toThrow(/memoryBudget/);
    expect(() => createRegistry({ memoryBudget: 1, memoryLowWater: 1.5 })).toThrow(
      /memoryLowWater/,
    );
  });
});
