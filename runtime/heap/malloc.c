// SPDX-License-Identifier: BSD-2-Clause
/*
 * The C allocation functions for guest components, over one process-wide
 * kaal_heap. Only libkaal (the guest library) contains this file: host
 * tests link the heap alone and keep the host libc's malloc.
 *
 * The heap starts empty; the component's start-up code (or the component)
 * gives it memory with kaal_heap_add_region(kaal_malloc_heap(), ...). Until
 * then malloc returns NULL. Misuse (double free, foreign pointer) is printed
 * on the console and otherwise ignored, so a buggy free cannot corrupt the
 * heap. Components are single threaded, so there is no lock.
 */
#include <kaal/heap.h>
#include <kaal/stdio.h>

static kaal_heap_t malloc_heap;
static bool malloc_heap_ready;

static void print_misuse(kaal_heap_misuse_t what, const void *ptr, void *ctx)
{
    (void)ctx;
    printf("heap: %s %p\n",
           what == KAAL_HEAP_MISUSE_FOREIGN_POINTER ? "free of a pointer not from the heap"
                                                    : "free of a block that is not allocated",
           ptr);
}

kaal_heap_t *kaal_malloc_heap(void)
{
    if (!malloc_heap_ready) {
        kaal_heap_init(&malloc_heap);
        kaal_heap_set_misuse_hook(&malloc_heap, print_misuse, NULL);
        malloc_heap_ready = true;
    }
    return &malloc_heap;
}

void *malloc(size_t size_bytes)
{
    return kaal_heap_alloc(kaal_malloc_heap(), size_bytes);
}

void free(void *ptr)
{
    kaal_heap_free(kaal_malloc_heap(), ptr);
}

void *calloc(size_t n, size_t size_bytes)
{
    return kaal_heap_calloc(kaal_malloc_heap(), n, size_bytes);
}

void *realloc(void *ptr, size_t size_bytes)
{
    return kaal_heap_realloc(kaal_malloc_heap(), ptr, size_bytes);
}

void *aligned_alloc(size_t align_bytes, size_t size_bytes)
{
    return kaal_heap_aligned_alloc(kaal_malloc_heap(), align_bytes, size_bytes);
}
