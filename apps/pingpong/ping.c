// SPDX-License-Identifier: BSD-2-Clause
/* RPC client: calls pong ROUNDS times, checks every answer, reports the
 * median round trip in TSC cycles. */
#include <kaal/runtime.h>
#include <kaal/stdio.h>
#include <kaal/timing.h>

#include "ping_caps.h"

#define ROUNDS 1000

static uint64_t cycles[ROUNDS];

int main(void)
{
    for (seL4_Word i = 0; i < ROUNDS; i++) {
        seL4_SetMR(0, i);
        uint64_t t0 = kaal_rdtsc();
        seL4_MessageInfo_t reply = seL4_Call(KAAL_CAP_PONG, seL4_MessageInfo_new(0, 0, 0, 1));
        cycles[i] = kaal_rdtsc() - t0;
        if (seL4_MessageInfo_get_length(reply) != 1 || seL4_GetMR(0) != i + 1) {
            printf("ping: call %lu answered %lu\n", (unsigned long)i, (unsigned long)seL4_GetMR(0));
            return 1;
        }
    }
    printf("ping: %d calls answered correctly, round trip median %lu cycles\n", ROUNDS,
           (unsigned long)kaal_median_u64(cycles, ROUNDS));
    return 0;
}
