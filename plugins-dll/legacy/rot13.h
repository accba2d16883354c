/* rot13.h: the vendor header that comes with rot13.dll (docs/legacy-dlls.md starts from it). */
#ifndef ROT13_H
#define ROT13_H

#if defined(_WIN32)
#define ROT13_API __declspec(dllimport)
#define ROT13_CALL __stdcall
#else
#define ROT13_API
#define ROT13_CALL
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* PluginInfo-style JSON: name, version, abi, description. */
ROT13_API const char *ROT13_CALL Rot13Info(void);
/* "" or a shift from 0 to 25; returns 0 on success. */
ROT13_API int ROT13_CALL Rot13Init(const char *config);
ROT13_API void ROT13_CALL Rot13Shutdown(void);
/* *outLen: the buffer's size on entry, the bytes written on return. 0 on success. */
ROT13_API int ROT13_CALL Transform(const char *in, int len, char *out, int *outLen);

#ifdef __cplusplus
}
#endif

#endif
