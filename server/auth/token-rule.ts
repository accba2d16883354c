/**
 * The one rule for secrets sent as `Authorization: Bearer <secret>` (the admin token and API
 * keys), checked at startup for TWINPLUG_ADMIN_TOKEN and on every request for what is sent:
 * - visible ASCII only (0x21-0x7e): no spaces, tabs or control characters, which an HTTP header
 *   value would trim or refuse;
 * - at least {@link MIN_TOKEN_LENGTH} characters;
 * - at least {@link MIN_TOKEN_BITS} bits by {@link estimateBits}: the Shannon entropy of the
 *   token's own character frequencies (bits per character) times the length of the shortest
 *   unit the token repeats (the whole token unless it is a repeat). Sixteen identical
 *   characters score 0, `ab` repeated 32 times 2, `abcd` repeated 4 times 8, a random 32-digit
 *   hex token about 120 (a random 16-digit one about 50, under 36 once in ten thousand draws).
 *   It catches placeholders and repeats, not dictionary words: generate tokens
 *   (`openssl rand -hex 32`).
 * Requests are judged by the syntax part only ({@link bearerSecret}): a secret that breaks it
 * cannot equal a configured one, which passed the whole rule.
 */
export const MIN_TOKEN_LENGTH = 16;
export const MAX_TOKEN_LENGTH = 4096;
export const MIN_TOKEN_BITS = 36;
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/** The length of the shortest unit that `text` repeats (a partial last repeat allowed). */
function period(text: string): number {
  const border = new Array<number>(text.length + 1).fill(0);
  border[0] = -1;
  for (let index = 1, length = 0; index < text.length; index += 1) {
    while (length > 0 && text[index] !== text[length]) length = border[length]!;
    if (text[index] === text[length]) length += 1;
    border[index + 1] = length;
  }
  return text.length - border[text.length]!;
}

/** Shannon entropy (bits per character) of the token's characters × its {@link period}. */
export function estimateBits(token: string): number {
  const counts = new Map<string, number>();
  for (const char of token) counts.set(char, (counts.get(char) ?? 0) + 1);
  let perChar = 0;
  for (const count of counts.values()) {
    const p = count / token.length;
    perChar -= p * Math.log2(p);
  }
  return perChar * period(token);
}

function syntaxProblem(token: string): string | undefined {
  if (!VISIBLE_ASCII.test(token))
    return 'must be visible ASCII characters only (no spaces, tabs or control characters)';
  if (token.length < MIN_TOKEN_LENGTH) return `must be at least ${MIN_TOKEN_LENGTH} characters`;
  if (token.length > MAX_TOKEN_LENGTH) return `must be at most ${MAX_TOKEN_LENGTH} characters`;
  return undefined;
}

/** Why `token` is not acceptable, or undefined when it is. */
export function tokenProblem(token: string): string | undefined {
  const syntax = syntaxProblem(token);
  if (syntax !== undefined) return syntax;
  const bits = estimateBits(token);
  if (bits < MIN_TOKEN_BITS)
    return `is too predictable (${Math.floor(bits)} bits estimated, ${MIN_TOKEN_BITS} needed: repeated characters or a short pattern); generate one, e.g. openssl rand -hex 32`;
  return undefined;
}

/** The secret of an `Authorization: Bearer <secret>` header, or undefined when absent or malformed. */
export function bearerSecret(header: string | undefined): string | undefined {
  if (header === undefined || !header.startsWith('Bearer ')) return undefined;
  const secret = header.slice(7);
  return syntaxProblem(secret) === undefined ? secret : undefined;
}
