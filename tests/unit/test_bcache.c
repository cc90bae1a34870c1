// SPDX-License-Identifier: BSD-2-Clause
/* The block cache (services/vfs/bcache/bcache.c) over an in-memory device
 * (tests/unit/bcache/memdev.c) that counts and records requests and fails
 * chosen sectors: hits and write-back, LRU order and the page budget,
 * barrier order on the device (the recorded write/flush sequence), the
 * read-ahead window, sector sizes 512..4096 above and below with a device
 * size that is not a multiple of 4 KiB, read and write-back errors, a
 * read-only device and bad configurations. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kaal/bcache.h>
#include "bcache/memdev.h"

#define PG 4096u

typedef struct {
    memdev_t m;
    vfs_blockdev_t lower, dev;
    kaal_bcache_t *c;
    void *arena;
} fix_t;

static fix_t g;

static void setup_full(uint32_t lower_sector, uint64_t dev_bytes, uint32_t n_pages, uint32_t ra,
                       uint32_t upper_sector, bool read_only)
{
    memset(&g, 0, sizeof(g));
    memdev_init(&g.m, lower_sector, dev_bytes / lower_sector, read_only, &g.lower);
    kaal_bcache_config_t cfg = {&g.lower, n_pages, ra, upper_sector};
    size_t bytes = kaal_bcache_arena_bytes(&cfg);
    assert_true(bytes > 0);
    g.arena = aligned_alloc(64, (bytes + 63) & ~(size_t)63);
    g.c = kaal_bcache_init(g.arena, bytes, &cfg);
    assert_non_null(g.c);
    g.dev = kaal_bcache_dev(g.c);
}

static void setup(uint32_t n_pages, uint32_t ra)
{
    setup_full(512, 64 * PG, n_pages, ra, 512, false);
}

static void teardown(void)
{
    kaal_bcache_destroy(g.c);
    free(g.arena);
    memdev_free(&g.m);
}

/* Page-sized helpers on 512-byte sectors above. */
static int wpage(uint64_t p, uint8_t fill)
{
    uint8_t b[PG];
    memset(b, fill, sizeof(b));
    return g.dev.write(g.dev.ctx, p * 8, 8, b);
}

static int rpage(uint64_t p, uint8_t *out)
{
    uint8_t b[PG];
    int err = g.dev.read(g.dev.ctx, p * 8, 8, b);
    if (out)
        *out = b[0];
    return err;
}

static uint8_t dev_byte(uint64_t p)
{
    return g.m.bytes[p * PG];
}

static void test_writes_stay_in_the_cache_until_sync(void **state)
{
    (void)state;
    setup(8, 0);
    assert_int_equal(wpage(3, 0xaa), 0);
    assert_int_equal(wpage(3, 0xab), 0);
    assert_int_equal(g.m.writes, 0);
    assert_int_equal(kaal_bcache_n_dirty(g.c), 1);
    uint8_t v;
    assert_int_equal(rpage(3, &v), 0);
    assert_int_equal(v, 0xab);
    assert_int_equal(g.m.reads, 0); /* a whole-page write needs no read */
    assert_int_equal(g.dev.flush(g.dev.ctx), 0);
    assert_int_equal(g.m.writes, 1);
    assert_int_equal(g.m.flushes, 1);
    assert_int_equal(dev_byte(3), 0xab);
    assert_int_equal(kaal_bcache_n_dirty(g.c), 0);
    assert_int_equal(g.dev.flush(g.dev.ctx), 0);
    assert_int_equal(g.m.flushes, 1); /* nothing new: no flush */
    teardown();
}

static void test_reads_hit_the_cache_after_the_first_miss(void **state)
{
    (void)state;
    setup(8, 0);
    g.m.bytes[5 * PG + 100] = 7;
    uint8_t b[512];
    assert_int_equal(g.dev.read(g.dev.ctx, 5 * 8, 1, b), 0);
    assert_int_equal(b[100], 7);
    for (uint32_t s = 0; s < 8; s++)
        assert_int_equal(g.dev.read(g.dev.ctx, 5 * 8 + s, 1, b), 0);
    assert_int_equal(g.m.reads, 1);
    kaal_bcache_stats_t st = kaal_bcache_stats(g.c);
    assert_int_equal(st.misses, 1);
    assert_int_equal(st.hits, 8);
    teardown();
}

static void test_lru_evicts_the_least_recently_used_page(void **state)
{
    (void)state;
    setup(4, 0);
    for (uint64_t p = 0; p < 4; p++)
        assert_int_equal(rpage(p, NULL), 0);
    assert_int_equal(rpage(0, NULL), 0); /* 0 is now the most recent; 1 the least */
    assert_int_equal(rpage(4, NULL), 0);
    assert_false(kaal_bcache_cached(g.c, 1));
    assert_true(kaal_bcache_cached(g.c, 0));
    assert_true(kaal_bcache_cached(g.c, 2));
    assert_int_equal(wpage(2, 1), 0); /* a write uses the page too */
    assert_int_equal(rpage(5, NULL), 0);
    assert_false(kaal_bcache_cached(g.c, 3));
    assert_true(kaal_bcache_cached(g.c, 2));
    assert_int_equal(kaal_bcache_stats(g.c).evictions, 2);
    teardown();
}

static void test_the_page_budget_holds_and_dirty_pages_are_written_back(void **state)
{
    (void)state;
    setup(4, 0);
    for (uint64_t p = 0; p < 40; p++)
        assert_int_equal(wpage(p, (uint8_t)(p + 1)), 0);
    assert_true(kaal_bcache_n_dirty(g.c) <= 4);
    assert_int_equal(g.m.writes, 36); /* each evicted page written once */
    unsigned cached = 0;
    for (uint64_t p = 0; p < 64; p++)
        cached += kaal_bcache_cached(g.c, p);
    assert_int_equal(cached, 4);
    for (uint64_t p = 0; p < 40; p++) {
        uint8_t v;
        assert_int_equal(rpage(p, &v), 0);
        assert_int_equal(v, (uint8_t)(p + 1));
    }
    assert_int_equal(kaal_bcache_sync(g.c), 0);
    for (uint64_t p = 0; p < 40; p++)
        assert_int_equal(dev_byte(p), (uint8_t)(p + 1));
    teardown();
}

/* The recorded device sequence as a string: "w<page>" per write, "F" per flush. */
static void log_string(char *out, size_t n)
{
    size_t at = 0;
    out[0] = 0;
    for (size_t i = 0; i < g.m.n_log && at + 8 < n; i++) {
        if (g.m.log[i].n_sectors == 0)
            at += (size_t)snprintf(out + at, n - at, "F");
        else
            at += (size_t)snprintf(out + at, n - at, "w%u",
                                   (unsigned)(g.m.log[i].sector * g.m.sector_bytes / PG));
    }
}

static void test_writes_before_a_barrier_are_flushed_before_later_ones(void **state)
{
    (void)state;
    setup(8, 0);
    g.m.record = true;
    assert_int_equal(wpage(1, 1), 0);
    assert_int_equal(wpage(0, 1), 0);
    assert_int_equal(g.dev.barrier(g.dev.ctx), 0);
    assert_int_equal(wpage(2, 2), 0);
    assert_int_equal(g.dev.barrier(g.dev.ctx), 0);
    assert_int_equal(g.dev.barrier(g.dev.ctx), 0); /* an empty epoch costs nothing */
    assert_int_equal(wpage(3, 3), 0);
    assert_int_equal(kaal_bcache_sync(g.c), 0);
    char s[128];
    log_string(s, sizeof(s));
    assert_string_equal(s, "w1w0Fw2Fw3F");
    teardown();
}

static void test_without_a_barrier_one_flush_covers_all_writes(void **state)
{
    (void)state;
    setup(8, 0);
    g.m.record = true;
    for (uint64_t p = 0; p < 3; p++)
        assert_int_equal(wpage(p, 1), 0);
    assert_int_equal(kaal_bcache_sync(g.c), 0);
    char s[128];
    log_string(s, sizeof(s));
    assert_string_equal(s, "w0w1w2F");
    teardown();
}

static void test_eviction_keeps_barrier_order(void **state)
{
    (void)state;
    setup(2, 0);
    g.m.record = true;
    assert_int_equal(wpage(0, 1), 0);
    assert_int_equal(g.dev.barrier(g.dev.ctx), 0);
    assert_int_equal(wpage(1, 2), 0);
    assert_int_equal(rpage(5, NULL), 0); /* evicts 0 */
    assert_int_equal(rpage(6, NULL), 0); /* evicts 1: 0 must be flushed first */
    char s[128];
    log_string(s, sizeof(s));
    assert_string_equal(s, "w0Fw1");
    teardown();
}

static void test_a_page_rewritten_after_a_barrier_goes_out_with_its_epoch(void **state)
{
    (void)state;
    setup(8, 0);
    g.m.record = true;
    assert_int_equal(wpage(0, 1), 0);
    assert_int_equal(g.dev.barrier(g.dev.ctx), 0);
    assert_int_equal(wpage(1, 2), 0);
    assert_int_equal(g.dev.barrier(g.dev.ctx), 0);
    assert_int_equal(wpage(0, 3), 0); /* page 0 still holds epoch 0's data */
    char s[128];
    log_string(s, sizeof(s));
    assert_string_equal(s, "w0");
    assert_int_equal(g.m.log[0].data[0], 1);
    assert_int_equal(kaal_bcache_sync(g.c), 0);
    log_string(s, sizeof(s));
    assert_string_equal(s, "w0Fw1Fw0F");
    assert_int_equal(dev_byte(0), 3);
    assert_int_equal(kaal_bcache_stats(g.c).barrier_writebacks, 1);
    teardown();
}

static void test_neighbouring_dirty_pages_of_one_epoch_go_out_in_one_request(void **state)
{
    (void)state;
    setup(32, 8);
    g.m.record = true;
    for (uint64_t p = 0; p < 12; p++)
        assert_int_equal(wpage(p, (uint8_t)p), 0);
    assert_int_equal(g.dev.barrier(g.dev.ctx), 0);
    assert_int_equal(wpage(12, 12), 0); /* a neighbour, but of a later epoch */
    uint8_t half[512] = {0};
    assert_int_equal(g.dev.write(g.dev.ctx, 20 * 8, 1, half), 0); /* not wholly dirty */
    assert_int_equal(g.dev.write(g.dev.ctx, 21 * 8, 1, half), 0);
    assert_int_equal(kaal_bcache_sync(g.c), 0);
    /* 0..8 (9 pages: the read-ahead buffer), 9..11, flush, 12, 20, 21 (partial), flush. */
    assert_int_equal(g.m.writes, 5);
    assert_int_equal(g.m.log[0].n_sectors, 9 * 8);
    assert_int_equal(g.m.log[1].n_sectors, 3 * 8);
    assert_int_equal(g.m.log[2].n_sectors, 0);
    for (uint64_t p = 0; p < 13; p++)
        assert_int_equal(dev_byte(p), (uint8_t)p);
    teardown();
}

static void test_sequential_reads_are_read_ahead_in_a_growing_window(void **state)
{
    (void)state;
    setup(32, 8);
    assert_int_equal(rpage(0, NULL), 0); /* not yet a stream */
    assert_false(kaal_bcache_cached(g.c, 1));
    assert_int_equal(rpage(1, NULL), 0); /* a stream: window 2, one request */
    assert_int_equal(g.m.reads, 2);
    assert_true(kaal_bcache_cached(g.c, 2));
    assert_true(kaal_bcache_cached(g.c, 3));
    assert_false(kaal_bcache_cached(g.c, 4));
    assert_int_equal(rpage(2, NULL), 0); /* a hit; window 4: the next 4 pages, 4..7 */
    assert_int_equal(g.m.reads, 3);
    assert_true(kaal_bcache_cached(g.c, 7));
    assert_false(kaal_bcache_cached(g.c, 8));
    for (uint64_t p = 3; p < 60; p++)
        assert_int_equal(rpage(p, NULL), 0);
    print_message("60 sequential pages: %llu device reads\n", (unsigned long long)g.m.reads);
    assert_true(g.m.reads <= 11); /* 60 pages; the window grows to 8 */
    kaal_bcache_stats_t st = kaal_bcache_stats(g.c);
    assert_true(st.readahead_pages >= 50);
    assert_false(kaal_bcache_cached(g.c, 59 + 1 + 12)); /* at most 1.5 windows ahead */
    teardown();
}

static void test_random_reads_are_not_read_ahead(void **state)
{
    (void)state;
    setup(32, 8);
    const uint64_t order[] = {9, 3, 20, 7, 40, 1, 33, 12};
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
        assert_int_equal(rpage(order[i], NULL), 0);
    assert_int_equal(g.m.reads, 8);
    assert_int_equal(kaal_bcache_stats(g.c).readahead_pages, 0);
    assert_false(kaal_bcache_cached(g.c, 10));
    teardown();
}

static void test_read_ahead_never_writes_back(void **state)
{
    (void)state;
    setup(4, 2);
    for (uint64_t p = 10; p < 16; p += 2) /* apart: each is written back alone */
        assert_int_equal(wpage(p, 1), 0);
    assert_int_equal(rpage(0, NULL), 0);
    assert_int_equal(rpage(1, NULL), 0); /* only one page is clean: no room to read ahead */
    assert_int_equal(g.m.writes, 1);     /* the eviction for page 1 itself */
    assert_int_equal(kaal_bcache_stats(g.c).readahead_pages, 0);
    teardown();
}

/* Random sector writes through the cache agree with a plain copy, for each
 * pair of sector sizes, on a device ending 2 KiB into its last page. */
static void test_sector_sizes_from_512_to_4096_and_a_partial_last_page(void **state)
{
    (void)state;
    const uint32_t sizes[] = {512, 1024, 2048, 4096};
    for (unsigned lo = 0; lo < 4; lo++) {
        for (unsigned up = 0; up < 4; up++) {
            uint32_t ls = sizes[lo], us = sizes[up];
            uint64_t dev_bytes = 20 * PG + (ls <= 2048 ? 2048 : 0);
            setup_full(ls, dev_bytes, 4, 2, us, false);
            uint8_t *ref = calloc(1, dev_bytes);
            uint64_t n_up = dev_bytes / us;
            assert_int_equal(g.dev.n_sectors, n_up);
            assert_int_equal(g.dev.sector_bytes, us);
            uint64_t seed = ls * 31 + us;
            uint8_t buf[3 * PG];
            for (int i = 0; i < 300; i++) {
                seed = seed * 6364136223846793005ull + 1442695040888963407ull;
                uint64_t s = (seed >> 33) % n_up;
                uint32_t n = 1 + (uint32_t)((seed >> 20) % (sizeof(buf) / us));
                if (n > n_up - s)
                    n = (uint32_t)(n_up - s);
                if ((seed >> 10) & 1) {
                    for (uint32_t k = 0; k < n * us; k++)
                        buf[k] = (uint8_t)(seed >> 40) + (uint8_t)k;
                    assert_int_equal(g.dev.write(g.dev.ctx, s, n, buf), 0);
                    memcpy(ref + s * us, buf, (size_t)n * us);
                } else {
                    assert_int_equal(g.dev.read(g.dev.ctx, s, n, buf), 0);
                    assert_memory_equal(buf, ref + s * us, (size_t)n * us);
                }
            }
            /* The last sector of the device round-trips. */
            memset(buf, 0x5c, us);
            assert_int_equal(g.dev.write(g.dev.ctx, n_up - 1, 1, buf), 0);
            memcpy(ref + (n_up - 1) * us, buf, us);
            assert_int_equal(g.dev.read(g.dev.ctx, n_up, 1, buf), -EINVAL);
            assert_int_equal(kaal_bcache_sync(g.c), 0);
            assert_memory_equal(g.m.bytes, ref, dev_bytes);
            free(ref);
            teardown();
        }
    }
}

static void test_a_write_of_part_of_a_device_sector_reads_it_first(void **state)
{
    (void)state;
    setup_full(4096, 8 * PG, 4, 0, 512, false);
    memset(g.m.bytes + PG, 0x11, PG);
    uint8_t b[512];
    memset(b, 0x22, sizeof(b));
    assert_int_equal(g.dev.write(g.dev.ctx, 8 + 3, 1, b), 0);
    assert_int_equal(g.m.reads, 1);
    assert_int_equal(kaal_bcache_sync(g.c), 0);
    assert_int_equal(g.m.writes, 1);
    assert_int_equal(g.m.bytes[PG], 0x11);
    assert_int_equal(g.m.bytes[PG + 3 * 512], 0x22);
    assert_int_equal(g.m.bytes[PG + 4 * 512], 0x11);
    teardown();
}

static void test_a_read_error_goes_to_the_reader_and_caches_nothing(void **state)
{
    (void)state;
    setup(8, 4);
    g.m.fail_read_sector = 2 * 8 + 5;
    assert_int_equal(rpage(2, NULL), -EIO);
    assert_false(kaal_bcache_cached(g.c, 2));
    uint8_t b[512];
    assert_int_equal(g.dev.read(g.dev.ctx, 2 * 8, 1, b), -EIO); /* same page: still an error */
    g.m.fail_read_sector = -1;
    assert_int_equal(rpage(2, NULL), 0);
    /* An error in the read-ahead part of a request costs only the read-ahead. */
    assert_int_equal(rpage(20, NULL), 0);
    g.m.fail_read_sector = 22 * 8;
    assert_int_equal(rpage(21, NULL), 0);
    assert_true(kaal_bcache_cached(g.c, 21));
    assert_false(kaal_bcache_cached(g.c, 22));
    assert_int_equal(rpage(22, NULL), -EIO);
    assert_false(kaal_bcache_cached(g.c, 22));
    teardown();
}

static void test_a_failed_write_back_keeps_the_data_and_is_reported(void **state)
{
    (void)state;
    setup(2, 0);
    assert_int_equal(wpage(0, 0x42), 0);
    g.m.fail_write_sector = 3;
    assert_int_equal(kaal_bcache_sync(g.c), -EIO);
    assert_int_equal(kaal_bcache_n_dirty(g.c), 1);
    assert_int_equal(kaal_bcache_sync(g.c), -EIO); /* still not written: still an error */
    /* An eviction that needs it fails the operation that asked for the page. */
    assert_int_equal(rpage(1, NULL), 0);
    assert_int_equal(rpage(2, NULL), -EIO);
    uint8_t v;
    assert_int_equal(rpage(0, &v), 0);
    assert_int_equal(v, 0x42);
    g.m.fail_write_sector = -1;
    assert_int_equal(kaal_bcache_sync(g.c), 0);
    assert_int_equal(dev_byte(0), 0x42);
    assert_int_equal(kaal_bcache_n_dirty(g.c), 0);
    teardown();
}

static void test_a_failed_write_back_holds_back_later_epochs(void **state)
{
    (void)state;
    setup(8, 0);
    g.m.record = true;
    assert_int_equal(wpage(0, 1), 0);
    assert_int_equal(g.dev.barrier(g.dev.ctx), 0);
    assert_int_equal(wpage(1, 2), 0);
    g.m.fail_write_sector = 0;
    assert_int_equal(kaal_bcache_sync(g.c), -EIO);
    assert_int_equal(g.m.n_log, 0); /* page 1 was not written before page 0 */
    g.m.fail_write_sector = -1;
    assert_int_equal(kaal_bcache_sync(g.c), 0);
    char s[64];
    log_string(s, sizeof(s));
    assert_string_equal(s, "w0Fw1F");
    teardown();
}

static void test_a_read_only_device_refuses_writes(void **state)
{
    (void)state;
    setup_full(512, 8 * PG, 4, 0, 0, true);
    assert_true(g.dev.read_only);
    assert_int_equal(wpage(0, 1), -EROFS);
    assert_int_equal(rpage(0, NULL), 0);
    assert_int_equal(kaal_bcache_sync(g.c), 0);
    assert_int_equal(g.m.writes, 0);
    teardown();
}

static void test_drop_leaves_a_cold_cache(void **state)
{
    (void)state;
    setup(8, 0);
    assert_int_equal(wpage(1, 9), 0);
    assert_int_equal(rpage(2, NULL), 0);
    assert_int_equal(kaal_bcache_drop(g.c), 0);
    assert_false(kaal_bcache_cached(g.c, 1));
    assert_false(kaal_bcache_cached(g.c, 2));
    assert_int_equal(dev_byte(1), 9);
    teardown();
}

static size_t g_live_bytes;

static void *t_alloc(void *ctx, size_t n)
{
    (void)ctx;
    g_live_bytes += n;
    return aligned_alloc(64, (n + 63) & ~(size_t)63);
}

static void t_free(void *ctx, void *p, size_t n)
{
    (void)ctx;
    g_live_bytes -= n;
    free(p);
}

static void test_bad_configurations_are_refused(void **state)
{
    (void)state;
    memdev_t m;
    vfs_blockdev_t lower;
    memdev_init(&m, 512, 64, false, &lower);
    vfs_blockdev_t odd = lower;
    odd.sector_bytes = 768;
    const kaal_bcache_config_t bad[] = {
        {NULL, 8, 0, 0},     {&lower, 1, 0, 0},    {&lower, 8, 5, 0},
        {&lower, 8, 0, 256}, {&lower, 8, 0, 8192}, {&odd, 8, 0, 0},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(kaal_bcache_arena_bytes(&bad[i]), 0);
        assert_null(kaal_bcache_create(&bad[i], &(vfs_allocator_t){t_alloc, t_free, NULL}));
    }
    kaal_bcache_config_t ok = {&lower, 8, 4, 0};
    size_t need = kaal_bcache_arena_bytes(&ok);
    assert_true(need >= 8 * PG);
    void *arena = aligned_alloc(64, need + 64);
    assert_null(kaal_bcache_init(arena, need - 1, &ok));
    assert_null(kaal_bcache_init((uint8_t *)arena + 8, need, &ok));
    assert_non_null(kaal_bcache_init(arena, need, &ok));
    free(arena);
    kaal_bcache_t *c = kaal_bcache_create(&ok, &(vfs_allocator_t){t_alloc, t_free, NULL});
    assert_non_null(c);
    assert_int_equal(g_live_bytes, need);
    assert_int_equal(kaal_bcache_destroy(c), 0);
    assert_int_equal(g_live_bytes, 0);
    memdev_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writes_stay_in_the_cache_until_sync),
        cmocka_unit_test(test_reads_hit_the_cache_after_the_first_miss),
        cmocka_unit_test(test_lru_evicts_the_least_recently_used_page),
        cmocka_unit_test(test_the_page_budget_holds_and_dirty_pages_are_written_back),
        cmocka_unit_test(test_writes_before_a_barrier_are_flushed_before_later_ones),
        cmocka_unit_test(test_without_a_barrier_one_flush_covers_all_writes),
        cmocka_unit_test(test_eviction_keeps_barrier_order),
        cmocka_unit_test(test_a_page_rewritten_after_a_barrier_goes_out_with_its_epoch),
        cmocka_unit_test(test_neighbouring_dirty_pages_of_one_epoch_go_out_in_one_request),
        cmocka_unit_test(test_sequential_reads_are_read_ahead_in_a_growing_window),
        cmocka_unit_test(test_random_reads_are_not_read_ahead),
        cmocka_unit_test(test_read_ahead_never_writes_back),
        cmocka_unit_test(test_sector_sizes_from_512_to_4096_and_a_partial_last_page),
        cmocka_unit_test(test_a_write_of_part_of_a_device_sector_reads_it_first),
        cmocka_unit_test(test_a_read_error_goes_to_the_reader_and_caches_nothing),
        cmocka_unit_test(test_a_failed_write_back_keeps_the_data_and_is_reported),
        cmocka_unit_test(test_a_failed_write_back_holds_back_later_epochs),
        cmocka_unit_test(test_a_read_only_device_refuses_writes),
        cmocka_unit_test(test_drop_leaves_a_cold_cache),
        cmocka_unit_test(test_bad_configurations_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
