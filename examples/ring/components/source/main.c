// SPDX-License-Identifier: BSD-2-Clause
/* source: the producer of tutorial 3. It takes a free buffer from the
 * ring (kaal_ring_sender_get_buffer), writes a line into it, and sends its
 * descriptor. It signals the sink only when the sink said it is waiting
 * (kaal_ring_producer_should_signal), and when no buffer is free it arms
 * the free queue and waits for the sink to give some back: while both
 * sides are busy, no system call is made. */
#include <kaal/ring.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>

#include "source_caps.h"

#define N_LINES 100
#define LAST_LINE 1u /* descriptor flag: the stream ends here */

int main(void)
{
    kaal_ring_sender_t out;
    if (kaal_ring_sender_attach(&out, (void *)KAAL_RING_OUT_QUEUE_VADDR,
                                (void *)KAAL_RING_OUT_DATA_VADDR,
                                KAAL_RING_OUT_DATA_SIZE_BYTES) != KAAL_OK) {
        printf("source: cannot attach to the ring\n");
        return 1;
    }
    unsigned long bytes = 0, signals = 0, waits = 0;
    for (int i = 0; i < N_LINES;) {
        kaal_ring_desc_t d;
        char *buf = kaal_ring_sender_get_buffer(&out, &d);
        if (buf != NULL) {
            int n = snprintf(buf, 64, "line %d", i);
            d.length_bytes = (uint32_t)n;
            d.flags = i + 1 == N_LINES ? LAST_LINE : 0;
            if (kaal_ring_sender_send(&out, &d) != KAAL_OK)
                return 1;
            bytes += (unsigned long)n;
            i++;
        }
        if (kaal_ring_producer_should_signal(&out.active)) {
            seL4_Signal(KAAL_CAP_OUT);
            signals++;
        }
        if (buf == NULL && kaal_ring_consumer_arm(&out.free)) {
            seL4_Word bits;
            seL4_Wait(KAAL_CAP_EVENTS, &bits);
            waits++;
        }
    }
    printf("source: sent %d lines, %lu bytes (%lu signals, %lu waits)\n", N_LINES, bytes, signals,
           waits);
    return 0;
}
