// SPDX-License-Identifier: BSD-2-Clause
/* The bounded MPMC queue (runtime/ring/mpmc.c), single threaded: format
 * checks, empty, full, FIFO order and wrap-around of the cells. Threads
 * hammer it in test_ring_stress.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kaal/ring.h>

static kaal_mpmc_t *new_queue(uint32_t capacity)
{
    size_t bytes = (kaal_mpmc_bytes(capacity) + 63) & ~(size_t)63;
    void *mem = aligned_alloc(64, bytes);
    assert_int_equal(kaal_mpmc_init(mem, bytes, capacity), KAAL_OK);
    kaal_mpmc_t *q = kaal_mpmc_attach(mem);
    assert_ptr_equal(q, mem);
    return q;
}

static kaal_ring_desc_t desc_n(uint64_t n)
{
    return (kaal_ring_desc_t){.offset = n, .length_bytes = (uint32_t)(n * 7), .cookie = 3};
}

static void test_init_rejects_bad_capacity_and_memory(void **state)
{
    (void)state;
    size_t bytes = kaal_mpmc_bytes(64) + 64;
    void *mem = aligned_alloc(64, (bytes + 63) & ~(size_t)63);
    memset(mem, 0, bytes);
    assert_null(kaal_mpmc_attach(mem));
    assert_int_equal(kaal_mpmc_init(mem, bytes, 0), KAAL_EINVAL);
    assert_int_equal(kaal_mpmc_init(mem, bytes, 1), KAAL_EINVAL);
    assert_int_equal(kaal_mpmc_init(mem, bytes, 12), KAAL_EINVAL);
    assert_int_equal(kaal_mpmc_init(mem, kaal_mpmc_bytes(64) - 1, 64), KAAL_EINVAL);
    assert_int_equal(kaal_mpmc_init((char *)mem + 16, bytes, 32), KAAL_EINVAL);
    assert_int_equal(kaal_mpmc_init(NULL, bytes, 64), KAAL_EINVAL);
    assert_null(kaal_mpmc_attach(NULL));
    assert_int_equal(kaal_mpmc_init(mem, bytes, 64), KAAL_OK);
    assert_non_null(kaal_mpmc_attach(mem));
    free(mem);
}

static void test_empty_queue_dequeue_returns_eagain(void **state)
{
    (void)state;
    kaal_mpmc_t *q = new_queue(4);
    kaal_ring_desc_t d;
    assert_int_equal(kaal_mpmc_dequeue(q, &d), KAAL_EAGAIN);
    d = desc_n(1);
    assert_int_equal(kaal_mpmc_enqueue(q, &d), KAAL_OK);
    assert_int_equal(kaal_mpmc_dequeue(q, &d), KAAL_OK);
    assert_int_equal(kaal_mpmc_dequeue(q, &d), KAAL_EAGAIN);
    free(q);
}

static void test_full_queue_enqueue_returns_eagain_until_a_cell_frees(void **state)
{
    (void)state;
    kaal_mpmc_t *q = new_queue(4);
    kaal_ring_desc_t d;
    for (uint64_t i = 0; i < 4; i++) {
        d = desc_n(i);
        assert_int_equal(kaal_mpmc_enqueue(q, &d), KAAL_OK);
    }
    d = desc_n(4);
    assert_int_equal(kaal_mpmc_enqueue(q, &d), KAAL_EAGAIN);
    kaal_ring_desc_t got;
    assert_int_equal(kaal_mpmc_dequeue(q, &got), KAAL_OK);
    assert_int_equal(got.offset, 0);
    assert_int_equal(kaal_mpmc_enqueue(q, &d), KAAL_OK);
    for (uint64_t i = 1; i <= 4; i++) {
        assert_int_equal(kaal_mpmc_dequeue(q, &got), KAAL_OK);
        assert_int_equal(got.offset, i);
        assert_int_equal(got.length_bytes, i * 7);
        assert_int_equal(got.cookie, 3);
    }
    free(q);
}

static void test_fifo_order_holds_across_many_wraps(void **state)
{
    (void)state;
    kaal_mpmc_t *q = new_queue(8);
    uint64_t next_in = 0, next_out = 0;
    for (int round = 0; round < 500; round++) {
        for (int i = 0; i < round % 11; i++) {
            kaal_ring_desc_t d = desc_n(next_in);
            if (kaal_mpmc_enqueue(q, &d) == KAAL_OK)
                next_in++;
        }
        kaal_ring_desc_t got;
        for (int i = 0; i < round % 7 && kaal_mpmc_dequeue(q, &got) == KAAL_OK; i++)
            assert_int_equal(got.offset, next_out++);
    }
    kaal_ring_desc_t got;
    while (kaal_mpmc_dequeue(q, &got) == KAAL_OK)
        assert_int_equal(got.offset, next_out++);
    assert_int_equal(next_in, next_out);
    assert_true(next_in > 100 * 8);
    free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_rejects_bad_capacity_and_memory),
        cmocka_unit_test(test_empty_queue_dequeue_returns_eagain),
        cmocka_unit_test(test_full_queue_enqueue_returns_eagain_until_a_cell_frees),
        cmocka_unit_test(test_fifo_order_holds_across_many_wraps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
