/*
 * xxhash: xxHash's XXH32 and XXH64 (upstream xxhash.c, unmodified) behind the twinplug ABI.
 * Output: 12 bytes, XXH32 then XXH64 of the whole input with seed 0, each in xxHash's
 * canonical (big-endian) form.
 */
#include "twinplug.h"
#include "xxhash.h"

const char *TP_CALL PluginInfo(void)
{
    return "{\"name\":\"xxhash\",\"version\":\"0.6.5\",\"abi\":1,"
           "\"description\":\"XXH32 and XXH64 (upstream xxhash.c) of the input, canonical form\"}";
}

int32_t TP_CALL ProcessData(const uint8_t *in, uint32_t in_len, uint8_t *out, uint32_t out_cap,
                            uint32_t *out_len)
{
    XXH32_canonical_t h32;
    XXH64_canonical_t h64;

    *out_len = sizeof h32.digest + sizeof h64.digest;
    if (out_cap < *out_len)
        return TP_BUFFER_TOO_SMALL;
    XXH32_canonicalFromHash(&h32, XXH32(in, in_len, 0));
    XXH64_canonicalFromHash(&h64, XXH64(in, in_len, 0));
    for (uint32_t i = 0; i < sizeof h32.digest; i++)
        out[i] = h32.digest[i];
    for (uint32_t i = 0; i < sizeof h64.digest; i++)
        out[sizeof h32.digest + i] = h64.digest[i];
    return TP_OK;
}
