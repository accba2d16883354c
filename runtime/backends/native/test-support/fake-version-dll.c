/* Stands in for version.dll in tests off Windows: the three functions readPeFileVersion calls,
 * with their Win32 signatures (WCHAR strings as uint16_t), over a made-up version resource whose
 * VS_FIXEDFILEINFO says 1.2.3.4 and sits 40 bytes into the block. Files whose name does not end
 * in ".dll" have no version resource. */
#include <stdint.h>
#include <string.h>

#define BLOCK_SIZE 256u
#define FIXED_OFFSET 40u

static int ends_with_dll(const uint16_t *name)
{
    size_t n = 0;
    while (name[n])
        n++;
    return n >= 4 && name[n - 4] == '.' && name[n - 3] == 'd' && name[n - 2] == 'l' &&
           name[n - 1] == 'l';
}

uint32_t GetFileVersionInfoSizeW(const uint16_t *name, uint32_t *handle)
{
    *handle = 0;
    return ends_with_dll(name) ? BLOCK_SIZE : 0;
}

int GetFileVersionInfoW(const uint16_t *name, uint32_t handle, uint32_t len, void *data)
{
    (void)handle;
    if (!ends_with_dll(name) || len < BLOCK_SIZE)
        return 0;
    const uint32_t fixed[13] = {0xFEEF04BDu, 0x00010000u, (1u << 16) | 2u, (3u << 16) | 4u,
                                (5u << 16) | 6u, (7u << 16) | 8u};
    memset(data, 0xAB, len);
    memcpy((uint8_t *)data + FIXED_OFFSET, fixed, sizeof fixed);
    return 1;
}

int VerQueryValueW(const void *block, const uint16_t *sub_block, void **buffer, uint32_t *len)
{
    if (sub_block[0] != '\\' || sub_block[1] != 0)
        return 0;
    *buffer = (uint8_t *)block + FIXED_OFFSET;
    *len = 52;
    return 1;
}
