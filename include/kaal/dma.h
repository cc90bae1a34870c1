/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kaal_dma: buffers a device can reach by physical address.
 *
 * A component gives the pool regions of memory it has mapped and knows the
 * physical address of: (vaddr, paddr, size, cache attribute). In a guest
 * these come from frames the capability broker granted (one region per
 * physically contiguous run of frames); on the host, tests make the
 * physical addresses up. Every buffer lies inside one region, so it is
 * physically contiguous, and its physical address has the requested
 * alignment.
 *
 * The pool's own bookkeeping (bitmaps) lives in ordinary memory from a
 * kaal_heap, never inside the DMA memory, so a device (or a peer) writing
 * into its buffers cannot corrupt the allocator.
 *
 * kaal_dma_fixed_pool_t: N equal buffers carved from one contiguous
 * allocation, O(1) get/put by index, for NIC and virtio rings (the index
 * or the offset from the backing buffer goes into ring descriptors).
 *
 * One pool is used by one thread at a time.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kaal/error.h>
#include <kaal/heap.h>

#define KAAL_DMA_PAGE_BYTES 4096u
#define KAAL_DMA_GRANULE_BYTES 64u /* allocation unit and default alignment */
#define KAAL_DMA_MAX_REGIONS 16u
#define KAAL_DMA_BAD_PADDR UINT64_MAX

/* Cache attribute of a region (and of every buffer cut from it). */
#define KAAL_DMA_CACHED 0u   /* normal write-back memory (coherent DMA, e.g. x86) */
#define KAAL_DMA_UNCACHED 1u /* mapped uncached: device-shared without cache maintenance */

typedef struct {
    void *vaddr;
    uint64_t paddr;
    size_t size_bytes; /* as requested */
    uint32_t flags;    /* KAAL_DMA_CACHED or KAAL_DMA_UNCACHED */
} kaal_dma_buf_t;

struct kaal_dma_region {
    uint8_t *vaddr;
    uint64_t paddr;
    size_t size_bytes;
    uint32_t flags;
    size_t n_granules;
    size_t n_free_granules;
    uint64_t *used;   /* bit per granule: part of a live buffer */
    uint64_t *starts; /* bit per granule: first granule of a live buffer */
};

/* Treat every field as private. */
typedef struct {
    kaal_heap_t *meta; /* bookkeeping memory */
    struct kaal_dma_region regions[KAAL_DMA_MAX_REGIONS];
    uint32_t n_regions;
} kaal_dma_pool_t;

/* An empty pool whose bookkeeping comes from meta_heap. */
void kaal_dma_pool_init(kaal_dma_pool_t *pool, kaal_heap_t *meta_heap);
/* Gives the pool [vaddr, vaddr + size_bytes) mapped at physical paddr.
 * vaddr, paddr and size_bytes must be page multiples; flags is a cache
 * attribute. KAAL_EINVAL for bad arguments or overlap with a region the
 * pool has (virtual or physical), KAAL_ENOSPC when KAAL_DMA_MAX_REGIONS are
 * in use, KAAL_ENOMEM when the bookkeeping does not fit in meta_heap. */
kaal_error_t kaal_dma_add_region(kaal_dma_pool_t *pool, void *vaddr, uint64_t paddr,
                                 size_t size_bytes, uint32_t flags);
/* Returns the pool's bookkeeping to its heap. The pool must be empty of
 * live buffers for the memory to be reusable; the regions stay the
 * component's. */
void kaal_dma_pool_destroy(kaal_dma_pool_t *pool);

/* A physically contiguous buffer of size_bytes whose physical (and virtual)
 * address is a multiple of align_bytes (a power of two; 0 means
 * KAAL_DMA_GRANULE_BYTES), from a region with cache attribute `flags`.
 * KAAL_EINVAL for size 0 or a bad alignment, KAAL_ENOMEM if nothing fits. */
kaal_error_t kaal_dma_alloc(kaal_dma_pool_t *pool, size_t size_bytes, size_t align_bytes,
                            uint32_t flags, kaal_dma_buf_t *out);
/* KAAL_EINVAL if buf is not inside the pool, KAAL_ENOENT if it is not a
 * live buffer of exactly that size (double free, wrong size). */
kaal_error_t kaal_dma_free(kaal_dma_pool_t *pool, const kaal_dma_buf_t *buf);

/* Address translation over every region; KAAL_DMA_BAD_PADDR / NULL when the
 * address is not in the pool. */
uint64_t kaal_dma_paddr(const kaal_dma_pool_t *pool, const void *vaddr);
void *kaal_dma_vaddr(const kaal_dma_pool_t *pool, uint64_t paddr);
/* Bytes not in any live buffer (over all regions and attributes). */
size_t kaal_dma_free_bytes(const kaal_dma_pool_t *pool);

/* ---- fixed-size buffer pool ---- */

typedef struct {
    kaal_dma_pool_t *pool;
    kaal_dma_buf_t backing; /* all buffers, back to back */
    uint32_t buf_bytes;     /* stride: the requested size rounded up to the alignment */
    uint32_t n_bufs;
    uint32_t n_free;
    uint32_t *free_stack; /* indices of free buffers; [0, n_free) valid */
    uint64_t *in_use;     /* bit per buffer, catches a double put */
} kaal_dma_fixed_pool_t;

/* n_bufs buffers of buf_bytes each, every one aligned to align_bytes (0:
 * KAAL_DMA_GRANULE_BYTES), cut from one allocation in `pool`. */
kaal_error_t kaal_dma_fixed_init(kaal_dma_fixed_pool_t *fp, kaal_dma_pool_t *pool, uint32_t n_bufs,
                                 uint32_t buf_bytes, size_t align_bytes, uint32_t flags);
/* Frees the backing buffer and the bookkeeping. */
void kaal_dma_fixed_destroy(kaal_dma_fixed_pool_t *fp);
/* A free buffer's index, or KAAL_EAGAIN when all are in use. */
kaal_error_t kaal_dma_fixed_get(kaal_dma_fixed_pool_t *fp, uint32_t *index);
/* KAAL_EINVAL for an index out of range, KAAL_ENOENT if it is not in use. */
kaal_error_t kaal_dma_fixed_put(kaal_dma_fixed_pool_t *fp, uint32_t index);
/* Buffer `index` (vaddr, paddr, size); index must be < n_bufs. */
kaal_dma_buf_t kaal_dma_fixed_buf(const kaal_dma_fixed_pool_t *fp, uint32_t index);
/* The index of the buffer containing paddr (e.g. from a device completion),
 * or UINT32_MAX if it is not one of this pool's. */
uint32_t kaal_dma_fixed_index_of_paddr(const kaal_dma_fixed_pool_t *fp, uint64_t paddr);
