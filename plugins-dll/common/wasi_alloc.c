/*
 * wasm32-wasi builds with a libc only: the alloc/dealloc exports the host uses to place inputs
 * and outputs in linear memory, served by the libc's malloc like the plugin's own allocations.
 */
#if !defined(__wasi__)
#error "wasi_alloc.c is for wasm32-wasi builds only"
#endif

#include <stdlib.h>

#include "twinplug.h"

void *alloc(uint32_t size)
{
    /* malloc(0) may return NULL, which the host would take for "out of memory". */
    return malloc(size ? size : 1);
}

void dealloc(void *ptr, uint32_t size)
{
    (void)size;
    free(ptr);
}
