import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GRAMMARS } from './grammars/index.js';
import { resolveGrammar } from './resolve-grammar.js';

const dir = mkdtempSync(join(tmpdir(), 'twinplug-grammar-'));

describe('resolveGrammar', () => {
  it('gives bytes by default and built-in grammars by name', async () => {
    expect(await resolveGrammar(undefined)).toBe(GRAMMARS.bytes);
    expect(await resolveGrammar('pricing-order')).toBe(GRAMMARS['pricing-order']);
  });

  it('refuses an unknown name, listing the built-in grammars', async () => {
    await expect(resolveGrammar('pricing')).rejects.toMatchObject({
      code: 'CONFORMANCE_GRAMMAR_UNKNOWN',
      message: expect.stringContaining('pricing-order'),
    });
  });

  it("imports a grammar module's default export and hands it fast-check", async () => {
    const file = join(dir, 'digits.mjs');
    writeFileSync(
      file,
      `export default { name: 'digits', description: 'ASCII digits',
        inputs: (fc, { maxSize }) => fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: maxSize })
          .map((text) => new TextEncoder().encode(text)) };`,
    );
    const grammar = await resolveGrammar(file);
    expect(grammar.name).toBe('digits');
    const inputs = fc.sample(grammar.inputs(fc, { maxSize: 8, config: undefined }), 100);
    for (const input of inputs) expect(new TextDecoder().decode(input)).toMatch(/^\d{0,8}$/);
  });

  it('refuses a module without a grammar, and a module that cannot be imported', async () => {
    const file = join(dir, 'not-a-grammar.mjs');
    writeFileSync(file, 'export default { name: "x" };');
    await expect(resolveGrammar(file)).rejects.toMatchObject({
      code: 'CONFORMANCE_GRAMMAR_INVALID',
    });
    await expect(resolveGrammar(join(dir, 'missing.mjs'))).rejects.toMatchObject({
      code: 'CONFORMANCE_GRAMMAR_UNKNOWN',
    });
  });
});
