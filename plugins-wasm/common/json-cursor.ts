// The schema phase's view of a document that passed isValidJson: values in document order,
// strings and numbers as raw byte spans.
import { END, isDigit, isWhitespace } from "./json-syntax";

/** What the next value is, judged by its first byte. */
export const enum JsonKind {
  Object,
  Array,
  String,
  Number,
  Literal,
}

/**
 * Walks a document that passed isValidJson; it does not re-check the grammar. String and
 * number values and object keys are read as raw byte spans (`spanPtr`, `spanLen`).
 *
 *     cursor.enter();                 // past { or [
 *     while (cursor.next()) {         // false once past } or ]
 *       cursor.key();                 // objects only: key span, then past :
 *       ...read or skip the value...
 *     }
 */
export class JsonCursor {
  pos: usize;
  /** The last string (between its quotes) or number read. */
  spanPtr: usize = 0;
  spanLen: u32 = 0;

  constructor(ptr: usize, private end: usize) {
    this.pos = ptr;
  }

  static over(ptr: usize, len: u32): JsonCursor {
    return new JsonCursor(ptr, ptr + <usize>len);
  }

  /** The kind of the value that starts at the next non-whitespace byte. */
  kind(): JsonKind {
    this.skipWhitespace();
    const c = this.peek();
    if (c == 0x7b) return JsonKind.Object;
    if (c == 0x5b) return JsonKind.Array;
    if (c == 0x22) return JsonKind.String;
    if (c == 0x2d || isDigit(c)) return JsonKind.Number;
    return JsonKind.Literal;
  }

  /** Steps into the object or array that starts here. */
  enter(): void {
    this.skipWhitespace();
    this.pos++;
  }

  /** True when another entry follows; otherwise steps past the closing bracket. */
  next(): bool {
    this.skipWhitespace();
    const c = this.peek();
    if (c == 0x2c /* , */) {
      this.pos++;
      return true;
    }
    if (c == 0x7d /* } */ || c == 0x5d /* ] */) {
      this.pos++;
      return false;
    }
    return true; // the first entry
  }

  /** Reads an object key into the span and steps past the colon. */
  key(): void {
    this.string();
    this.skipWhitespace();
    this.pos++; // :
  }

  /** Reads a string value into the span (raw bytes, escapes left as they are). */
  string(): void {
    this.skipWhitespace();
    const start = ++this.pos;
    while (true) {
      const c = load<u8>(this.pos);
      if (c == 0x22) break;
      // An escape is two bytes here; the hex digits of \uXXXX are plain bytes.
      this.pos += c == 0x5c ? 2 : 1;
    }
    this.setSpan(start, this.pos);
    this.pos++;
  }

  /** Reads a number into the span. */
  number(): void {
    this.skipWhitespace();
    const start = this.pos;
    this.skipScalar();
    this.setSpan(start, this.pos);
  }

  /** Steps over the value that starts here, whatever it is. */
  skip(): void {
    const kind = this.kind();
    if (kind == JsonKind.String) {
      this.string();
    } else if (kind == JsonKind.Object || kind == JsonKind.Array) {
      this.skipContainer();
    } else {
      this.skipScalar();
    }
  }

  /** True when the span's raw bytes are exactly the ASCII `text`. */
  spanIs(text: string): bool {
    if (<i32>this.spanLen != text.length) return false;
    for (let i = 0; i < text.length; i++) {
      if (<i32>load<u8>(this.spanPtr + <usize>i) != text.charCodeAt(i)) return false;
    }
    return true;
  }

  /**
   * The span as an integer in 0..max, or -1 when it is not one. An integer has no fraction and
   * no exponent; a leading minus means below range (and `-0` is not an integer either).
   */
  spanInteger(max: u32): i64 {
    if (this.spanLen == 0 || this.spanLen > 10) return -1; // 10 digits hold any u32
    let value: u64 = 0;
    for (let i: u32 = 0; i < this.spanLen; i++) {
      const c = <i32>load<u8>(this.spanPtr + <usize>i);
      if (!isDigit(c)) return -1;
      value = value * 10 + <u64>(c - 0x30);
    }
    return value <= <u64>max ? <i64>value : -1;
  }

  private peek(): i32 {
    return this.pos < this.end ? <i32>load<u8>(this.pos) : END;
  }

  private skipWhitespace(): void {
    while (isWhitespace(this.peek())) this.pos++;
  }

  /** A number or literal ends at whitespace, a separator, a closing bracket or the end. */
  private skipScalar(): void {
    while (true) {
      const c = this.peek();
      if (c == END || isWhitespace(c) || c == 0x2c || c == 0x7d || c == 0x5d) return;
      this.pos++;
    }
  }

  private skipContainer(): void {
    let depth = 0;
    do {
      const c = this.peek();
      if (c == 0x22) {
        this.string();
        continue;
      }
      if (c == 0x7b || c == 0x5b) depth++;
      else if (c == 0x7d || c == 0x5d) depth--;
      this.pos++;
    } while (depth > 0);
  }

  private setSpan(start: usize, end: usize): void {
    this.spanPtr = start;
    this.spanLen = <u32>(end - start);
  }
}
