// SPDX-License-Identifier: BSD-2-Clause
/* kaal_tsc_to_ns / kaal_ns_to_tsc (runtime/timer/tsc.c): exact against a
 * split-division reference, no overflow at the top of the 64-bit range,
 * saturation, frequency 0, and ns_to_tsc never early (round-trip >=). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <kaal/timer.h>

/* floor(tsc * 1e9 / hz) without 128-bit arithmetic: whole seconds and the
 * remainder separately (rem < hz, so rem * 1e9 fits for hz < 2^34). */
static uint64_t reference(uint64_t tsc, uint64_t hz)
{
    return tsc / hz * 1000000000u + tsc % hz * 1000000000u / hz;
}

static void test_whole_seconds_and_fractions(void **state)
{
    (void)state;
    assert_int_equal(kaal_tsc_to_ns(3000000000u, 3000000000u), 1000000000u);
    assert_int_equal(kaal_tsc_to_ns(1500, 3000000000u), 500);
    assert_int_equal(kaal_tsc_to_ns(1, 3000000000u), 0); /* floor */
    assert_int_equal(kaal_tsc_to_ns(2, 3000000000u), 0);
    assert_int_equal(kaal_tsc_to_ns(3, 3000000000u), 1);
    assert_int_equal(kaal_tsc_to_ns(0, 2400000000u), 0);
}

static void test_matches_the_reference_over_the_whole_range(void **state)
{
    (void)state;
    static const uint64_t hzs[] = {1000000u, 100000000u, 2399000000u, 2400000000u,
                                   3000000000u, 4294967295u, 16000000000u};
    uint64_t seed = 0x74736374736374ull;
    for (unsigned h = 0; h < sizeof(hzs) / sizeof(hzs[0]); h++) {
        for (int i = 0; i < 20000; i++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            uint64_t tsc = seed >> (i % 64);
            uint64_t want = reference(tsc, hzs[h]);
            /* reference overflows only where the result exceeds 2^64 */
            if (tsc / hzs[h] > UINT64_MAX / 1000000000u)
                continue;
            assert_int_equal(kaal_tsc_to_ns(tsc, hzs[h]), want);
        }
    }
}

static void test_large_counts_do_not_overflow(void **state)
{
    (void)state;
    /* A naive tsc * 1e9 overflows past 2^64 / 1e9 ticks (~6 s at 3 GHz). */
    uint64_t tsc = 100ull * 3000000000u; /* 100 s */
    assert_int_equal(kaal_tsc_to_ns(tsc, 3000000000u), 100ull * 1000000000u);
    assert_int_equal(kaal_tsc_to_ns(UINT64_MAX, 3000000000u), reference(UINT64_MAX, 3000000000u));
    /* A result beyond 64 bits saturates. */
    assert_int_equal(kaal_tsc_to_ns(UINT64_MAX, 1000000u), UINT64_MAX);
    assert_int_equal(kaal_ns_to_tsc(UINT64_MAX, 16000000000u), UINT64_MAX);
}

static void test_zero_frequency_is_zero(void **state)
{
    (void)state;
    assert_int_equal(kaal_tsc_to_ns(12345, 0), 0);
    assert_int_equal(kaal_ns_to_tsc(12345, 0), 0);
}

static void test_ns_to_tsc_rounds_up_so_deadlines_are_never_early(void **state)
{
    (void)state;
    assert_int_equal(kaal_ns_to_tsc(1, 3000000000u), 3);
    assert_int_equal(kaal_ns_to_tsc(1, 2400000000u), 3); /* 2.4 rounded up */
    assert_int_equal(kaal_ns_to_tsc(1000000000u, 2400000000u), 2400000000u);
    uint64_t seed = 42;
    for (int i = 0; i < 20000; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        uint64_t ns = seed >> 8, hz = 1000000u + (seed >> 34);
        uint64_t t = kaal_ns_to_tsc(ns, hz);
        assert_true(kaal_tsc_to_ns(t, hz) >= ns);
        if (t > 0)
            assert_true(kaal_tsc_to_ns(t - 1, hz) < ns);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_seconds_and_fractions),
        cmocka_unit_test(test_matches_the_reference_over_the_whole_range),
        cmocka_unit_test(test_large_counts_do_not_overflow),
        cmocka_unit_test(test_zero_frequency_is_zero),
        cmocka_unit_test(test_ns_to_tsc_rounds_up_so_deadlines_are_never_early),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
