import { describe, expect, it } from 'vitest';
import { raw, renderJson, str } from './json-doc.js';

describe('renderJson', () => {
  const doc = {
    object: [
      ['items', { array: [raw('1'), str('a"b')] }],
      ['items', { object: [] }],
      ['s\\u006bu', raw('-0')],
    ],
  } as const;

  it('writes raw tokens, duplicate keys and escaped keys as given', () => {
    expect(renderJson(doc)).toBe('{"items":[1,"a\\"b"],"items":{},"s\\u006bu":-0}');
  });

  it('puts the given whitespace between tokens and keeps the document parseable', () => {
    const text = renderJson({ array: [raw('1'), { object: [['k', raw('true')]] }] }, [' ', '\n']);
    expect(text).toMatch(/\s/);
    expect(text.replace(/\s/g, '')).toBe('[1,{"k":true}]');
    expect(JSON.parse(text)).toEqual([1, { k: true }]);
  });
});
