// SPDX-License-Identifier: BSD-2-Clause
/* Randomized alloc/calloc/aligned_alloc/realloc/free traces against the
 * heap's shadow model (tests/unit/heap/shadow.c), under ASan+UBSan: no
 * overlap, alignment, contents kept by realloc, misuse reported, statistics
 * exact, invariants intact. Seeds are fixed, so a failure reproduces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "heap/shadow.h"

static uint64_t rng_next(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

struct trace_shape {
    size_t heap_bytes;
    size_t n_ops;
    size_t max_large_bytes; /* sizes above the slab range go up to this */
    unsigned large_percent; /* share of requests above the slab range */
};

static void run_trace(uint64_t seed, const struct trace_shape *shape, uint64_t *n_failed)
{
    void *mem = malloc(shape->heap_bytes);
    struct shadow *s = malloc(sizeof(*s));
    uint64_t rng = seed * 0x9e3779b97f4a7c15ull + 1;
    shadow_init(s, mem, shape->heap_bytes);
    for (size_t i = 0; i < shape->n_ops; i++) {
        uint64_t r = rng_next(&rng);
        unsigned pick = (unsigned)(r % 100);
        enum shadow_op op = pick < 35   ? SHADOW_ALLOC
                            : pick < 42 ? SHADOW_CALLOC
                            : pick < 50 ? SHADOW_ALIGNED_ALLOC
                            : pick < 65 ? SHADOW_REALLOC
                            : pick < 96 ? SHADOW_FREE
                            : pick < 98 ? SHADOW_DOUBLE_FREE
                                        : SHADOW_FOREIGN_FREE;
        uint64_t r2 = rng_next(&rng);
        size_t size;
        if (r2 % 100 < shape->large_percent)
            size = KAAL_HEAP_SLAB_MAX_BYTES + (r2 >> 8) % shape->max_large_bytes;
        else
            size = (r2 >> 8) % (KAAL_HEAP_SLAB_MAX_BYTES + 1); /* includes 0 */
        const char *err = shadow_step(s, op, (unsigned)(r >> 32), size, (unsigned)(r2 >> 40) % 14);
        if (err == NULL && i % 64 == 0)
            err = shadow_step(s, SHADOW_CHECK, 0, 0, 0);
        if (err)
            fail_msg("seed %llu op %zu: %s", (unsigned long long)seed, i, err);
    }
    const char *err = shadow_drain(s);
    if (err)
        fail_msg("seed %llu drain: %s", (unsigned long long)seed, err);
    *n_failed += s->n_failed_allocs;
    free(s);
    free(mem);
}

static void test_random_small_object_traces_match_the_shadow_model(void **state)
{
    (void)state;
    const struct trace_shape shape = {1u << 20, 40000, 16384, 5};
    uint64_t n_failed = 0;
    for (uint64_t seed = 1; seed <= 6; seed++)
        run_trace(seed, &shape, &n_failed);
}

static void test_random_large_block_traces_match_the_shadow_model(void **state)
{
    (void)state;
    const struct trace_shape shape = {4u << 20, 20000, 200000, 60};
    uint64_t n_failed = 0;
    for (uint64_t seed = 100; seed <= 103; seed++)
        run_trace(seed, &shape, &n_failed);
}

static void test_random_traces_under_memory_pressure_fail_cleanly(void **state)
{
    (void)state;
    const struct trace_shape shape = {96u << 10, 30000, 20000, 30};
    uint64_t n_failed = 0;
    for (uint64_t seed = 200; seed <= 205; seed++)
        run_trace(seed, &shape, &n_failed);
    assert_true(n_failed > 0); /* the shape must really run out of memory */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_small_object_traces_match_the_shadow_model),
        cmocka_unit_test(test_random_large_block_traces_match_the_shadow_model),
        cmocka_unit_test(test_random_traces_under_memory_pressure_fail_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
