/**
 * A JSON document held as raw tokens, so that a grammar can produce what a JSON library would
 * refuse to write: duplicate keys, keys spelled with escapes, numbers such as `2.0`, `-0`, `1e400`.
 */
export type JsonDoc =
  | { readonly raw: string }
  | { readonly object: readonly (readonly [key: string, value: JsonDoc])[] }
  | { readonly array: readonly JsonDoc[] };

/** Whitespace JSON allows between tokens, and none. */
export const JSON_SPACES = ['', '', '', ' ', '\n', '\t', '\r\n  '] as const;

/**
 * Writes a document; between tokens it takes whitespace from `spaces` in turn (none when empty).
 * `key` is written between quotes as it is, so it may hold escapes.
 */
export function renderJson(doc: JsonDoc, spaces: readonly string[] = []): string {
  let turn = 0;
  const space = () => (spaces.length === 0 ? '' : spaces[turn++ % spaces.length]!);
  const render = (node: JsonDoc): string => {
    if ('raw' in node) return node.raw;
    if ('array' in node) {
      const items = node.array.map((item) => `${space()}${render(item)}${space()}`);
      return `[${items.join(',')}${items.length === 0 ? space() : ''}]`;
    }
    const entries = node.object.map(
      ([key, value]) => `${space()}"${key}"${space()}:${space()}${render(value)}${space()}`,
    );
    return `{${entries.join(',')}${entries.length === 0 ? space() : ''}}`;
  };
  return `${space()}${render(doc)}${space()}`;
}

export const raw = (text: string): JsonDoc => ({ raw: text });
export const str = (text: string): JsonDoc => ({ raw: JSON.stringify(text) });
