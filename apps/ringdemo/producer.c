// SPDX-License-Identifier: BSD-2-Clause
/*
 * Ring demo producer: sends RINGDEMO_MESSAGES messages through the `tx`
 * ring channel (kaal_ring_sender_t over the queues init formatted), each
 * with its sequence number, a payload and its checksum.
 *
 * Signal suppression: after each batch of sends it asks
 * kaal_ring_producer_should_signal and signals the consumer only if the
 * consumer armed (said it is waiting). When no buffer is free it arms its
 * own side of the free queue and waits on its events notification; the
 * consumer signals it only then. So while both sides are busy no system
 * call is made; it prints how many signals and waits it did.
 */
#include <kaal/ring.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>

#include "ringdemo_producer_caps.h"
#include "ringdemo.h"

#define BATCH 16

int main(void)
{
    kaal_ring_sender_t tx;
    if (kaal_ring_sender_attach(&tx, (void *)KAAL_RING_TX_QUEUE_VADDR,
                                (void *)KAAL_RING_TX_DATA_VADDR,
                                KAAL_RING_TX_DATA_SIZE_BYTES) != KAAL_OK) {
        printf("ringdemo: producer cannot attach to its ring\n");
        return 1;
    }
    uint32_t buffer_bytes = KAAL_RING_TX_DATA_SIZE_BYTES / KAAL_RING_TX_QUEUE_DEPTH;
    unsigned long signals = 0, waits = 0;
    uint64_t seq = 0;
    while (seq < RINGDEMO_MESSAGES) {
        unsigned sent = 0;
        while (sent < BATCH && seq < RINGDEMO_MESSAGES) {
            kaal_ring_desc_t d;
            ringdemo_msg_t *m = kaal_ring_sender_get_buffer(&tx, &d);
            if (m == NULL)
                break;
            uint32_t n = ringdemo_payload_bytes(seq);
            if (sizeof(*m) + n > buffer_bytes) {
                printf("ringdemo: producer buffers too small (%u bytes)\n", buffer_bytes);
                return 1;
            }
            for (uint32_t i = 0; i < n; i++)
                m->payload[i] = ringdemo_payload_byte(seq, i);
            m->seq = seq;
            m->payload_bytes = n;
            m->checksum = ringdemo_fnv1a(m->payload, n);
            d.length_bytes = (uint32_t)sizeof(*m) + n;
            d.flags = seq + 1 == RINGDEMO_MESSAGES ? RINGDEMO_FLAG_LAST : 0;
            if (kaal_ring_sender_send(&tx, &d) != KAAL_OK) {
                printf("ringdemo: producer send failed\n");
                return 1;
            }
            seq++;
            sent++;
        }
        if (sent > 0 && kaal_ring_producer_should_signal(&tx.active)) {
            seL4_Signal(KAAL_CAP_TX);
            signals++;
        }
        if (sent == 0 && kaal_ring_consumer_arm(&tx.free)) {
            seL4_Word bits;
            seL4_Wait(KAAL_CAP_EVENTS, &bits);
            waits++;
        }
    }
    printf("ringdemo: producer sent %lu messages, %lu signals, %lu waits\n",
           (unsigned long)seq, signals, waits);
    return 0;
}
