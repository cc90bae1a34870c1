// SPDX-License-Identifier: BSD-2-Clause
/*
 * Runs the heap, DMA pool and rings inside a KaaL guest (booted as the
 * root task by tests/system/test_runtime_guest.py), to show the
 * freestanding builds work where they will be used, not only on the host:
 * malloc and friends over a .bss arena, misuse reporting, an SPSC ring with
 * batching and signal suppression, the MPMC queue, and a DMA pool with
 * made-up physical addresses (the broker does not hand out frames yet).
 * Prints TAP lines and `N passed, N failed`. The thorough tests are the
 * host ones.
 */
#include <kaal/dma.h>
#include <kaal/heap.h>
#include <kaal/ring.h>
#include <kaal/stdio.h>
#include <kaal/string.h>

static _Alignas(4096) unsigned char arena[256 << 10];
static _Alignas(4096) unsigned char dma_mem[16 << 10];
static int n_passed, n_failed, n_run;

static void check(bool ok, const char *name)
{
    n_run++;
    if (ok)
        n_passed++;
    else
        n_failed++;
    printf("%s %d - %s\n", ok ? "ok" : "not ok", n_run, name);
}

static void heap_checks(void)
{
    kaal_heap_t *heap = kaal_malloc_heap();
    check(malloc(16) == NULL, "malloc_without_a_region_returns_null");
    check(kaal_heap_add_region(heap, arena, sizeof(arena)) == KAAL_OK, "heap_add_region");
    char *p = malloc(100);
    memset(p, 'x', 100);
    p = realloc(p, 5000);
    bool kept = p != NULL;
    for (int i = 0; kept && i < 100; i++)
        kept = p[i] == 'x';
    check(kept, "realloc_keeps_contents");
    unsigned char *z = calloc(64, 4);
    bool zero = z != NULL;
    for (int i = 0; zero && i < 256; i++)
        zero = z[i] == 0;
    check(zero, "calloc_zeroes");
    void *a = aligned_alloc(4096, 100);
    check(a != NULL && (uintptr_t)a % 4096 == 0, "aligned_alloc_aligns");
    free(a);
    free(z);
    free(p);
    uint64_t misuse = kaal_heap_stats(heap).n_misuse;
    free(p); /* prints a misuse line, changes nothing */
    check(kaal_heap_stats(heap).n_misuse == misuse + 1 && kaal_heap_check(heap),
          "double_free_is_reported");
    kaal_heap_trim(heap);
    kaal_heap_stats_t s = kaal_heap_stats(heap);
    check(s.in_use_bytes == 0 && s.free_bytes == s.total_bytes, "all_memory_returns");
}

static void ring_checks(void)
{
    void *mem = aligned_alloc(64, kaal_ring_bytes(16));
    kaal_ring_producer_t p;
    kaal_ring_consumer_t c;
    check(kaal_ring_init(mem, kaal_ring_bytes(16), 16) == KAAL_OK &&
              kaal_ring_producer_attach(&p, mem) == KAAL_OK &&
              kaal_ring_consumer_attach(&c, mem) == KAAL_OK,
          "ring_init_and_attach");
    kaal_ring_desc_t in[20], out[20];
    for (uint32_t i = 0; i < 20; i++)
        in[i] = (kaal_ring_desc_t){.offset = i * 64, .length_bytes = i};
    check(kaal_ring_consumer_arm(&c), "empty_ring_arms");
    bool ordered = kaal_ring_enqueue_batch(&p, in, 20) == 16 &&
                   kaal_ring_producer_should_signal(&p) && !kaal_ring_producer_should_signal(&p) &&
                   kaal_ring_dequeue_batch(&c, out, 20) == 16;
    for (uint32_t i = 0; ordered && i < 16; i++)
        ordered = out[i].offset == i * 64 && out[i].length_bytes == i;
    check(ordered, "ring_batch_fifo_and_one_signal");
    free(mem);

    kaal_mpmc_t *q = aligned_alloc(64, kaal_mpmc_bytes(4));
    kaal_ring_desc_t d = {.offset = 7}, e;
    check(kaal_mpmc_init(q, kaal_mpmc_bytes(4), 4) == KAAL_OK &&
              kaal_mpmc_enqueue(q, &d) == KAAL_OK && kaal_mpmc_dequeue(q, &e) == KAAL_OK &&
              e.offset == 7 && kaal_mpmc_dequeue(q, &e) == KAAL_EAGAIN,
          "mpmc_round_trip");
    free(q);
}

static void dma_checks(void)
{
    const uint64_t fake_paddr = 0x7f000000;
    kaal_dma_pool_t pool;
    kaal_dma_pool_init(&pool, kaal_malloc_heap());
    check(kaal_dma_add_region(&pool, dma_mem, fake_paddr, sizeof(dma_mem), KAAL_DMA_CACHED) ==
              KAAL_OK,
          "dma_add_region");
    kaal_dma_fixed_pool_t fp;
    uint32_t i = 0;
    bool ok = kaal_dma_fixed_init(&fp, &pool, 4, 1500, 2048, KAAL_DMA_CACHED) == KAAL_OK &&
              kaal_dma_fixed_get(&fp, &i) == KAAL_OK;
    kaal_dma_buf_t b = kaal_dma_fixed_buf(&fp, i);
    check(ok && b.paddr % 2048 == 0 && kaal_dma_paddr(&pool, b.vaddr) == b.paddr &&
              kaal_dma_fixed_index_of_paddr(&fp, b.paddr + 10) == i,
          "dma_fixed_pool_buffer_addresses");
    check(kaal_dma_fixed_put(&fp, i) == KAAL_OK && kaal_dma_fixed_put(&fp, i) == KAAL_ENOENT,
          "dma_double_put_is_reported");
    kaal_dma_fixed_destroy(&fp);
    kaal_dma_pool_destroy(&pool);
    check(kaal_dma_free_bytes(&pool) == 0, "dma_pool_destroyed");
}

int main(void)
{
    heap_checks();
    ring_checks();
    dma_checks();
    printf("%d passed, %d failed\n", n_passed, n_failed);
    return n_failed;
}
