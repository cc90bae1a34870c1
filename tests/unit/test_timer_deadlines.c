// SPDX-License-Identifier: BSD-2-Clause
/* The timer component's deadline table (drivers/timer/deadlines.c): badges
 * to indices (bad badges refused), one pending deadline per client that a
 * new one replaces and 0 cancels, the nearest deadline, expiry never early
 * and exactly once, and PIT counts (rounded up, chained past ~55 ms). A
 * seeded random run against a reference model closes it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <kaal/component.h>

#include "timer/deadlines.h"

#define CLIENT(n) (KAAL_RPC_BADGE_CLIENT | (n))

static void test_badges_map_to_a_bounded_table(void **state)
{
    (void)state;
    assert_int_equal(timer_badge_index(CLIENT(1)), 0);
    assert_int_equal(timer_badge_index(CLIENT(TIMER_MAX_CLIENTS)), TIMER_MAX_CLIENTS - 1);
    static const uint64_t bad[] = {
        0, 1, 16,                              /* no client bit: not a client badge */
        CLIENT(0), CLIENT(TIMER_MAX_CLIENTS + 1), CLIENT(1000), CLIENT(1ull << 40),
        KAAL_RPC_BADGE_INIT, KAAL_RPC_BADGE_INIT | CLIENT(1), ~0ull,
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(timer_badge_index(bad[i]), -1);
}

static void test_set_needs_registration_and_a_valid_index(void **state)
{
    (void)state;
    timer_table_t t;
    timer_table_init(&t);
    assert_int_equal(timer_table_set(&t, 0, 100), KAAL_ENOENT);
    assert_int_equal(timer_table_set(&t, TIMER_MAX_CLIENTS, 100), KAAL_ERANGE);
    timer_table_register(&t, TIMER_MAX_CLIENTS); /* ignored */
    timer_table_register(&t, 0);
    assert_int_equal(timer_table_set(&t, 0, 100), KAAL_OK);
    assert_int_equal(timer_table_next(&t), 100);
}

static void test_a_new_deadline_replaces_and_zero_cancels(void **state)
{
    (void)state;
    timer_table_t t;
    timer_table_init(&t);
    timer_table_register(&t, 3);
    timer_table_set(&t, 3, 500);
    timer_table_set(&t, 3, 900); /* replaces: nothing at 500 */
    assert_int_equal(timer_table_expire(&t, 600), 0);
    assert_int_equal(timer_table_next(&t), 900);
    timer_table_set(&t, 3, 0);
    assert_int_equal(timer_table_next(&t), 0);
    assert_int_equal(timer_table_expire(&t, 10000), 0);
    /* Registering again keeps what is pending; forgetting drops it. */
    timer_table_set(&t, 3, 700);
    timer_table_register(&t, 3);
    assert_int_equal(timer_table_next(&t), 700);
    timer_table_forget(&t, 3);
    assert_int_equal(timer_table_next(&t), 0);
    assert_int_equal(timer_table_set(&t, 3, 700), KAAL_ENOENT);
}

static void test_expiry_is_in_order_never_early_and_once(void **state)
{
    (void)state;
    timer_table_t t;
    timer_table_init(&t);
    for (unsigned i = 0; i < 4; i++)
        timer_table_register(&t, i);
    timer_table_set(&t, 0, 3000);
    timer_table_set(&t, 1, 1000);
    timer_table_set(&t, 2, 2000);
    timer_table_set(&t, 3, 2000);
    assert_int_equal(timer_table_next(&t), 1000);
    assert_int_equal(timer_table_expire(&t, 999), 0);
    assert_int_equal(timer_table_expire(&t, 1000), 1u << 1); /* due at == */
    assert_int_equal(timer_table_expire(&t, 1000), 0);        /* once */
    assert_int_equal(timer_table_next(&t), 2000);
    assert_int_equal(timer_table_expire(&t, 2500), (1u << 2) | (1u << 3));
    assert_int_equal(timer_table_next(&t), 3000);
    /* A deadline already past fires at the next expiry. */
    timer_table_set(&t, 1, 5);
    assert_int_equal(timer_table_expire(&t, 2600), 1u << 1);
    assert_int_equal(timer_table_expire(&t, UINT64_MAX), 1u << 0);
    assert_int_equal(timer_table_next(&t), 0);
}

static void test_pit_counts_round_up_and_chain_long_delays(void **state)
{
    (void)state;
    assert_int_equal(timer_pit_count(0), 1);
    assert_int_equal(timer_pit_count(1), 1);
    assert_int_equal(timer_pit_count(838), 1);   /* one tick is 838.1 ns */
    assert_int_equal(timer_pit_count(839), 2);
    assert_int_equal(timer_pit_count(1000000), 1194); /* 1 ms: 1193.182 ticks */
    assert_int_equal(timer_pit_count(54925000), 65535);
    assert_int_equal(timer_pit_count(55000000), 65535);
    assert_int_equal(timer_pit_count(UINT64_MAX), 65535);
    /* Never early: count ticks last at least the delay (below the cap). */
    for (uint64_t ns = 1; ns < 54900000; ns = ns * 3 + 7) {
        uint64_t c = timer_pit_count(ns);
        assert_true(c * 1000000000u >= ns * TIMER_PIT_HZ);
        assert_true((c - 1) * 1000000000u < ns * TIMER_PIT_HZ || c == 1);
    }
}

static void test_random_operations_match_a_reference_model(void **state)
{
    (void)state;
    timer_table_t t;
    timer_table_init(&t);
    uint64_t model[TIMER_MAX_CLIENTS] = {0};
    bool reg[TIMER_MAX_CLIENTS] = {false};
    uint64_t seed = 0x74696d6572ull, now = 0;
    for (int step = 0; step < 200000; step++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        unsigned i = (unsigned)(seed >> 33) % (TIMER_MAX_CLIENTS + 2);
        switch ((seed >> 40) % 5) {
        case 0:
            timer_table_register(&t, i);
            if (i < TIMER_MAX_CLIENTS)
                reg[i] = true;
            break;
        case 1: {
            uint64_t d = (seed >> 50) % 4 == 0 ? 0 : now + (seed >> 44) % 5000 - 1000;
            kaal_error_t want = i >= TIMER_MAX_CLIENTS ? KAAL_ERANGE
                                : !reg[i]              ? KAAL_ENOENT
                                                       : KAAL_OK;
            assert_int_equal(timer_table_set(&t, i, d), want);
            if (want == KAAL_OK)
                model[i] = d;
            break;
        }
        case 2:
            timer_table_forget(&t, i);
            if (i < TIMER_MAX_CLIENTS)
                model[i] = 0, reg[i] = false;
            break;
        default: {
            now += (seed >> 52) % 700;
            uint32_t want = 0;
            for (unsigned k = 0; k < TIMER_MAX_CLIENTS; k++)
                if (model[k] != 0 && model[k] <= now)
                    want |= 1u << k, model[k] = 0;
            assert_int_equal(timer_table_expire(&t, now), want);
        }
        }
        uint64_t next = 0;
        for (unsigned k = 0; k < TIMER_MAX_CLIENTS; k++)
            if (model[k] != 0 && (next == 0 || model[k] < next))
                next = model[k];
        assert_int_equal(timer_table_next(&t), next);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_badges_map_to_a_bounded_table),
        cmocka_unit_test(test_set_needs_registration_and_a_valid_index),
        cmocka_unit_test(test_a_new_deadline_replaces_and_zero_cancels),
        cmocka_unit_test(test_expiry_is_in_order_never_early_and_once),
        cmocka_unit_test(test_pit_counts_round_up_and_chain_long_delays),
        cmocka_unit_test(test_random_operations_match_a_reference_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
