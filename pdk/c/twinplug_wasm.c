/*
 * twinplug C PDK, the Wasm half: the alloc/dealloc exports the host uses to place inputs and
 * outputs in linear memory. Compile it beside the plugin's source for every Wasm build; for a
 * native build it compiles to nothing (the host owns the buffers there), so a build script may
 * pass it always.
 *
 * - wasm32-wasi with wasi-libc: alloc/dealloc over malloc/free, so the libc's allocator serves
 *   the host and the plugin alike (define TWINPLUG_FREESTANDING to use the free list instead).
 * - freestanding wasm32 (-nostdlib): a best-fit free list over a heap that starts at
 *   __heap_base and grows memory a page at a time; freed blocks at the top of the heap are handed
 *   back to the bump pointer. Memory copies are compiled to bulk-memory instructions
 *   (-mbulk-memory), so no memcpy is needed.
 */
#include "twinplug.h"

#if defined(__wasi__) && !defined(TWINPLUG_FREESTANDING)

#include <stdlib.h>

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

#elif defined(__wasm__)

#include <stddef.h>

#define PAGE_SIZE 65536u
#define ALIGN 16u

/* Precedes every block; HEADER_SIZE keeps payloads ALIGN-aligned. */
typedef struct block {
    uint32_t size; /* payload bytes */
    struct block *next; /* while on the free list */
} block;

#define HEADER_SIZE ((uint32_t)((sizeof(block) + ALIGN - 1) & ~(ALIGN - 1)))

extern unsigned char __heap_base; /* defined by wasm-ld: the first byte after static data */

static uintptr_t heap_top; /* first byte not handed out */
static block *free_list;

static uint64_t align_up(uint64_t n)
{
    return (n + ALIGN - 1) & ~(uint64_t)(ALIGN - 1);
}

/* Grows memory until it holds [0, end); 0 when it cannot. */
static int reserve(uint64_t end)
{
    uint64_t have = (uint64_t)__builtin_wasm_memory_size(0) * PAGE_SIZE;
    uint64_t pages;
    if (end <= have)
        return 1;
    pages = (end - have + PAGE_SIZE - 1) / PAGE_SIZE;
    return __builtin_wasm_memory_grow(0, (size_t)pages) != (size_t)-1;
}

static void *payload(block *b)
{
    return (unsigned char *)b + HEADER_SIZE;
}

/* Takes the smallest free block that fits, or NULL. */
static block *take_free(uint32_t size)
{
    block **best = NULL;
    for (block **p = &free_list; *p; p = &(*p)->next)
        if ((*p)->size >= size && (!best || (*p)->size < (*best)->size))
            best = p;
    if (!best)
        return NULL;
    block *b = *best;
    *best = b->next;
    return b;
}

void *alloc(uint32_t size)
{
    uint64_t need = align_up(size ? size : 1);
    uint64_t end;
    block *b;
    if (need > 0xFFFFFFFFu)
        return NULL;
    b = take_free((uint32_t)need);
    if (b)
        return payload(b);
    if (!heap_top)
        heap_top = (uintptr_t)align_up((uintptr_t)&__heap_base);
    end = (uint64_t)heap_top + HEADER_SIZE + need;
    if (end > 0xFFFFFFFFu || !reserve(end))
        return NULL;
    b = (block *)heap_top;
    b->size = (uint32_t)need;
    heap_top = (uintptr_t)end;
    return payload(b);
}

/* Removes from the free list the block that ends at heap_top, if any. */
static block *take_top(void)
{
    for (block **p = &free_list; *p; p = &(*p)->next) {
        block *b = *p;
        if ((uintptr_t)payload(b) + b->size == heap_top) {
            *p = b->next;
            return b;
        }
    }
    return NULL;
}

void dealloc(void *ptr, uint32_t size)
{
    block *b;
    (void)size; /* the header knows */
    if (!ptr)
        return;
    b = (block *)((unsigned char *)ptr - HEADER_SIZE);
    b->next = free_list;
    free_list = b;
    while ((b = take_top()) != NULL)
        heap_top = (uintptr_t)b;
}

#else

/* A native build: nothing to define (ISO C wants one declaration per translation unit). */
typedef int tp_native_build_has_no_allocator;

#endif
