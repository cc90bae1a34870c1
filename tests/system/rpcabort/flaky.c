// SPDX-License-Identifier: BSD-2-Clause
/* rpcabort's server: a plain seL4_Recv/ReplyRecv loop that knows nothing
 * of being aborted; the runtime answers the call it dies in (runtime/crt). */
#include <kaal/runtime.h>
#include <kaal/stdio.h>

#include "rpcabort_flaky_caps.h"
#include "rpcabort.h"

int main(void)
{
    printf("flaky: serving\n");
    seL4_Word badge;
    seL4_MessageInfo_t req = seL4_Recv(KAAL_CAP_CLIENTS, &badge);
    for (;;) {
        switch (seL4_MessageInfo_get_label(req)) {
        case RPCABORT_FAULT:
            *(volatile int *)0 = 1;
            break;
        case RPCABORT_SPIN:
            seL4_Signal(KAAL_CAP_KILLER);
            for (;;)
                seL4_Yield();
        default:
            break;
        }
        seL4_SetMR(0, seL4_GetMR(0) + 1);
        req = seL4_ReplyRecv(KAAL_CAP_CLIENTS, seL4_MessageInfo_new(0, 0, 0, 1), &badge);
    }
}
