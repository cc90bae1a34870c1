// SPDX-License-Identifier: BSD-2-Clause
/*
 * Heap benchmark: kaal_heap next to glibc malloc/free in the same binary.
 *   heap_pair_<n>     alloc+free of n bytes, repeated, ns per pair
 *   glibc_pair_<n>    the same with malloc/free
 *   heap_vs_glibc_<n> kaal time / glibc time (below 1: kaal is faster)
 *   heap_mixed / glibc_mixed / heap_vs_glibc_mixed: a replayed random trace
 *     of allocs, frees and reallocs (sizes 16 B .. 64 KiB, up to 4096 live
 *     blocks), ns per operation.
 * Each figure is the best of several runs; each block gets one byte
 * written so neither allocator is measured on untouched memory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <kaal/heap.h>

#define ARENA_BYTES (64u << 20)
#define PAIRS 5000000u
#define RUNS 5
#define TRACE_OPS 2000000u
#define TRACE_SLOTS 4096u

static kaal_heap_t heap;

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Keeps the compiler from dropping an allocation it can see unused. */
static void touch(void *p)
{
    *(volatile char *)p = 1;
    __asm__ volatile("" : : "r"(p) : "memory");
}

static double pairs_kaal(size_t size)
{
    double best = 1e30;
    for (int r = 0; r < RUNS; r++) {
        double t0 = now_ns();
        for (unsigned i = 0; i < PAIRS; i++) {
            void *p = kaal_heap_alloc(&heap, size);
            touch(p);
            kaal_heap_free(&heap, p);
        }
        double t = (now_ns() - t0) / PAIRS;
        best = t < best ? t : best;
    }
    return best;
}

static double pairs_glibc(size_t size)
{
    double best = 1e30;
    for (int r = 0; r < RUNS; r++) {
        double t0 = now_ns();
        for (unsigned i = 0; i < PAIRS; i++) {
            void *p = malloc(size);
            touch(p);
            free(p);
        }
        double t = (now_ns() - t0) / PAIRS;
        best = t < best ? t : best;
    }
    return best;
}

struct trace_op {
    uint16_t slot;
    uint8_t kind; /* 0 alloc-or-free, 1 realloc */
    uint32_t size;
};

static struct trace_op trace[TRACE_OPS];
static void *slots[TRACE_SLOTS];

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Mostly small blocks, a tail of larger ones, as a component's heap sees. */
static void make_trace(void)
{
    uint64_t rng = 12345;
    for (unsigned i = 0; i < TRACE_OPS; i++) {
        uint64_t r = rng_next(&rng);
        unsigned pick = (unsigned)(r % 100);
        uint32_t size = pick < 60   ? 16 + (uint32_t)(r >> 8) % 112
                        : pick < 85 ? 128 + (uint32_t)(r >> 8) % 896
                        : pick < 97 ? 1024 + (uint32_t)(r >> 8) % 7168
                                    : 8192 + (uint32_t)(r >> 8) % 57344;
        trace[i] = (struct trace_op){
            .slot = (uint16_t)((r >> 40) % TRACE_SLOTS), .kind = (r >> 60) == 0, .size = size};
    }
}

#define REPLAY(ALLOC, REALLOC, FREE)                                                               \
    do {                                                                                           \
        for (unsigned i = 0; i < TRACE_OPS; i++) {                                                 \
            const struct trace_op *op = &trace[i];                                                 \
            void **s = &slots[op->slot];                                                           \
            if (*s == NULL) {                                                                      \
                *s = ALLOC(op->size);                                                              \
                touch(*s);                                                                         \
            } else if (op->kind == 1) {                                                            \
                *s = REALLOC(*s, op->size);                                                        \
                touch(*s);                                                                         \
            } else {                                                                               \
                FREE(*s);                                                                          \
                *s = NULL;                                                                         \
            }                                                                                      \
        }                                                                                          \
        for (unsigned i = 0; i < TRACE_SLOTS; i++) {                                               \
            if (slots[i])                                                                          \
                FREE(slots[i]);                                                                    \
            slots[i] = NULL;                                                                       \
        }                                                                                          \
    } while (0)

#define K_ALLOC(n) kaal_heap_alloc(&heap, (n))
#define K_REALLOC(p, n) kaal_heap_realloc(&heap, (p), (n))
#define K_FREE(p) kaal_heap_free(&heap, (p))

static double mixed_kaal(void)
{
    double best = 1e30;
    for (int r = 0; r < RUNS; r++) {
        double t0 = now_ns();
        REPLAY(K_ALLOC, K_REALLOC, K_FREE);
        double t = (now_ns() - t0) / TRACE_OPS;
        best = t < best ? t : best;
    }
    return best;
}

static double mixed_glibc(void)
{
    double best = 1e30;
    for (int r = 0; r < RUNS; r++) {
        double t0 = now_ns();
        /* The trace never fails an allocation on the host: no leak to handle. */
        // cppcheck-suppress memleakOnRealloc
        REPLAY(malloc, realloc, free);
        double t = (now_ns() - t0) / TRACE_OPS;
        best = t < best ? t : best;
    }
    return best;
}

int main(void)
{
    void *arena = aligned_alloc(4096, ARENA_BYTES);
    if (arena == NULL)
        return 1;
    memset(arena, 0, ARENA_BYTES); /* fault the pages in before timing */
    kaal_heap_init(&heap);
    if (kaal_heap_add_region(&heap, arena, ARENA_BYTES) != KAAL_OK)
        return 1;

    static const size_t sizes[] = {16, 64, 256, 4096};
    for (unsigned i = 0; i < 4; i++) {
        double k = pairs_kaal(sizes[i]), g = pairs_glibc(sizes[i]);
        printf("bench: heap_pair_%zu %.1f ns/op\n", sizes[i], k);
        printf("bench: glibc_pair_%zu %.1f ns/op\n", sizes[i], g);
        printf("bench: heap_vs_glibc_%zu %.2f x\n", sizes[i], k / g);
    }
    make_trace();
    double k = mixed_kaal(), g = mixed_glibc();
    printf("bench: heap_mixed %.1f ns/op\n", k);
    printf("bench: glibc_mixed %.1f ns/op\n", g);
    printf("bench: heap_vs_glibc_mixed %.2f x\n", k / g);
    if (!kaal_heap_check(&heap) || kaal_heap_stats(&heap).in_use_bytes != 0) {
        fprintf(stderr, "heap invariants broken after the benchmark\n");
        return 1;
    }
    free(arena);
    return 0;
}
