// SPDX-License-Identifier: BSD-2-Clause
/* sink: the consumer of tutorial 3. It takes each descriptor the source
 * sent (kaal_ring_receiver_recv), reads the line where it points in the
 * shared data region, checks it is the next one, and gives the buffer
 * back (kaal_ring_receiver_release). When the queue is empty it arms it
 * and waits for the source's signal. */
#include <kaal/ring.h>
#include <kaal/runtime.h>
#include <kaal/stdio.h>
#include <kaal/string.h>

#include "sink_caps.h"

#define LAST_LINE 1u

int main(void)
{
    kaal_ring_receiver_t in;
    if (kaal_ring_receiver_attach(&in, (void *)KAAL_RING_IN_QUEUE_VADDR,
                                  (void *)KAAL_RING_IN_DATA_VADDR,
                                  KAAL_RING_IN_DATA_SIZE_BYTES) != KAAL_OK) {
        printf("sink: cannot attach to the ring\n");
        return 1;
    }
    unsigned long lines = 0, bytes = 0, wrong = 0;
    bool last = false;
    while (!last) {
        kaal_ring_desc_t d;
        const char *text;
        bool got = false;
        while (!last && (text = kaal_ring_receiver_recv(&in, &d)) != NULL) {
            char expect[32];
            int n = snprintf(expect, sizeof(expect), "line %lu", lines);
            if (d.length_bytes != (uint32_t)n || memcmp(text, expect, (size_t)n) != 0)
                wrong++;
            if (lines % 25 == 0)
                printf("sink: got \"%.*s\"\n", (int)d.length_bytes, text);
            lines++;
            bytes += d.length_bytes;
            last = (d.flags & LAST_LINE) != 0;
            kaal_ring_receiver_release(&in, &d);
            got = true;
        }
        if (got && kaal_ring_producer_should_signal(&in.free))
            seL4_Signal(KAAL_CAP_IN);
        if (!got && kaal_ring_consumer_arm(&in.active)) {
            seL4_Word bits;
            seL4_Wait(KAAL_CAP_EVENTS, &bits);
        }
    }
    printf("sink: %lu lines, %lu bytes, %lu out of order\n", lines, bytes, wrong);
    return 0;
}
