// SPDX-License-Identifier: BSD-2-Clause
/*
 * Concurrency stress for the rings with real threads. Every message carries
 * its producer, a per-producer sequence number and a checksum of both; the
 * consumers check that nothing is lost, duplicated, corrupted or reordered
 * (per producer).
 *   - SPSC, 1 producer / 1 consumer, random batch sizes, busy polling;
 *   - SPSC with signal suppression: both sides sleep on semaphores (the
 *     stand-in for seL4 notifications) when armed, so a lost wake-up hangs
 *     a side and is reported after a generous timeout;
 *   - a free/active channel whose payloads (in the shared data region)
 *     must arrive intact: the ring's ordering also covers the data;
 *   - MPMC, 2 producers / 2 consumers.
 * Built twice: with ASan+UBSan (test_ring_stress) and with TSan
 * (test_ring_stress_tsan, see runtime/ring/module.mk), which checks the
 * ordering of the plain descriptor copies against the atomics.
 * STRESS_MESSAGES is the message count of the polling tests.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <kaal/ring.h>

#ifndef STRESS_MESSAGES
#define STRESS_MESSAGES 10000000ull
#endif
/* The sleeping variant exercises the wake-up path, not throughput. */
#define SIGNAL_MESSAGES (STRESS_MESSAGES / 10)
/* Only a lost wake-up (a bug) ever waits this long. */
#define LOST_WAKEUP_TIMEOUT_S 60

static uint32_t checksum(uint64_t seq, uint16_t producer)
{
    uint64_t x = seq * 0x9e3779b97f4a7c15ull ^ ((uint64_t)producer << 48);
    x ^= x >> 31;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 29;
    return (uint32_t)x;
}

static kaal_ring_desc_t message(uint64_t seq, uint16_t producer)
{
    return (kaal_ring_desc_t){.offset = seq,
                              .length_bytes = checksum(seq, producer),
                              .flags = (uint16_t)(seq >> 7),
                              .cookie = producer};
}

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void backoff(unsigned *spins)
{
    if (++*spins > 64) {
        sched_yield();
        *spins = 0;
    }
}

static void *alloc_shared(size_t bytes)
{
    return aligned_alloc(64, (bytes + 63) & ~(size_t)63);
}

/* ---- SPSC ---- */

struct spsc_run {
    void *ring_mem;
    uint64_t n_messages;
    bool sleep_when_idle;
    sem_t data_ready, space_ready; /* the notifications of the sleeping variant */
    _Atomic bool abort_run;
    /* results, written by the consumer (errors) or either side (counters) */
    uint64_t received;
    uint64_t n_errors;
    char first_error[160];
    uint64_t n_data_signals, n_space_signals, n_waits;
    _Atomic bool lost_wakeup;
};

static bool wait_signal(struct spsc_run *run, sem_t *sem)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += LOST_WAKEUP_TIMEOUT_S;
    while (sem_timedwait(sem, &deadline) != 0) {
        if (errno == ETIMEDOUT) {
            run->lost_wakeup = true;
            atomic_store(&run->abort_run, true);
            return false;
        }
    }
    return true;
}

static void *spsc_producer(void *arg)
{
    struct spsc_run *run = arg;
    kaal_ring_producer_t p;
    kaal_ring_producer_attach(&p, run->ring_mem);
    kaal_ring_desc_t batch[64];
    uint64_t rng = 0x1234567, seq = 0;
    unsigned spins = 0;
    while (seq < run->n_messages && !atomic_load_explicit(&run->abort_run, memory_order_relaxed)) {
        uint32_t want = 1 + (uint32_t)(rng_next(&rng) % 64);
        if (want > run->n_messages - seq)
            want = (uint32_t)(run->n_messages - seq);
        for (uint32_t i = 0; i < want; i++)
            batch[i] = message(seq + i, 1);
        uint32_t done = want == 1 ? (kaal_ring_enqueue(&p, batch) == KAAL_OK)
                                  : kaal_ring_enqueue_batch(&p, batch, want);
        seq += done;
        if (done && run->sleep_when_idle && kaal_ring_producer_should_signal(&p)) {
            run->n_data_signals++;
            sem_post(&run->data_ready);
        }
        if (done == 0) {
            if (!run->sleep_when_idle)
                backoff(&spins);
            else if (kaal_ring_producer_arm(&p) && !wait_signal(run, &run->space_ready))
                break;
        }
    }
    return NULL;
}

static void *spsc_consumer(void *arg)
{
    struct spsc_run *run = arg;
    kaal_ring_consumer_t c;
    kaal_ring_consumer_attach(&c, run->ring_mem);
    kaal_ring_desc_t batch[64];
    uint64_t rng = 0x7654321, expect = 0;
    unsigned spins = 0;
    while (expect < run->n_messages &&
           !atomic_load_explicit(&run->abort_run, memory_order_relaxed)) {
        uint32_t max = 1 + (uint32_t)(rng_next(&rng) % 64);
        uint32_t n = max == 1 ? (kaal_ring_dequeue(&c, batch) == KAAL_OK)
                              : kaal_ring_dequeue_batch(&c, batch, max);
        for (uint32_t i = 0; i < n; i++) {
            const kaal_ring_desc_t *d = &batch[i];
            kaal_ring_desc_t want = message(expect, 1);
            if (memcmp(d, &want, sizeof(*d)) != 0 && run->n_errors++ == 0)
                snprintf(run->first_error, sizeof(run->first_error),
                         "expected seq %llu, got seq %llu checksum %08x (want %08x)",
                         (unsigned long long)expect, (unsigned long long)d->offset, d->length_bytes,
                         want.length_bytes);
            expect++;
        }
        if (n && run->sleep_when_idle && kaal_ring_consumer_should_signal(&c)) {
            run->n_space_signals++;
            sem_post(&run->space_ready);
        }
        if (n == 0) {
            if (!run->sleep_when_idle) {
                backoff(&spins);
            } else if (kaal_ring_consumer_arm(&c)) {
                run->n_waits++;
                if (!wait_signal(run, &run->data_ready))
                    break;
            }
        }
    }
    run->received = expect;
    return NULL;
}

static void run_spsc(struct spsc_run *run, uint32_t capacity)
{
    run->ring_mem = alloc_shared(kaal_ring_bytes(capacity));
    assert_int_equal(kaal_ring_init(run->ring_mem, kaal_ring_bytes(capacity), capacity), KAAL_OK);
    sem_init(&run->data_ready, 0, 0);
    sem_init(&run->space_ready, 0, 0);
    pthread_t prod, cons;
    assert_int_equal(pthread_create(&cons, NULL, spsc_consumer, run), 0);
    assert_int_equal(pthread_create(&prod, NULL, spsc_producer, run), 0);
    pthread_join(prod, NULL);
    pthread_join(cons, NULL);
    sem_destroy(&run->data_ready);
    sem_destroy(&run->space_ready);
    free(run->ring_mem);
    if (run->lost_wakeup)
        fail_msg("a side waited %d s for a signal: lost wake-up after %llu messages",
                 LOST_WAKEUP_TIMEOUT_S, (unsigned long long)run->received);
    if (run->n_errors)
        fail_msg("%llu bad messages; first: %s", (unsigned long long)run->n_errors,
                 run->first_error);
    assert_int_equal(run->received, run->n_messages);
}

static void test_spsc_one_to_one_delivers_every_message_in_order(void **state)
{
    (void)state;
    struct spsc_run *run = calloc(1, sizeof(*run));
    run->n_messages = STRESS_MESSAGES;
    run_spsc(run, 1024);
    free(run);
}

static void test_spsc_small_ring_delivers_every_message_in_order(void **state)
{
    (void)state;
    /* Capacity 4 < batch sizes: the full/empty edges are hit all the time. */
    struct spsc_run *run = calloc(1, sizeof(*run));
    run->n_messages = STRESS_MESSAGES / 10;
    run_spsc(run, 4);
    free(run);
}

static void test_spsc_with_signal_suppression_never_loses_a_wakeup(void **state)
{
    (void)state;
    struct spsc_run *run = calloc(1, sizeof(*run));
    run->n_messages = SIGNAL_MESSAGES;
    run->sleep_when_idle = true;
    run_spsc(run, 16);
    /* Signals only go to a side that asked, so at most one per wait. */
    assert_true(run->n_data_signals <= run->n_waits + 1);
    assert_true(run->n_data_signals < run->n_messages);
    print_message("# signal suppression: %llu messages, %llu data signals, %llu space signals\n",
                  (unsigned long long)run->n_messages, (unsigned long long)run->n_data_signals,
                  (unsigned long long)run->n_space_signals);
    free(run);
}

/* ---- channel: payloads in a shared data region ---- */

#define CHANNEL_MESSAGES (STRESS_MESSAGES / 200)
#define CHANNEL_BUFFERS 32u
#define CHANNEL_BUFFER_BYTES 256u

struct channel_run {
    void *rings;
    uint8_t *data;
    uint64_t received, n_errors;
    char first_error[160];
};

/* Payload of message seq: its length and bytes follow from seq alone. */
static uint32_t payload_length(uint64_t seq)
{
    return 8 + (uint32_t)(seq * 37 % (CHANNEL_BUFFER_BYTES - 8));
}

static uint8_t payload_byte(uint64_t seq, uint32_t i)
{
    return (uint8_t)(seq * 131 + i * 7 + (seq >> 8));
}

static void *channel_sender(void *arg)
{
    struct channel_run *run = arg;
    kaal_ring_sender_t s;
    kaal_ring_sender_attach(&s, run->rings, run->data, CHANNEL_BUFFERS * CHANNEL_BUFFER_BYTES);
    unsigned spins = 0;
    for (uint64_t seq = 0; seq < CHANNEL_MESSAGES;) {
        kaal_ring_desc_t buf;
        uint8_t *p = kaal_ring_sender_get_buffer(&s, &buf);
        if (p == NULL) {
            backoff(&spins);
            continue;
        }
        buf.length_bytes = payload_length(seq);
        memcpy(p, &seq, sizeof(seq));
        for (uint32_t i = 8; i < buf.length_bytes; i++)
            p[i] = payload_byte(seq, i);
        while (kaal_ring_sender_send(&s, &buf) != KAAL_OK)
            backoff(&spins);
        seq++;
    }
    return NULL;
}

static void *channel_receiver(void *arg)
{
    struct channel_run *run = arg;
    kaal_ring_receiver_t r;
    kaal_ring_receiver_attach(&r, run->rings, run->data, CHANNEL_BUFFERS * CHANNEL_BUFFER_BYTES);
    unsigned spins = 0;
    for (uint64_t expect = 0; expect < CHANNEL_MESSAGES;) {
        kaal_ring_desc_t buf;
        const uint8_t *p = kaal_ring_receiver_recv(&r, &buf);
        if (p == NULL) {
            backoff(&spins);
            continue;
        }
        uint64_t seq;
        memcpy(&seq, p, sizeof(seq));
        bool ok = seq == expect && buf.length_bytes == payload_length(seq);
        for (uint32_t i = 8; ok && i < buf.length_bytes; i++)
            ok = p[i] == payload_byte(seq, i);
        if (!ok && run->n_errors++ == 0)
            snprintf(run->first_error, sizeof(run->first_error),
                     "expected message %llu, got %llu (length %u) or its bytes differ",
                     (unsigned long long)expect, (unsigned long long)seq, buf.length_bytes);
        buf.length_bytes = CHANNEL_BUFFER_BYTES;
        while (kaal_ring_receiver_release(&r, &buf) != KAAL_OK)
            backoff(&spins);
        expect++;
        run->received = expect;
    }
    return NULL;
}

static void test_channel_moves_payloads_intact_between_threads(void **state)
{
    (void)state;
    struct channel_run run = {
        .rings = alloc_shared(kaal_ring_channel_bytes(CHANNEL_BUFFERS)),
        .data = alloc_shared(CHANNEL_BUFFERS * CHANNEL_BUFFER_BYTES),
    };
    assert_int_equal(kaal_ring_channel_init(run.rings, kaal_ring_channel_bytes(CHANNEL_BUFFERS),
                                            CHANNEL_BUFFERS, CHANNEL_BUFFERS, CHANNEL_BUFFER_BYTES),
                     KAAL_OK);
    pthread_t ts, tr;
    assert_int_equal(pthread_create(&tr, NULL, channel_receiver, &run), 0);
    assert_int_equal(pthread_create(&ts, NULL, channel_sender, &run), 0);
    pthread_join(ts, NULL);
    pthread_join(tr, NULL);
    free(run.rings);
    free(run.data);
    if (run.n_errors)
        fail_msg("%llu bad payloads; first: %s", (unsigned long long)run.n_errors, run.first_error);
    assert_int_equal(run.received, CHANNEL_MESSAGES);
}

/* ---- MPMC ---- */

#define MPMC_PRODUCERS 2
#define MPMC_CONSUMERS 2

struct mpmc_run {
    kaal_mpmc_t *q;
    uint64_t per_producer;
    _Atomic uint64_t consumed;
    _Atomic uint64_t *seen[MPMC_PRODUCERS]; /* one bit per sequence number */
    _Atomic uint64_t n_errors;
    _Atomic bool abort_run;
};

struct mpmc_worker {
    struct mpmc_run *run;
    uint16_t id;
    char first_error[160];
};

static void *mpmc_producer(void *arg)
{
    struct mpmc_worker *w = arg;
    struct mpmc_run *run = w->run;
    unsigned spins = 0;
    for (uint64_t seq = 0; seq < run->per_producer;) {
        kaal_ring_desc_t d = message(seq, w->id);
        if (kaal_mpmc_enqueue(run->q, &d) == KAAL_OK)
            seq++;
        else if (atomic_load_explicit(&run->abort_run, memory_order_relaxed))
            break;
        else
            backoff(&spins);
    }
    return NULL;
}

static void mpmc_error(struct mpmc_worker *w, const char *what, const kaal_ring_desc_t *d)
{
    if (atomic_fetch_add(&w->run->n_errors, 1) < 4 && w->first_error[0] == 0)
        snprintf(w->first_error, sizeof(w->first_error),
                 "consumer %u: %s (producer %u seq %llu checksum %08x)", w->id, what, d->cookie,
                 (unsigned long long)d->offset, d->length_bytes);
}

static void *mpmc_consumer(void *arg)
{
    struct mpmc_worker *w = arg;
    struct mpmc_run *run = w->run;
    uint64_t next_min[MPMC_PRODUCERS] = {0}; /* per producer, order must increase */
    uint64_t local = 0, total = MPMC_PRODUCERS * run->per_producer;
    unsigned spins = 0;
    for (;;) {
        kaal_ring_desc_t d;
        if (kaal_mpmc_dequeue(run->q, &d) != KAAL_OK) {
            uint64_t done = atomic_fetch_add(&run->consumed, local) + local;
            local = 0;
            if (done >= total || atomic_load(&run->abort_run))
                break;
            backoff(&spins);
            continue;
        }
        local++;
        if (d.cookie >= MPMC_PRODUCERS || d.offset >= run->per_producer ||
            d.length_bytes != checksum(d.offset, d.cookie)) {
            mpmc_error(w, "corrupt message", &d);
            continue;
        }
        if (d.offset < next_min[d.cookie])
            mpmc_error(w, "reordered message", &d);
        next_min[d.cookie] = d.offset + 1;
        uint64_t bit = 1ull << (d.offset % 64);
        if (atomic_fetch_or(&run->seen[d.cookie][d.offset / 64], bit) & bit)
            mpmc_error(w, "duplicated message", &d);
    }
    return NULL;
}

static void test_mpmc_two_to_two_delivers_every_message_once(void **state)
{
    (void)state;
    struct mpmc_run run = {.per_producer = STRESS_MESSAGES / MPMC_PRODUCERS};
    const uint32_t capacity = 256;
    run.q = alloc_shared(kaal_mpmc_bytes(capacity));
    assert_int_equal(kaal_mpmc_init(run.q, kaal_mpmc_bytes(capacity), capacity), KAAL_OK);
    size_t n_words = (run.per_producer + 63) / 64;
    for (int p = 0; p < MPMC_PRODUCERS; p++)
        run.seen[p] = calloc(n_words, sizeof(uint64_t));
    struct mpmc_worker prod[MPMC_PRODUCERS], cons[MPMC_CONSUMERS];
    pthread_t tp[MPMC_PRODUCERS], tc[MPMC_CONSUMERS];
    for (int i = 0; i < MPMC_CONSUMERS; i++) {
        cons[i] = (struct mpmc_worker){.run = &run, .id = (uint16_t)i};
        assert_int_equal(pthread_create(&tc[i], NULL, mpmc_consumer, &cons[i]), 0);
    }
    for (int i = 0; i < MPMC_PRODUCERS; i++) {
        prod[i] = (struct mpmc_worker){.run = &run, .id = (uint16_t)i};
        assert_int_equal(pthread_create(&tp[i], NULL, mpmc_producer, &prod[i]), 0);
    }
    for (int i = 0; i < MPMC_PRODUCERS; i++)
        pthread_join(tp[i], NULL);
    for (int i = 0; i < MPMC_CONSUMERS; i++)
        pthread_join(tc[i], NULL);

    uint64_t missing = 0;
    for (int p = 0; p < MPMC_PRODUCERS; p++) {
        for (uint64_t seq = 0; seq < run.per_producer; seq++)
            if (!(atomic_load_explicit(&run.seen[p][seq / 64], memory_order_relaxed) &
                  (1ull << (seq % 64))))
                missing++;
        free(run.seen[p]);
    }
    free(run.q);
    for (int i = 0; i < MPMC_CONSUMERS; i++)
        if (cons[i].first_error[0])
            print_error("%s\n", cons[i].first_error);
    assert_int_equal(atomic_load(&run.n_errors), 0);
    assert_int_equal(missing, 0);
    assert_int_equal(atomic_load(&run.consumed), MPMC_PRODUCERS * run.per_producer);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spsc_one_to_one_delivers_every_message_in_order),
        cmocka_unit_test(test_spsc_small_ring_delivers_every_message_in_order),
        cmocka_unit_test(test_spsc_with_signal_suppression_never_loses_a_wakeup),
        cmocka_unit_test(test_channel_moves_payloads_intact_between_threads),
        cmocka_unit_test(test_mpmc_two_to_two_delivers_every_message_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
