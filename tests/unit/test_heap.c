// SPDX-License-Identifier: BSD-2-Clause
/* The component heap (runtime/heap): every API and its edges, through the
 * public interface, with kaal_heap_check after each scenario. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kaal/heap.h>

#define REGION_BYTES (1u << 20)

struct fixture {
    kaal_heap_t heap;
    void *mem;
    int n_hook_calls;
    kaal_heap_misuse_t last_misuse;
    const void *last_ptr;
};

static void record_misuse(kaal_heap_misuse_t what, const void *ptr, void *ctx)
{
    struct fixture *f = ctx;
    f->n_hook_calls++;
    f->last_misuse = what;
    f->last_ptr = ptr;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    f->mem = aligned_alloc(4096, REGION_BYTES);
    kaal_heap_init(&f->heap);
    kaal_heap_set_misuse_hook(&f->heap, record_misuse, f);
    if (kaal_heap_add_region(&f->heap, f->mem, REGION_BYTES) != KAAL_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    free(f->mem);
    free(f);
    return 0;
}

static bool inside(const void *p, size_t n, const void *base, size_t size)
{
    return (uintptr_t)p >= (uintptr_t)base && (uintptr_t)p + n <= (uintptr_t)base + size;
}

static void test_alloc_returns_aligned_disjoint_blocks_inside_the_region(void **state)
{
    struct fixture *f = *state;
    static const size_t sizes[] = {1, 15, 16, 17, 100, 1024, 1025, 4096, 5000, 65536};
    void *p[10];
    for (int i = 0; i < 10; i++) {
        p[i] = kaal_heap_alloc(&f->heap, sizes[i]);
        assert_non_null(p[i]);
        assert_int_equal((uintptr_t)p[i] % KAAL_HEAP_MIN_ALIGN_BYTES, 0);
        assert_true(inside(p[i], sizes[i], f->mem, REGION_BYTES));
        assert_true(kaal_heap_usable_size(&f->heap, p[i]) >= sizes[i]);
        memset(p[i], i + 1, sizes[i]);
    }
    for (int i = 0; i < 10; i++) {
        for (size_t b = 0; b < sizes[i]; b++)
            assert_int_equal(((unsigned char *)p[i])[b], i + 1);
        for (int j = 0; j < 10; j++) {
            if (i == j)
                continue;
            uintptr_t a = (uintptr_t)p[i], b = (uintptr_t)p[j];
            assert_true(a + sizes[i] <= b || b + sizes[j] <= a);
        }
    }
    for (int i = 0; i < 10; i++)
        assert_int_equal(kaal_heap_free(&f->heap, p[i]), KAAL_OK);
    assert_true(kaal_heap_check(&f->heap));
}

static void test_zero_size_alloc_returns_null(void **state)
{
    struct fixture *f = *state;
    assert_null(kaal_heap_alloc(&f->heap, 0));
    assert_null(kaal_heap_aligned_alloc(&f->heap, 64, 0));
    assert_null(kaal_heap_calloc(&f->heap, 0, 8));
    assert_int_equal(kaal_heap_stats(&f->heap).n_allocs, 0);
}

static void test_alloc_fails_cleanly_when_out_of_memory(void **state)
{
    struct fixture *f = *state;
    kaal_heap_stats_t before = kaal_heap_stats(&f->heap);
    assert_null(kaal_heap_alloc(&f->heap, 2 * REGION_BYTES));
    assert_null(kaal_heap_alloc(&f->heap, SIZE_MAX));
    assert_null(kaal_heap_alloc(&f->heap, before.largest_free_bytes + 1));
    void *big = kaal_heap_alloc(&f->heap, before.largest_free_bytes);
    assert_non_null(big);
    kaal_heap_stats_t after = kaal_heap_stats(&f->heap);
    assert_int_equal(after.n_failed, 3);
    assert_int_equal(kaal_heap_free(&f->heap, big), KAAL_OK);
    assert_true(kaal_heap_check(&f->heap));
}

static void test_exhausting_small_blocks_then_freeing_restores_the_heap(void **state)
{
    struct fixture *f = *state;
    kaal_heap_stats_t before = kaal_heap_stats(&f->heap);
    size_t n = 0, cap = REGION_BYTES / 16;
    void **p = calloc(cap, sizeof(*p));
    while ((p[n] = kaal_heap_alloc(&f->heap, 24)) != NULL)
        n++;
    assert_true(n > REGION_BYTES / 64); /* 32-byte class: most of the heap is usable */
    assert_true(kaal_heap_check(&f->heap));
    for (size_t i = 0; i < n; i += 2)
        assert_int_equal(kaal_heap_free(&f->heap, p[i]), KAAL_OK);
    for (size_t i = 1; i < n; i += 2)
        assert_int_equal(kaal_heap_free(&f->heap, p[i]), KAAL_OK);
    kaal_heap_trim(&f->heap);
    kaal_heap_stats_t after = kaal_heap_stats(&f->heap);
    assert_int_equal(after.free_bytes, before.free_bytes);
    assert_int_equal(after.largest_free_bytes, before.largest_free_bytes);
    assert_int_equal(after.in_use_bytes, 0);
    assert_true(kaal_heap_check(&f->heap));
    free(p);
}

static void test_free_coalesces_buddies(void **state)
{
    struct fixture *f = *state;
    kaal_heap_stats_t before = kaal_heap_stats(&f->heap);
    /* Split the largest block down to 4 KiB pieces, then free in an order
     * where each free meets its buddy only at the end. */
    size_t n = before.largest_free_bytes / 4096;
    void **p = calloc(n, sizeof(*p));
    for (size_t i = 0; i < n; i++) {
        p[i] = kaal_heap_aligned_alloc(&f->heap, 4096, 4096);
        assert_non_null(p[i]);
    }
    assert_true(kaal_heap_stats(&f->heap).largest_free_bytes < before.largest_free_bytes);
    for (size_t i = 0; i < n; i += 2)
        kaal_heap_free(&f->heap, p[i]);
    assert_true(kaal_heap_stats(&f->heap).fragmentation_permille > 0);
    assert_true(kaal_heap_check(&f->heap));
    for (size_t i = 1; i < n; i += 2)
        kaal_heap_free(&f->heap, p[i]);
    /* All but the few blocks cached for reuse have merged already... */
    kaal_heap_stats_t merged = kaal_heap_stats(&f->heap);
    assert_true(merged.cached_bytes <= KAAL_HEAP_QUICK_DEPTH * 4096);
    assert_int_equal(merged.free_bytes + merged.cached_bytes, before.free_bytes);
    assert_true(kaal_heap_check(&f->heap));
    /* ...and trimming merges those too, back to the starting shape. */
    kaal_heap_trim(&f->heap);
    kaal_heap_stats_t after = kaal_heap_stats(&f->heap);
    assert_int_equal(after.cached_bytes, 0);
    assert_int_equal(after.largest_free_bytes, before.largest_free_bytes);
    assert_int_equal(after.free_bytes, before.free_bytes);
    assert_int_equal(after.fragmentation_permille, before.fragmentation_permille);
    assert_true(kaal_heap_check(&f->heap));
    free(p);
}

static void test_cached_blocks_are_reused_and_never_cause_a_failure(void **state)
{
    struct fixture *f = *state;
    void *a = kaal_heap_alloc(&f->heap, 3000);
    assert_int_equal(kaal_heap_free(&f->heap, a), KAAL_OK);
    assert_int_equal(kaal_heap_stats(&f->heap).cached_bytes, 4096);
    assert_ptr_equal(kaal_heap_alloc(&f->heap, 4000), a); /* same block, reused */
    assert_int_equal(kaal_heap_stats(&f->heap).cached_bytes, 0);
    kaal_heap_free(&f->heap, a);
    /* A heap that is one 8 KiB block (plus a 64-byte crumb): both halves
     * freed end up cached, and an 8 KiB request must merge them. */
    char *mem = aligned_alloc(8192, 16384);
    kaal_heap_t small;
    kaal_heap_init(&small);
    assert_int_equal(kaal_heap_add_region(&small, mem + 8192 - 256, 8192 + 256), KAAL_OK);
    assert_int_equal(kaal_heap_stats(&small).largest_free_bytes, 8192);
    void *lo = kaal_heap_alloc(&small, 4096), *hi = kaal_heap_alloc(&small, 4096);
    assert_non_null(lo);
    assert_non_null(hi);
    kaal_heap_free(&small, lo);
    kaal_heap_free(&small, hi);
    assert_int_equal(kaal_heap_stats(&small).cached_bytes, 8192);
    void *big = kaal_heap_alloc(&small, 8192);
    assert_ptr_equal(big, mem + 8192);
    assert_int_equal(kaal_heap_stats(&small).cached_bytes, 0);
    kaal_heap_free(&small, big);
    assert_true(kaal_heap_check(&small));
    free(mem);
}

static void test_free_of_null_does_nothing(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(kaal_heap_free(&f->heap, NULL), KAAL_OK);
    assert_int_equal(kaal_heap_stats(&f->heap).n_frees, 0);
    assert_int_equal(f->n_hook_calls, 0);
}

static void test_double_free_of_a_large_block_is_reported(void **state)
{
    struct fixture *f = *state;
    void *p = kaal_heap_alloc(&f->heap, 8192);
    void *q = kaal_heap_alloc(&f->heap, 8192);
    assert_int_equal(kaal_heap_free(&f->heap, p), KAAL_OK);
    kaal_heap_stats_t before = kaal_heap_stats(&f->heap);
    assert_int_equal(kaal_heap_free(&f->heap, p), KAAL_ENOENT);
    assert_int_equal(f->n_hook_calls, 1);
    assert_int_equal(f->last_misuse, KAAL_HEAP_MISUSE_NOT_ALLOCATED);
    assert_ptr_equal(f->last_ptr, p);
    kaal_heap_stats_t after = kaal_heap_stats(&f->heap);
    assert_int_equal(after.free_bytes, before.free_bytes);
    assert_int_equal(after.n_misuse, 1);
    assert_true(kaal_heap_check(&f->heap));
    assert_int_equal(kaal_heap_free(&f->heap, q), KAAL_OK);
    /* Still caught once q is freed too and the caches are flushed. */
    kaal_heap_trim(&f->heap);
    assert_int_equal(kaal_heap_free(&f->heap, p), KAAL_ENOENT);
    assert_true(kaal_heap_check(&f->heap));
}

static void test_double_free_of_a_small_object_is_reported(void **state)
{
    struct fixture *f = *state;
    void *keep = kaal_heap_alloc(&f->heap, 40);
    void *p = kaal_heap_alloc(&f->heap, 40);
    assert_int_equal(kaal_heap_free(&f->heap, p), KAAL_OK);
    assert_int_equal(kaal_heap_free(&f->heap, p), KAAL_ENOENT);
    assert_int_equal(f->n_hook_calls, 1);
    assert_int_equal(f->last_misuse, KAAL_HEAP_MISUSE_NOT_ALLOCATED);
    assert_true(kaal_heap_check(&f->heap));
    /* The slot is handed out once, not twice. */
    void *a = kaal_heap_alloc(&f->heap, 40);
    void *b = kaal_heap_alloc(&f->heap, 40);
    assert_ptr_not_equal(a, b);
    kaal_heap_free(&f->heap, a);
    kaal_heap_free(&f->heap, b);
    kaal_heap_free(&f->heap, keep);
    assert_true(kaal_heap_check(&f->heap));
}

static void test_foreign_pointer_free_is_reported(void **state)
{
    struct fixture *f = *state;
    int on_stack;
    char *outside = malloc(64);
    assert_int_equal(kaal_heap_free(&f->heap, &on_stack), KAAL_EINVAL);
    assert_int_equal(f->last_misuse, KAAL_HEAP_MISUSE_FOREIGN_POINTER);
    assert_int_equal(kaal_heap_free(&f->heap, outside), KAAL_EINVAL);
    assert_int_equal(kaal_heap_free(&f->heap, (char *)f->mem + REGION_BYTES), KAAL_EINVAL);
    assert_int_equal(f->n_hook_calls, 3);
    assert_int_equal(kaal_heap_stats(&f->heap).n_misuse, 3);
    assert_true(kaal_heap_check(&f->heap));
    free(outside);
}

static void test_interior_and_metadata_pointers_are_rejected(void **state)
{
    struct fixture *f = *state;
    char *big = kaal_heap_alloc(&f->heap, 4096);
    char *small = kaal_heap_alloc(&f->heap, 64);
    assert_int_equal(kaal_heap_free(&f->heap, big + 64), KAAL_ENOENT);
    assert_int_equal(kaal_heap_free(&f->heap, big + 1), KAAL_ENOENT);
    assert_int_equal(kaal_heap_free(&f->heap, small + 16), KAAL_ENOENT);
    /* The slab header in front of the first object. */
    assert_int_equal(kaal_heap_free(&f->heap, (void *)((uintptr_t)small & ~(uintptr_t)4095)),
                     KAAL_ENOENT);
    /* The region's own map bytes sit in front of the arena. */
    assert_int_equal(kaal_heap_free(&f->heap, f->mem), KAAL_EINVAL);
    assert_int_equal(kaal_heap_usable_size(&f->heap, big + 64), 0);
    assert_int_equal(f->n_hook_calls, 5);
    assert_int_equal(kaal_heap_free(&f->heap, big), KAAL_OK);
    assert_int_equal(kaal_heap_free(&f->heap, small), KAAL_OK);
    assert_true(kaal_heap_check(&f->heap));
}

static void test_calloc_zeroes_and_detects_overflow(void **state)
{
    struct fixture *f = *state;
    unsigned char *p = kaal_heap_alloc(&f->heap, 3000);
    memset(p, 0xa5, 3000);
    kaal_heap_free(&f->heap, p);
    unsigned char *q = kaal_heap_calloc(&f->heap, 100, 30);
    assert_non_null(q);
    for (int i = 0; i < 3000; i++)
        assert_int_equal(q[i], 0);
    assert_null(kaal_heap_calloc(&f->heap, SIZE_MAX / 2, 3));
    assert_null(kaal_heap_calloc(&f->heap, (size_t)1 << 33, (size_t)1 << 33));
    kaal_heap_free(&f->heap, q);
    assert_true(kaal_heap_check(&f->heap));
}

static void test_aligned_alloc_honours_alignment(void **state)
{
    struct fixture *f = *state;
    static const size_t aligns[] = {1, 8, 16, 32, 64, 256, 4096, 65536};
    static const size_t sizes[] = {1, 24, 100, 5000};
    for (unsigned a = 0; a < 8; a++) {
        for (unsigned s = 0; s < 4; s++) {
            void *p = kaal_heap_aligned_alloc(&f->heap, aligns[a], sizes[s]);
            assert_non_null(p);
            assert_int_equal((uintptr_t)p % aligns[a], 0);
            assert_true(kaal_heap_usable_size(&f->heap, p) >= sizes[s]);
            memset(p, 0x5a, sizes[s]);
            assert_int_equal(kaal_heap_free(&f->heap, p), KAAL_OK);
        }
    }
    assert_true(kaal_heap_check(&f->heap));
}

static void test_aligned_alloc_rejects_non_power_of_two(void **state)
{
    struct fixture *f = *state;
    assert_null(kaal_heap_aligned_alloc(&f->heap, 0, 16));
    assert_null(kaal_heap_aligned_alloc(&f->heap, 24, 16));
    assert_null(kaal_heap_aligned_alloc(&f->heap, 4097, 16));
    assert_null(kaal_heap_aligned_alloc(&f->heap, 2 * REGION_BYTES, 16));
    assert_int_equal(kaal_heap_stats(&f->heap).n_allocs, 0);
}

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(seed + i * 7);
}

static void expect_fill(const unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        assert_int_equal(p[i], (unsigned char)(seed + i * 7));
}

static void test_realloc_keeps_contents_across_every_size_change(void **state)
{
    struct fixture *f = *state;
    static const size_t steps[] = {10, 40, 300, 1000, 1100, 9000, 70000, 5000, 800, 33, 1};
    unsigned char *p = kaal_heap_realloc(&f->heap, NULL, 5);
    size_t size = 5;
    fill(p, size, 3);
    for (unsigned i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        unsigned char *q = kaal_heap_realloc(&f->heap, p, steps[i]);
        assert_non_null(q);
        expect_fill(q, size < steps[i] ? size : steps[i], 3);
        size = steps[i];
        fill(q, size, 3);
        p = q;
        assert_true(kaal_heap_check(&f->heap));
    }
    assert_null(kaal_heap_realloc(&f->heap, p, 0)); /* frees */
    assert_int_equal(kaal_heap_stats(&f->heap).in_use_bytes, 0);
    assert_int_equal(kaal_heap_free(&f->heap, p), KAAL_ENOENT);
}

static void test_realloc_grows_in_place_when_the_buddy_is_free(void **state)
{
    struct fixture *f = *state;
    unsigned char *p = kaal_heap_aligned_alloc(&f->heap, 65536, 65536);
    /* Shrinking gives the tail back as free buddies... */
    assert_ptr_equal(kaal_heap_realloc(&f->heap, p, 4096), p);
    assert_int_equal(kaal_heap_usable_size(&f->heap, p), 4096);
    fill(p, 4096, 9);
    /* ...and growing takes them again without moving. */
    assert_ptr_equal(kaal_heap_realloc(&f->heap, p, 60000), p);
    assert_int_equal(kaal_heap_usable_size(&f->heap, p), 65536);
    expect_fill(p, 4096, 9);
    assert_ptr_equal(kaal_heap_realloc(&f->heap, p, 2000), p);
    assert_int_equal(kaal_heap_usable_size(&f->heap, p), 2048);
    void *tail = kaal_heap_aligned_alloc(&f->heap, 32768, 32768);
    assert_ptr_equal(tail, p + 32768);
    /* The buddy is taken now: growing has to move. */
    unsigned char *q = kaal_heap_realloc(&f->heap, p, 40000);
    assert_ptr_not_equal(q, p);
    expect_fill(q, 2000, 9);
    kaal_heap_free(&f->heap, tail);
    kaal_heap_free(&f->heap, q);
    assert_true(kaal_heap_check(&f->heap));
}

static void test_realloc_failure_keeps_the_old_block(void **state)
{
    struct fixture *f = *state;
    unsigned char *p = kaal_heap_alloc(&f->heap, 100);
    fill(p, 100, 1);
    assert_null(kaal_heap_realloc(&f->heap, p, 4 * REGION_BYTES));
    expect_fill(p, 100, 1);
    assert_int_equal(kaal_heap_usable_size(&f->heap, p), 128);
    int x;
    assert_null(kaal_heap_realloc(&f->heap, &x, 10));
    assert_int_equal(f->last_misuse, KAAL_HEAP_MISUSE_FOREIGN_POINTER);
    assert_null(kaal_heap_realloc(&f->heap, p + 16, 10));
    assert_int_equal(f->last_misuse, KAAL_HEAP_MISUSE_NOT_ALLOCATED);
    assert_int_equal(kaal_heap_free(&f->heap, p), KAAL_OK);
    assert_true(kaal_heap_check(&f->heap));
}

static void test_add_region_more_than_once_serves_from_all(void **state)
{
    (void)state;
    kaal_heap_t heap;
    kaal_heap_init(&heap);
    assert_null(kaal_heap_alloc(&heap, 16));
    char *a = malloc(10000), *b = malloc(30000);
    /* Odd base and size on purpose. */
    assert_int_equal(kaal_heap_add_region(&heap, a + 3, 10000 - 3), KAAL_OK);
    kaal_heap_stats_t one = kaal_heap_stats(&heap);
    assert_true(one.total_bytes > 9000 && one.total_bytes < 10000);
    assert_int_equal(kaal_heap_add_region(&heap, b, 30000), KAAL_OK);
    kaal_heap_stats_t two = kaal_heap_stats(&heap);
    assert_true(two.total_bytes > one.total_bytes + 29000);
    bool in_a = false, in_b = false;
    void *p[64];
    int n = 0;
    while (n < 64 && (p[n] = kaal_heap_alloc(&heap, 1500)) != NULL) {
        in_a |= inside(p[n], 1500, a, 10000);
        in_b |= inside(p[n], 1500, b, 30000);
        assert_true(inside(p[n], 1500, a, 10000) || inside(p[n], 1500, b, 30000));
        n++;
    }
    assert_true(in_a && in_b);
    assert_true(kaal_heap_check(&heap));
    for (int i = 0; i < n; i++)
        assert_int_equal(kaal_heap_free(&heap, p[i]), KAAL_OK);
    kaal_heap_trim(&heap);
    assert_int_equal(kaal_heap_stats(&heap).free_bytes, two.free_bytes);
    free(a);
    free(b);
}

static void test_add_region_rejects_bad_regions(void **state)
{
    struct fixture *f = *state;
    char tiny[100];
    assert_int_equal(kaal_heap_add_region(&f->heap, NULL, 4096), KAAL_EINVAL);
    assert_int_equal(kaal_heap_add_region(&f->heap, tiny, 0), KAAL_EINVAL);
    assert_int_equal(kaal_heap_add_region(&f->heap, tiny, 60), KAAL_EINVAL);
    assert_int_equal(kaal_heap_add_region(&f->heap, (char *)f->mem + 4096, 8192), KAAL_EINVAL);
    assert_int_equal(kaal_heap_add_region(&f->heap, (char *)f->mem - 4096, 8192), KAAL_EINVAL);
    assert_int_equal(kaal_heap_stats(&f->heap).total_bytes, kaal_heap_stats(&f->heap).free_bytes);
    assert_true(kaal_heap_check(&f->heap));
}

static void test_add_region_stops_at_the_region_limit(void **state)
{
    (void)state;
    kaal_heap_t heap;
    kaal_heap_init(&heap);
    char *mem = malloc((KAAL_HEAP_MAX_REGIONS + 1) * 1024);
    for (unsigned i = 0; i < KAAL_HEAP_MAX_REGIONS; i++)
        assert_int_equal(kaal_heap_add_region(&heap, mem + i * 1024, 1024), KAAL_OK);
    assert_int_equal(kaal_heap_add_region(&heap, mem + KAAL_HEAP_MAX_REGIONS * 1024, 1024),
                     KAAL_ENOSPC);
    assert_true(kaal_heap_check(&heap));
    free(mem);
}

static void test_stats_track_use_and_fragmentation(void **state)
{
    struct fixture *f = *state;
    kaal_heap_stats_t s0 = kaal_heap_stats(&f->heap);
    assert_int_equal(s0.in_use_bytes, 0);
    assert_int_equal(s0.free_bytes, s0.total_bytes);
    assert_true(s0.total_bytes > REGION_BYTES - REGION_BYTES / 32);
    void *a = kaal_heap_alloc(&f->heap, 3000); /* 4 KiB block */
    void *b = kaal_heap_alloc(&f->heap, 20);   /* 32-byte object in a 4 KiB slab */
    kaal_heap_stats_t s1 = kaal_heap_stats(&f->heap);
    assert_int_equal(s1.in_use_bytes, 4096 + 32);
    assert_int_equal(s1.free_bytes, s0.free_bytes - 8192);
    assert_int_equal(s1.overhead_bytes, 4096 - 32);
    assert_int_equal(s1.n_allocs, 2);
    assert_true(s1.largest_free_bytes <= s1.free_bytes);
    assert_true(s1.fragmentation_permille > 0 && s1.fragmentation_permille < 1000);
    kaal_heap_free(&f->heap, a);
    kaal_heap_free(&f->heap, b);
    kaal_heap_stats_t s2 = kaal_heap_stats(&f->heap);
    assert_int_equal(s2.in_use_bytes, 0);
    assert_int_equal(s2.n_frees, 2);
    kaal_heap_trim(&f->heap);
    assert_int_equal(kaal_heap_stats(&f->heap).free_bytes, s0.free_bytes);
}

static void test_empty_slabs_return_to_the_buddy_core(void **state)
{
    struct fixture *f = *state;
    kaal_heap_stats_t s0 = kaal_heap_stats(&f->heap);
    void *p[2000];
    for (int i = 0; i < 2000; i++)
        p[i] = kaal_heap_alloc(&f->heap, 64);
    assert_true(kaal_heap_stats(&f->heap).free_bytes <= s0.free_bytes - 2000 * 64);
    for (int i = 0; i < 2000; i++)
        kaal_heap_free(&f->heap, p[i]);
    /* Only one empty slab stays cached for the class. */
    assert_int_equal(kaal_heap_stats(&f->heap).free_bytes, s0.free_bytes - 4096);
    assert_true(kaal_heap_check(&f->heap));
}

static void test_usable_size_of_non_blocks_is_zero(void **state)
{
    struct fixture *f = *state;
    int x;
    assert_int_equal(kaal_heap_usable_size(&f->heap, NULL), 0);
    assert_int_equal(kaal_heap_usable_size(&f->heap, &x), 0);
    void *p = kaal_heap_alloc(&f->heap, 700);
    assert_int_equal(kaal_heap_usable_size(&f->heap, p), 768);
    kaal_heap_free(&f->heap, p);
    assert_int_equal(kaal_heap_usable_size(&f->heap, p), 0);
    assert_int_equal(f->n_hook_calls, 0);
}

static void test_check_detects_a_corrupted_free_list(void **state)
{
    struct fixture *f = *state;
    char *buddy = kaal_heap_aligned_alloc(&f->heap, 8192, 8192);
    /* The upper half becomes a free 4 KiB block; its buddy stays live. */
    assert_ptr_equal(kaal_heap_realloc(&f->heap, buddy, 4096), buddy);
    void *q = buddy + 4096;
    assert_true(kaal_heap_check(&f->heap));
    /* A use-after-free write over the free block's list link. */
    struct kaal_heap_link *link = q;
    struct kaal_heap_link saved = *link;
    link->next = link;
    assert_false(kaal_heap_check(&f->heap));
    *link = saved;
    assert_true(kaal_heap_check(&f->heap));
    kaal_heap_free(&f->heap, buddy);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_alloc_returns_aligned_disjoint_blocks_inside_the_region),
        T(test_zero_size_alloc_returns_null),
        T(test_alloc_fails_cleanly_when_out_of_memory),
        T(test_exhausting_small_blocks_then_freeing_restores_the_heap),
        T(test_free_coalesces_buddies),
        T(test_cached_blocks_are_reused_and_never_cause_a_failure),
        T(test_free_of_null_does_nothing),
        T(test_double_free_of_a_large_block_is_reported),
        T(test_double_free_of_a_small_object_is_reported),
        T(test_foreign_pointer_free_is_reported),
        T(test_interior_and_metadata_pointers_are_rejected),
        T(test_calloc_zeroes_and_detects_overflow),
        T(test_aligned_alloc_honours_alignment),
        T(test_aligned_alloc_rejects_non_power_of_two),
        T(test_realloc_keeps_contents_across_every_size_change),
        T(test_realloc_grows_in_place_when_the_buddy_is_free),
        T(test_realloc_failure_keeps_the_old_block),
        T(test_add_region_more_than_once_serves_from_all),
        T(test_add_region_rejects_bad_regions),
        T(test_add_region_stops_at_the_region_limit),
        T(test_stats_track_use_and_fragmentation),
        T(test_empty_slabs_return_to_the_buddy_core),
        T(test_usable_size_of_non_blocks_is_zero),
        T(test_check_detects_a_corrupted_free_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
