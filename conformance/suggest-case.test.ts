import { describe, expect, it } from 'vitest';
import { type CallOutcome, checkOutcome, parseCaseFile } from '../runtime/index.js';
import { encodeBytes, encodeConfigBytes, suggestCase } from './suggest-case.js';
import { utf8 } from './test-support/built.js';

/** The suggested case, pasted into a cases file and parsed back by the runtime. */
function pasted(entry: Record<string, unknown>) {
  return parseCaseFile(JSON.stringify({ cases: [entry] }), '.').cases[0]!;
}

describe('suggestCase', () => {
  it('writes printable bytes as utf8 and anything else as hex', () => {
    expect(encodeBytes(utf8('héllo\n'))).toEqual({ utf8: 'héllo\n' });
    expect(encodeBytes(Uint8Array.of(0xe0))).toEqual({ hex: 'e0' });
    expect(encodeBytes(Uint8Array.of(0x41, 0x00))).toEqual({ hex: '4100' });
  });

  it('writes a config as json only when JSON.stringify gives back the same bytes', () => {
    expect(encodeConfigBytes(utf8('{"words":["a"]}'))).toEqual({ json: { words: ['a'] } });
    expect(encodeConfigBytes(utf8('{ "words": ["a"] }'))).toEqual({ utf8: '{ "words": ["a"] }' });
    expect(encodeConfigBytes(utf8('not json'))).toEqual({ utf8: 'not json' });
  });

  it('gives a case the runtime parses back to the same input, config and expected bytes', () => {
    const expected: CallOutcome = { ok: true, output: Uint8Array.of(0xe0, 0x41) };
    const entry = suggestCase({
      input: Uint8Array.of(0xe0, 0x61),
      expected,
      config: utf8('{"a":1}'),
      seed: 42,
    });
    expect(entry.name).toMatch(/^fuzz seed 42 [0-9a-f]{8}$/);
    const parsed = pasted(entry);
    expect(parsed.input).toEqual(Uint8Array.of(0xe0, 0x61));
    expect(parsed.config).toEqual(utf8('{"a":1}'));
    expect(checkOutcome(expected, parsed.expect).pass).toBe(true);
    expect(checkOutcome({ ok: true, output: Uint8Array.of(0xc0, 0x41) }, parsed.expect).pass).toBe(
      false,
    );
  });

  it('expects an error by code and plugin code, and leaves out an empty config', () => {
    const expected: CallOutcome = {
      ok: false,
      code: 'PLUGIN_CALL_FAILED',
      pluginCode: -2,
      message: 'x',
    };
    const entry = suggestCase({ input: utf8('{'), expected, config: new Uint8Array(0), seed: 1 });
    expect(entry).not.toHaveProperty('config');
    expect(entry.expect).toEqual({ error: { code: 'PLUGIN_CALL_FAILED', pluginCode: -2 } });
    const parsed = pasted(entry);
    expect(checkOutcome(expected, parsed.expect).pass).toBe(true);
    expect(checkOutcome({ ...expected, pluginCode: -3 }, parsed.expect).pass).toBe(false);
  });
});
