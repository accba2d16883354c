/*
 * lz4-block: LZ4's block compressor (upstream lz4.c, unmodified) behind the twinplug ABI.
 * Output: the input's length as 4 bytes little-endian, then one LZ4 block
 * (LZ4_compress_default). The prefix lets lz4-block-decode size its output.
 */
#include "lz4.h"
#include "twinplug.h"

#define PREFIX 4u
#define ERR_TOO_LARGE (-1)
#define ERR_COMPRESS (-2)

const char *TP_CALL PluginInfo(void)
{
    return "{\"name\":\"lz4-block\",\"version\":\"1.9.2\",\"abi\":1,"
           "\"description\":\"LZ4 block compression (upstream lz4.c), size-prefixed\"}";
}

int32_t TP_CALL ProcessData(const uint8_t *in, uint32_t in_len, uint8_t *out, uint32_t out_cap,
                            uint32_t *out_len)
{
    int bound;
    int written;

    if (in_len > LZ4_MAX_INPUT_SIZE)
        return ERR_TOO_LARGE;
    bound = LZ4_compressBound((int)in_len);
    *out_len = PREFIX + (uint32_t)bound;
    if (out_cap < *out_len)
        return TP_BUFFER_TOO_SMALL;
    written = LZ4_compress_default((const char *)in, (char *)out + PREFIX, (int)in_len, bound);
    if (written <= 0)
        return ERR_COMPRESS;
    out[0] = (uint8_t)in_len;
    out[1] = (uint8_t)(in_len >> 8);
    out[2] = (uint8_t)(in_len >> 16);
    out[3] = (uint8_t)(in_len >> 24);
    *out_len = PREFIX + (uint32_t)written;
    return TP_OK;
}
