/* rot13's Wasm port to the ordinary ABI (rot13.c is the legacy library it is proven equal to). */
#include "twinplug.h"

static int shift = 13;

const char *TP_CALL PluginInfo(void)
{
    return "{\"name\":\"rot13\",\"version\":\"1.2.0\",\"abi\":1,"
           "\"description\":\"ROT13 on ASCII letters, other bytes unchanged\"}";
}

int32_t TP_CALL Initialize(const uint8_t *config, uint32_t len)
{
    int value = 0;
    if (len == 0) {
        shift = 13;
        return 0;
    }
    for (uint32_t i = 0; i < len; i++) {
        if (config[i] < '0' || config[i] > '9' || value > 25)
            return 3;
        value = value * 10 + (config[i] - '0');
    }
    if (value > 25)
        return 3;
    shift = value;
    return 0;
}

static uint8_t rotate(uint8_t c)
{
    if (c >= 'a' && c <= 'z')
        return (uint8_t)('a' + (c - 'a' + shift) % 26);
    if (c >= 'A' && c <= 'Z')
        return (uint8_t)('A' + (c - 'A' + shift) % 26);
    return c;
}

int32_t TP_CALL ProcessData(const uint8_t *in, uint32_t in_len, uint8_t *out, uint32_t out_cap,
                            uint32_t *out_len)
{
    *out_len = in_len;
    if (out_cap < in_len)
        return TP_BUFFER_TOO_SMALL;
    for (uint32_t i = 0; i < in_len; i++)
        out[i] = rotate(in[i]);
    return TP_OK;
}
