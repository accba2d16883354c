/*
 * lz4-block-decode: LZ4's block decoder (upstream lz4.c, unmodified) behind the twinplug ABI,
 * the inverse of lz4-block: a 4-byte little-endian length, then one LZ4 block. It is the
 * decoder of lz4-block's `decode` comparator (plugin.json).
 */
#include "lz4.h"
#include "twinplug.h"

#define PREFIX 4u
/* Largest decoded size accepted: a forged prefix cannot make the host allocate more. */
#define MAX_DECODED (64u * 1024u * 1024u)
#define ERR_SHORT (-1)
#define ERR_TOO_LARGE (-2)
#define ERR_MALFORMED (-3)

const char *TP_CALL PluginInfo(void)
{
    return "{\"name\":\"lz4-block-decode\",\"version\":\"1.9.2\",\"abi\":1,"
           "\"description\":\"LZ4 block decompression (upstream lz4.c) of lz4-block's output\"}";
}

int32_t TP_CALL ProcessData(const uint8_t *in, uint32_t in_len, uint8_t *out, uint32_t out_cap,
                            uint32_t *out_len)
{
    uint32_t size;
    int decoded;

    if (in_len < PREFIX)
        return ERR_SHORT;
    size = (uint32_t)in[0] | (uint32_t)in[1] << 8 | (uint32_t)in[2] << 16 | (uint32_t)in[3] << 24;
    if (size > MAX_DECODED || in_len - PREFIX > (uint32_t)LZ4_MAX_INPUT_SIZE)
        return ERR_TOO_LARGE;
    *out_len = size;
    if (out_cap < size)
        return TP_BUFFER_TOO_SMALL;
    decoded = LZ4_decompress_safe((const char *)in + PREFIX, (char *)out, (int)(in_len - PREFIX),
                                  (int)size);
    if (decoded < 0 || (uint32_t)decoded != size)
        return ERR_MALFORMED;
    return TP_OK;
}
