import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCaseFile } from './case-file.js';

const dir = mkdtempSync(join(tmpdir(), 'twinplug-cases-'));
writeFileSync(join(dir, 'input.bin'), new Uint8Array([1, 2, 3]));

function parse(cases: unknown[]): ReturnType<typeof parseCaseFile> {
  return parseCaseFile(JSON.stringify({ plugin: 'x', cases }), dir);
}

describe('parseCaseFile', () => {
  it('decodes every input encoding and expectation kind', () => {
    const file = parse([
      { name: 'utf8', input: { utf8: 'hé' }, expect: { output: { hex: '68c3a9' } } },
      { name: 'base64', input: { base64: 'AQID' }, expect: { output: { file: 'input.bin' } } },
      { name: 'repeat', input: { repeat: 'ab', count: 3 }, expect: { json: { a: 1 } } },
      {
        name: 'error',
        config: { json: { words: [] } },
        input: { hex: '' },
        expect: { error: { code: 'PLUGIN_CALL_FAILED', pluginCode: -2 } },
      },
    ]);
    expect(file.plugin).toBe('x');
    const [utf8, base64, repeat, error] = file.cases;
    expect(utf8!.input).toEqual(new Uint8Array([0x68, 0xc3, 0xa9]));
    expect(utf8!.expect).toEqual({ kind: 'output', output: new Uint8Array([0x68, 0xc3, 0xa9]) });
    expect(base64!.input).toEqual(new Uint8Array([1, 2, 3]));
    expect(base64!.expect).toEqual({ kind: 'output', output: new Uint8Array([1, 2, 3]) });
    expect(new TextDecoder().decode(repeat!.input)).toBe('ababab');
    expect(repeat!.expect).toEqual({ kind: 'json', json: { a: 1 } });
    expect(new TextDecoder().decode(error!.config)).toBe('{"words":[]}');
    expect(error!.expect).toEqual({ kind: 'error', code: 'PLUGIN_CALL_FAILED', pluginCode: -2 });
  });

  it.each([
    ['not JSON', '{'],
    ['no cases array', '{"plugin":"x"}'],
    [
      'a nameless case',
      JSON.stringify({ cases: [{ input: { utf8: '' }, expect: { output: { utf8: '' } } }] }),
    ],
    [
      'an unknown encoding',
      JSON.stringify({
        cases: [{ name: 'a', input: { rot13: 'x' }, expect: { output: { utf8: '' } } }],
      }),
    ],
    [
      'odd hex',
      JSON.stringify({
        cases: [{ name: 'a', input: { hex: 'abc' }, expect: { output: { utf8: '' } } }],
      }),
    ],
    [
      'an unknown error code',
      JSON.stringify({
        cases: [{ name: 'a', input: { utf8: '' }, expect: { error: { code: 'NOPE' } } }],
      }),
    ],
    [
      'two expectations',
      JSON.stringify({
        cases: [{ name: 'a', input: { utf8: '' }, expect: { output: { utf8: '' }, json: 1 } }],
      }),
    ],
    [
      'a file outside the folder',
      JSON.stringify({
        cases: [{ name: 'a', input: { file: '../etc/passwd' }, expect: { json: 1 } }],
      }),
    ],
    [
      'an absolute file',
      JSON.stringify({
        cases: [{ name: 'a', input: { file: '/etc/passwd' }, expect: { json: 1 } }],
      }),
    ],
    [
      'a missing file',
      JSON.stringify({ cases: [{ name: 'a', input: { file: 'nope.bin' }, expect: { json: 1 } }] }),
    ],
    [
      'a huge repeat',
      JSON.stringify({
        cases: [{ name: 'a', input: { repeat: 'ab', count: 1e9 }, expect: { json: 1 } }],
      }),
    ],
    [
      'duplicate names',
      JSON.stringify({
        cases: [
          { name: 'a', input: { utf8: '' }, expect: { json: 1 } },
          { name: 'a', input: { utf8: '' }, expect: { json: 1 } },
        ],
      }),
    ],
  ])('refuses %s with PLUGIN_CASES_INVALID', (_label, text) => {
    expect(() => parseCaseFile(text, dir)).toThrow(
      expect.objectContaining({ code: 'PLUGIN_CASES_INVALID' }),
    );
  });
});
