// SPDX-License-Identifier: BSD-2-Clause
/*
 * DDE-Linux memory: kmalloc & co, vmalloc and devm_* over the component's
 * heap (malloc). GFP flags do not matter on one thread with no reclaim:
 * GFP_ATOMIC and GFP_KERNEL both take from the heap, __GFP_ZERO zeroes.
 * devm_* allocations are not tracked for release at driver detach: a
 * DDE-Linux component's driver is never detached (the component ends).
 * DMA-capable memory (pages, frags, coherent buffers) is dma.c's.
 */
#include <dde/kernel.h>

#include "dde_internal.h"

void *kmalloc(size_t size, gfp_t flags)
{
    if (size == 0)
        return ZERO_SIZE_PTR;
    return (flags & __GFP_ZERO) ? calloc(1, size) : malloc(size);
}

void *kzalloc(size_t size, gfp_t flags)
{
    return kmalloc(size, flags | __GFP_ZERO);
}

void *kcalloc(size_t n, size_t size, gfp_t flags)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    return kzalloc(n * size, flags);
}

void *kmalloc_array(size_t n, size_t size, gfp_t flags)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    return kmalloc(n * size, flags);
}

void *krealloc(const void *p, size_t size, gfp_t flags)
{
    (void)flags;
    if (p == ZERO_SIZE_PTR)
        p = NULL;
    if (size == 0) {
        free((void *)(uintptr_t)p);
        return ZERO_SIZE_PTR;
    }
    return realloc((void *)(uintptr_t)p, size);
}

void kfree(const void *p)
{
    if (p != ZERO_SIZE_PTR)
        free((void *)(uintptr_t)p);
}

void *vmalloc(unsigned long size)
{
    return kmalloc(size, GFP_KERNEL);
}

void *vzalloc(unsigned long size)
{
    return kzalloc(size, GFP_KERNEL);
}

void vfree(const void *p)
{
    kfree(p);
}

void *devm_kzalloc(struct device *dev, size_t size, gfp_t flags)
{
    (void)dev;
    return kzalloc(size, flags);
}

void *devm_kmalloc(struct device *dev, size_t size, gfp_t flags)
{
    (void)dev;
    return kmalloc(size, flags);
}

void devm_kfree(struct device *dev, const void *p)
{
    (void)dev;
    kfree(p);
}
