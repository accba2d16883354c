/* visits: counts visits per visitor in the host's key-value store and logs each one
 * (docs/samples.md). The C twin of plugins-wasm/visits/index.ts, through the host API of
 * twinplug.h: the same source builds natively and to freestanding wasm32. */
#define TWINPLUG_HOST_IMPLEMENTATION /* defines twinplug_set_host natively */
#include "twinplug.h"

#define INVALID_NAME (-2)
#define HOST_ERROR (-3)

#define MAX_NAME 64u
#ifndef PREFIX /* the visits-divergent fixture sets another */
#define PREFIX "visits:"
#define PREFIX_LEN 7u
#endif
#define MAX_DIGITS 20u

const char *TP_CALL PluginInfo(void)
{
    return "{\"name\":\"visits\",\"version\":\"1.0.0\",\"abi\":1,"
           "\"description\":\"visits per visitor, kept in the host's key-value store\"}";
}

static uint32_t copy(uint8_t *to, const void *from, uint32_t len)
{
    const uint8_t *bytes = from;
    for (uint32_t i = 0; i < len; i++)
        to[i] = bytes[i];
    return len;
}

/* Writes value in decimal; returns its length. */
static uint32_t decimal(uint8_t *to, uint64_t value)
{
    uint8_t digits[MAX_DIGITS];
    uint32_t n = 0;
    do {
        digits[n++] = (uint8_t)('0' + value % 10);
        value /= 10;
    } while (value);
    for (uint32_t i = 0; i < n; i++)
        to[i] = digits[n - 1 - i];
    return n;
}

/* The count stored under key: 0 when absent, -1 on a host error or a value that is not one. */
static int64_t stored_count(const uint8_t *key, uint32_t key_len)
{
    uint8_t value[MAX_DIGITS];
    uint32_t len = 0;
    int32_t status = tp_kv_get(key, key_len, value, sizeof value, &len);
    if (status == TP_ERR_NOT_FOUND)
        return 0;
    if (status != TP_OK || len == 0 || len > 18)
        return -1;
    int64_t count = 0;
    for (uint32_t i = 0; i < len; i++) {
        if (value[i] < '0' || value[i] > '9')
            return -1;
        count = count * 10 + (value[i] - '0');
    }
    return count;
}

/* Output and log line: "<name>: forgotten", or "<name>: visit <n>" and "visit <n> from <name>". */
int32_t TP_CALL ProcessData(const uint8_t *in, uint32_t in_len, uint8_t *out, uint32_t out_cap,
                            uint32_t *out_len)
{
    int forget = in_len > 0 && in[0] == '-';
    const uint8_t *name = in + forget;
    uint32_t name_len = in_len - (uint32_t)forget;
    if (name_len == 0 || name_len > MAX_NAME)
        return INVALID_NAME;
    for (uint32_t i = 0; i < name_len; i++)
        if (name[i] < 0x21 || name[i] > 0x7E)
            return INVALID_NAME;
    uint8_t key[PREFIX_LEN + MAX_NAME];
    uint32_t key_len = copy(key, PREFIX, PREFIX_LEN) + copy(key + PREFIX_LEN, name, name_len);
    uint8_t text[MAX_NAME + 32];
    uint32_t len = copy(text, name, name_len);
    if (forget) {
        len += copy(text + len, ": forgotten", 11);
        *out_len = len;
        if (out_cap < len)
            return TP_BUFFER_TOO_SMALL;
        int32_t status = tp_kv_delete(key, key_len);
        if (status != TP_OK && status != TP_ERR_NOT_FOUND) /* a stranger is forgotten too */
            return HOST_ERROR;
        copy(out, text, len);
        return TP_OK;
    }
    int64_t count = stored_count(key, key_len);
    if (count < 0)
        return HOST_ERROR;
    count += 1;
    len += copy(text + len, ": visit ", 8);
    uint32_t digits_at = len;
    uint32_t digits = decimal(text + len, (uint64_t)count);
    len += digits;
    *out_len = len;
    if (out_cap < len) /* the host calls again with room: store and log only then */
        return TP_BUFFER_TOO_SMALL;
    if (tp_kv_set(key, key_len, text + digits_at, digits) != TP_OK)
        return HOST_ERROR;
    uint8_t line[MAX_NAME + 40];
    uint32_t line_len = copy(line, "visit ", 6);
    line_len += copy(line + line_len, text + digits_at, digits);
    line_len += copy(line + line_len, " from ", 6);
    line_len += copy(line + line_len, name, name_len);
    tp_log(TP_LOG_INFO, (const char *)line, line_len);
    copy(out, text, len);
    return TP_OK;
}
