// SPDX-License-Identifier: BSD-2-Clause
/*
 * Ring benchmarks, two threads pinned to different CPUs where possible.
 *   spsc_msgs_per_s / spsc_ns_per_msg        one descriptor per enqueue/dequeue
 *   spsc_batch_msgs_per_s / ..._ns_per_msg   batches of up to 32
 *     (the producer asks kaal_ring_producer_should_signal after every
 *     enqueue call, as a real data path does; the consumer polls)
 *   ring_bulk_4k_gb_per_s   4 KiB payloads through a free/active channel
 *     (64 buffers): the sender takes up to 16 free buffers at once, copies a
 *     payload into each and sends them with one publish; the receiver
 *     copies each out and returns them with one publish
 *   ring_bulk_4k_unbatched_gb_per_s  the same one buffer per ring operation
 *   memcpy_4k_stream_gb_per_s  one thread memcpy'ing 4 KiB blocks through
 *     64 MiB (memory-to-memory copy bandwidth)
 *   ring_bulk_vs_memcpy_4k  ring / stream memcpy
 *   memcpy_4k_hot_gb_per_s  one thread memcpy'ing 4 KiB blocks that stay in
 *     its cache (no cross-core traffic at all: an upper bound)
 *   ring_bulk_vs_memcpy_4k_hot  ring / hot memcpy
 *   mpmc_pair_uncontended   enqueue+dequeue on one thread, ns per pair
 *   mpmc_1p1c_ns_per_msg / mpmc_2p2c_ns_per_msg  cross-thread, per message
 * Each figure is the best of several runs.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <kaal/arch/cpu.h>
#include <kaal/ring.h>

#define RUNS 3
#define SPSC_MESSAGES 20000000u
#define BULK_MESSAGES 1000000u
#define BULK_BYTES 4096u
#define BULK_BUFFERS 64u
#define MPMC_MESSAGES 4000000u

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static long n_cpus;
static volatile uint64_t bench_sink; /* keeps results alive */

static void pin(int cpu)
{
    if (n_cpus < 2)
        return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu % n_cpus, &set);
    pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void relax(unsigned *spins)
{
    kaal_cpu_relax();
    if (++*spins > 256) {
        sched_yield();
        *spins = 0;
    }
}

static void *alloc_shared(size_t bytes)
{
    return aligned_alloc(64, (bytes + 63) & ~(size_t)63);
}

/* ---- SPSC descriptors ---- */

struct spsc_args {
    void *ring;
    uint32_t batch;
    bool check_signal; /* ask should_signal after every enqueue call */
    uint64_t sum;      /* consumer's checksum, so nothing is optimised away */
};

static void *spsc_producer(void *arg)
{
    struct spsc_args *a = arg;
    pin(0);
    kaal_ring_producer_t p;
    kaal_ring_producer_attach(&p, a->ring);
    kaal_ring_desc_t batch[32];
    unsigned spins = 0;
    for (uint32_t sent = 0; sent < SPSC_MESSAGES;) {
        uint32_t n = a->batch;
        if (n > SPSC_MESSAGES - sent)
            n = SPSC_MESSAGES - sent;
        for (uint32_t i = 0; i < n; i++)
            batch[i] = (kaal_ring_desc_t){.offset = sent + i, .length_bytes = 64};
        uint32_t done = n == 1 ? (kaal_ring_enqueue(&p, batch) == KAAL_OK)
                               : kaal_ring_enqueue_batch(&p, batch, n);
        if (done) {
            sent += done;
            if (a->check_signal)
                (void)kaal_ring_producer_should_signal(&p);
        } else {
            relax(&spins);
        }
    }
    return NULL;
}

static void *spsc_consumer(void *arg)
{
    struct spsc_args *a = arg;
    pin(1);
    kaal_ring_consumer_t c;
    kaal_ring_consumer_attach(&c, a->ring);
    kaal_ring_desc_t batch[32];
    unsigned spins = 0;
    uint64_t sum = 0;
    for (uint32_t got = 0; got < SPSC_MESSAGES;) {
        uint32_t n = a->batch == 1 ? (kaal_ring_dequeue(&c, batch) == KAAL_OK)
                                   : kaal_ring_dequeue_batch(&c, batch, a->batch);
        for (uint32_t i = 0; i < n; i++)
            sum += batch[i].offset;
        got += n;
        if (n == 0)
            relax(&spins);
    }
    a->sum = sum;
    return NULL;
}

static double spsc_ns_per_msg(uint32_t batch, bool check_signal)
{
    const uint32_t capacity = 512;
    double best = 1e30;
    for (int r = 0; r < RUNS; r++) {
        struct spsc_args a = {.ring = alloc_shared(kaal_ring_bytes(capacity)),
                              .batch = batch,
                              .check_signal = check_signal};
        kaal_ring_init(a.ring, kaal_ring_bytes(capacity), capacity);
        pthread_t tp, tc;
        double t0 = now_ns();
        pthread_create(&tc, NULL, spsc_consumer, &a);
        pthread_create(&tp, NULL, spsc_producer, &a);
        pthread_join(tp, NULL);
        pthread_join(tc, NULL);
        double t = (now_ns() - t0) / SPSC_MESSAGES;
        uint64_t want = (uint64_t)SPSC_MESSAGES * (SPSC_MESSAGES - 1) / 2;
        if (a.sum != want) {
            fprintf(stderr, "spsc: checksum mismatch\n");
            exit(1);
        }
        free(a.ring);
        best = t < best ? t : best;
    }
    return best;
}

/* ---- bulk 4 KiB through a channel ---- */

struct bulk_args {
    void *rings;
    uint8_t *data;
    const uint8_t *src; /* the sender's payloads */
    uint8_t *dst;       /* the receiver's private copy */
    uint32_t batch;     /* buffers per ring operation, <= BULK_BATCH */
    uint64_t sum;
};

#define BULK_BATCH 16u

/* Sender: takes up to `batch` free buffers at once, fills them, sends them
 * with one publish; the receiver mirrors it. */
static void *bulk_sender(void *arg)
{
    struct bulk_args *a = arg;
    pin(0);
    kaal_ring_sender_t s;
    kaal_ring_sender_attach(&s, a->rings, a->data, BULK_BUFFERS * BULK_BYTES);
    unsigned spins = 0;
    kaal_ring_desc_t bufs[BULK_BATCH];
    for (uint32_t sent = 0; sent < BULK_MESSAGES;) {
        uint32_t want = BULK_MESSAGES - sent < a->batch ? BULK_MESSAGES - sent : a->batch;
        uint32_t n = kaal_ring_dequeue_batch(&s.free, bufs, want);
        if (n == 0) {
            relax(&spins);
            continue;
        }
        for (uint32_t i = 0; i < n; i++) {
            uint8_t *p = kaal_ring_data_at(s.data, s.data_bytes, &bufs[i]);
            memcpy(p, a->src + (size_t)((sent + i) % 16) * BULK_BYTES, BULK_BYTES);
            bufs[i].length_bytes = BULK_BYTES;
        }
        kaal_ring_enqueue_batch(&s.active, bufs, n); /* never full: n buffers exist */
        (void)kaal_ring_producer_should_signal(&s.active);
        sent += n;
    }
    return NULL;
}

static void *bulk_receiver(void *arg)
{
    struct bulk_args *a = arg;
    pin(1);
    kaal_ring_receiver_t r;
    kaal_ring_receiver_attach(&r, a->rings, a->data, BULK_BUFFERS * BULK_BYTES);
    unsigned spins = 0;
    uint64_t sum = 0;
    kaal_ring_desc_t bufs[BULK_BATCH];
    for (uint32_t got = 0; got < BULK_MESSAGES;) {
        uint32_t n = kaal_ring_dequeue_batch(&r.active, bufs, a->batch);
        if (n == 0) {
            relax(&spins);
            continue;
        }
        for (uint32_t i = 0; i < n; i++) {
            const uint8_t *p = kaal_ring_data_at(r.data, r.data_bytes, &bufs[i]);
            uint8_t *out = a->dst + (size_t)((got + i) % 16) * BULK_BYTES;
            memcpy(out, p, bufs[i].length_bytes);
            sum += out[(got + i) % BULK_BYTES];
            bufs[i].length_bytes = BULK_BYTES;
        }
        kaal_ring_enqueue_batch(&r.free, bufs, n);
        (void)kaal_ring_producer_should_signal(&r.free);
        got += n;
    }
    a->sum = sum;
    return NULL;
}

static double bulk_gb_per_s(const uint8_t *src, uint8_t *dst, uint32_t batch)
{
    double best = 0;
    for (int r = 0; r < RUNS; r++) {
        struct bulk_args a = {
            .rings = alloc_shared(kaal_ring_channel_bytes(BULK_BUFFERS)),
            .data = alloc_shared(BULK_BUFFERS * BULK_BYTES),
            .src = src,
            .dst = dst,
            .batch = batch,
        };
        kaal_ring_channel_init(a.rings, kaal_ring_channel_bytes(BULK_BUFFERS), BULK_BUFFERS,
                               BULK_BUFFERS, BULK_BYTES);
        pthread_t ts, tr;
        double t0 = now_ns();
        pthread_create(&tr, NULL, bulk_receiver, &a);
        pthread_create(&ts, NULL, bulk_sender, &a);
        pthread_join(ts, NULL);
        pthread_join(tr, NULL);
        double gbs = (double)BULK_MESSAGES * BULK_BYTES / (now_ns() - t0);
        free(a.rings);
        free(a.data);
        best = gbs > best ? gbs : best;
    }
    return best;
}

/* memcpy of 4 KiB blocks on one thread. hot: the same blocks as the ring
 * (16 source blocks into the 64-buffer region: all in cache); stream: 64 MiB
 * into 64 MiB, i.e. the machine's memory-to-memory copy bandwidth. */
static double memcpy_gb_per_s(const uint8_t *src, uint8_t *dst, size_t src_bytes, size_t dst_bytes)
{
    double best = 0;
    const size_t n_bytes = 256u << 20;
    for (int r = 0; r < RUNS; r++) {
        size_t s = 0, d = 0;
        double t0 = now_ns();
        for (size_t done = 0; done < n_bytes; done += BULK_BYTES) {
            memcpy(dst + d, src + s, BULK_BYTES);
            __asm__ volatile("" : : "r"(dst) : "memory");
            s = s + BULK_BYTES == src_bytes ? 0 : s + BULK_BYTES;
            d = d + BULK_BYTES == dst_bytes ? 0 : d + BULK_BYTES;
        }
        double gbs = (double)n_bytes / (now_ns() - t0);
        best = gbs > best ? gbs : best;
    }
    return best;
}

/* ---- MPMC ---- */

struct mpmc_args {
    kaal_mpmc_t *q;
    uint32_t per_producer;
    uint32_t total;
    _Atomic uint32_t consumed;
};

struct mpmc_thread {
    struct mpmc_args *a;
    int cpu;
};

static void *mpmc_producer(void *arg)
{
    struct mpmc_thread *t = arg;
    pin(t->cpu);
    unsigned spins = 0;
    for (uint32_t i = 0; i < t->a->per_producer;) {
        kaal_ring_desc_t d = {.offset = i};
        if (kaal_mpmc_enqueue(t->a->q, &d) == KAAL_OK)
            i++;
        else
            relax(&spins);
    }
    return NULL;
}

static void *mpmc_consumer(void *arg)
{
    struct mpmc_thread *t = arg;
    pin(t->cpu);
    unsigned spins = 0;
    uint32_t local = 0;
    for (;;) {
        kaal_ring_desc_t d;
        if (kaal_mpmc_dequeue(t->a->q, &d) == KAAL_OK) {
            local++;
            continue;
        }
        uint32_t done = atomic_fetch_add(&t->a->consumed, local) + local;
        local = 0;
        if (done >= t->a->total)
            break;
        relax(&spins);
    }
    return NULL;
}

static double mpmc_ns_per_msg(int n_producers, int n_consumers)
{
    const uint32_t capacity = 1024;
    double best = 1e30;
    for (int r = 0; r < RUNS; r++) {
        struct mpmc_args a = {.q = alloc_shared(kaal_mpmc_bytes(capacity)),
                              .per_producer = MPMC_MESSAGES / (uint32_t)n_producers};
        a.total = a.per_producer * (uint32_t)n_producers;
        kaal_mpmc_init(a.q, kaal_mpmc_bytes(capacity), capacity);
        pthread_t th[8];
        struct mpmc_thread args[8];
        int n = 0;
        double t0 = now_ns();
        for (int i = 0; i < n_consumers; i++, n++) {
            args[n] = (struct mpmc_thread){.a = &a, .cpu = 1 + i};
            pthread_create(&th[n], NULL, mpmc_consumer, &args[n]);
        }
        for (int i = 0; i < n_producers; i++, n++) {
            args[n] = (struct mpmc_thread){.a = &a, .cpu = i};
            pthread_create(&th[n], NULL, mpmc_producer, &args[n]);
        }
        for (int i = 0; i < n; i++)
            pthread_join(th[i], NULL);
        double t = (now_ns() - t0) / a.total;
        free(a.q);
        best = t < best ? t : best;
    }
    return best;
}

static double mpmc_pair_uncontended(void)
{
    const uint32_t capacity = 1024;
    kaal_mpmc_t *q = alloc_shared(kaal_mpmc_bytes(capacity));
    kaal_mpmc_init(q, kaal_mpmc_bytes(capacity), capacity);
    double best = 1e30;
    uint64_t sum = 0;
    for (int r = 0; r < RUNS; r++) {
        double t0 = now_ns();
        for (uint32_t i = 0; i < MPMC_MESSAGES; i++) {
            kaal_ring_desc_t d = {.offset = i}, out;
            kaal_mpmc_enqueue(q, &d);
            kaal_mpmc_dequeue(q, &out);
            sum += out.offset;
        }
        double t = (now_ns() - t0) / MPMC_MESSAGES;
        best = t < best ? t : best;
    }
    free(q);
    bench_sink = sum;
    return best;
}

int main(void)
{
    n_cpus = sysconf(_SC_NPROCESSORS_ONLN);
    printf("bench: ring_host_cpus %ld cpus\n", n_cpus);

    double single = spsc_ns_per_msg(1, false);
    printf("bench: spsc_msgs_per_s %.0f msgs/s\n", 1e9 / single);
    printf("bench: spsc_ns_per_msg %.1f ns\n", single);
    double single_sig = spsc_ns_per_msg(1, true);
    printf("bench: spsc_signalcheck_ns_per_msg %.1f ns\n", single_sig);
    double batched = spsc_ns_per_msg(32, true);
    printf("bench: spsc_batch32_msgs_per_s %.0f msgs/s\n", 1e9 / batched);
    printf("bench: spsc_batch32_ns_per_msg %.1f ns\n", batched);

    uint8_t *src = alloc_shared(16 * BULK_BYTES), *dst = alloc_shared(16 * BULK_BYTES);
    memset(src, 0x5a, 16 * BULK_BYTES);
    memset(dst, 0, 16 * BULK_BYTES);
    double ring_gbs = bulk_gb_per_s(src, dst, BULK_BATCH);
    double ring_single_gbs = bulk_gb_per_s(src, dst, 1);
    uint8_t *shared = alloc_shared(BULK_BUFFERS * BULK_BYTES);
    double hot_gbs = memcpy_gb_per_s(src, shared, 16 * BULK_BYTES, BULK_BUFFERS * BULK_BYTES);
    free(shared);
    const size_t big = 64u << 20;
    uint8_t *big_src = alloc_shared(big), *big_dst = alloc_shared(big);
    memset(big_src, 0x33, big);
    memset(big_dst, 0, big);
    double stream_gbs = memcpy_gb_per_s(big_src, big_dst, big, big);
    free(big_src);
    free(big_dst);
    printf("bench: ring_bulk_4k_gb_per_s %.2f GB/s\n", ring_gbs);
    printf("bench: ring_bulk_4k_unbatched_gb_per_s %.2f GB/s\n", ring_single_gbs);
    printf("bench: memcpy_4k_stream_gb_per_s %.2f GB/s\n", stream_gbs);
    printf("bench: ring_bulk_vs_memcpy_4k %.2f x\n", ring_gbs / stream_gbs);
    printf("bench: memcpy_4k_hot_gb_per_s %.2f GB/s\n", hot_gbs);
    printf("bench: ring_bulk_vs_memcpy_4k_hot %.2f x\n", ring_gbs / hot_gbs);
    free(src);
    free(dst);

    printf("bench: mpmc_pair_uncontended %.1f ns/op\n", mpmc_pair_uncontended());
    printf("bench: mpmc_1p1c_ns_per_msg %.1f ns\n", mpmc_ns_per_msg(1, 1));
    printf("bench: mpmc_2p2c_ns_per_msg %.1f ns\n", mpmc_ns_per_msg(2, 2));
    return 0;
}
