/*
 * Strict JSON (RFC 8259) syntax check and a walker over checked input, as docs/samples.md
 * defines them for pricing and redact. No libc, so it builds for wasm32 with -nostdlib.
 */
#ifndef TP_JSON_H
#define TP_JSON_H

#include <stdint.h>

/* Deepest allowed nesting of arrays and objects; the root container is level 1. */
#define JSON_MAX_DEPTH 64

/* 1 when s[0..len) is exactly one JSON value with optional whitespace around it, else 0. */
int json_valid(const uint8_t *s, uint32_t len);

/* A cursor over input that json_valid accepted. The walker functions rely on that check and
 * do no error handling of their own. */
typedef struct {
    const uint8_t *s;
    uint32_t len;
    uint32_t pos;
} json_cursor;

/* Raw bytes of a token: a string's bytes between the quotes (escapes left as written), or a
 * number's text. */
typedef struct {
    const uint8_t *p;
    uint32_t len;
} json_bytes;

typedef enum { JSON_OBJECT, JSON_ARRAY, JSON_STRING, JSON_NUMBER, JSON_LITERAL } json_kind;

void json_init(json_cursor *c, const uint8_t *s, uint32_t len);
/* Kind of the value at the cursor (skips whitespace first). */
json_kind json_peek(json_cursor *c);
/* Consumes the '{' or '[' at the cursor. */
void json_enter(json_cursor *c);
/* Inside a container: 1 when an element or member follows (its ',' consumed), 0 when the
 * closing bracket was reached (and consumed). */
int json_next(json_cursor *c);
/* Reads a member's key and its ':'; the cursor is then at the value. */
json_bytes json_key(json_cursor *c);
json_bytes json_string(json_cursor *c);
json_bytes json_number(json_cursor *c);
/* Skips the value at the cursor, whatever its kind. */
void json_skip(json_cursor *c);
/* 1 when b holds exactly the bytes of the NUL-terminated lit. */
int json_bytes_eq(json_bytes b, const char *lit);

#endif /* TP_JSON_H */
