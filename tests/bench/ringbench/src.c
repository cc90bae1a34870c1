// SPDX-License-Identifier: BSD-2-Clause
/*
 * Ring benchmark source: times, in guest TSC cycles (lfence; rdtsc),
 *   ring_bulk_4k    RINGBENCH_MESSAGES messages of 4 KiB over the `bulk`
 *                   ring channel: src writes every word of each buffer,
 *                   sink reads every word and returns the buffer; signal
 *                   suppression, a should_signal per batch of up to 64
 *                   (BATCH; the ring holds 64 buffers).
 *                   Timed from the first fill to sink's done message (so
 *                   the sink's reads are inside the time);
 *   ring_rt_1msg    median of RINGBENCH_RT_SAMPLES round trips of one
 *                   8-byte message: enqueue on `bulk`, signal the armed
 *                   sink, arm and wait for its answer on `back`;
 *   call_bulk_4k    the same 4 KiB messages, each written into the 4 KiB
 *                   buffer shared with sink (data region of `shm`) and
 *                   handed over with ONE seL4_Call; sink reads all 4 KiB
 *                   before it replies (the same data movement as the ring,
 *                   with one Call round trip per message instead of ring
 *                   descriptors and suppressed signals);
 *   call_mr_bulk_4k the 4 KiB copied through the IPC buffer instead: 5
 *                   seL4_Calls per message (4 x 120 message registers +
 *                   1 x 32, since a message holds at most 960 bytes).
 * Every variant checks the sink's sums against its own. Prints
 * `ringbench: <name> <cycles> <bytes>` (round trip: `<cycles> 8`) and the
 * signals/waits the ring phase made, then exits.
 */
#include <stdbool.h>

#include <kaal/ring.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>
#include <kaal/timing.h>

#include "ringbench.h"
#include "ringbench_src_caps.h"

#define BATCH 64

static kaal_ring_sender_t bulk;
static kaal_ring_receiver_t back;
static unsigned long n_signals, n_waits;
static uint64_t samples[RINGBENCH_RT_SAMPLES];

static void wait_events(void)
{
    seL4_Word bits;
    seL4_Wait(KAAL_CAP_EVENTS, &bits);
    n_waits++;
}

/* The next answer on `back` (two words), waiting for it if need be. */
static void recv_back(uint64_t *a, uint64_t *b)
{
    kaal_ring_desc_t d;
    const uint64_t *p;
    while ((p = kaal_ring_receiver_recv(&back, &d)) == NULL)
        if (kaal_ring_consumer_arm(&back.active))
            wait_events();
    *a = p[0];
    *b = p[1];
    kaal_ring_receiver_release(&back, &d);
    if (kaal_ring_producer_should_signal(&back.free)) {
        seL4_Signal(KAAL_CAP_BACK);
        n_signals++;
    }
}

/* The copy variants' source block (ringbench_copy_out). */
static uint64_t payload[RINGBENCH_MSG_WORDS];

/* Message seq into buf: every word written, as the variant says; returns
 * what the sink will report for it. */
static uint64_t produce(uint64_t *buf, uint64_t seq, bool copy)
{
    if (!copy)
        return ringbench_fill(buf, seq, 0, RINGBENCH_MSG_WORDS);
    payload[0] = seq;
    memcpy(buf, payload, RINGBENCH_MSG_BYTES);
    return ringbench_copy_expect(seq);
}

/* Times the 4 KiB bulk transfer over the ring. */
static int ring_bulk(bool copy)
{
    uint64_t sum = 0, seq = 0;
    n_signals = n_waits = 0;
    uint64_t t0 = kaal_rdtsc();
    while (seq < RINGBENCH_MESSAGES) {
        unsigned sent = 0;
        while (sent < BATCH && seq < RINGBENCH_MESSAGES) {
            kaal_ring_desc_t d;
            uint64_t *p = kaal_ring_sender_get_buffer(&bulk, &d);
            if (p == NULL)
                break;
            sum += produce(p, seq, copy);
            d.length_bytes = RINGBENCH_MSG_BYTES;
            d.flags = (seq + 1 == RINGBENCH_MESSAGES ? RINGBENCH_FLAG_END_PHASE : 0) |
                      (copy ? RINGBENCH_FLAG_COPY : 0);
            kaal_ring_sender_send(&bulk, &d);
            seq++;
            sent++;
        }
        if (sent > 0 && kaal_ring_producer_should_signal(&bulk.active)) {
            seL4_Signal(KAAL_CAP_BULK);
            n_signals++;
        }
        if (sent == 0 && kaal_ring_consumer_arm(&bulk.free))
            wait_events();
    }
    uint64_t count, sink_sum;
    recv_back(&count, &sink_sum);
    uint64_t t1 = kaal_rdtsc();
    if (count != RINGBENCH_MESSAGES || sink_sum != sum) {
        printf("ringbench: ring bulk: sink read %lu messages, sum %lx, expected %lx\n",
               (unsigned long)count, (unsigned long)sink_sum, (unsigned long)sum);
        return -1;
    }
    const char *name = copy ? "ring_bulk_4k_copy" : "ring_bulk_4k";
    printf("ringbench: %s %lu %lu\n", name, (unsigned long)(t1 - t0),
           (unsigned long)RINGBENCH_MESSAGES * RINGBENCH_MSG_BYTES);
    printf("ringbench: %s_signals %lu waits %lu\n", name, n_signals, n_waits);
    return 0;
}

static void send_small(uint64_t v, uint16_t flags)
{
    kaal_ring_desc_t d;
    uint64_t *p;
    while ((p = kaal_ring_sender_get_buffer(&bulk, &d)) == NULL)
        if (kaal_ring_consumer_arm(&bulk.free))
            wait_events();
    p[0] = v;
    d.length_bytes = 8;
    d.flags = flags;
    kaal_ring_sender_send(&bulk, &d);
    if (kaal_ring_producer_should_signal(&bulk.active)) {
        seL4_Signal(KAAL_CAP_BULK);
        n_signals++;
    }
}

static int ring_round_trip(void)
{
    for (uint32_t i = 0; i < RINGBENCH_RT_SAMPLES; i++) {
        uint64_t a, b;
        uint64_t t0 = kaal_rdtsc();
        send_small(i, 0);
        recv_back(&a, &b);
        samples[i] = kaal_rdtsc() - t0;
        if (a != (uint64_t)i + 1) {
            printf("ringbench: round trip %u answered %lu\n", i, (unsigned long)a);
            return -1;
        }
    }
    send_small(0, RINGBENCH_FLAG_END_PHASE);
    printf("ringbench: ring_rt_1msg %lu 8\n",
           (unsigned long)kaal_median_u64(samples, RINGBENCH_RT_SAMPLES));
    return 0;
}

static int call_bulk(bool copy)
{
    uint64_t *shm = (uint64_t *)KAAL_RING_SHM_DATA_VADDR;
    seL4_Word label = copy ? RINGBENCH_LABEL_SHM_COPY : RINGBENCH_LABEL_SHM;
    uint64_t t0 = kaal_rdtsc();
    for (uint64_t seq = 0; seq < RINGBENCH_MESSAGES; seq++) {
        uint64_t sum = produce(shm, seq, copy);
        seL4_Call(KAAL_CAP_SINK, seL4_MessageInfo_new(label, 0, 0, 0));
        if (seL4_GetMR(0) != sum) {
            printf("ringbench: call bulk: message %lu summed wrong\n", (unsigned long)seq);
            return -1;
        }
    }
    uint64_t t1 = kaal_rdtsc();
    printf("ringbench: %s %lu %lu\n", copy ? "call_bulk_4k_copy" : "call_bulk_4k",
           (unsigned long)(t1 - t0),
           (unsigned long)RINGBENCH_MESSAGES * RINGBENCH_MSG_BYTES);
    return 0;
}

static int call_mr_bulk(void)
{
    uint64_t *mrs = (uint64_t *)&seL4_GetIPCBuffer()->msg[0];
    uint64_t t0 = kaal_rdtsc();
    for (uint64_t seq = 0; seq < RINGBENCH_MESSAGES; seq++) {
        for (uint32_t first = 0; first < RINGBENCH_MSG_WORDS; first += seL4_MsgMaxLength) {
            uint32_t n = RINGBENCH_MSG_WORDS - first;
            if (n > seL4_MsgMaxLength)
                n = seL4_MsgMaxLength;
            uint64_t sum = ringbench_fill(mrs, seq, first, n);
            seL4_Call(KAAL_CAP_SINK, seL4_MessageInfo_new(RINGBENCH_LABEL_MRS, 0, 0, n));
            if (seL4_GetMR(0) != sum) {
                printf("ringbench: call mr bulk: message %lu summed wrong\n",
                       (unsigned long)seq);
                return -1;
            }
        }
    }
    uint64_t t1 = kaal_rdtsc();
    printf("ringbench: call_mr_bulk_4k %lu %lu\n", (unsigned long)(t1 - t0),
           (unsigned long)RINGBENCH_MESSAGES * RINGBENCH_MSG_BYTES);
    return 0;
}

int main(void)
{
    if (kaal_ring_sender_attach(&bulk, (void *)KAAL_RING_BULK_QUEUE_VADDR,
                                (void *)KAAL_RING_BULK_DATA_VADDR,
                                KAAL_RING_BULK_DATA_SIZE_BYTES) != KAAL_OK ||
        kaal_ring_receiver_attach(&back, (void *)KAAL_RING_BACK_QUEUE_VADDR,
                                  (void *)KAAL_RING_BACK_DATA_VADDR,
                                  KAAL_RING_BACK_DATA_SIZE_BYTES) != KAAL_OK) {
        printf("ringbench: src cannot attach to its rings\n");
        return 1;
    }
    for (uint32_t j = 0; j < RINGBENCH_MSG_WORDS; j++)
        payload[j] = ringbench_word(0, j);
    if (ring_bulk(false) != 0 || ring_bulk(true) != 0 || ring_round_trip() != 0 ||
        call_bulk(false) != 0 || call_bulk(true) != 0 || call_mr_bulk() != 0)
        return 1;
    return 0;
}
