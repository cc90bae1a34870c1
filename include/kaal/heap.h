/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kaal_heap: the component heap. A buddy allocator over memory regions the
 * component was given (kaal_heap_add_region may be called more than once),
 * with per-size-class slab caches on top for small requests.
 *
 * - Every block is aligned to its own size (absolute address), so
 *   kaal_heap_aligned_alloc is an ordinary buddy allocation.
 * - Metadata lives out of line: one byte per 64-byte granule at the start
 *   of each region, so user blocks have no header in front of them.
 * - kaal_heap_free reports misuse instead of corrupting the heap: a pointer
 *   outside every region is KAAL_EINVAL, a pointer inside the heap that is
 *   not a live allocation (double free, interior pointer) is KAAL_ENOENT.
 *   Both are counted in the statistics and passed to the misuse hook.
 * - One heap is used by one thread at a time (components are single
 *   threaded today); the heap takes no lock.
 *
 * See runtime/heap/README.md for the design and figures.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaal/error.h>

/* Granule of the buddy core: the smallest block, and the unit of metadata. */
#define KAAL_HEAP_GRANULE_BYTES 64u
/* Smallest alignment every allocation has (like malloc's max_align_t). */
#define KAAL_HEAP_MIN_ALIGN_BYTES 16u
/* Buddy orders: block of order k is KAAL_HEAP_GRANULE_BYTES << k bytes. */
#define KAAL_HEAP_MAX_ORDER 31u
/* Freed blocks up to this order are cached (up to KAAL_HEAP_QUICK_DEPTH
 * per order) and reused before the buddy core is asked; they coalesce when
 * an allocation would otherwise fail, or on kaal_heap_trim. */
#define KAAL_HEAP_QUICK_MAX_ORDER 10u
#define KAAL_HEAP_QUICK_DEPTH 8u
#define KAAL_HEAP_MAX_REGIONS 16u
/* Small requests up to this size come from slab caches. */
#define KAAL_HEAP_SLAB_MAX_BYTES 1024u
#define KAAL_HEAP_N_CLASSES 12u

/* How a misuse was detected; passed to the misuse hook. */
typedef enum {
    KAAL_HEAP_MISUSE_FOREIGN_POINTER, /* not inside any region of this heap */
    KAAL_HEAP_MISUSE_NOT_ALLOCATED,   /* inside the heap, not a live block (double free) */
} kaal_heap_misuse_t;

typedef void (*kaal_heap_misuse_hook_t)(kaal_heap_misuse_t what, const void *ptr, void *ctx);

/* Internal list link; free buddy blocks and slabs are chained through it. */
struct kaal_heap_link {
    struct kaal_heap_link *next, *prev;
};

struct kaal_heap_region {
    uintptr_t start; /* first byte of the arena (granule aligned) */
    uintptr_t end;   /* one past the last byte of the arena */
    uint8_t *map;    /* one state byte per granule of the arena */
};

struct kaal_heap_class {
    uint32_t object_bytes;
    uint32_t object_recip; /* ceil(2^32 / object_bytes): index = offset * recip >> 32 */
    uint32_t slab_order;   /* buddy order of one slab of this class */
    uint32_t objects_per_slab;
    struct kaal_heap_link partial; /* slabs with at least one free object */
};

/* The heap. Treat every field as private; read figures via kaal_heap_stats. */
typedef struct kaal_heap {
    struct kaal_heap_link free_lists[KAAL_HEAP_MAX_ORDER + 1];
    uint64_t nonempty_orders; /* bit k set <=> free_lists[k] is not empty */
    struct kaal_heap_region regions[KAAL_HEAP_MAX_REGIONS];
    uint32_t n_regions;
    struct kaal_heap_class classes[KAAL_HEAP_N_CLASSES];
    uint8_t class_of[KAAL_HEAP_SLAB_MAX_BYTES / KAAL_HEAP_MIN_ALIGN_BYTES + 1];
    void *quick_lists[KAAL_HEAP_QUICK_MAX_ORDER + 1]; /* cached blocks, chained via first word */
    uint32_t quick_counts[KAAL_HEAP_QUICK_MAX_ORDER + 1];
    size_t cached_bytes; /* bytes in quick lists */
    size_t total_bytes;
    size_t free_bytes;   /* bytes in free buddy blocks */
    size_t in_use_bytes; /* usable bytes of live allocations */
    uint64_t n_allocs, n_frees, n_failed, n_misuse;
    kaal_heap_misuse_hook_t misuse_hook;
    void *misuse_ctx;
} kaal_heap_t;

typedef struct {
    size_t total_bytes;        /* bytes the heap manages (all arenas) */
    size_t in_use_bytes;       /* usable bytes of live allocations */
    size_t free_bytes;         /* bytes in free buddy blocks */
    size_t largest_free_bytes; /* largest single free block */
    size_t cached_bytes;       /* freed blocks kept for quick reuse (kaal_heap_trim frees them) */
    size_t overhead_bytes;     /* the rest: cached blocks, slab headers, free slab objects */
    uint32_t fragmentation_permille; /* 1000 * (1 - largest_free / free); 0 if no free */
    uint64_t n_allocs, n_frees, n_failed, n_misuse;
} kaal_heap_stats_t;

/* Prepares an empty heap (no memory yet). */
void kaal_heap_init(kaal_heap_t *heap);

/* Gives the heap [base, base + size_bytes). The metadata comes out of the
 * region itself (about 1/64 of it). KAAL_EINVAL if the region is too small
 * to hold one block or overlaps a region already added, KAAL_ENOSPC if the
 * heap has KAAL_HEAP_MAX_REGIONS regions already. */
kaal_error_t kaal_heap_add_region(kaal_heap_t *heap, void *base, size_t size_bytes);

/* NULL when out of memory (or size_bytes is 0). Aligned to
 * KAAL_HEAP_MIN_ALIGN_BYTES. */
void *kaal_heap_alloc(kaal_heap_t *heap, size_t size_bytes);
/* n * size zero-filled bytes; NULL on overflow or out of memory. */
void *kaal_heap_calloc(kaal_heap_t *heap, size_t n, size_t size_bytes);
/* align_bytes: a power of two. NULL if it is not, or out of memory. */
void *kaal_heap_aligned_alloc(kaal_heap_t *heap, size_t align_bytes, size_t size_bytes);
/* realloc(NULL, n) allocates; realloc(p, 0) frees p and returns NULL. On
 * failure returns NULL and p stays valid. Contents up to min(old, new)
 * are kept. An invalid p is reported as misuse and NULL is returned. */
void *kaal_heap_realloc(kaal_heap_t *heap, void *ptr, size_t size_bytes);
/* free(NULL) is KAAL_OK and does nothing. */
kaal_error_t kaal_heap_free(kaal_heap_t *heap, void *ptr);

/* Usable size of a live allocation, 0 if ptr is not one. */
/* Gives every cached block and empty slab back to the buddy core, fully
 * coalesced (a heap keeps recently freed blocks and one empty slab per size
 * class so alloc/free pairs do not thrash). */
void kaal_heap_trim(kaal_heap_t *heap);

size_t kaal_heap_usable_size(const kaal_heap_t *heap, const void *ptr);
kaal_heap_stats_t kaal_heap_stats(const kaal_heap_t *heap);
/* Called on every detected misuse (after it is counted); NULL for none. */
void kaal_heap_set_misuse_hook(kaal_heap_t *heap, kaal_heap_misuse_hook_t hook, void *ctx);
/* Walks every structure and checks its invariants (free lists, map, slab
 * bitmaps, byte counts). For tests and debugging; O(heap size). */
bool kaal_heap_check(const kaal_heap_t *heap);

#if defined(__STDC_HOSTED__) && __STDC_HOSTED__ == 0
/* Guest components only (runtime/heap/malloc.c): the C allocation functions
 * over one process-wide heap. Memory arrives through
 * kaal_heap_add_region(kaal_malloc_heap(), ...). Misuse is printed on the
 * console. */
kaal_heap_t *kaal_malloc_heap(void);
void *malloc(size_t size_bytes);
void free(void *ptr);
void *calloc(size_t n, size_t size_bytes);
void *realloc(void *ptr, size_t size_bytes);
void *aligned_alloc(size_t align_bytes, size_t size_bytes);
#endif
