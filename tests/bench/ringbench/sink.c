// SPDX-License-Identifier: BSD-2-Clause
/*
 * Ring benchmark sink: the receiving side of the three phases src drives.
 *  1. bulk: receives 4 KiB messages on `bulk` until one flagged
 *     END_PHASE, sums every word of each, returns each buffer, and answers
 *     with a done message (count, sum) on `back`;
 *  2. round trip: answers each 8-byte message on `bulk` with its value
 *     plus one on `back`, until END_PHASE;
 *  3. calls: serves seL4_Call on `calls` forever: LABEL_SHM sums the 4 KiB
 *     shared buffer (data region of `shm`), LABEL_MRS sums the message
 *     registers; the answer is the sum in MR 0.
 * Signal suppression as in apps/ringdemo: signal the peer only when it
 * armed, arm and wait only when there is nothing to do.
 */
#include <kaal/ring.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>

#include "ringbench.h"
#include "ringbench_sink_caps.h"

static kaal_ring_receiver_t bulk;
static kaal_ring_sender_t back;

static void wait_events(void)
{
    seL4_Word bits;
    seL4_Wait(KAAL_CAP_EVENTS, &bits);
}

/* Sends two words on `back`, waiting for a free buffer if need be. */
static void send_back(uint64_t a, uint64_t b)
{
    kaal_ring_desc_t d;
    uint64_t *p;
    while ((p = kaal_ring_sender_get_buffer(&back, &d)) == NULL)
        if (kaal_ring_consumer_arm(&back.free))
            wait_events();
    p[0] = a;
    p[1] = b;
    d.length_bytes = 16;
    kaal_ring_sender_send(&back, &d);
    if (kaal_ring_producer_should_signal(&back.active))
        seL4_Signal(KAAL_CAP_BACK);
}

static void bulk_phase(void)
{
    uint64_t count = 0, sum = 0;
    for (;;) {
        unsigned got = 0;
        bool end = false;
        kaal_ring_desc_t d;
        const uint64_t *p;
        while ((p = kaal_ring_receiver_recv(&bulk, &d)) != NULL) {
            sum += (d.flags & RINGBENCH_FLAG_COPY) ? ringbench_copy_out(p, d.length_bytes)
                                                   : ringbench_sum(p, d.length_bytes / 8);
            count++;
            end = (d.flags & RINGBENCH_FLAG_END_PHASE) != 0;
            kaal_ring_receiver_release(&bulk, &d);
            got++;
            if (end)
                break;
        }
        if (got > 0 && kaal_ring_producer_should_signal(&bulk.free))
            seL4_Signal(KAAL_CAP_BULK);
        if (end) {
            send_back(count, sum);
            return;
        }
        if (got == 0 && kaal_ring_consumer_arm(&bulk.active))
            wait_events();
    }
}

static void round_trip_phase(void)
{
    for (;;) {
        kaal_ring_desc_t d;
        const uint64_t *p = kaal_ring_receiver_recv(&bulk, &d);
        if (p == NULL) {
            if (kaal_ring_consumer_arm(&bulk.active))
                wait_events();
            continue;
        }
        uint64_t v = p[0];
        bool end = (d.flags & RINGBENCH_FLAG_END_PHASE) != 0;
        kaal_ring_receiver_release(&bulk, &d);
        if (kaal_ring_producer_should_signal(&bulk.free))
            seL4_Signal(KAAL_CAP_BULK);
        if (end)
            return;
        send_back(v + 1, 0);
    }
}

_Noreturn static void call_phase(void)
{
    const uint64_t *shm = (const uint64_t *)KAAL_RING_SHM_DATA_VADDR;
    seL4_Word badge;
    seL4_MessageInfo_t req = seL4_Recv(KAAL_CAP_CALLS, &badge);
    for (;;) {
        uint64_t sum = 0;
        if (seL4_MessageInfo_get_label(req) == RINGBENCH_LABEL_SHM) {
            sum = ringbench_sum(shm, RINGBENCH_MSG_WORDS);
        } else if (seL4_MessageInfo_get_label(req) == RINGBENCH_LABEL_SHM_COPY) {
            sum = ringbench_copy_out(shm, RINGBENCH_MSG_BYTES);
        } else {
            seL4_Word n = seL4_MessageInfo_get_length(req);
            sum = ringbench_sum((const uint64_t *)&seL4_GetIPCBuffer()->msg[0],
                                (uint32_t)n);
        }
        seL4_SetMR(0, sum);
        req = seL4_ReplyRecv(KAAL_CAP_CALLS, seL4_MessageInfo_new(0, 0, 0, 1), &badge);
    }
}

int main(void)
{
    if (kaal_ring_receiver_attach(&bulk, (void *)KAAL_RING_BULK_QUEUE_VADDR,
                                  (void *)KAAL_RING_BULK_DATA_VADDR,
                                  KAAL_RING_BULK_DATA_SIZE_BYTES) != KAAL_OK ||
        kaal_ring_sender_attach(&back, (void *)KAAL_RING_BACK_QUEUE_VADDR,
                                (void *)KAAL_RING_BACK_DATA_VADDR,
                                KAAL_RING_BACK_DATA_SIZE_BYTES) != KAAL_OK) {
        printf("ringbench: sink cannot attach to its rings\n");
        return 1;
    }
    bulk_phase(); /* words summed */
    bulk_phase(); /* copied out */
    round_trip_phase();
    call_phase();
}
