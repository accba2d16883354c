// The redact config: {"words":[...],"mask":"..."} (docs/samples.md), read from JSON bytes.
import { isValidJson, JsonCursor, JsonKind } from "../common/json";

const MAX_WORDS = 32;
const MAX_WORD_LENGTH: u32 = 64;
const MAX_MASK_LENGTH: u32 = 64;
const DEFAULT_MASK = "[REDACTED]";

/** Words in config order, already folded to lower case, and the mask that replaces them. */
export class RedactConfig {
  words: Uint8Array[] = [];
  mask: Uint8Array = asciiBytes(DEFAULT_MASK);
}

/** Folds ASCII upper-case letters to lower case; other bytes are compared exactly. */
export function foldCase(c: u8): u8 {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

/** The config, or null for any violation. An empty config means no words. */
export function parseConfig(ptr: usize, len: u32): RedactConfig | null {
  const config = new RedactConfig();
  if (len == 0) return config;
  if (!isValidJson(ptr, len)) return null;
  const c = JsonCursor.over(ptr, len);
  if (c.kind() != JsonKind.Object) return null;
  let seenWords = false;
  let seenMask = false;
  c.enter();
  while (c.next()) {
    c.key();
    if (c.spanIs("words")) {
      if (seenWords || !readWords(c, config)) return null;
      seenWords = true;
    } else if (c.spanIs("mask")) {
      if (seenMask || c.kind() != JsonKind.String) return null;
      c.string();
      if (!isPlainText(c, 0, MAX_MASK_LENGTH)) return null;
      config.mask = spanBytes(c, false);
      seenMask = true;
    } else {
      c.skip();
    }
  }
  return seenWords ? config : null;
}

function readWords(c: JsonCursor, config: RedactConfig): bool {
  if (c.kind() != JsonKind.Array) return false;
  c.enter();
  while (c.next()) {
    if (config.words.length == MAX_WORDS || c.kind() != JsonKind.String) return false;
    c.string();
    if (!isPlainText(c, 1, MAX_WORD_LENGTH)) return false;
    config.words.push(spanBytes(c, true));
  }
  return true;
}

/** Span length in min..max, every byte printable ASCII other than `"` and `\` (so no escapes). */
function isPlainText(c: JsonCursor, min: u32, max: u32): bool {
  if (c.spanLen < min || c.spanLen > max) return false;
  for (let i: u32 = 0; i < c.spanLen; i++) {
    const b = load<u8>(c.spanPtr + <usize>i);
    if (b < 0x21 || b > 0x7e || b == 0x22 || b == 0x5c) return false;
  }
  return true;
}

/** Copies the span out of the config memory, which the host frees after Initialize. */
function spanBytes(c: JsonCursor, fold: bool): Uint8Array {
  const bytes = new Uint8Array(c.spanLen);
  for (let i: u32 = 0; i < c.spanLen; i++) {
    const b = load<u8>(c.spanPtr + <usize>i);
    bytes[i] = fold ? foldCase(b) : b;
  }
  return bytes;
}

function asciiBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = <u8>text.charCodeAt(i);
  return bytes;
}
