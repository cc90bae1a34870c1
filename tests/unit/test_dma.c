// SPDX-License-Identifier: BSD-2-Clause
/* The DMA pool (runtime/dma): regions with made-up physical addresses, as a
 * component would get them from the broker; buffers, alignment, cache
 * attribute, translation, misuse, and the fixed-size buffer pool. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kaal/dma.h>

#define META_BYTES (256u << 10)
#define REGION_BYTES (256u << 10)
/* Page aligned but not 64 KiB aligned, so physical alignment is real work. */
#define FAKE_PADDR 0x40003000ull
#define FAKE_PADDR_UNCACHED 0x90000000ull

struct fixture {
    kaal_heap_t meta;
    void *meta_mem;
    void *cached, *uncached;
    kaal_dma_pool_t pool;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    f->meta_mem = malloc(META_BYTES);
    kaal_heap_init(&f->meta);
    kaal_heap_add_region(&f->meta, f->meta_mem, META_BYTES);
    f->cached = aligned_alloc(KAAL_DMA_PAGE_BYTES, REGION_BYTES);
    f->uncached = aligned_alloc(KAAL_DMA_PAGE_BYTES, REGION_BYTES);
    kaal_dma_pool_init(&f->pool, &f->meta);
    if (kaal_dma_add_region(&f->pool, f->cached, FAKE_PADDR, REGION_BYTES, KAAL_DMA_CACHED) ||
        kaal_dma_add_region(&f->pool, f->uncached, FAKE_PADDR_UNCACHED, REGION_BYTES,
                            KAAL_DMA_UNCACHED))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    kaal_dma_pool_destroy(&f->pool);
    kaal_heap_trim(&f->meta);
    /* The pool gave all its bookkeeping back. */
    int leaked = kaal_heap_stats(&f->meta).in_use_bytes != 0;
    free(f->cached);
    free(f->uncached);
    free(f->meta_mem);
    free(f);
    return leaked ? -1 : 0;
}

static bool in_region(const kaal_dma_buf_t *b, const void *base, uint64_t paddr)
{
    uintptr_t off = (uintptr_t)b->vaddr - (uintptr_t)base;
    return (uintptr_t)b->vaddr >= (uintptr_t)base && off + b->size_bytes <= REGION_BYTES &&
           b->paddr == paddr + off;
}

static void test_add_region_rejects_bad_regions(void **state)
{
    struct fixture *f = *state;
    char *extra = aligned_alloc(KAAL_DMA_PAGE_BYTES, 8 * KAAL_DMA_PAGE_BYTES);
    const uint64_t pa = 0x7000000;
    assert_int_equal(kaal_dma_add_region(&f->pool, NULL, pa, 4096, 0), KAAL_EINVAL);
    assert_int_equal(kaal_dma_add_region(&f->pool, extra + 64, pa, 4096, 0), KAAL_EINVAL);
    assert_int_equal(kaal_dma_add_region(&f->pool, extra, pa + 64, 4096, 0), KAAL_EINVAL);
    assert_int_equal(kaal_dma_add_region(&f->pool, extra, pa, 4000, 0), KAAL_EINVAL);
    assert_int_equal(kaal_dma_add_region(&f->pool, extra, pa, 0, 0), KAAL_EINVAL);
    assert_int_equal(kaal_dma_add_region(&f->pool, extra, pa, 4096, 7), KAAL_EINVAL);
    /* Overlap in virtual or in physical address space. */
    assert_int_equal(kaal_dma_add_region(&f->pool, f->cached, pa, 4096, 0), KAAL_EINVAL);
    assert_int_equal(kaal_dma_add_region(&f->pool, extra, FAKE_PADDR + 4096, 4096, 0), KAAL_EINVAL);
    assert_int_equal(kaal_dma_add_region(&f->pool, extra, pa, 8 * KAAL_DMA_PAGE_BYTES, 0), KAAL_OK);
    assert_int_equal(kaal_dma_free_bytes(&f->pool), 2 * REGION_BYTES + 8 * KAAL_DMA_PAGE_BYTES);
    kaal_dma_pool_destroy(&f->pool);
    free(extra);
}

static void test_add_region_reports_full_table_and_full_meta_heap(void **state)
{
    (void)state;
    kaal_heap_t meta;
    void *meta_mem = malloc(16384);
    kaal_heap_init(&meta);
    kaal_heap_add_region(&meta, meta_mem, 16384);
    kaal_dma_pool_t pool;
    kaal_dma_pool_init(&pool, &meta);
    char *mem = aligned_alloc(4096, 4096 * (KAAL_DMA_MAX_REGIONS + 1));
    /* 64 MiB of fake physical memory needs 256 KiB of bitmaps: too much. */
    assert_int_equal(
        kaal_dma_add_region(&pool, (void *)0x100000000000ull, 0x100000000ull, 64u << 20, 0),
        KAAL_ENOMEM);
    for (unsigned i = 0; i < KAAL_DMA_MAX_REGIONS; i++)
        assert_int_equal(
            kaal_dma_add_region(&pool, mem + 4096 * i, 0x1000000 + 0x10000 * i, 4096, 0), KAAL_OK);
    assert_int_equal(
        kaal_dma_add_region(&pool, mem + 4096 * KAAL_DMA_MAX_REGIONS, 0x9000000, 4096, 0),
        KAAL_ENOSPC);
    kaal_dma_pool_destroy(&pool);
    assert_int_equal(kaal_heap_stats(&meta).in_use_bytes, 0);
    free(mem);
    free(meta_mem);
}

static void test_alloc_gives_contiguous_aligned_buffers_with_both_addresses(void **state)
{
    struct fixture *f = *state;
    static const size_t aligns[] = {0, 64, 128, 4096, 16384, 65536};
    kaal_dma_buf_t bufs[6];
    for (int i = 0; i < 6; i++) {
        assert_int_equal(
            kaal_dma_alloc(&f->pool, 1000 + 1000 * (size_t)i, aligns[i], KAAL_DMA_CACHED, &bufs[i]),
            KAAL_OK);
        size_t align = aligns[i] ? aligns[i] : KAAL_DMA_GRANULE_BYTES;
        assert_int_equal(bufs[i].paddr % align, 0);
        assert_int_equal((uintptr_t)bufs[i].vaddr % (align < 4096 ? align : 4096), 0);
        assert_int_equal(bufs[i].size_bytes, 1000 + 1000 * (size_t)i);
        assert_int_equal(bufs[i].flags, KAAL_DMA_CACHED);
        assert_true(in_region(&bufs[i], f->cached, FAKE_PADDR));
        memset(bufs[i].vaddr, i, bufs[i].size_bytes);
    }
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++)
            if (i != j)
                assert_true(bufs[i].paddr + bufs[i].size_bytes <= bufs[j].paddr ||
                            bufs[j].paddr + bufs[j].size_bytes <= bufs[i].paddr);
    for (int i = 0; i < 6; i++)
        assert_int_equal(kaal_dma_free(&f->pool, &bufs[i]), KAAL_OK);
    assert_int_equal(kaal_dma_free_bytes(&f->pool), 2 * REGION_BYTES);
}

static void test_alloc_honours_the_cache_attribute(void **state)
{
    struct fixture *f = *state;
    kaal_dma_buf_t c, u;
    assert_int_equal(kaal_dma_alloc(&f->pool, 512, 0, KAAL_DMA_UNCACHED, &u), KAAL_OK);
    assert_int_equal(u.flags, KAAL_DMA_UNCACHED);
    assert_true(in_region(&u, f->uncached, FAKE_PADDR_UNCACHED));
    assert_int_equal(kaal_dma_alloc(&f->pool, 512, 0, KAAL_DMA_CACHED, &c), KAAL_OK);
    assert_true(in_region(&c, f->cached, FAKE_PADDR));
    /* Uncached memory is used up: no falling back to cached memory. */
    kaal_dma_buf_t big;
    assert_int_equal(kaal_dma_alloc(&f->pool, REGION_BYTES, 0, KAAL_DMA_UNCACHED, &big),
                     KAAL_ENOMEM);
    kaal_dma_free(&f->pool, &u);
    kaal_dma_free(&f->pool, &c);
}

static void test_alloc_rejects_bad_requests_and_fails_when_full(void **state)
{
    struct fixture *f = *state;
    kaal_dma_buf_t b, whole;
    assert_int_equal(kaal_dma_alloc(&f->pool, 0, 0, KAAL_DMA_CACHED, &b), KAAL_EINVAL);
    assert_int_equal(kaal_dma_alloc(&f->pool, 64, 96, KAAL_DMA_CACHED, &b), KAAL_EINVAL);
    assert_int_equal(kaal_dma_alloc(&f->pool, SIZE_MAX, 0, KAAL_DMA_CACHED, &b), KAAL_EINVAL);
    assert_int_equal(kaal_dma_alloc(&f->pool, REGION_BYTES + 1, 0, KAAL_DMA_CACHED, &b),
                     KAAL_ENOMEM);
    /* 1 MiB alignment: no page of the fake region's physical range has it. */
    assert_int_equal(kaal_dma_alloc(&f->pool, 64, 1u << 20, KAAL_DMA_CACHED, &b), KAAL_ENOMEM);
    assert_int_equal(kaal_dma_alloc(&f->pool, REGION_BYTES, 0, KAAL_DMA_CACHED, &whole), KAAL_OK);
    assert_int_equal(kaal_dma_alloc(&f->pool, 1, 0, KAAL_DMA_CACHED, &b), KAAL_ENOMEM);
    assert_int_equal(kaal_dma_free(&f->pool, &whole), KAAL_OK);
    assert_int_equal(kaal_dma_alloc(&f->pool, 1, 0, KAAL_DMA_CACHED, &b), KAAL_OK);
    kaal_dma_free(&f->pool, &b);
}

static void test_freed_holes_are_reused_first_fit(void **state)
{
    struct fixture *f = *state;
    kaal_dma_buf_t a, b, c, d;
    kaal_dma_alloc(&f->pool, 4096, 0, KAAL_DMA_CACHED, &a);
    kaal_dma_alloc(&f->pool, 4096, 0, KAAL_DMA_CACHED, &b);
    kaal_dma_alloc(&f->pool, 4096, 0, KAAL_DMA_CACHED, &c);
    assert_int_equal(kaal_dma_free(&f->pool, &b), KAAL_OK);
    assert_int_equal(kaal_dma_alloc(&f->pool, 3000, 0, KAAL_DMA_CACHED, &d), KAAL_OK);
    assert_int_equal(d.paddr, b.paddr);
    assert_int_equal(kaal_dma_free_bytes(&f->pool), 2 * REGION_BYTES - 8192 - 3008);
    kaal_dma_free(&f->pool, &a);
    kaal_dma_free(&f->pool, &c);
    kaal_dma_free(&f->pool, &d);
}

static void test_free_reports_misuse_without_damage(void **state)
{
    struct fixture *f = *state;
    kaal_dma_buf_t a, b;
    kaal_dma_alloc(&f->pool, 1024, 0, KAAL_DMA_CACHED, &a);
    kaal_dma_alloc(&f->pool, 1024, 0, KAAL_DMA_CACHED, &b);
    size_t free_before = kaal_dma_free_bytes(&f->pool);

    kaal_dma_buf_t foreign = a;
    int x;
    foreign.vaddr = &x;
    assert_int_equal(kaal_dma_free(&f->pool, &foreign), KAAL_EINVAL);
    kaal_dma_buf_t wrong_paddr = a;
    wrong_paddr.paddr += 4096;
    assert_int_equal(kaal_dma_free(&f->pool, &wrong_paddr), KAAL_EINVAL);
    kaal_dma_buf_t shorter = a, longer = a, interior = a;
    shorter.size_bytes = 512;
    longer.size_bytes = 2048; /* would swallow b */
    interior.vaddr = (char *)a.vaddr + 64;
    interior.paddr += 64;
    interior.size_bytes = 64;
    assert_int_equal(kaal_dma_free(&f->pool, &shorter), KAAL_ENOENT);
    assert_int_equal(kaal_dma_free(&f->pool, &longer), KAAL_ENOENT);
    assert_int_equal(kaal_dma_free(&f->pool, &interior), KAAL_ENOENT);
    assert_int_equal(kaal_dma_free_bytes(&f->pool), free_before);

    assert_int_equal(kaal_dma_free(&f->pool, &a), KAAL_OK);
    assert_int_equal(kaal_dma_free(&f->pool, &a), KAAL_ENOENT); /* double free */
    assert_int_equal(kaal_dma_free(&f->pool, &b), KAAL_OK);
    assert_int_equal(kaal_dma_free_bytes(&f->pool), 2 * REGION_BYTES);
}

static void test_translation_maps_both_ways_inside_the_pool_only(void **state)
{
    struct fixture *f = *state;
    char *va = f->cached;
    assert_int_equal(kaal_dma_paddr(&f->pool, va), FAKE_PADDR);
    assert_int_equal(kaal_dma_paddr(&f->pool, va + 12345), FAKE_PADDR + 12345);
    assert_int_equal(kaal_dma_paddr(&f->pool, va + REGION_BYTES - 1),
                     FAKE_PADDR + REGION_BYTES - 1);
    assert_int_equal(kaal_dma_paddr(&f->pool, va + REGION_BYTES), KAAL_DMA_BAD_PADDR);
    assert_ptr_equal(kaal_dma_vaddr(&f->pool, FAKE_PADDR + 777), va + 777);
    assert_ptr_equal(kaal_dma_vaddr(&f->pool, FAKE_PADDR_UNCACHED + 5), (char *)f->uncached + 5);
    assert_null(kaal_dma_vaddr(&f->pool, FAKE_PADDR - 1));
    assert_null(kaal_dma_vaddr(&f->pool, FAKE_PADDR + REGION_BYTES));
}

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void test_random_alloc_free_keeps_buffers_disjoint_and_accounted(void **state)
{
    struct fixture *f = *state;
    enum { SLOTS = 64 };
    kaal_dma_buf_t bufs[SLOTS];
    bool live[SLOTS] = {false};
    uint64_t rng = 42;
    for (int step = 0; step < 5000; step++) {
        unsigned i = (unsigned)(rng_next(&rng) % SLOTS);
        if (live[i]) {
            assert_int_equal(kaal_dma_free(&f->pool, &bufs[i]), KAAL_OK);
            live[i] = false;
            continue;
        }
        size_t size = 1 + rng_next(&rng) % 9000;
        size_t align = (size_t)1 << (rng_next(&rng) % 15);
        uint32_t attr = (uint32_t)(rng_next(&rng) % 2);
        if (kaal_dma_alloc(&f->pool, size, align, attr, &bufs[i]) != KAAL_OK)
            continue;
        live[i] = true;
        assert_int_equal(bufs[i].paddr % align, 0);
        assert_int_equal(kaal_dma_paddr(&f->pool, bufs[i].vaddr), bufs[i].paddr);
        for (unsigned j = 0; j < SLOTS; j++)
            if (j != i && live[j])
                assert_true(bufs[i].paddr + bufs[i].size_bytes <= bufs[j].paddr ||
                            bufs[j].paddr + bufs[j].size_bytes <= bufs[i].paddr);
    }
    size_t used = 0;
    for (unsigned i = 0; i < SLOTS; i++)
        if (live[i])
            used += (bufs[i].size_bytes + 63) / 64 * 64;
    assert_int_equal(kaal_dma_free_bytes(&f->pool), 2 * REGION_BYTES - used);
    for (unsigned i = 0; i < SLOTS; i++)
        if (live[i])
            assert_int_equal(kaal_dma_free(&f->pool, &bufs[i]), KAAL_OK);
    assert_int_equal(kaal_dma_free_bytes(&f->pool), 2 * REGION_BYTES);
}

/* ---- fixed-size pool ---- */

static void test_fixed_pool_hands_out_every_buffer_once_then_eagain(void **state)
{
    struct fixture *f = *state;
    kaal_dma_fixed_pool_t fp;
    assert_int_equal(kaal_dma_fixed_init(&fp, &f->pool, 32, 1514, 2048, KAAL_DMA_CACHED), KAAL_OK);
    assert_int_equal(fp.buf_bytes, 2048); /* stride rounded up to the alignment */
    bool seen[32] = {false};
    for (int n = 0; n < 32; n++) {
        uint32_t i;
        assert_int_equal(kaal_dma_fixed_get(&fp, &i), KAAL_OK);
        assert_true(i < 32);
        assert_false(seen[i]);
        seen[i] = true;
        kaal_dma_buf_t b = kaal_dma_fixed_buf(&fp, i);
        assert_int_equal(b.paddr % 2048, 0);
        assert_int_equal(b.size_bytes, 2048);
        assert_int_equal(kaal_dma_paddr(&f->pool, b.vaddr), b.paddr);
        memset(b.vaddr, n, 1514);
    }
    uint32_t none;
    assert_int_equal(kaal_dma_fixed_get(&fp, &none), KAAL_EAGAIN);
    assert_int_equal(kaal_dma_fixed_put(&fp, 7), KAAL_OK);
    uint32_t again;
    assert_int_equal(kaal_dma_fixed_get(&fp, &again), KAAL_OK);
    assert_int_equal(again, 7);
    kaal_dma_fixed_destroy(&fp);
    assert_int_equal(kaal_dma_free_bytes(&f->pool), 2 * REGION_BYTES);
}

static void test_fixed_pool_put_reports_double_and_bad_indices(void **state)
{
    struct fixture *f = *state;
    kaal_dma_fixed_pool_t fp;
    assert_int_equal(kaal_dma_fixed_init(&fp, &f->pool, 4, 100, 0, KAAL_DMA_UNCACHED), KAAL_OK);
    assert_int_equal(fp.buf_bytes, 128);
    assert_int_equal(fp.backing.flags, KAAL_DMA_UNCACHED);
    uint32_t i;
    kaal_dma_fixed_get(&fp, &i);
    assert_int_equal(kaal_dma_fixed_put(&fp, i), KAAL_OK);
    assert_int_equal(kaal_dma_fixed_put(&fp, i), KAAL_ENOENT);
    assert_int_equal(kaal_dma_fixed_put(&fp, 3), KAAL_ENOENT); /* never handed out */
    assert_int_equal(kaal_dma_fixed_put(&fp, 4), KAAL_EINVAL);
    assert_int_equal(fp.n_free, 4);
    kaal_dma_fixed_destroy(&fp);
}

static void test_fixed_pool_finds_the_buffer_of_a_device_address(void **state)
{
    struct fixture *f = *state;
    kaal_dma_fixed_pool_t fp;
    assert_int_equal(kaal_dma_fixed_init(&fp, &f->pool, 8, 512, 0, KAAL_DMA_CACHED), KAAL_OK);
    for (uint32_t i = 0; i < 8; i++) {
        kaal_dma_buf_t b = kaal_dma_fixed_buf(&fp, i);
        assert_int_equal(kaal_dma_fixed_index_of_paddr(&fp, b.paddr), i);
        assert_int_equal(kaal_dma_fixed_index_of_paddr(&fp, b.paddr + 511), i);
    }
    assert_int_equal(kaal_dma_fixed_index_of_paddr(&fp, fp.backing.paddr - 1), UINT32_MAX);
    assert_int_equal(kaal_dma_fixed_index_of_paddr(&fp, fp.backing.paddr + 8 * 512), UINT32_MAX);
    kaal_dma_fixed_destroy(&fp);
}

static void test_fixed_pool_init_rejects_bad_shapes_and_lack_of_memory(void **state)
{
    struct fixture *f = *state;
    kaal_dma_fixed_pool_t fp;
    assert_int_equal(kaal_dma_fixed_init(&fp, &f->pool, 0, 64, 0, 0), KAAL_EINVAL);
    assert_int_equal(kaal_dma_fixed_init(&fp, &f->pool, 4, 0, 0, 0), KAAL_EINVAL);
    assert_int_equal(kaal_dma_fixed_init(&fp, &f->pool, 4, 64, 48, 0), KAAL_EINVAL);
    assert_int_equal(kaal_dma_fixed_init(&fp, &f->pool, 1024, 4096, 0, 0), KAAL_ENOMEM);
    size_t meta_used = kaal_heap_stats(&f->meta).in_use_bytes;
    assert_int_equal(kaal_dma_free_bytes(&f->pool), 2 * REGION_BYTES);
    kaal_heap_trim(&f->meta);
    assert_true(kaal_heap_stats(&f->meta).in_use_bytes <= meta_used);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_add_region_rejects_bad_regions),
        cmocka_unit_test(test_add_region_reports_full_table_and_full_meta_heap),
        T(test_alloc_gives_contiguous_aligned_buffers_with_both_addresses),
        T(test_alloc_honours_the_cache_attribute),
        T(test_alloc_rejects_bad_requests_and_fails_when_full),
        T(test_freed_holes_are_reused_first_fit),
        T(test_free_reports_misuse_without_damage),
        T(test_translation_maps_both_ways_inside_the_pool_only),
        T(test_random_alloc_free_keeps_buffers_disjoint_and_accounted),
        T(test_fixed_pool_hands_out_every_buffer_once_then_eagain),
        T(test_fixed_pool_put_reports_double_and_bad_indices),
        T(test_fixed_pool_finds_the_buffer_of_a_device_address),
        T(test_fixed_pool_init_rejects_bad_shapes_and_lack_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
