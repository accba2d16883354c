// The syntax phase of docs/samples.md: the whole input must be one JSON value (RFC 8259) with
// optional whitespace around it, nesting at most MAX_DEPTH deep, UTF-8 not validated.

/** Arrays and objects may nest this deep; one more is a syntax error. */
export const MAX_DEPTH: i32 = 64;

/** What peek() returns past the last byte. */
export const END: i32 = -1;

export function isWhitespace(c: i32): bool {
  return c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d;
}

export function isDigit(c: i32): bool {
  return c >= 0x30 && c <= 0x39;
}

function isHexDigit(c: i32): bool {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** True when `len` bytes at `ptr` hold exactly one JSON value, with optional whitespace around. */
export function isValidJson(ptr: usize, len: u32): bool {
  return new JsonValidator(ptr, len).document();
}

/** Recursive descent over the RFC 8259 grammar; recursion is bounded by MAX_DEPTH. */
class JsonValidator {
  private pos: usize;
  private end: usize;

  constructor(ptr: usize, len: u32) {
    this.pos = ptr;
    this.end = ptr + <usize>len;
  }

  document(): bool {
    this.skipWhitespace();
    if (!this.value(0)) return false;
    this.skipWhitespace();
    return this.pos == this.end;
  }

  private peek(): i32 {
    return this.pos < this.end ? <i32>load<u8>(this.pos) : END;
  }

  private eat(c: i32): bool {
    if (this.peek() != c) return false;
    this.pos++;
    return true;
  }

  private skipWhitespace(): void {
    while (isWhitespace(this.peek())) this.pos++;
  }

  private value(depth: i32): bool {
    const c = this.peek();
    if (c == 0x7b /* { */) return this.object(depth + 1);
    if (c == 0x5b /* [ */) return this.array(depth + 1);
    if (c == 0x22 /* " */) return this.string();
    if (c == 0x2d /* - */ || isDigit(c)) return this.number();
    if (c == 0x74 /* t */) return this.literal("true");
    if (c == 0x66 /* f */) return this.literal("false");
    if (c == 0x6e /* n */) return this.literal("null");
    return false;
  }

  private object(depth: i32): bool {
    if (depth > MAX_DEPTH) return false;
    this.pos++; // {
    this.skipWhitespace();
    if (this.eat(0x7d /* } */)) return true;
    do {
      this.skipWhitespace();
      if (this.peek() != 0x22 || !this.string()) return false;
      this.skipWhitespace();
      if (!this.eat(0x3a /* : */)) return false;
      this.skipWhitespace();
      if (!this.value(depth)) return false;
      this.skipWhitespace();
    } while (this.eat(0x2c /* , */));
    return this.eat(0x7d /* } */);
  }

  private array(depth: i32): bool {
    if (depth > MAX_DEPTH) return false;
    this.pos++; // [
    this.skipWhitespace();
    if (this.eat(0x5d /* ] */)) return true;
    do {
      this.skipWhitespace();
      if (!this.value(depth)) return false;
      this.skipWhitespace();
    } while (this.eat(0x2c /* , */));
    return this.eat(0x5d /* ] */);
  }

  private string(): bool {
    this.pos++; // opening quote
    while (true) {
      const c = this.peek();
      if (c == END || c < 0x20) return false;
      this.pos++;
      if (c == 0x22 /* " */) return true;
      if (c == 0x5c /* \ */ && !this.escape()) return false;
    }
  }

  private escape(): bool {
    const c = this.peek();
    this.pos++;
    switch (c) {
      case 0x22: case 0x5c: case 0x2f: // " \ /
      case 0x62: case 0x66: case 0x6e: case 0x72: case 0x74: // b f n r t
        return true;
      case 0x75: { // u, four hex digits
        for (let i = 0; i < 4; i++) {
          if (!isHexDigit(this.peek())) return false;
          this.pos++;
        }
        return true;
      }
      default:
        return false;
    }
  }

  private number(): bool {
    this.eat(0x2d /* - */);
    if (!this.eat(0x30 /* 0 */)) {
      if (!this.digits()) return false;
    }
    if (this.eat(0x2e /* . */) && !this.digits()) return false;
    if (this.eat(0x65 /* e */) || this.eat(0x45 /* E */)) {
      if (!this.eat(0x2b /* + */)) this.eat(0x2d /* - */);
      if (!this.digits()) return false;
    }
    return true;
  }

  /** One or more digits. */
  private digits(): bool {
    if (!isDigit(this.peek())) return false;
    while (isDigit(this.peek())) this.pos++;
    return true;
  }

  private literal(word: string): bool {
    for (let i = 0; i < word.length; i++) {
      if (!this.eat(word.charCodeAt(i))) return false;
    }
    return true;
  }
}
