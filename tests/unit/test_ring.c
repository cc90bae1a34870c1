// SPDX-License-Identifier: BSD-2-Clause
/* SPSC descriptor rings and the free/active channel (runtime/ring/ring.c),
 * single threaded: every API and its edges (full, empty, wrap-around of
 * slots and of the 32-bit counters, zero-length and maximal batches, signal
 * suppression, descriptors outside the data region). The concurrent side is
 * in test_ring_stress.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kaal/ring.h>

struct fixture {
    void *mem;
    kaal_ring_producer_t p;
    kaal_ring_consumer_t c;
};

#define CAP 8u

static void *alloc_shared(size_t bytes)
{
    return aligned_alloc(KAAL_RING_CACHELINE_BYTES,
                         (bytes + KAAL_RING_CACHELINE_BYTES - 1) & ~(size_t)63);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    f->mem = alloc_shared(kaal_ring_bytes(CAP));
    if (kaal_ring_init(f->mem, kaal_ring_bytes(CAP), CAP) != KAAL_OK ||
        kaal_ring_producer_attach(&f->p, f->mem) != KAAL_OK ||
        kaal_ring_consumer_attach(&f->c, f->mem) != KAAL_OK)
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

static kaal_ring_desc_t desc_n(uint32_t n)
{
    return (kaal_ring_desc_t){.offset = 0x100000000ull + n,
                              .length_bytes = n * 3,
                              .flags = (uint16_t)(n ^ 0x5a5a),
                              .cookie = (uint16_t)n};
}

static void expect_desc(const kaal_ring_desc_t *d, uint32_t n)
{
    kaal_ring_desc_t want = desc_n(n);
    assert_int_equal(d->offset, want.offset);
    assert_int_equal(d->length_bytes, want.length_bytes);
    assert_int_equal(d->flags, want.flags);
    assert_int_equal(d->cookie, want.cookie);
}

static void test_init_rejects_bad_capacity_and_memory(void **state)
{
    (void)state;
    void *mem = alloc_shared(kaal_ring_bytes(64) + 64);
    assert_int_equal(kaal_ring_init(mem, kaal_ring_bytes(64), 0), KAAL_EINVAL);
    assert_int_equal(kaal_ring_init(mem, kaal_ring_bytes(64), 1), KAAL_EINVAL);
    assert_int_equal(kaal_ring_init(mem, kaal_ring_bytes(64), 3), KAAL_EINVAL);
    assert_int_equal(kaal_ring_init(mem, kaal_ring_bytes(64), 48), KAAL_EINVAL);
    assert_int_equal(kaal_ring_init(mem, ~(size_t)0, KAAL_RING_MAX_CAPACITY * 2u), KAAL_EINVAL);
    assert_int_equal(kaal_ring_init(mem, kaal_ring_bytes(64) - 1, 64), KAAL_EINVAL);
    assert_int_equal(kaal_ring_init((char *)mem + 8, kaal_ring_bytes(64), 64), KAAL_EINVAL);
    assert_int_equal(kaal_ring_init(NULL, kaal_ring_bytes(64), 64), KAAL_EINVAL);
    assert_int_equal(kaal_ring_init(mem, kaal_ring_bytes(2), 2), KAAL_OK);
    assert_int_equal(kaal_ring_init(mem, kaal_ring_bytes(64), 64), KAAL_OK);
    free(mem);
}

static void test_attach_rejects_unformatted_memory(void **state)
{
    (void)state;
    void *mem = alloc_shared(kaal_ring_bytes(8));
    memset(mem, 0, kaal_ring_bytes(8));
    kaal_ring_producer_t p;
    kaal_ring_consumer_t c;
    assert_int_equal(kaal_ring_producer_attach(&p, mem), KAAL_EINVAL);
    assert_int_equal(kaal_ring_consumer_attach(&c, mem), KAAL_EINVAL);
    assert_int_equal(kaal_ring_producer_attach(&p, NULL), KAAL_EINVAL);
    free(mem);
}

static void test_empty_ring_dequeue_returns_eagain(void **state)
{
    struct fixture *f = *state;
    kaal_ring_desc_t d;
    assert_int_equal(kaal_ring_dequeue(&f->c, &d), KAAL_EAGAIN);
    assert_int_equal(kaal_ring_dequeue_batch(&f->c, &d, 1), 0);
    assert_int_equal(kaal_ring_consumer_available(&f->c), 0);
    assert_int_equal(kaal_ring_producer_space(&f->p), CAP);
}

static void test_full_ring_enqueue_returns_eagain_until_a_slot_frees(void **state)
{
    struct fixture *f = *state;
    for (uint32_t i = 0; i < CAP; i++) {
        kaal_ring_desc_t d = desc_n(i);
        assert_int_equal(kaal_ring_enqueue(&f->p, &d), KAAL_OK);
    }
    kaal_ring_desc_t extra = desc_n(99), got;
    assert_int_equal(kaal_ring_enqueue(&f->p, &extra), KAAL_EAGAIN);
    assert_int_equal(kaal_ring_enqueue_batch(&f->p, &extra, 1), 0);
    assert_int_equal(kaal_ring_producer_space(&f->p), 0);
    assert_int_equal(kaal_ring_consumer_available(&f->c), CAP);
    assert_int_equal(kaal_ring_dequeue(&f->c, &got), KAAL_OK);
    expect_desc(&got, 0);
    assert_int_equal(kaal_ring_enqueue(&f->p, &extra), KAAL_OK);
    for (uint32_t i = 1; i < CAP; i++) {
        assert_int_equal(kaal_ring_dequeue(&f->c, &got), KAAL_OK);
        expect_desc(&got, i);
    }
    assert_int_equal(kaal_ring_dequeue(&f->c, &got), KAAL_OK);
    expect_desc(&got, 99);
}

static void test_descriptors_wrap_around_the_slots_in_order(void **state)
{
    struct fixture *f = *state;
    uint32_t next_in = 0, next_out = 0;
    /* Uneven steps so every slot index is both filled and drained at many
     * fill levels. */
    for (int round = 0; round < 100; round++) {
        uint32_t n_in = 1 + (uint32_t)round % CAP;
        for (uint32_t i = 0; i < n_in; i++) {
            kaal_ring_desc_t d = desc_n(next_in);
            if (kaal_ring_enqueue(&f->p, &d) != KAAL_OK)
                break;
            next_in++;
        }
        uint32_t n_out = 1 + (uint32_t)(round * 3) % CAP;
        kaal_ring_desc_t got;
        for (uint32_t i = 0; i < n_out && kaal_ring_dequeue(&f->c, &got) == KAAL_OK; i++)
            expect_desc(&got, next_out++);
    }
    kaal_ring_desc_t got;
    while (kaal_ring_dequeue(&f->c, &got) == KAAL_OK)
        expect_desc(&got, next_out++);
    assert_int_equal(next_out, next_in);
    assert_true(next_in > 10 * CAP);
}

static void test_counters_wrap_past_uint32_max(void **state)
{
    struct fixture *f = *state;
    kaal_ring_t *ring = f->mem;
    atomic_store(&ring->head, UINT32_MAX - 2);
    atomic_store(&ring->tail, UINT32_MAX - 2);
    assert_int_equal(kaal_ring_producer_attach(&f->p, f->mem), KAAL_OK);
    assert_int_equal(kaal_ring_consumer_attach(&f->c, f->mem), KAAL_OK);
    kaal_ring_desc_t in[CAP], out[CAP];
    for (uint32_t i = 0; i < CAP; i++)
        in[i] = desc_n(i);
    for (int round = 0; round < 3; round++) {
        assert_int_equal(kaal_ring_enqueue_batch(&f->p, in, CAP), CAP);
        assert_int_equal(kaal_ring_enqueue(&f->p, &in[0]), KAAL_EAGAIN);
        assert_int_equal(kaal_ring_consumer_available(&f->c), CAP);
        assert_int_equal(kaal_ring_dequeue_batch(&f->c, out, CAP), CAP);
        for (uint32_t i = 0; i < CAP; i++)
            expect_desc(&out[i], i);
        assert_int_equal(kaal_ring_dequeue(&f->c, out), KAAL_EAGAIN);
    }
    assert_true(atomic_load(&ring->tail) < 100); /* it did wrap */
}

static void test_zero_length_batches_change_nothing(void **state)
{
    struct fixture *f = *state;
    kaal_ring_t *ring = f->mem;
    kaal_ring_desc_t d = desc_n(1);
    assert_int_equal(kaal_ring_enqueue_batch(&f->p, &d, 0), 0);
    assert_int_equal(atomic_load(&ring->tail), 0);
    assert_int_equal(kaal_ring_enqueue(&f->p, &d), KAAL_OK);
    assert_int_equal(kaal_ring_dequeue_batch(&f->c, &d, 0), 0);
    assert_int_equal(atomic_load(&ring->head), 0);
    assert_int_equal(kaal_ring_consumer_available(&f->c), 1);
}

static void test_batches_stop_at_capacity_and_report_the_count(void **state)
{
    struct fixture *f = *state;
    kaal_ring_desc_t in[2 * CAP], out[2 * CAP];
    for (uint32_t i = 0; i < 2 * CAP; i++)
        in[i] = desc_n(i);
    /* A batch of exactly capacity fits; a larger one is cut at the space. */
    assert_int_equal(kaal_ring_enqueue_batch(&f->p, in, 3), 3);
    assert_int_equal(kaal_ring_enqueue_batch(&f->p, in + 3, 2 * CAP), CAP - 3);
    assert_int_equal(kaal_ring_dequeue_batch(&f->c, out, 2), 2);
    assert_int_equal(kaal_ring_dequeue_batch(&f->c, out + 2, 2 * CAP), CAP - 2);
    for (uint32_t i = 0; i < CAP; i++)
        expect_desc(&out[i], i);
    assert_int_equal(kaal_ring_enqueue_batch(&f->p, in, CAP), CAP);
    assert_int_equal(kaal_ring_dequeue_batch(&f->c, out, CAP), CAP);
    for (uint32_t i = 0; i < CAP; i++)
        expect_desc(&out[i], i);
}

static void test_single_and_batch_operations_interleave(void **state)
{
    struct fixture *f = *state;
    kaal_ring_desc_t in[CAP], out[CAP], one;
    uint32_t next_in = 0, next_out = 0;
    for (int round = 0; round < 50; round++) {
        uint32_t n = (uint32_t)round % 4;
        for (uint32_t i = 0; i < n; i++)
            in[i] = desc_n(next_in + i);
        next_in += kaal_ring_enqueue_batch(&f->p, in, n);
        one = desc_n(next_in);
        if (kaal_ring_enqueue(&f->p, &one) == KAAL_OK)
            next_in++;
        if (kaal_ring_dequeue(&f->c, &one) == KAAL_OK)
            expect_desc(&one, next_out++);
        uint32_t got = kaal_ring_dequeue_batch(&f->c, out, (uint32_t)round % 3);
        for (uint32_t i = 0; i < got; i++)
            expect_desc(&out[i], next_out++);
    }
    while (kaal_ring_dequeue(&f->c, &one) == KAAL_OK)
        expect_desc(&one, next_out++);
    assert_int_equal(next_in, next_out);
}

static void test_consumer_arm_on_empty_ring_gets_exactly_one_signal(void **state)
{
    struct fixture *f = *state;
    kaal_ring_desc_t d = desc_n(0);
    assert_true(kaal_ring_consumer_arm(&f->c)); /* empty: may wait */
    assert_int_equal(kaal_ring_enqueue(&f->p, &d), KAAL_OK);
    assert_true(kaal_ring_producer_should_signal(&f->p));
    /* The request is consumed: more data makes no more signals. */
    assert_int_equal(kaal_ring_enqueue(&f->p, &d), KAAL_OK);
    assert_false(kaal_ring_producer_should_signal(&f->p));
}

static void test_producer_never_signals_a_consumer_that_did_not_ask(void **state)
{
    struct fixture *f = *state;
    kaal_ring_desc_t d = desc_n(0);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(kaal_ring_enqueue(&f->p, &d), KAAL_OK);
        assert_false(kaal_ring_producer_should_signal(&f->p));
    }
}

static void test_consumer_arm_with_data_pending_withdraws_the_request(void **state)
{
    struct fixture *f = *state;
    kaal_ring_desc_t d = desc_n(0);
    assert_int_equal(kaal_ring_enqueue(&f->p, &d), KAAL_OK);
    assert_false(kaal_ring_consumer_arm(&f->c)); /* data is there: do not wait */
    assert_int_equal(kaal_ring_enqueue(&f->p, &d), KAAL_OK);
    assert_false(kaal_ring_producer_should_signal(&f->p));
}

static void test_producer_arm_when_full_is_signalled_when_space_frees(void **state)
{
    struct fixture *f = *state;
    kaal_ring_desc_t d = desc_n(0);
    assert_false(kaal_ring_producer_arm(&f->p)); /* not full */
    for (uint32_t i = 0; i < CAP; i++)
        kaal_ring_enqueue(&f->p, &d);
    assert_false(kaal_ring_consumer_should_signal(&f->c));
    assert_true(kaal_ring_producer_arm(&f->p)); /* full: may wait */
    assert_int_equal(kaal_ring_dequeue(&f->c, &d), KAAL_OK);
    assert_true(kaal_ring_consumer_should_signal(&f->c));
    assert_int_equal(kaal_ring_dequeue(&f->c, &d), KAAL_OK);
    assert_false(kaal_ring_consumer_should_signal(&f->c));
}

static void test_data_at_rejects_descriptors_outside_the_region(void **state)
{
    (void)state;
    char data[4096];
    kaal_ring_desc_t d = {.offset = 0, .length_bytes = 4096};
    assert_ptr_equal(kaal_ring_data_at(data, sizeof(data), &d), data);
    d = (kaal_ring_desc_t){.offset = 4000, .length_bytes = 96};
    assert_ptr_equal(kaal_ring_data_at(data, sizeof(data), &d), data + 4000);
    d = (kaal_ring_desc_t){.offset = 4096, .length_bytes = 0};
    assert_ptr_equal(kaal_ring_data_at(data, sizeof(data), &d), data + 4096);
    d = (kaal_ring_desc_t){.offset = 4000, .length_bytes = 97};
    assert_null(kaal_ring_data_at(data, sizeof(data), &d));
    d = (kaal_ring_desc_t){.offset = 4097, .length_bytes = 0};
    assert_null(kaal_ring_data_at(data, sizeof(data), &d));
    d = (kaal_ring_desc_t){.offset = UINT64_MAX - 10, .length_bytes = 20};
    assert_null(kaal_ring_data_at(data, sizeof(data), &d));
    d = (kaal_ring_desc_t){.offset = 0, .length_bytes = UINT32_MAX};
    assert_null(kaal_ring_data_at(data, sizeof(data), &d));
}

/* ---- channel ---- */

#define CH_CAP 4u
#define CH_BUFS 3u
#define CH_BUF_BYTES 256u

struct channel_fixture {
    void *rings;
    unsigned char data[CH_BUFS * CH_BUF_BYTES];
    kaal_ring_sender_t s;
    kaal_ring_receiver_t r;
};

static struct channel_fixture *channel_new(void)
{
    struct channel_fixture *ch = calloc(1, sizeof(*ch));
    ch->rings = alloc_shared(kaal_ring_channel_bytes(CH_CAP));
    assert_int_equal(kaal_ring_channel_init(ch->rings, kaal_ring_channel_bytes(CH_CAP), CH_CAP,
                                            CH_BUFS, CH_BUF_BYTES),
                     KAAL_OK);
    assert_int_equal(kaal_ring_sender_attach(&ch->s, ch->rings, ch->data, sizeof(ch->data)),
                     KAAL_OK);
    assert_int_equal(kaal_ring_receiver_attach(&ch->r, ch->rings, ch->data, sizeof(ch->data)),
                     KAAL_OK);
    return ch;
}

static void channel_free(struct channel_fixture *ch)
{
    free(ch->rings);
    free(ch);
}

static void test_channel_starts_with_every_buffer_free(void **state)
{
    (void)state;
    struct channel_fixture *ch = channel_new();
    kaal_ring_desc_t buf;
    bool seen[CH_BUFS] = {false};
    for (uint32_t i = 0; i < CH_BUFS; i++) {
        unsigned char *p = kaal_ring_sender_get_buffer(&ch->s, &buf);
        assert_non_null(p);
        assert_int_equal(buf.length_bytes, CH_BUF_BYTES);
        assert_int_equal(buf.offset % CH_BUF_BYTES, 0);
        assert_ptr_equal(p, ch->data + buf.offset);
        assert_false(seen[buf.offset / CH_BUF_BYTES]);
        seen[buf.offset / CH_BUF_BYTES] = true;
    }
    assert_null(kaal_ring_sender_get_buffer(&ch->s, &buf));
    channel_free(ch);
}

static void test_channel_moves_data_and_recycles_buffers(void **state)
{
    (void)state;
    struct channel_fixture *ch = channel_new();
    kaal_ring_desc_t buf, got;
    for (int msg = 0; msg < 20; msg++) {
        unsigned char *p = kaal_ring_sender_get_buffer(&ch->s, &buf);
        assert_non_null(p);
        buf.length_bytes = (uint32_t)(10 + msg);
        memset(p, msg, buf.length_bytes);
        assert_int_equal(kaal_ring_sender_send(&ch->s, &buf), KAAL_OK);
        unsigned char *q = kaal_ring_receiver_recv(&ch->r, &got);
        assert_non_null(q);
        assert_int_equal(got.length_bytes, 10 + msg);
        for (uint32_t i = 0; i < got.length_bytes; i++)
            assert_int_equal(q[i], msg);
        got.length_bytes = CH_BUF_BYTES;
        assert_int_equal(kaal_ring_receiver_release(&ch->r, &got), KAAL_OK);
    }
    assert_null(kaal_ring_receiver_recv(&ch->r, &got));
    channel_free(ch);
}

static void test_channel_send_rejects_buffers_outside_the_region(void **state)
{
    (void)state;
    struct channel_fixture *ch = channel_new();
    kaal_ring_desc_t bad = {.offset = CH_BUFS * CH_BUF_BYTES - 8, .length_bytes = 16};
    assert_int_equal(kaal_ring_sender_send(&ch->s, &bad), KAAL_EINVAL);
    kaal_ring_desc_t got;
    assert_null(kaal_ring_receiver_recv(&ch->r, &got));
    channel_free(ch);
}

static void test_channel_receiver_returns_bad_descriptors_unread(void **state)
{
    (void)state;
    struct channel_fixture *ch = channel_new();
    kaal_ring_desc_t buf, got;
    kaal_ring_sender_get_buffer(&ch->s, &buf);
    /* A hostile sender bypasses the checks and enqueues directly. */
    kaal_ring_desc_t bad = {.offset = 1u << 30, .length_bytes = 4, .cookie = 77};
    assert_int_equal(kaal_ring_enqueue(&ch->s.active, &bad), KAAL_OK);
    buf.length_bytes = 5;
    assert_int_equal(kaal_ring_sender_send(&ch->s, &buf), KAAL_OK);
    assert_non_null(kaal_ring_receiver_recv(&ch->r, &got)); /* skips the bad one */
    assert_int_equal(got.offset, buf.offset);
    /* It came back behind the two buffers that were still free. */
    for (int i = 0; i < 2; i++) {
        assert_int_equal(kaal_ring_dequeue(&ch->s.free, &got), KAAL_OK);
        assert_int_not_equal(got.cookie, 77);
    }
    assert_int_equal(kaal_ring_dequeue(&ch->s.free, &got), KAAL_OK);
    assert_int_equal(got.cookie, 77);
    channel_free(ch);
}

static void test_channel_init_rejects_more_buffers_than_slots(void **state)
{
    (void)state;
    void *rings = alloc_shared(kaal_ring_channel_bytes(CH_CAP));
    size_t bytes = kaal_ring_channel_bytes(CH_CAP);
    assert_int_equal(kaal_ring_channel_init(rings, bytes, CH_CAP, CH_CAP + 1, 64), KAAL_EINVAL);
    assert_int_equal(kaal_ring_channel_init(rings, bytes, CH_CAP, 2, 0), KAAL_EINVAL);
    assert_int_equal(kaal_ring_channel_init(rings, bytes - 1, CH_CAP, 2, 64), KAAL_EINVAL);
    assert_int_equal(kaal_ring_channel_init(rings, bytes, 3, 2, 64), KAAL_EINVAL);
    assert_int_equal(kaal_ring_channel_init(rings, bytes, CH_CAP, CH_CAP, 64), KAAL_OK);
    free(rings);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_rejects_bad_capacity_and_memory),
        cmocka_unit_test(test_attach_rejects_unformatted_memory),
        T(test_empty_ring_dequeue_returns_eagain),
        T(test_full_ring_enqueue_returns_eagain_until_a_slot_frees),
        T(test_descriptors_wrap_around_the_slots_in_order),
        T(test_counters_wrap_past_uint32_max),
        T(test_zero_length_batches_change_nothing),
        T(test_batches_stop_at_capacity_and_report_the_count),
        T(test_single_and_batch_operations_interleave),
        T(test_consumer_arm_on_empty_ring_gets_exactly_one_signal),
        T(test_producer_never_signals_a_consumer_that_did_not_ask),
        T(test_consumer_arm_with_data_pending_withdraws_the_request),
        T(test_producer_arm_when_full_is_signalled_when_space_frees),
        cmocka_unit_test(test_data_at_rejects_descriptors_outside_the_region),
        cmocka_unit_test(test_channel_starts_with_every_buffer_free),
        cmocka_unit_test(test_channel_moves_data_and_recycles_buffers),
        cmocka_unit_test(test_channel_send_rejects_buffers_outside_the_region),
        cmocka_unit_test(test_channel_receiver_returns_bad_descriptors_unread),
        cmocka_unit_test(test_channel_init_rejects_more_buffers_than_slots),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
