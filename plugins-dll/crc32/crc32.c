/* crc32: CRC-32/IEEE 802.3 of the whole input, 4 bytes big-endian (docs/samples.md). */
#include "twinplug.h"

#define CRC32_POLY 0xEDB88320u

const char *TP_CALL PluginInfo(void)
{
    return "{\"name\":\"crc32\",\"version\":\"1.0.0\",\"abi\":1,"
           "\"description\":\"CRC-32/IEEE of the input, 4 bytes big-endian\"}";
}

/* Built per call on the stack: 2 KiB of work, and no shared state to race on. */
static void crc32_table(uint32_t table[256])
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? CRC32_POLY ^ (c >> 1) : c >> 1;
        table[n] = c;
    }
}

int32_t TP_CALL ProcessData(const uint8_t *in, uint32_t in_len, uint8_t *out, uint32_t out_cap,
                            uint32_t *out_len)
{
    uint32_t table[256];
    uint32_t crc = 0xFFFFFFFFu;

    *out_len = 4;
    if (out_cap < 4)
        return TP_BUFFER_TOO_SMALL;
    crc32_table(table);
    for (uint32_t i = 0; i < in_len; i++)
        crc = table[(crc ^ in[i]) & 0xFF] ^ (crc >> 8);
    crc ^= 0xFFFFFFFFu;
    out[0] = (uint8_t)(crc >> 24);
    out[1] = (uint8_t)(crc >> 16);
    out[2] = (uint8_t)(crc >> 8);
    out[3] = (uint8_t)crc;
    return TP_OK;
}
