// SPDX-License-Identifier: BSD-2-Clause
/*
 * DMA pool: physically contiguous, aligned buffers from (vaddr, paddr)
 * regions, plus a fixed-size buffer pool on top.
 *
 * Model. Each region is cut into 64-byte granules. Two bitmaps, allocated
 * from the meta heap (never from the DMA memory itself), describe it:
 * `used` has a bit for every granule of a live buffer, `starts` a bit for
 * the first granule of each. Allocation is first fit over granule indices
 * whose physical address has the requested alignment; it runs when drivers
 * set up, not per packet, so a linear scan is fine. The fixed pool serves
 * the per-packet path in O(1) from a stack of free indices.
 *
 * Invariants: starts is a subset of used; a live buffer is a run of used
 * granules that begins with a start bit and ends before the next start bit
 * or unused granule; n_free_granules counts the clear used bits. Because
 * vaddr and paddr of a region are both page aligned, an offset inside a
 * region has the same alignment (up to a page) in both address spaces.
 */
#include <kaal/dma.h>
#include <kaal/string.h>

#define GRANULE ((uint64_t)KAAL_DMA_GRANULE_BYTES)
#define PAGE ((uint64_t)KAAL_DMA_PAGE_BYTES)

static bool bit_get(const uint64_t *bits, size_t i)
{
    return (bits[i / 64] >> (i % 64)) & 1;
}

static void bits_set(uint64_t *bits, size_t from, size_t to, bool value)
{
    for (size_t i = from; i < to; i++) {
        if (value)
            bits[i / 64] |= 1ull << (i % 64);
        else
            bits[i / 64] &= ~(1ull << (i % 64));
    }
}

/* Index of the first set bit in [from, to), or `to`. */
static size_t find_set(const uint64_t *bits, size_t from, size_t to)
{
    size_t i = from;
    while (i < to) {
        uint64_t w = bits[i / 64] >> (i % 64);
        if (w)
            return i + (size_t)__builtin_ctzll(w) < to ? i + (size_t)__builtin_ctzll(w) : to;
        i = (i / 64 + 1) * 64;
    }
    return to;
}

static bool ranges_overlap(uint64_t a, uint64_t a_len, uint64_t b, uint64_t b_len)
{
    return a < b + b_len && b < a + a_len;
}

void kaal_dma_pool_init(kaal_dma_pool_t *pool, kaal_heap_t *meta_heap)
{
    memset(pool, 0, sizeof(*pool));
    pool->meta = meta_heap;
}

kaal_error_t kaal_dma_add_region(kaal_dma_pool_t *pool, void *vaddr, uint64_t paddr,
                                 size_t size_bytes, uint32_t flags)
{
    uintptr_t va = (uintptr_t)vaddr;
    if (vaddr == NULL || size_bytes == 0 || va % PAGE || paddr % PAGE || size_bytes % PAGE ||
        va + size_bytes < va || paddr + size_bytes < paddr ||
        (flags != KAAL_DMA_CACHED && flags != KAAL_DMA_UNCACHED))
        return KAAL_EINVAL;
    for (uint32_t i = 0; i < pool->n_regions; i++) {
        const struct kaal_dma_region *r = &pool->regions[i];
        if (ranges_overlap(va, size_bytes, (uintptr_t)r->vaddr, r->size_bytes) ||
            ranges_overlap(paddr, size_bytes, r->paddr, r->size_bytes))
            return KAAL_EINVAL;
    }
    if (pool->n_regions == KAAL_DMA_MAX_REGIONS)
        return KAAL_ENOSPC;
    size_t n_granules = size_bytes / GRANULE;
    size_t n_words = (n_granules + 63) / 64;
    uint64_t *used = kaal_heap_calloc(pool->meta, n_words, sizeof(uint64_t));
    uint64_t *starts = kaal_heap_calloc(pool->meta, n_words, sizeof(uint64_t));
    if (used == NULL || starts == NULL) {
        kaal_heap_free(pool->meta, used);
        kaal_heap_free(pool->meta, starts);
        return KAAL_ENOMEM;
    }
    pool->regions[pool->n_regions++] = (struct kaal_dma_region){
        .vaddr = vaddr,
        .paddr = paddr,
        .size_bytes = size_bytes,
        .flags = flags,
        .n_granules = n_granules,
        .n_free_granules = n_granules,
        .used = used,
        .starts = starts,
    };
    return KAAL_OK;
}

void kaal_dma_pool_destroy(kaal_dma_pool_t *pool)
{
    for (uint32_t i = 0; i < pool->n_regions; i++) {
        kaal_heap_free(pool->meta, pool->regions[i].used);
        kaal_heap_free(pool->meta, pool->regions[i].starts);
    }
    pool->n_regions = 0;
}

/* First granule index >= g whose physical address is a multiple of align. */
static size_t align_granule(const struct kaal_dma_region *r, size_t g, uint64_t align)
{
    uint64_t pa = r->paddr + g * GRANULE;
    uint64_t aligned = (pa + align - 1) & ~(align - 1);
    return (size_t)((aligned - r->paddr) / GRANULE);
}

kaal_error_t kaal_dma_alloc(kaal_dma_pool_t *pool, size_t size_bytes, size_t align_bytes,
                            uint32_t flags, kaal_dma_buf_t *out)
{
    if (align_bytes == 0)
        align_bytes = KAAL_DMA_GRANULE_BYTES;
    if (size_bytes == 0 || (align_bytes & (align_bytes - 1)) != 0 ||
        size_bytes > SIZE_MAX - GRANULE)
        return KAAL_EINVAL;
    uint64_t align = align_bytes < GRANULE ? GRANULE : align_bytes;
    size_t n = (size_t)((size_bytes + GRANULE - 1) / GRANULE);
    for (uint32_t ri = 0; ri < pool->n_regions; ri++) {
        struct kaal_dma_region *r = &pool->regions[ri];
        if (r->flags != flags || r->n_free_granules < n)
            continue;
        size_t g = align_granule(r, 0, align);
        while (g < r->n_granules && n <= r->n_granules - g) {
            size_t busy = find_set(r->used, g, g + n);
            if (busy == g + n) {
                bits_set(r->used, g, g + n, true);
                bits_set(r->starts, g, g + 1, true);
                r->n_free_granules -= n;
                *out = (kaal_dma_buf_t){.vaddr = r->vaddr + g * GRANULE,
                                        .paddr = r->paddr + g * GRANULE,
                                        .size_bytes = size_bytes,
                                        .flags = flags};
                return KAAL_OK;
            }
            g = align_granule(r, busy + 1, align);
        }
    }
    return KAAL_ENOMEM;
}

static int region_of_vaddr(const kaal_dma_pool_t *pool, uintptr_t va)
{
    for (uint32_t i = 0; i < pool->n_regions; i++) {
        const struct kaal_dma_region *r = &pool->regions[i];
        if (va >= (uintptr_t)r->vaddr && va - (uintptr_t)r->vaddr < r->size_bytes)
            return (int)i;
    }
    return -1;
}

kaal_error_t kaal_dma_free(kaal_dma_pool_t *pool, const kaal_dma_buf_t *buf)
{
    int ri = region_of_vaddr(pool, (uintptr_t)buf->vaddr);
    if (ri < 0)
        return KAAL_EINVAL;
    struct kaal_dma_region *r = &pool->regions[ri];
    size_t offset = (size_t)((uint8_t *)buf->vaddr - r->vaddr);
    if (offset % GRANULE != 0 || buf->size_bytes == 0 || buf->size_bytes > r->size_bytes - offset ||
        buf->paddr != r->paddr + offset)
        return KAAL_EINVAL;
    size_t g = offset / GRANULE;
    size_t n = (buf->size_bytes + GRANULE - 1) / GRANULE;
    /* The live buffer starting at g must span exactly n granules. */
    if (!bit_get(r->starts, g) || find_set(r->starts, g + 1, g + n) != g + n)
        return KAAL_ENOENT;
    for (size_t i = g; i < g + n; i++)
        if (!bit_get(r->used, i))
            return KAAL_ENOENT;
    if (g + n < r->n_granules && bit_get(r->used, g + n) && !bit_get(r->starts, g + n))
        return KAAL_ENOENT; /* the buffer is longer than buf says */
    bits_set(r->used, g, g + n, false);
    bits_set(r->starts, g, g + 1, false);
    r->n_free_granules += n;
    return KAAL_OK;
}

uint64_t kaal_dma_paddr(const kaal_dma_pool_t *pool, const void *vaddr)
{
    int ri = region_of_vaddr(pool, (uintptr_t)vaddr);
    if (ri < 0)
        return KAAL_DMA_BAD_PADDR;
    const struct kaal_dma_region *r = &pool->regions[ri];
    return r->paddr + (uint64_t)((const uint8_t *)vaddr - r->vaddr);
}

void *kaal_dma_vaddr(const kaal_dma_pool_t *pool, uint64_t paddr)
{
    for (uint32_t i = 0; i < pool->n_regions; i++) {
        const struct kaal_dma_region *r = &pool->regions[i];
        if (paddr >= r->paddr && paddr - r->paddr < r->size_bytes)
            return r->vaddr + (paddr - r->paddr);
    }
    return NULL;
}

size_t kaal_dma_free_bytes(const kaal_dma_pool_t *pool)
{
    size_t n = 0;
    for (uint32_t i = 0; i < pool->n_regions; i++)
        n += pool->regions[i].n_free_granules * GRANULE;
    return n;
}

/* ---- fixed-size buffer pool ---- */

kaal_error_t kaal_dma_fixed_init(kaal_dma_fixed_pool_t *fp, kaal_dma_pool_t *pool, uint32_t n_bufs,
                                 uint32_t buf_bytes, size_t align_bytes, uint32_t flags)
{
    if (align_bytes == 0)
        align_bytes = KAAL_DMA_GRANULE_BYTES;
    if (n_bufs == 0 || buf_bytes == 0 || (align_bytes & (align_bytes - 1)) != 0 ||
        align_bytes > UINT32_MAX / 2)
        return KAAL_EINVAL;
    uint64_t stride = ((uint64_t)buf_bytes + align_bytes - 1) & ~((uint64_t)align_bytes - 1);
    if (stride > UINT32_MAX || stride * n_bufs / n_bufs != stride)
        return KAAL_EINVAL;
    memset(fp, 0, sizeof(*fp));
    fp->pool = pool;
    fp->buf_bytes = (uint32_t)stride;
    fp->n_bufs = n_bufs;
    fp->free_stack = kaal_heap_calloc(pool->meta, n_bufs, sizeof(uint32_t));
    fp->in_use = kaal_heap_calloc(pool->meta, (n_bufs + 63) / 64, sizeof(uint64_t));
    kaal_error_t err = KAAL_ENOMEM;
    if (fp->free_stack && fp->in_use)
        err = kaal_dma_alloc(pool, (size_t)(stride * n_bufs), align_bytes, flags, &fp->backing);
    if (err != KAAL_OK) {
        kaal_heap_free(pool->meta, fp->free_stack);
        kaal_heap_free(pool->meta, fp->in_use);
        fp->free_stack = NULL;
        fp->in_use = NULL;
        return err;
    }
    /* Lowest index on top, so a fresh pool hands out 0, 1, 2, ... */
    for (uint32_t i = 0; i < n_bufs; i++)
        fp->free_stack[i] = n_bufs - 1 - i;
    fp->n_free = n_bufs;
    return KAAL_OK;
}

void kaal_dma_fixed_destroy(kaal_dma_fixed_pool_t *fp)
{
    if (fp->free_stack == NULL)
        return;
    kaal_dma_free(fp->pool, &fp->backing);
    kaal_heap_free(fp->pool->meta, fp->free_stack);
    kaal_heap_free(fp->pool->meta, fp->in_use);
    fp->free_stack = NULL;
    fp->in_use = NULL;
    fp->n_free = 0;
}

kaal_error_t kaal_dma_fixed_get(kaal_dma_fixed_pool_t *fp, uint32_t *index)
{
    if (fp->n_free == 0)
        return KAAL_EAGAIN;
    uint32_t i = fp->free_stack[--fp->n_free];
    fp->in_use[i / 64] |= 1ull << (i % 64);
    *index = i;
    return KAAL_OK;
}

kaal_error_t kaal_dma_fixed_put(kaal_dma_fixed_pool_t *fp, uint32_t index)
{
    if (index >= fp->n_bufs)
        return KAAL_EINVAL;
    if (!bit_get(fp->in_use, index))
        return KAAL_ENOENT;
    fp->in_use[index / 64] &= ~(1ull << (index % 64));
    fp->free_stack[fp->n_free++] = index;
    return KAAL_OK;
}

kaal_dma_buf_t kaal_dma_fixed_buf(const kaal_dma_fixed_pool_t *fp, uint32_t index)
{
    uint64_t offset = (uint64_t)index * fp->buf_bytes;
    return (kaal_dma_buf_t){.vaddr = (uint8_t *)fp->backing.vaddr + offset,
                            .paddr = fp->backing.paddr + offset,
                            .size_bytes = fp->buf_bytes,
                            .flags = fp->backing.flags};
}

uint32_t kaal_dma_fixed_index_of_paddr(const kaal_dma_fixed_pool_t *fp, uint64_t paddr)
{
    if (paddr < fp->backing.paddr)
        return UINT32_MAX;
    uint64_t i = (paddr - fp->backing.paddr) / fp->buf_bytes;
    return i < fp->n_bufs ? (uint32_t)i : UINT32_MAX;
}
