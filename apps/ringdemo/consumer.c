// SPDX-License-Identifier: BSD-2-Clause
/*
 * Ring demo consumer: receives messages from the `rx` ring channel until
 * the one flagged last, checks that sequence numbers arrive in order with
 * none missing and that every payload byte and checksum is right, gives
 * each buffer back on the free queue, and prints
 * `ringdemo: N messages, E errors`.
 *
 * Signal suppression, the mirror of the producer: when the active queue is
 * empty it arms and waits; after returning buffers it signals the producer
 * only if the producer armed (it had run out of free buffers).
 */
#include <kaal/ring.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>

#include "ringdemo_consumer_caps.h"
#include "ringdemo.h"

static unsigned long check(const kaal_ring_desc_t *d, const ringdemo_msg_t *m, uint64_t expect)
{
    if (d->length_bytes < sizeof(*m) || m->seq != expect ||
        m->payload_bytes != ringdemo_payload_bytes(expect) ||
        d->length_bytes != sizeof(*m) + m->payload_bytes) {
        printf("ringdemo: message %lu: got seq %lu length %u\n", (unsigned long)expect,
               (unsigned long)m->seq, d->length_bytes);
        return 1;
    }
    for (uint32_t i = 0; i < m->payload_bytes; i++)
        if (m->payload[i] != ringdemo_payload_byte(expect, i)) {
            printf("ringdemo: message %lu: byte %u wrong\n", (unsigned long)expect, i);
            return 1;
        }
    if (ringdemo_fnv1a(m->payload, m->payload_bytes) != m->checksum) {
        printf("ringdemo: message %lu: bad checksum\n", (unsigned long)expect);
        return 1;
    }
    return 0;
}

int main(void)
{
    kaal_ring_receiver_t rx;
    if (kaal_ring_receiver_attach(&rx, (void *)KAAL_RING_RX_QUEUE_VADDR,
                                  (void *)KAAL_RING_RX_DATA_VADDR,
                                  KAAL_RING_RX_DATA_SIZE_BYTES) != KAAL_OK) {
        printf("ringdemo: consumer cannot attach to its ring\n");
        return 1;
    }
    unsigned long errors = 0, signals = 0, waits = 0;
    uint64_t expect = 0;
    bool last = false;
    while (!last) {
        unsigned got = 0;
        kaal_ring_desc_t d;
        const ringdemo_msg_t *m;
        while ((m = kaal_ring_receiver_recv(&rx, &d)) != NULL) {
            errors += check(&d, m, expect);
            expect = m->seq + 1; /* resynchronise after an error */
            last = (d.flags & RINGDEMO_FLAG_LAST) != 0;
            kaal_ring_receiver_release(&rx, &d);
            got++;
            if (last)
                break;
        }
        if (got > 0 && kaal_ring_producer_should_signal(&rx.free)) {
            seL4_Signal(KAAL_CAP_RX);
            signals++;
        }
        if (got == 0 && kaal_ring_consumer_arm(&rx.active)) {
            seL4_Word bits;
            seL4_Wait(KAAL_CAP_EVENTS, &bits);
            waits++;
        }
    }
    if (expect != RINGDEMO_MESSAGES)
        errors++;
    printf("ringdemo: consumer made %lu signals, %lu waits\n", signals, waits);
    printf("ringdemo: %lu messages, %lu errors\n", (unsigned long)expect, errors);
    return errors == 0 ? 0 : 1;
}
