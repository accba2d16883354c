import { describe, expect, it } from 'vitest';
import { MAX_PRESENCE_ITEMS, MAX_PRESENCE_TEXT, readPresence } from './presence-entry.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const VERSION = {
  version: '1.0.0',
  backend: 'wasm',
  isolation: 'worker',
  state: 'ready',
  calls: 3,
  errors: 1,
  faults: 0,
};
const ENTRY = {
  id: 'host-1-abcd',
  host: 'host',
  pid: 42,
  startedAt: 1_000,
  at: 2_000,
  plugins: [{ name: 'echo', active: '1.0.0', versions: [VERSION] }],
};

describe('a presence entry read from the store', () => {
  it('keeps a well-formed entry as it was written', () => {
    expect(readPresence(bytes(JSON.stringify(ENTRY)))).toEqual(ENTRY);
  });

  it('drops what is not a JSON object', () => {
    for (const text of ['not json', '5', 'null', '"x"', '[1]'])
      expect(readPresence(bytes(text)), text).toBeUndefined();
  });

  it('forces each field to its type, and cuts the ones it does not know', () => {
    const hostile = {
      id: { toString: 'x' },
      host: 7,
      pid: -1,
      startedAt: '1000',
      at: true,
      extra: 'kept?',
      plugins: [
        null,
        'echo',
        { name: ['a'], active: 5, versions: { 0: VERSION }, more: 1 },
        { name: 'echo', versions: [{ calls: 2.5, errors: '1', faults: {}, isolation: 3 }, 7] },
      ],
    };
    const blank = { name: '', active: undefined, versions: [] };
    const none = { version: undefined, backend: undefined, isolation: null, state: '' };
    expect(readPresence(bytes(JSON.stringify(hostile)))).toStrictEqual({
      id: '',
      host: '',
      pid: 0,
      startedAt: 0,
      at: 0,
      plugins: [
        blank,
        blank,
        blank,
        {
          name: 'echo',
          active: undefined,
          versions: [
            { ...none, calls: 0, errors: 0, faults: 0 },
            { ...none, calls: 0, errors: 0, faults: 0 },
          ],
        },
      ],
    });
  });

  it('turns numbers that are not finite into 0', () => {
    // JSON has no NaN: a writer sends numbers too large for a double, which parse to Infinity.
    const entry = JSON.stringify({ ...ENTRY, startedAt: 0, at: 0, pid: 0 })
      .replace('"startedAt":0', '"startedAt":1e999')
      .replace('"at":0', '"at":-1e999')
      .replace('"pid":0', `"pid":${2 ** 60}`);
    const read = readPresence(bytes(entry))!;
    expect([read.startedAt, read.at, read.pid]).toEqual([0, 0, 0]);
  });

  it('never takes __proto__ or constructor as fields', () => {
    const text =
      '{"__proto__":{"id":"from-proto","polluted":true},"constructor":{"prototype":{"x":1}},' +
      '"plugins":[{"__proto__":{"name":"p"},"versions":[{"__proto__":{"state":"s"}}]}]}';
    const read = readPresence(bytes(text))!;
    expect(read.id).toBe('');
    expect(read.plugins[0]!.name).toBe('');
    expect(read.plugins[0]!.versions[0]!.state).toBe('');
    expect(Object.keys(read)).toEqual(['id', 'host', 'pid', 'startedAt', 'at', 'plugins']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
  });

  it('bounds strings and lists', () => {
    const huge = 'x'.repeat(1_000_000);
    const many = Array.from({ length: MAX_PRESENCE_ITEMS + 5 }, () => VERSION);
    const entry = {
      ...ENTRY,
      id: huge,
      plugins: [{ name: huge, active: huge, versions: many }, ...many.map(() => ENTRY.plugins[0])],
    };
    const read = readPresence(bytes(JSON.stringify(entry)))!;
    expect(read.id).toHaveLength(MAX_PRESENCE_TEXT);
    expect(read.plugins[0]!.name).toHaveLength(MAX_PRESENCE_TEXT);
    expect(read.plugins[0]!.active).toHaveLength(MAX_PRESENCE_TEXT);
    expect(read.plugins[0]!.versions).toHaveLength(MAX_PRESENCE_ITEMS);
    expect(read.plugins).toHaveLength(MAX_PRESENCE_ITEMS);
  });
});
