/* upper: ASCII upper-case, every other byte unchanged (docs/samples.md). */
#include "twinplug.h"

const char *TP_CALL PluginInfo(void)
{
    return "{\"name\":\"upper\",\"version\":\"1.0.0\",\"abi\":1,"
           "\"description\":\"ASCII upper-case; other bytes unchanged\"}";
}

int32_t TP_CALL ProcessData(const uint8_t *in, uint32_t in_len, uint8_t *out, uint32_t out_cap,
                            uint32_t *out_len)
{
    *out_len = in_len;
    if (out_cap < in_len)
        return TP_BUFFER_TOO_SMALL;
    for (uint32_t i = 0; i < in_len; i++) {
        uint8_t b = in[i];
        out[i] = (b >= 'a' && b <= 'z') ? (uint8_t)(b - ('a' - 'A')) : b;
    }
    return TP_OK;
}
