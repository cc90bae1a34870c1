// SPDX-License-Identifier: BSD-2-Clause
/*
 * DDE-Linux DMA: coherent buffers, streaming mappings, pages and frags,
 * all with the real physical addresses of memory init granted.
 *
 * Model. The DMA region (dde_dma_init: the component's `dma` grant) is a
 * kaal_dma_pool (runtime/dma). dma_alloc_coherent cuts page-aligned
 * buffers from it. Pages (alloc_pages, order 0) and frags
 * (netdev_alloc_frag, up to DDE_FRAG_BYTES) come from one fixed pool of
 * DDE_FRAG_BYTES slots made in it at the first request, sized to what
 * the region has left minus DDE_COHERENT_RESERVE. dma_map_single and
 * dma_map_page do no copying and no IOMMU work (x86 DMA is coherent and
 * there is no IOMMU): they translate a virtual address to its physical
 * one if it lies in the DMA region or in a window (dde_dma_add_window:
 * ring data regions the device may read and write in place), and fail
 * with DMA_MAPPING_ERROR (one log line) for anything else, such as heap
 * memory, or when the address is beyond the device's DMA mask: there are
 * no bounce buffers.
 *
 * Invariants: every live frag/page is one in-use slot of the fixed pool;
 * a slot is freed exactly once (kaal_dma_fixed_put refuses a second put
 * and skb_free_frag reports it).
 */
#include <dde/net.h>
#include <kaal/dma.h>
#include <kaal/heap.h>

#include "dde_internal.h"

#define DDE_FRAG_BYTES 4096u
#define DDE_COHERENT_RESERVE (256u * 1024u)
#define DDE_META_BYTES (64u * 1024u)
#define DDE_MAX_WINDOWS 4

static struct {
    bool ready, frags_ready;
    kaal_heap_t meta;
    void *meta_mem;
    kaal_dma_pool_t pool;
    kaal_dma_fixed_pool_t frags;
    struct {
        uint8_t *vaddr;
        uint64_t paddr;
        size_t size_bytes;
    } window[DDE_MAX_WINDOWS];
    unsigned n_windows;
    unsigned n_map_errors;
} dma;

int dde_dma_init(void *vaddr, uint64_t paddr, size_t size_bytes)
{
    if (dma.ready)
        return -EBUSY;
    dma.meta_mem = malloc(DDE_META_BYTES);
    if (dma.meta_mem == NULL)
        return -ENOMEM;
    kaal_heap_init(&dma.meta);
    if (kaal_heap_add_region(&dma.meta, dma.meta_mem, DDE_META_BYTES) != KAAL_OK) {
        free(dma.meta_mem);
        return -ENOMEM;
    }
    kaal_dma_pool_init(&dma.pool, &dma.meta);
    if (kaal_dma_add_region(&dma.pool, vaddr, paddr, size_bytes, KAAL_DMA_CACHED) != KAAL_OK) {
        free(dma.meta_mem);
        return -EINVAL;
    }
    dma.ready = true;
    return 0;
}

int dde_dma_add_window(void *vaddr, uint64_t paddr, size_t size_bytes)
{
    if (dma.n_windows == DDE_MAX_WINDOWS)
        return -ENOSPC;
    if (vaddr == NULL || size_bytes == 0)
        return -EINVAL;
    dma.window[dma.n_windows].vaddr = vaddr;
    dma.window[dma.n_windows].paddr = paddr;
    dma.window[dma.n_windows].size_bytes = size_bytes;
    dma.n_windows++;
    return 0;
}

void dde_dma_reset(void)
{
    if (dma.frags_ready)
        kaal_dma_fixed_destroy(&dma.frags);
    if (dma.ready)
        kaal_dma_pool_destroy(&dma.pool);
    free(dma.meta_mem);
    memset(&dma, 0, sizeof(dma));
}

static uint64_t translate(const void *p, size_t size)
{
    if (dma.ready) {
        uint64_t pa = kaal_dma_paddr(&dma.pool, p);
        if (pa != KAAL_DMA_BAD_PADDR)
            return pa;
    }
    for (unsigned i = 0; i < dma.n_windows; i++) {
        uint8_t *v = dma.window[i].vaddr;
        if ((const uint8_t *)p >= v && (const uint8_t *)p + size <= v + dma.window[i].size_bytes)
            return dma.window[i].paddr + (uint64_t)((const uint8_t *)p - v);
    }
    return KAAL_DMA_BAD_PADDR;
}

void *phys_to_virt(phys_addr_t paddr)
{
    if (dma.ready) {
        void *v = kaal_dma_vaddr(&dma.pool, paddr);
        if (v != NULL)
            return v;
    }
    for (unsigned i = 0; i < dma.n_windows; i++)
        if (paddr >= dma.window[i].paddr &&
            paddr < dma.window[i].paddr + dma.window[i].size_bytes)
            return dma.window[i].vaddr + (paddr - dma.window[i].paddr);
    return NULL;
}

/* ---- masks ---- */

static u64 mask_of(const struct device *dev)
{
    return dev && dev->dma_mask && *dev->dma_mask ? *dev->dma_mask : DMA_BIT_MASK(32);
}

int dma_set_mask(struct device *dev, u64 mask)
{
    if (mask < DMA_BIT_MASK(32))
        return -EIO; /* the region may lie anywhere below 4 GiB */
    if (dev->dma_mask == NULL)
        dev->dma_mask = &dev->coherent_dma_mask;
    *dev->dma_mask = mask;
    return 0;
}

int dma_set_coherent_mask(struct device *dev, u64 mask)
{
    if (mask < DMA_BIT_MASK(32))
        return -EIO;
    dev->coherent_dma_mask = mask;
    return 0;
}

int dma_set_mask_and_coherent(struct device *dev, u64 mask)
{
    int err = dma_set_mask(dev, mask);
    return err ? err : dma_set_coherent_mask(dev, mask);
}

/* ---- coherent ---- */

void *dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *handle, gfp_t flags)
{
    (void)flags;
    kaal_dma_buf_t b;
    if (!dma.ready || size == 0 ||
        kaal_dma_alloc(&dma.pool, size, PAGE_SIZE, KAAL_DMA_CACHED, &b) != KAAL_OK) {
        printk(KERN_ERR "dde: dma_alloc_coherent of %zu bytes failed (DMA region full?)\n", size);
        return NULL;
    }
    if (b.paddr + size - 1 > (dev ? dev->coherent_dma_mask : DMA_BIT_MASK(32)) &&
        dev && dev->coherent_dma_mask) {
        kaal_dma_free(&dma.pool, &b);
        printk(KERN_ERR "dde: DMA region beyond the device's coherent mask\n");
        return NULL;
    }
    memset(b.vaddr, 0, size);
    *handle = b.paddr;
    return b.vaddr;
}

void dma_free_coherent(struct device *dev, size_t size, void *vaddr, dma_addr_t handle)
{
    (void)dev;
    if (vaddr == NULL)
        return;
    kaal_dma_buf_t b = {.vaddr = vaddr, .paddr = handle, .size_bytes = size,
                        .flags = KAAL_DMA_CACHED};
    if (kaal_dma_free(&dma.pool, &b) != KAAL_OK)
        printk(KERN_ERR "dde: dma_free_coherent(%p, %zu): not a live coherent buffer\n", vaddr,
               size);
}

/* ---- streaming ---- */

static dma_addr_t map(struct device *dev, const void *p, size_t size)
{
    uint64_t pa = translate(p, size ? size : 1);
    if (pa == KAAL_DMA_BAD_PADDR || pa + size - 1 > mask_of(dev)) {
        if (dma.n_map_errors++ < 4)
            printk(KERN_ERR "dde: dma_map of %p (%zu bytes): %s\n", p, size,
                   pa == KAAL_DMA_BAD_PADDR ? "not DMA memory (no bounce buffers)"
                                            : "beyond the device's DMA mask");
        return DMA_MAPPING_ERROR;
    }
    return pa;
}

dma_addr_t dma_map_single(struct device *dev, void *ptr, size_t size, enum dma_data_direction dir)
{
    (void)dir;
    barrier();
    return map(dev, ptr, size);
}

void dma_unmap_single(struct device *dev, dma_addr_t addr, size_t size,
                      enum dma_data_direction dir)
{
    (void)dev, (void)addr, (void)size, (void)dir;
    barrier();
}

dma_addr_t dma_map_page(struct device *dev, struct page *page, size_t offset, size_t size,
                        enum dma_data_direction dir)
{
    (void)dir;
    if (page == NULL || offset + size > (PAGE_SIZE << page->order))
        return DMA_MAPPING_ERROR;
    return map(dev, (uint8_t *)page->vaddr + offset, size);
}

void dma_unmap_page(struct device *dev, dma_addr_t addr, size_t size, enum dma_data_direction dir)
{
    dma_unmap_single(dev, addr, size, dir);
}

dma_addr_t skb_frag_dma_map(struct device *dev, const skb_frag_t *frag, size_t offset, size_t size,
                            enum dma_data_direction dir)
{
    return dma_map_page(dev, frag->page, frag->offset + offset, size, dir);
}

/* ---- pages and frags: the fixed pool ---- */

static bool frags_ready(void)
{
    if (dma.frags_ready)
        return true;
    if (!dma.ready)
        return false;
    size_t left = kaal_dma_free_bytes(&dma.pool);
    if (left < DDE_COHERENT_RESERVE + 4 * DDE_FRAG_BYTES)
        return false;
    uint32_t n = (uint32_t)((left - DDE_COHERENT_RESERVE) / DDE_FRAG_BYTES);
    if (kaal_dma_fixed_init(&dma.frags, &dma.pool, n, DDE_FRAG_BYTES, DDE_FRAG_BYTES,
                            KAAL_DMA_CACHED) != KAAL_OK)
        return false;
    dma.frags_ready = true;
    return true;
}

static void *slot_get(uint64_t *paddr)
{
    uint32_t i;
    if (!frags_ready() || kaal_dma_fixed_get(&dma.frags, &i) != KAAL_OK)
        return NULL;
    kaal_dma_buf_t b = kaal_dma_fixed_buf(&dma.frags, i);
    if (paddr)
        *paddr = b.paddr;
    return b.vaddr;
}

static bool slot_put(const void *p)
{
    if (!dma.frags_ready)
        return false;
    uint64_t pa = kaal_dma_paddr(&dma.pool, p);
    uint32_t i = kaal_dma_fixed_index_of_paddr(&dma.frags, pa);
    return i != UINT32_MAX && kaal_dma_fixed_put(&dma.frags, i) == KAAL_OK;
}

void *netdev_alloc_frag(unsigned int size)
{
    if (size > DDE_FRAG_BYTES) {
        printk(KERN_ERR "dde: a %u-byte frag is larger than the pool's %u\n", size,
               DDE_FRAG_BYTES);
        return NULL;
    }
    return slot_get(NULL);
}

void *napi_alloc_frag(unsigned int size)
{
    return netdev_alloc_frag(size);
}

/* A frag may be freed through any pointer into it (build_skb's head). */
void skb_free_frag(void *data)
{
    uintptr_t base = (uintptr_t)data & ~(uintptr_t)(DDE_FRAG_BYTES - 1);
    if (!slot_put((void *)base))
        printk(KERN_ERR "dde: skb_free_frag(%p): not a live frag\n", data);
}

struct page *alloc_pages(gfp_t flags, unsigned int order)
{
    if (order != 0) {
        printk(KERN_ERR "dde: alloc_pages order %u: only single pages\n", order);
        return NULL;
    }
    struct page *pg = malloc(sizeof(*pg));
    if (pg == NULL)
        return NULL;
    pg->vaddr = slot_get(&pg->paddr);
    if (pg->vaddr == NULL) {
        free(pg);
        return NULL;
    }
    if (flags & __GFP_ZERO)
        memset(pg->vaddr, 0, PAGE_SIZE);
    pg->order = 0;
    pg->refcount = 1;
    return pg;
}

void get_page(struct page *page)
{
    page->refcount++;
}

void put_page(struct page *page)
{
    if (page == NULL || --page->refcount > 0)
        return;
    if (!slot_put(page->vaddr))
        printk(KERN_ERR "dde: put_page(%p): not a live page\n", (void *)page);
    free(page);
}

void __free_pages(struct page *page, unsigned int order)
{
    (void)order;
    put_page(page);
}

/* For tests and the component's statistics: free frag slots. */
unsigned dde_dma_free_frags(void)
{
    return dma.frags_ready ? dma.frags.n_free : 0;
}
