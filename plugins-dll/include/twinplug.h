/*
 * twinplug plugin ABI, version 1.
 *
 * One C source that includes this header builds to a native shared library
 * (.dll, .so, .dylib) and to a wasm32 module (clang --target=wasm32 -nostdlib).
 * The full contract is in docs/abi.md; this header is its C form.
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
