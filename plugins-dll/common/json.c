/* See json.h. Two parts: the syntax check, and the walker over checked input. */
#include "json.h"

static int is_ws(uint8_t b)
{
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
}

static int is_digit(uint8_t b)
{
    return b >= '0' && b <= '9';
}

static int is_hex(uint8_t b)
{
    return is_digit(b) || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
}

/* ---- Syntax check: recursive descent, bounded by JSON_MAX_DEPTH. ---- */

typedef struct {
    const uint8_t *s;
    uint32_t len;
    uint32_t pos;
} scan;

static int more(const scan *v)
{
    return v->pos < v->len;
}

static void scan_ws(scan *v)
{
    while (more(v) && is_ws(v->s[v->pos]))
        v->pos++;
}

/* Consumes b when it is the next byte. */
static int scan_eat(scan *v, uint8_t b)
{
    if (!more(v) || v->s[v->pos] != b)
        return 0;
    v->pos++;
    return 1;
}

static int scan_digits(scan *v)
{
    uint32_t start = v->pos;
    while (more(v) && is_digit(v->s[v->pos]))
        v->pos++;
    return v->pos > start;
}

static int scan_literal(scan *v, const char *word)
{
    for (; *word; word++)
        if (!scan_eat(v, (uint8_t)*word))
            return 0;
    return 1;
}

static int scan_number(scan *v)
{
    scan_eat(v, '-');
    if (!scan_eat(v, '0') && !(more(v) && v->s[v->pos] >= '1' && scan_digits(v)))
        return 0;
    if (scan_eat(v, '.') && !scan_digits(v))
        return 0;
    if (scan_eat(v, 'e') || scan_eat(v, 'E')) {
        if (!scan_eat(v, '+'))
            scan_eat(v, '-');
        if (!scan_digits(v))
            return 0;
    }
    return 1;
}

static int scan_escape(scan *v)
{
    if (!more(v))
        return 0;
    switch (v->s[v->pos++]) {
    case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
        return 1;
    case 'u':
        for (int i = 0; i < 4; i++)
            if (!more(v) || !is_hex(v->s[v->pos++]))
                return 0;
        return 1;
    default:
        return 0;
    }
}

static int scan_string(scan *v)
{
    if (!scan_eat(v, '"'))
        return 0;
    while (more(v)) {
        uint8_t b = v->s[v->pos++];
        if (b == '"')
            return 1;
        if (b < 0x20 || (b == '\\' && !scan_escape(v)))
            return 0;
    }
    return 0;
}

static int scan_value(scan *v, uint32_t depth);

/* An array or object; depth counts the containers already open around it. */
static int scan_container(scan *v, uint32_t depth)
{
    uint8_t close = v->s[v->pos] == '{' ? '}' : ']';
    if (depth >= JSON_MAX_DEPTH)
        return 0;
    v->pos++;
    scan_ws(v);
    if (scan_eat(v, close))
        return 1;
    for (;;) {
        if (close == '}') {
            if (!scan_string(v))
                return 0;
            scan_ws(v);
            if (!scan_eat(v, ':'))
                return 0;
        }
        if (!scan_value(v, depth + 1))
            return 0;
        if (scan_eat(v, close))
            return 1;
        if (!scan_eat(v, ','))
            return 0;
        scan_ws(v);
    }
}

/* A value with the whitespace around it. */
static int scan_value(scan *v, uint32_t depth)
{
    int ok;
    scan_ws(v);
    if (!more(v))
        return 0;
    switch (v->s[v->pos]) {
    case '{': case '[': ok = scan_container(v, depth); break;
    case '"': ok = scan_string(v); break;
    case 't': ok = scan_literal(v, "true"); break;
    case 'f': ok = scan_literal(v, "false"); break;
    case 'n': ok = scan_literal(v, "null"); break;
    default: ok = scan_number(v); break;
    }
    scan_ws(v);
    return ok;
}

int json_valid(const uint8_t *s, uint32_t len)
{
    scan v = {s, len, 0};
    return scan_value(&v, 0) && v.pos == len;
}

/* ---- Walker over checked input. ---- */

static void walk_ws(json_cursor *c)
{
    while (c->pos < c->len && is_ws(c->s[c->pos]))
        c->pos++;
}

/* Cursor on the opening quote; leaves it after the closing one. */
static void walk_string(json_cursor *c)
{
    c->pos++;
    while (c->s[c->pos] != '"')
        c->pos += c->s[c->pos] == '\\' ? 2 : 1;
    c->pos++;
}

/* Numbers and literals: everything up to a delimiter. */
static void walk_scalar(json_cursor *c)
{
    while (c->pos < c->len) {
        uint8_t b = c->s[c->pos];
        if (is_ws(b) || b == ',' || b == '}' || b == ']')
            return;
        c->pos++;
    }
}

void json_init(json_cursor *c, const uint8_t *s, uint32_t len)
{
    c->s = s;
    c->len = len;
    c->pos = 0;
}

json_kind json_peek(json_cursor *c)
{
    walk_ws(c);
    switch (c->s[c->pos]) {
    case '{': return JSON_OBJECT;
    case '[': return JSON_ARRAY;
    case '"': return JSON_STRING;
    case 't': case 'f': case 'n': return JSON_LITERAL;
    default: return JSON_NUMBER;
    }
}

void json_enter(json_cursor *c)
{
    walk_ws(c);
    c->pos++;
}

int json_next(json_cursor *c)
{
    walk_ws(c);
    switch (c->s[c->pos]) {
    case '}': case ']': c->pos++; return 0;
    case ',': c->pos++; return 1;
    default: return 1;
    }
}

json_bytes json_string(json_cursor *c)
{
    json_bytes b;
    walk_ws(c);
    b.p = c->s + c->pos + 1;
    walk_string(c);
    b.len = (uint32_t)(c->s + c->pos - 1 - b.p);
    return b;
}

json_bytes json_key(json_cursor *c)
{
    json_bytes key = json_string(c);
    walk_ws(c);
    c->pos++; /* ':' */
    return key;
}

json_bytes json_number(json_cursor *c)
{
    json_bytes b;
    walk_ws(c);
    b.p = c->s + c->pos;
    walk_scalar(c);
    b.len = (uint32_t)(c->s + c->pos - b.p);
    return b;
}

void json_skip(json_cursor *c)
{
    uint32_t depth = 0;
    walk_ws(c);
    do {
        uint8_t b = c->s[c->pos];
        if (b == '"') {
            walk_string(c);
        } else if (b == '{' || b == '[') {
            depth++;
            c->pos++;
        } else if (b == '}' || b == ']') {
            depth--;
            c->pos++;
        } else if (depth == 0) {
            walk_scalar(c);
        } else {
            c->pos++; /* ',', ':', whitespace, or a byte of a nested scalar */
        }
    } while (depth > 0);
}

int json_bytes_eq(json_bytes b, const char *lit)
{
    uint32_t i = 0;
    for (; lit[i]; i++)
        if (i >= b.len || b.p[i] != (uint8_t)lit[i])
            return 0;
    return i == b.len;
}
