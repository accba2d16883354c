import { describe, expect, it } from 'vitest';
import { parseManifest } from './manifest.js';

const parse = (json: unknown) => parseManifest(JSON.stringify(json), 'echo', 'echo/plugin.json');

describe('plugin.json contentType', () => {
  it('is undefined when absent and kept as given when it is a media type', () => {
    expect(parse({}).contentType).toBeUndefined();
    expect(parse({ contentType: 'application/json' }).contentType).toBe('application/json');
    expect(parse({ contentType: 'text/plain; charset=utf-8' }).contentType).toBe(
      'text/plain; charset=utf-8',
    );
  });

  it.each([42, '', 'json', 'text/plain\r\nX-Evil: 1', 'a/b/c'])(
    'refuses %j with PLUGIN_MANIFEST_INVALID',
    (contentType) => {
      expect(() => parse({ contentType })).toThrow(
        expect.objectContaining({
          code: 'PLUGIN_MANIFEST_INVALID',
          details: expect.objectContaining({ field: 'contentType' }),
        }),
      );
    },
  );
});
