import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseRouting, ROUTING_FILE, RoutingFile, serializeRouting } from './routing-file.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'twinplug-routing-'));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the routing file', () => {
  it('keeps plugin names as data: __proto__ and constructor round-trip as plain keys', () => {
    const plugins = new Map([
      ['__proto__', { traffic: { stickyHeader: 'x-a' } }],
      ['constructor', { traffic: { stickyHeader: 'x-b' } }],
    ]);
    const text = serializeRouting({ generation: 3, plugins });
    const written = JSON.parse(text).plugins as object;
    expect(Object.getOwnPropertyDescriptor(written, '__proto__')?.value).toEqual({
      traffic: { stickyHeader: 'x-a' },
    });
    const read = parseRouting(text);
    expect([...read.plugins.keys()]).toEqual(['__proto__', 'constructor']);
    expect(read.plugins.get('__proto__')).toEqual({ traffic: { stickyHeader: 'x-a' } });
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('loses no update when many are made at once in one process', async () => {
    const file = new RoutingFile(dir);
    const names = Array.from({ length: 40 }, (_, index) => `plugin-${index}`);
    await Promise.all(
      names.map((name) => file.update(name, () => ({ traffic: { stickyHeader: name } }))),
    );
    await Promise.all(
      names.map((name) => file.update(name, (current) => ({ ...current, withdrawn: [] }))),
    );
    const read = parseRouting(readFileSync(join(dir, ROUTING_FILE), 'utf8'));
    expect(read.generation).toBe(80);
    expect(read.plugins.size).toBe(40);
    for (const name of names)
      expect(read.plugins.get(name)).toEqual({ traffic: { stickyHeader: name }, withdrawn: [] });
    file.close();
  });
});
