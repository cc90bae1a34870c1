// SPDX-License-Identifier: BSD-2-Clause
/* kaal_median_u64 (runtime/timing/median.c) against a reference median
 * from libc's qsort on seeded random sets, odd and even sizes, duplicates,
 * sorted and reversed input; the TSC read moves forward. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kaal/timing.h>

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t reference(const uint64_t *v, size_t n)
{
    uint64_t *c = malloc(n * sizeof(*c));
    memcpy(c, v, n * sizeof(*c));
    qsort(c, n, sizeof(*c), cmp_u64);
    uint64_t m = c[n / 2];
    free(c);
    return m;
}

static void test_median_matches_a_sorted_reference(void **state)
{
    (void)state;
    uint64_t seed = 0x6d656469616e2121ull;
    for (size_t n = 1; n < 300; n++) {
        uint64_t v[300];
        for (size_t i = 0; i < n; i++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            v[i] = (n % 3 == 0) ? (seed >> 60) : (seed >> 20); /* every third set: duplicates */
        }
        uint64_t want = reference(v, n);
        assert_int_equal(kaal_median_u64(v, n), want);
        for (size_t i = 1; i < n; i++) /* and it left them sorted */
            assert_true(v[i - 1] <= v[i]);
    }
}

static void test_sorted_reversed_and_empty_inputs(void **state)
{
    (void)state;
    uint64_t up[5] = { 1, 2, 3, 4, 5 }, down[6] = { 60, 50, 40, 30, 20, 10 };
    assert_int_equal(kaal_median_u64(up, 5), 3);
    assert_int_equal(kaal_median_u64(down, 6), 40); /* the upper middle one */
    assert_int_equal(kaal_median_u64(NULL, 0), 0);
}

static void test_the_cycle_counter_moves_forward(void **state)
{
    (void)state;
    uint64_t a = kaal_rdtsc(), b = kaal_rdtsc();
    assert_true(b >= a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_median_matches_a_sorted_reference),
        cmocka_unit_test(test_sorted_reversed_and_empty_inputs),
        cmocka_unit_test(test_the_cycle_counter_moves_forward),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
