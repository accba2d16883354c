import { describe, expect, it } from 'vitest';
import { resolveAdapter } from './adapter-options.js';
import { resolveLoadOptions } from './options.js';

const refused = (adapter: unknown, field: string) =>
  expect(() => resolveAdapter(adapter)).toThrow(
    expect.objectContaining({ code: 'PLUGIN_INVALID_OPTIONS', details: { field } }),
  );

describe('the adapter option', () => {
  it('takes an imodule or a functions adapter and returns a copy', () => {
    const adapter = { kind: 'imodule', factory: 'Make', outputCapacity: 10 } as const;
    const resolved = resolveAdapter(adapter);
    expect(resolved).toEqual(adapter);
    expect(resolved).not.toBe(adapter);
    expect(resolveAdapter(undefined)).toBeUndefined();
  });

  it.each([
    [null, 'adapter.kind'],
    [{ kind: 'com' }, 'adapter.kind'],
    [{ kind: 'imodule', factory: 'not a name' }, 'adapter.factory'],
    [{ kind: 'imodule', outputCapacity: 0 }, 'adapter.outputCapacity'],
    [{ kind: 'imodule', result: 'bytes' }, 'adapter.result'],
    [{ kind: 'imodule', virtualDestructor: 'first' }, 'adapter.cxxAbi'],
    [{ kind: 'imodule', constructor: 'x' }, 'adapter.constructor'],
    [{ kind: 'imodule', info: { name: 'x' } }, 'adapter.info'],
    [{ kind: 'functions', process: 'int f(const char *s)' }, 'adapter.convention'],
    [{ kind: 'functions', convention: 'string-buffer' }, 'adapter.process'],
    [
      { kind: 'functions', convention: 'string-returned', process: 'char *f(const char *s)' },
      'adapter.free',
    ],
    [
      {
        kind: 'functions',
        convention: 'string-buffer',
        process: 'int f(char *a, char *b)',
        free: 'void g(char *s)',
      },
      'adapter.free',
    ],
    [
      {
        kind: 'functions',
        convention: 'string-buffer',
        process: 'int f(char *a, char *b)',
        info: 'const char *i(void)',
        pluginInfo: { name: 'a', version: '1.0.0' },
      },
      'adapter.pluginInfo',
    ],
  ])('refuses %j naming %s', (adapter, field) => refused(adapter, field));

  it('is refused for the wasm backend, and travels with the options otherwise', () => {
    const adapter = { kind: 'imodule' } as const;
    expect(() => resolveLoadOptions({ path: 'x.wasm', backend: 'wasm', adapter })).toThrow(
      expect.objectContaining({ code: 'PLUGIN_INVALID_OPTIONS' }),
    );
    expect(resolveLoadOptions({ path: 'x.so', adapter }).adapter).toEqual(adapter);
  });
});
