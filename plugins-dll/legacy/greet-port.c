/* greet's Wasm port to the ordinary ABI (greet.c is the legacy library it is proven equal to). */
#include "twinplug.h"

const char *TP_CALL PluginInfo(void)
{
    return "{\"name\":\"greet\",\"version\":\"1.0.0\",\"abi\":1,"
           "\"description\":\"Hello, <name>!\"}";
}

int32_t TP_CALL ProcessData(const uint8_t *in, uint32_t in_len, uint8_t *out, uint32_t out_cap,
                            uint32_t *out_len)
{
    static const uint8_t stranger[] = "stranger";
    static const uint8_t query[] = "?outstanding";
    /* greet.c answers this with its count of strings not freed yet: none, when the host frees. */
    if (in_len == sizeof query - 1) {
        uint32_t i = 0;
        while (i < in_len && in[i] == query[i])
            i++;
        if (i == in_len) {
            *out_len = 1;
            if (out_cap < 1)
                return TP_BUFFER_TOO_SMALL;
            out[0] = '0';
            return TP_OK;
        }
    }
    const uint8_t *who = in_len == 0 ? stranger : in;
    uint32_t who_len = in_len == 0 ? sizeof stranger - 1 : in_len;
    *out_len = who_len + 8;
    if (out_cap < *out_len)
        return TP_BUFFER_TOO_SMALL;
    const uint8_t hello[] = "Hello, ";
    for (uint32_t i = 0; i < 7; i++)
        out[i] = hello[i];
    for (uint32_t i = 0; i < who_len; i++)
        out[7 + i] = who[i];
    out[7 + who_len] = '!';
    return TP_OK;
}
