/*
 * redact: replaces configured words with a mask (docs/samples.md). Words match ASCII letters
 * case-insensitively and other bytes exactly; at each position the first word in config order
 * that matches wins.
 */
#include "../common/json.h"
#include "../common/writer.h"
#include "twinplug.h"

#define INVALID_CONFIG (-1)
#define MAX_WORDS 32
#define MAX_TOKEN 64

typedef struct {
    uint8_t bytes[MAX_TOKEN];
    uint32_t len;
} token;

typedef struct {
    token words[MAX_WORDS]; /* stored upper-cased */
    uint32_t word_count;
    token mask;
} redact_config;

/* Written only by Initialize and Cleanup; ProcessData only reads it. */
static redact_config config;

const char *TP_CALL PluginInfo(void)
{
    return "{\"name\":\"redact\",\"version\":\"1.0.0\",\"abi\":1,"
           "\"description\":\"Replaces configured words with a mask\"}";
}

static uint8_t upper(uint8_t b)
{
    return (b >= 'a' && b <= 'z') ? (uint8_t)(b - ('a' - 'A')) : b;
}

static void set_default(redact_config *cfg)
{
    static const char default_mask[] = "[REDACTED]";
    cfg->word_count = 0;
    cfg->mask.len = sizeof default_mask - 1;
    for (uint32_t i = 0; i < cfg->mask.len; i++)
        cfg->mask.bytes[i] = (uint8_t)default_mask[i];
}

/* A string of min_len..MAX_TOKEN bytes, each in 0x21..0x7E except '"' and '\'. */
static int read_token(json_cursor *c, uint32_t min_len, int fold, token *t)
{
    json_bytes s;
    if (json_peek(c) != JSON_STRING)
        return 0;
    s = json_string(c);
    if (s.len < min_len || s.len > MAX_TOKEN)
        return 0;
    for (uint32_t i = 0; i < s.len; i++) {
        uint8_t b = s.p[i];
        if (b < 0x21 || b > 0x7E || b == '"' || b == '\\')
            return 0;
        t->bytes[i] = fold ? upper(b) : b;
    }
    t->len = s.len;
    return 1;
}

static int read_words(json_cursor *c, redact_config *cfg)
{
    if (json_peek(c) != JSON_ARRAY)
        return 0;
    json_enter(c);
    while (json_next(c)) {
        if (cfg->word_count == MAX_WORDS || !read_token(c, 1, 1, &cfg->words[cfg->word_count]))
            return 0;
        cfg->word_count++;
    }
    return 1;
}

static int parse_config(const uint8_t *s, uint32_t len, redact_config *cfg)
{
    json_cursor c;
    int have_words = 0, have_mask = 0;
    if (!json_valid(s, len))
        return 0;
    json_init(&c, s, len);
    if (json_peek(&c) != JSON_OBJECT)
        return 0;
    json_enter(&c);
    while (json_next(&c)) {
        json_bytes key = json_key(&c);
        if (json_bytes_eq(key, "words")) {
            if (have_words++ || !read_words(&c, cfg))
                return 0;
        } else if (json_bytes_eq(key, "mask")) {
            if (have_mask++ || !read_token(&c, 0, 0, &cfg->mask))
                return 0;
        } else {
            json_skip(&c);
        }
    }
    return have_words;
}

int32_t TP_CALL Initialize(const uint8_t *cfg, uint32_t len)
{
    set_default(&config);
    if (len == 0)
        return TP_OK;
    if (!parse_config(cfg, len, &config)) {
        set_default(&config);
        return INVALID_CONFIG;
    }
    return TP_OK;
}

void TP_CALL Cleanup(void)
{
    set_default(&config);
}

/* Length of the first configured word that matches at p, or 0. */
static uint32_t match_at(const uint8_t *p, uint32_t avail)
{
    for (uint32_t w = 0; w < config.word_count; w++) {
        const token *word = &config.words[w];
        uint32_t i = 0;
        if (word->len > avail)
            continue;
        while (i < word->len && upper(p[i]) == word->bytes[i])
            i++;
        if (i == word->len)
            return i;
    }
    return 0;
}

int32_t TP_CALL ProcessData(const uint8_t *in, uint32_t in_len, uint8_t *out, uint32_t out_cap,
                            uint32_t *out_len)
{
    writer w;
    uint32_t i = 0;
    writer_init(&w, out, out_cap);
    while (i < in_len) {
        uint32_t n = match_at(in + i, in_len - i);
        if (n) {
            writer_bytes(&w, config.mask.bytes, config.mask.len);
            i += n;
        } else {
            writer_byte(&w, in[i++]);
        }
    }
    return writer_finish(&w, out_len);
}
