/*
 * twinplug C PDK: the plugin ABI, version 1, and host API v1 (docs/abi.md, docs/host-api.md).
 *
 * One C source that includes this header builds to a native shared library (.dll, .so, .dylib)
 * and to a wasm32 module; Wasm builds add twinplug_wasm.c (alloc/dealloc) from this folder.
 * With PDK the path of this folder (node_modules/twinplug/pdk/c in a project that depends on
 * twinplug):
 *
 *   cc -std=c11 -O2 -shared -fPIC -fvisibility=hidden -I $PDK plugin.c -o plugin.so
 *   cl /nologo /std:c11 /LD /O2 /I %PDK% plugin.c /Fe:plugin.dll
 *   x86_64-w64-mingw32-gcc -std=c11 -O2 -shared -I $PDK plugin.c -o plugin.dll
 *   clang --target=wasm32 -std=c11 -O2 -nostdlib -mbulk-memory -Wl,--no-entry -Wl,--stack-first
 *       -I $PDK plugin.c $PDK/twinplug_wasm.c -o plugin.wasm
 *   clang --target=wasm32-wasi -mexec-model=reactor -std=c11 -O2 -I $PDK plugin.c
 *       $PDK/twinplug_wasm.c -o plugin.wasm     (a libc: wasi-libc; grant "wasi" to load it)
 */
#ifndef TWINPLUG_H
#define TWINPLUG_H

#include <stdint.h>

#define TWINPLUG_ABI_VERSION 1

/* ProcessData return values. Negative values are plugin-defined errors. */
#define TP_OK 0
#define TP_BUFFER_TOO_SMALL 1

/* The only compiler-specific code of the ABI: how a symbol is exported. */
#if defined(__wasm__)
#define TP_EXPORT(name) __attribute__((export_name(#name)))
#elif defined(_WIN32)
#define TP_EXPORT(name) __declspec(dllexport)
#else
#define TP_EXPORT(name) __attribute__((visibility("default")))
#endif

/* Declare TWINPLUG_STDCALL to build a 32-bit Windows DLL with __stdcall exports. */
#if defined(_WIN32) && !defined(_WIN64) && defined(TWINPLUG_STDCALL)
#define TP_CALL __stdcall
#else
#define TP_CALL
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Required. Returns TP_OK with *out_len bytes written to out, TP_BUFFER_TOO_SMALL with
 * *out_len set to the capacity needed (the host calls again once with that capacity), or a
 * negative plugin-defined error code. Must be deterministic for a given input and state. */
TP_EXPORT(ProcessData)
int32_t TP_CALL ProcessData(const uint8_t *in, uint32_t in_len, uint8_t *out, uint32_t out_cap,
                            uint32_t *out_len);

/* Optional. NUL-terminated JSON: {"name","version" (semver),"abi":1,"description"}. */
TP_EXPORT(PluginInfo)
const char *TP_CALL PluginInfo(void);

/* Optional. Called once after loading with the host's config bytes (len may be 0).
 * Non-zero means initialisation failed and the plugin is not used. */
TP_EXPORT(Initialize)
int32_t TP_CALL Initialize(const uint8_t *config, uint32_t len);

/* Optional. Called once before the host unloads the plugin. */
TP_EXPORT(Cleanup)
void TP_CALL Cleanup(void);

/* ---- Host API v1 (docs/host-api.md) -----------------------------------------------------
 * What a plugin may ask its host, each function only when the plugin is granted it
 * (`capabilities`). One source calls tp_log, tp_kv_get, tp_kv_set, tp_kv_delete and
 * tp_call_host on both backends: in wasm32 they are imports from module "twinplug_v1" (only
 * the ones called are imported); natively they go through the table the host passes to
 * twinplug_set_host before Initialize. Define TWINPLUG_HOST_IMPLEMENTATION in exactly one
 * source file of a native plugin that uses them, before including this header: it defines
 * that export. Every function returns TP_OK or a TP_ERR_* code; kv_get and call_host follow the
 * two-call protocol of ProcessData (TP_BUFFER_TOO_SMALL with *out_len = the size needed; a
 * host function's result is kept for the immediate retry with the same name and input). */
#define TP_ERR_DENIED (-1)      /* not granted, or no host table (native) */
#define TP_ERR_BOUNDS (-2)      /* a pointer or length outside the plugin's memory; NULL */
#define TP_ERR_INVALID (-3)     /* a log level out of range, a message or name not UTF-8 */
#define TP_ERR_TOO_LARGE (-4)   /* a key, value, input or output over its limit */
#define TP_ERR_QUOTA (-5)       /* kv_set would take the store over its byte quota */
#define TP_ERR_NOT_FOUND (-6)   /* no such key; no such host function */
#define TP_ERR_HOST_FAILED (-7) /* the host function failed */
#define TP_ERR_CLOSED (-8)      /* called during or after Cleanup */
#define TP_ERR_RATE (-9)        /* log line dropped: over the lines-per-second limit */

#define TP_LOG_DEBUG 0
#define TP_LOG_INFO 1
#define TP_LOG_WARN 2
#define TP_LOG_ERROR 3

/* The native host table, in the order of HOST_API_V1 (runtime/host/api.ts). */
typedef struct tp_host_v1 {
    uint32_t version; /* 1 */
    uint32_t size;    /* sizeof the table the host passed */
    int32_t (*log)(int32_t level, const uint8_t *msg, uint32_t len);
    int32_t (*kv_get)(const uint8_t *key, uint32_t key_len, uint8_t *out, uint32_t out_cap,
                      uint32_t *out_len);
    int32_t (*kv_set)(const uint8_t *key, uint32_t key_len, const uint8_t *val, uint32_t val_len);
    int32_t (*kv_delete)(const uint8_t *key, uint32_t key_len);
    int32_t (*call_host)(const uint8_t *name, uint32_t name_len, const uint8_t *in,
                         uint32_t in_len, uint8_t *out, uint32_t out_cap, uint32_t *out_len);
} tp_host_v1;

#if defined(__wasm__)
#define TP_HOST_IMPORT(name) __attribute__((import_module("twinplug_v1"), import_name(#name)))
TP_HOST_IMPORT(log) int32_t tp_host_log(int32_t level, const uint8_t *msg, uint32_t len);
TP_HOST_IMPORT(kv_get)
int32_t tp_host_kv_get(const uint8_t *key, uint32_t key_len, uint8_t *out, uint32_t out_cap,
                       uint32_t *out_len);
TP_HOST_IMPORT(kv_set)
int32_t tp_host_kv_set(const uint8_t *key, uint32_t key_len, const uint8_t *val,
                       uint32_t val_len);
TP_HOST_IMPORT(kv_delete) int32_t tp_host_kv_delete(const uint8_t *key, uint32_t key_len);
TP_HOST_IMPORT(call_host)
int32_t tp_host_call_host(const uint8_t *name, uint32_t name_len, const uint8_t *in,
                          uint32_t in_len, uint8_t *out, uint32_t out_cap, uint32_t *out_len);
#define TP_HOST_FN(name) tp_host_##name
#else
/* Optional export: receives the host table before Initialize (copied: the host's copy is
 * temporary). Defined by the source that defines TWINPLUG_HOST_IMPLEMENTATION. */
TP_EXPORT(twinplug_set_host)
void TP_CALL twinplug_set_host(const tp_host_v1 *host);
extern tp_host_v1 tp_host_table;
#define TP_HOST_FN(name) (tp_host_table.name ? tp_host_table.name : tp_host_denied_##name)
static inline int32_t tp_host_denied_log(int32_t a, const uint8_t *b, uint32_t c)
{
    (void)a, (void)b, (void)c;
    return TP_ERR_DENIED;
}
static inline int32_t tp_host_denied_kv_get(const uint8_t *a, uint32_t b, uint8_t *c, uint32_t d,
                                            uint32_t *e)
{
    (void)a, (void)b, (void)c, (void)d, (void)e;
    return TP_ERR_DENIED;
}
static inline int32_t tp_host_denied_kv_set(const uint8_t *a, uint32_t b, const uint8_t *c,
                                            uint32_t d)
{
    (void)a, (void)b, (void)c, (void)d;
    return TP_ERR_DENIED;
}
static inline int32_t tp_host_denied_kv_delete(const uint8_t *a, uint32_t b)
{
    (void)a, (void)b;
    return TP_ERR_DENIED;
}
static inline int32_t tp_host_denied_call_host(const uint8_t *a, uint32_t b, const uint8_t *c,
                                               uint32_t d, uint8_t *e, uint32_t f, uint32_t *g)
{
    (void)a, (void)b, (void)c, (void)d, (void)e, (void)f, (void)g;
    return TP_ERR_DENIED;
}
#ifdef TWINPLUG_HOST_IMPLEMENTATION
tp_host_v1 tp_host_table;
void TP_CALL twinplug_set_host(const tp_host_v1 *host)
{
    static const tp_host_v1 none;
    tp_host_table = none;
    if (host && host->version == 1 && host->size >= sizeof(tp_host_v1))
        tp_host_table = *host;
}
#endif
#endif

/* Writes one log line (msg need not be NUL-terminated; UTF-8). */
static inline int32_t tp_log(int32_t level, const char *msg, uint32_t len)
{
    return TP_HOST_FN(log)(level, (const uint8_t *)msg, len);
}

static inline int32_t tp_kv_get(const void *key, uint32_t key_len, void *out, uint32_t out_cap,
                                uint32_t *out_len)
{
    return TP_HOST_FN(kv_get)((const uint8_t *)key, key_len, (uint8_t *)out, out_cap, out_len);
}

static inline int32_t tp_kv_set(const void *key, uint32_t key_len, const void *val,
                                uint32_t val_len)
{
    return TP_HOST_FN(kv_set)((const uint8_t *)key, key_len, (const uint8_t *)val, val_len);
}

static inline int32_t tp_kv_delete(const void *key, uint32_t key_len)
{
    return TP_HOST_FN(kv_delete)((const uint8_t *)key, key_len);
}

/* Calls the host function registered under `name` (UTF-8, name_len bytes). */
static inline int32_t tp_call_host(const char *name, uint32_t name_len, const void *in,
                                   uint32_t in_len, void *out, uint32_t out_cap,
                                   uint32_t *out_len)
{
    return TP_HOST_FN(call_host)((const uint8_t *)name, name_len, (const uint8_t *)in, in_len,
                                 (uint8_t *)out, out_cap, out_len);
}

#if defined(__wasm__)
/* Wasm only: the host writes inputs into memory it obtained from alloc. */
TP_EXPORT(alloc)
void *alloc(uint32_t size);

/* Wasm only, optional: returns memory obtained from alloc. */
TP_EXPORT(dealloc)
void dealloc(void *ptr, uint32_t size);
#endif

#ifdef __cplusplus
}
#endif

#endif /* TWINPLUG_H */
