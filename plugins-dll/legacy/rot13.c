/*
 * rot13: a legacy flat-C library with its own prototypes, __stdcall on 32-bit Windows and the
 * length-pointer convention: *outLen holds the buffer's size on entry and the bytes written on
 * return. Any bytes in, ROT13 on ASCII letters. Its Wasm port is rot13-port.c.
 */
#include <stddef.h>

#if defined(_WIN32)
#define LEGACY_EXPORT __declspec(dllexport)
#define LEGACY_CALL __stdcall
#else
#define LEGACY_EXPORT __attribute__((visibility("default")))
#define LEGACY_CALL
#endif

static int shift = 13;
static int initialized = 0;

LEGACY_EXPORT const char *LEGACY_CALL Rot13Info(void)
{
    return "{\"name\":\"rot13\",\"version\":\"1.2.0\",\"abi\":1,"
           "\"description\":\"ROT13 on ASCII letters, other bytes unchanged\"}";
}

/* config: "" or a decimal shift from 0 to 25; anything else fails (returns 3). */
LEGACY_EXPORT int LEGACY_CALL Rot13Init(const char *config)
{
    int value = 0;
    if (config[0] == 0) {
        shift = 13;
        initialized = 1;
        return 0;
    }
    for (const char *p = config; *p != 0; p++) {
        if (*p < '0' || *p > '9' || value > 25)
            return 3;
        value = value * 10 + (*p - '0');
    }
    if (value > 25)
        return 3;
    shift = value;
    initialized = 1;
    return 0;
}

LEGACY_EXPORT void LEGACY_CALL Rot13Shutdown(void) { initialized = 0; }

static char rotate(char c)
{
    if (c >= 'a' && c <= 'z')
        return (char)('a' + (c - 'a' + shift) % 26);
    if (c >= 'A' && c <= 'Z')
        return (char)('A' + (c - 'A' + shift) % 26);
    return c;
}

/* 0 on success; -2 (with *outLen = len) when the buffer is too small; -1 before init. */
LEGACY_EXPORT int LEGACY_CALL Transform(const char *in, int len, char *out, int *outLen)
{
    if (!initialized)
        return -1;
    if (*outLen < len) {
        *outLen = len;
        return -2;
    }
    for (int i = 0; i < len; i++)
        out[i] = rotate(in[i]);
    *outLen = len;
    return 0;
}

/* Writes past the buffer whatever its size: the overrun the host's guard must catch. */
LEGACY_EXPORT int LEGACY_CALL TransformOverrun(const char *in, int len, char *out, int *outLen)
{
    int n = *outLen + 16;
    (void)in;
    (void)len;
    for (int i = 0; i < n; i++)
        out[i] = 'x';
    *outLen = 0;
    return 0;
}
