import { describe, expect, it } from 'vitest';
import { PluginError } from '../errors.js';
import { parseManifest } from '../plugin-folder/manifest.js';
import { parseCaseFile } from './case-file.js';
import { describeComparator, parseComparatorFlag, parseComparatorSpec } from './comparator-spec.js';

describe('parseComparatorSpec', () => {
  it('takes the short forms and objects, resolving paths from the folder of the file', () => {
    expect(parseComparatorSpec('exact', 'compare', '/p')).toEqual({
      ok: true,
      spec: { kind: 'exact' },
    });
    expect(parseComparatorSpec('json', 'compare', '/p')).toEqual({
      ok: true,
      spec: { kind: 'json', numbers: 'decimal' },
    });
    expect(
      parseComparatorSpec({ kind: 'decode', artifact: 'd/dec.wasm' }, 'compare', '/p'),
    ).toEqual({
      ok: true,
      spec: { kind: 'decode', decoder: { artifact: '/p/d/dec.wasm' } },
    });
    expect(parseComparatorSpec({ kind: 'custom', module: './c.mjs' }, 'compare', '/p')).toEqual({
      ok: true,
      spec: { kind: 'custom', module: '/p/c.mjs', export: 'compare' },
    });
  });

  it.each([
    [{ kind: 'fuzzy' }, 'compare.kind'],
    [{ kind: 'json', numbers: 'approx' }, 'compare.numbers'],
    [{ kind: 'json', module: 'x.mjs' }, 'compare.module'],
    [{ kind: 'decode' }, 'compare'],
    [{ kind: 'decode', artifact: 'a.wasm', module: 'b.mjs' }, 'compare'],
    [{ kind: 'decode', artifact: 'a.wasm', export: 'x' }, 'compare.export'],
    [{ kind: 'custom', module: '' }, 'compare.module'],
    [{ kind: 'custom', module: 'c.mjs', export: 'not an identifier' }, 'compare.export'],
    [42, 'compare'],
  ])('refuses %j naming the field %s', (raw, field) => {
    const parsed = parseComparatorSpec(raw, 'compare', '/p');
    expect(parsed).toMatchObject({ ok: false, field });
    expect(parsed.ok === false && parsed.message.startsWith(`${field}: `)).toBe(true);
  });

  it('reads the --compare forms by the same rules', () => {
    expect(parseComparatorFlag('json:float64', '/w')).toMatchObject({
      spec: { kind: 'json', numbers: 'float64' },
    });
    expect(parseComparatorFlag('decode:b/dec.wasm', '/w')).toMatchObject({
      spec: { decoder: { artifact: '/w/b/dec.wasm' } },
    });
    expect(parseComparatorFlag('decode:lib/codec.mjs#inflate', '/w')).toMatchObject({
      spec: { decoder: { module: '/w/lib/codec.mjs', export: 'inflate' } },
    });
    expect(parseComparatorFlag('custom:c.ts', '/w')).toMatchObject({
      spec: { kind: 'custom', module: '/w/c.ts', export: 'compare' },
    });
    expect(parseComparatorFlag('bitwise', '/w')).toMatchObject({
      ok: false,
      field: '--compare.kind',
    });
  });

  it('names comparators for reports', () => {
    const parsed = parseComparatorFlag('decode:/x/lz4-block-decode.wasm', '/');
    expect(parsed.ok && describeComparator(parsed.spec)).toBe('decode (lz4-block-decode.wasm)');
  });
});

describe('"compare" in plugin.json and cases.json', () => {
  it('is parsed by the manifest parser, a bad one refused with the field', () => {
    const manifest = parseManifest(
      '{"compare":{"kind":"decode","artifact":"d.wasm"}}',
      'z',
      '/f/z/plugin.json',
    );
    expect(manifest.compare).toEqual({ kind: 'decode', decoder: { artifact: '/f/z/d.wasm' } });
    try {
      parseManifest('{"compare":{"kind":"json","numbers":1}}', 'z', '/f/z/plugin.json');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PluginError);
      expect(error).toMatchObject({
        code: 'PLUGIN_MANIFEST_INVALID',
        details: { field: 'compare.numbers' },
      });
    }
  });

  it('is parsed by the case file parser', () => {
    const file = parseCaseFile('{"compare":"json","cases":[]}', '/c');
    expect(file.compare).toEqual({ kind: 'json', numbers: 'decimal' });
    expect(() => parseCaseFile('{"compare":"bytes","cases":[]}', '/c')).toThrow(/compare/);
  });
});
